#!/usr/bin/env python3
"""`make dist`'s checks of what it built (dist/):

1. every .vsix holds exactly its platform's native modules for each CPython it bundles (binary
   format, architecture and, on Linux, the C library, read from each file; a version whose wheel
   does not exist holds libcst's pure-Python part, as bundle.json records), and the universal one
   holds none;
2. the wheel installs into a fresh venv on every supported CPython (3.14 and 3.15 from
   `make pythons`) and `looplint check` runs on the examples (exit status 1: they hold findings on
   purpose).

    python3 scripts/dist_check.py
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist"
VERSIONS = ("3.10", "3.11", "3.12", "3.13", "3.14", "3.15")
# target -> (file-name suffixes of a CPython extension, binary format, machine)
EXPECTED = {
    "linux-x64": (("-x86_64-linux-gnu.so",), "elf", 0x3E),
    "linux-arm64": (("-aarch64-linux-gnu.so",), "elf", 0xB7),
    # CPython before 3.11 names its extensions -linux-gnu on musl too: the C library they link tells.
    "alpine-x64": (("-x86_64-linux-musl.so", "-x86_64-linux-gnu.so"), "elf", 0x3E),
    "darwin-x64": (("-darwin.so",), "macho", 0x01000007),
    "darwin-arm64": (("-darwin.so",), "macho", 0x0100000C),
    "win32-x64": (("-win_amd64.pyd",), "pe", 0x8664),
    "win32-arm64": (("-win_arm64.pyd",), "pe", 0xAA64),
}
# The C library a Linux target's modules link (the name in their dynamic section).
LIBC = {"linux-x64": b"libc.so.6", "linux-arm64": b"libc.so.6", "alpine-x64": b"libc.musl-x86_64.so.1"}
NATIVE = (".so", ".pyd", ".dylib")


def machine(data: bytes) -> tuple[str, set[int]]:
    if data[:4] == b"\x7fELF":
        return "elf", {int.from_bytes(data[18:20], "little")}
    if data[:4] == b"\xcf\xfa\xed\xfe":
        return "macho", {int.from_bytes(data[4:8], "little")}
    if data[:4] == b"\xca\xfe\xba\xbe":  # universal: every architecture inside
        count = int.from_bytes(data[4:8], "big")
        return "macho", {int.from_bytes(data[8 + 20 * i: 12 + 20 * i], "big") for i in range(count)}
    if data[:2] == b"MZ":
        pe = int.from_bytes(data[0x3C:0x40], "little")
        return "pe", {int.from_bytes(data[pe + 4: pe + 6], "little")}
    return "?", set()


def check_natives(target: str, names: list[str], read, bundle: dict, versions=VERSIONS) -> list[str]:
    """A platform bundle holds exactly its platform's native modules for each CPython it bundles.

    `names` are the bundle's files relative to its `libs/` folder (`cp312/libcst/native...so`),
    `read(name)` their bytes, `bundle` its bundle.json. Every compiled module must be in a
    version folder, in the target's binary format for its architecture and built for that
    version; every version must have libcst's native module, unless bundle.json records that no
    wheel has one (the server then runs without fixes).
    """
    errors = []
    suffixes, fmt, arch = EXPECTED[target]
    if bundle.get("target") != target:
        errors.append(f"bundle.json says target {bundle.get('target')!r}, not {target!r}")
    without = bundle.get("without_native", {})
    for name in (n for n in names if n.endswith(NATIVE)):
        tag = name.split("/")[0]
        data = read(name)
        kind, machines = machine(data[:4096])
        if not re.fullmatch(r"cp3\d+", tag):
            errors.append(f"{name}: a compiled module outside a version folder")
        elif kind != fmt or arch not in machines:
            errors.append(f"{name} is {kind} {sorted(map(hex, machines))}, not {fmt} {hex(arch)}")
        elif tag[2:] not in name.rsplit("/", 1)[1].replace(".", "") and "abi3" not in name:
            errors.append(f"{name} is not built for {tag}")
        elif not name.endswith(suffixes) and "abi3" not in name:
            errors.append(f"{name} does not end in {' or '.join(suffixes)}")
        elif target in LIBC and (LIBC[target] not in data or (b"libc.musl-" in data) != (b"musl" in LIBC[target])):
            errors.append(f"{name} does not link {LIBC[target].decode()}")
        elif name.split("/")[1] in without.get(tag, []):
            errors.append(f"{name}: bundle.json says {name.split('/')[1]} has no compiled modules for {tag}")
    for v in versions:
        tag = "cp" + v.replace(".", "")
        if not any(n.startswith(f"{tag}/") for n in names):
            errors.append(f"nothing bundled for {tag}")
            continue
        has_libcst = any(n.startswith(f"{tag}/libcst/native.") and n.endswith(NATIVE) for n in names)
        if not has_libcst and "libcst" not in without.get(tag, []):
            errors.append(f"no libcst native module for {tag}")
        if "libcst" in without.get(tag, []) and not any(n == f"{tag}/libcst/__init__.py" for n in names):
            errors.append(f"{tag}: libcst's pure-Python part is missing")
    return errors


def check_vsix(path: Path, version: str) -> list[str]:
    target = path.name[len("looplint-"): -len(f"-{version}.vsix")]
    with zipfile.ZipFile(path) as vsix:
        names = vsix.namelist()
        manifest = vsix.read("extension.vsixmanifest").decode()
        errors = [] if f'Version="{version}"' in manifest else [f"manifest version is not {version}"]
        natives = [n for n in names if n.endswith(NATIVE)]
        if target == "universal":
            if natives or not any(n.startswith("extension/bundled/wheel/looplint-") for n in names):
                errors.append("the universal package must hold the wheel and no native module")
            return [f"{path.name}: {e}" for e in errors]
        if f'TargetPlatform="{target}"' not in manifest:
            errors.append(f"manifest has no TargetPlatform {target}")
        prefix = "extension/bundled/libs/"
        bundle = json.loads(vsix.read(prefix + "bundle.json"))
        libs = [n[len(prefix):] for n in names if n.startswith(prefix)]
        errors += check_natives(target, libs, lambda n: vsix.read(prefix + n), bundle)
        for tag, gaps in bundle.get("without_native", {}).items():
            print(f"dist_check: {path.name}: {tag} bundles {', '.join(gaps)} without compiled modules (no wheel on PyPI)")
    return [f"{path.name}: {e}" for e in errors]


def check_bundle_dir(target: str, out: Path, versions) -> list[str]:
    """check_natives on a folder made by scripts/bundle_python.py."""
    libs = out / "libs"
    names = sorted(p.relative_to(libs).as_posix() for p in libs.rglob("*") if p.is_file())
    bundle = json.loads((libs / "bundle.json").read_text())
    return check_natives(target, names, lambda n: (libs / n).read_bytes(), bundle, versions)


PROVISIONED = ("3.14", "3.15")  # from `make pythons` (scripts/provision_python.py)


def make_venv(version: str, venv: Path) -> Path | None:
    """A fresh venv with pip on CPython `version`: pyenv's or the PATH's interpreter, or for 3.14 and
    3.15 the one `make pythons` provides (its venvs get pip from Debian's wheel)."""
    provision = ROOT / "scripts" / "provision_python.py"
    if version in PROVISIONED:
        subprocess.run([sys.executable, str(provision), "--venv", version, str(venv)], check=True,
                       stdout=subprocess.DEVNULL)
        return venv / "bin" / "python"
    pyenv = sorted(Path.home().glob(f".pyenv/versions/{version}.*/bin/python{version}"))
    python = str(pyenv[-1]) if pyenv else shutil.which(f"python{version}")
    if python is None:
        return None
    subprocess.run([python, "-m", "venv", str(venv)], check=True)
    return venv / "bin" / "python"


def check_wheel(wheel: Path) -> list[str]:
    errors = []
    for version in VERSIONS:
        with tempfile.TemporaryDirectory() as tmp:
            venv = Path(tmp) / "venv"
            bin_python = make_venv(version, venv)
            if bin_python is None:
                errors.append(f"no CPython {version} here to install the wheel into")
                continue
            subprocess.run([str(bin_python), "-m", "pip", "install", "-q", "--disable-pip-version-check", str(wheel)], check=True)
            result = subprocess.run([str(venv / "bin" / "looplint"), "check", "--no-cache", str(ROOT / "examples")],
                                    capture_output=True, text=True)
            found = result.stdout.strip().splitlines()[-1:] or ["(no output)"]
            running = subprocess.run([str(bin_python), "-c", "import sys; print(sys.version.split()[0])"],
                                     capture_output=True, text=True).stdout.strip()
            print(f"dist_check: CPython {running}: looplint check examples -> exit {result.returncode}: {found[0]}")
            if not running.startswith(version + ".") or result.returncode != 1 or "Found" not in result.stdout:
                errors.append(f"CPython {version}: looplint check on the examples: {result.returncode} {result.stderr[-500:]}")
    return errors


def main() -> int:
    version = next(l for l in (ROOT / "server/looplint/__init__.py").read_text().splitlines()
                   if l.startswith("__version__")).split('"')[1]
    errors = []
    vsix = sorted(DIST.glob(f"looplint-*-{version}.vsix"))
    targets = {p.name[len("looplint-"): -len(f"-{version}.vsix")] for p in vsix}
    for missing in sorted((set(EXPECTED) | {"universal"}) - targets):
        errors.append(f"dist/looplint-{missing}-{version}.vsix is missing")
    for path in vsix:
        errors += check_vsix(path, version)
        print(f"dist_check: {path.name}: {path.stat().st_size / 1e6:.1f} MB checked")
    errors += check_wheel(DIST / f"looplint-{version}-py3-none-any.whl")
    for error in errors:
        print(f"dist_check: error: {error}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
