#!/usr/bin/env python3
"""`make dist`'s checks of what it built (dist/):

1. every .vsix holds exactly its platform's native modules for each CPython it bundles (binary
   format and architecture read from each file's header), and the universal one holds none;
2. the wheel installs into a fresh venv on every supported CPython found here and `looplint check`
   runs on the examples (exit status 1: they hold findings on purpose).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist"
VERSIONS = ("3.10", "3.11", "3.12", "3.13", "3.14", "3.15")
# target -> (file-name suffix of a CPython extension, binary format, machine)
EXPECTED = {
    "linux-x64": ("-x86_64-linux-gnu.so", "elf", 0x3E),
    "linux-arm64": ("-aarch64-linux-gnu.so", "elf", 0xB7),
    "alpine-x64": ("-x86_64-linux-musl.so", "elf", 0x3E),
    "darwin-x64": ("-darwin.so", "macho", 0x01000007),
    "darwin-arm64": ("-darwin.so", "macho", 0x0100000C),
    "win32-x64": ("-win_amd64.pyd", "pe", 0x8664),
    "win32-arm64": ("-win_arm64.pyd", "pe", 0xAA64),
}
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


def check_vsix(path: Path, version: str) -> list[str]:
    errors = []
    target = path.name[len("looplint-"): -len(f"-{version}.vsix")]
    with zipfile.ZipFile(path) as vsix:
        names = vsix.namelist()
        manifest = vsix.read("extension.vsixmanifest").decode()
        if f'Version="{version}"' not in manifest:
            errors.append(f"{path.name}: manifest version is not {version}")
        natives = [n for n in names if n.endswith(NATIVE)]
        if target == "universal":
            if natives or not any(n.startswith("extension/bundled/wheel/looplint-") for n in names):
                errors.append(f"{path.name}: the universal package must hold the wheel and no native module")
            return errors
        if f'TargetPlatform="{target}"' not in manifest:
            errors.append(f"{path.name}: manifest has no TargetPlatform {target}")
        bundle = json.loads(vsix.read("extension/bundled/libs/bundle.json"))
        suffix, fmt, arch = EXPECTED[target]
        for name in natives:
            tag = name.split("/")[3]
            kind, machines = machine(vsix.read(name)[:4096])
            if not tag.startswith("cp3") or kind != fmt or arch not in machines:
                errors.append(f"{path.name}: {name} is {kind} {sorted(map(hex, machines))}, not {fmt} {hex(arch)}")
            elif f"{tag[2:]}" not in name.rsplit("/", 1)[1].replace(".", "") and "abi3" not in name:
                errors.append(f"{path.name}: {name} is not built for {tag}")
            elif not name.endswith(suffix) and "abi3" not in name:
                errors.append(f"{path.name}: {name} does not end in {suffix}")
        for v in VERSIONS:
            tag = "cp" + v.replace(".", "")
            has_libcst = any(n.startswith(f"extension/bundled/libs/{tag}/libcst/native.") for n in natives)
            if not has_libcst and "libcst" not in bundle.get("without_native", {}).get(tag, []):
                errors.append(f"{path.name}: no libcst native module for {tag}")
            if not any(n.startswith(f"extension/bundled/libs/{tag}/") for n in names):
                errors.append(f"{path.name}: nothing bundled for {tag}")
        for tag, gaps in bundle.get("without_native", {}).items():
            print(f"dist_check: {path.name}: {tag} bundles {', '.join(gaps)} without compiled modules (no wheel on PyPI)")
    return errors


def find_python(version: str) -> str | None:
    for exe in (shutil.which(f"python{version}"),):
        if exe:
            return exe
    provision = ROOT / "scripts" / "provision_python.py"
    pyenv = sorted(Path.home().glob(f".pyenv/versions/{version}.*/bin/python{version}"))
    if pyenv:
        return str(pyenv[-1])
    if provision.exists():
        out = subprocess.run([sys.executable, str(provision), version], capture_output=True, text=True)
        for line in out.stdout.splitlines():
            if line.startswith(version + " "):
                return line.split(" ", 1)[1].strip()
    return None


def check_wheel(wheel: Path) -> list[str]:
    errors = []
    for version in VERSIONS:
        python = find_python(version)
        if python is None:
            errors.append(f"no CPython {version} here to install the wheel into")
            continue
        with tempfile.TemporaryDirectory() as tmp:
            venv = Path(tmp) / "venv"
            subprocess.run([python, "-m", "venv", str(venv)], check=True)
            bin_python = venv / "bin" / "python"
            subprocess.run([str(bin_python), "-m", "pip", "install", "-q", "--disable-pip-version-check", str(wheel)], check=True)
            result = subprocess.run([str(venv / "bin" / "looplint"), "check", "--no-cache", str(ROOT / "examples")],
                                    capture_output=True, text=True)
            found = result.stdout.strip().splitlines()[-1:] or ["(no output)"]
            print(f"dist_check: CPython {version}: looplint check examples -> exit {result.returncode}: {found[0]}")
            if result.returncode != 1 or "Found" not in result.stdout:
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
