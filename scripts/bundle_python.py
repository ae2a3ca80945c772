#!/usr/bin/env python3
"""Build ``bundled/`` for one platform's VS Code extension: the looplint server and its dependencies
for every supported CPython, so that installing the .vsix is all a user needs
(``looplint.importStrategy: useBundled``).

    python3 scripts/bundle_python.py --target linux-x64 [--out bundled] [--versions 3.10,...,3.15]
    python3 scripts/bundle_python.py --target universal [--out bundled]

What it does, for a platform target (the names of ``vsce package --target``):
1. builds a wheel of this repository (so the dependency list is the one in ``pyproject.toml``);
2. resolves that wheel's dependencies for each CPython minor version *on the target platform*:
   the environment markers (``python_version``, ``sys_platform``, ``platform_machine``, ...) are
   evaluated for the target, not for the Python running this script, and every distribution is
   installed from a binary wheel for that platform (``pip install --no-deps --only-binary :all:
   --platform ... --python-version ... --target``);
3. moves every top-level entry that came out byte-identical for all versions (the pure-Python
   packages) to ``bundled/libs/common`` and leaves the rest (libcst's ``native`` module, tomli's
   compiled parts on 3.10) in ``bundled/libs/cpXY``;
4. copies the launcher to ``bundled/tool/launch.py``, writes ``bundled/libs/bundle.json`` (target,
   versions, sizes, a digest of what steps 2-3 depend on) and prints the sizes.

Run again on the same ``--out`` with the same requirements (and this script unchanged), it only
replaces looplint's own package in ``libs/common`` by the new wheel's: resolving and installing
every version for a target takes minutes, and a server edit changes none of it.

``--target universal`` bundles no server: that extension runs the looplint installed with the
user's interpreter, and ships only this repository's wheel (``bundled/wheel/``) so that its
install suggestion (``python -m pip install <that wheel>``) works before and after a release.

PyYAML (and pyyaml-ft) are left out: libcst requires them for its own command-line tool only
(``libcst/tool.py``), which looplint never imports, and they have no binary wheels for some
targets (win_arm64 on CPython 3.10 and 3.11).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from email.parser import Parser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUPPORTED_VERSIONS = ("3.10", "3.11", "3.12", "3.13", "3.14", "3.15")
# Requirements of our dependencies that the server never imports (see the docstring).
NOT_BUNDLED = frozenset({"pyyaml", "pyyaml-ft"})


@dataclass(frozen=True)
class Target:
    """A `vsce package --target` platform: its wheel tags and the values of its environment markers."""

    name: str
    wheel_platforms: tuple[str, ...]
    sys_platform: str
    platform_system: str
    platform_machine: str
    os_name: str


def _manylinux(arch: str) -> tuple[str, ...]:
    # VS Code needs glibc 2.28 or newer on Linux: wheels up to manylinux_2_28 load wherever it runs.
    tags = [f"manylinux_2_{minor}_{arch}" for minor in range(28, 16, -1)] + [f"manylinux2014_{arch}"]
    if arch == "x86_64":
        tags += ["manylinux2010_x86_64", "manylinux1_x86_64"]
    return tuple(tags)


def _macos(arch: str) -> tuple[str, ...]:
    # VS Code needs macOS 11 or newer; universal2 wheels hold both architectures.
    versions = ["11_0", "10_16", "10_15", "10_14", "10_13", "10_12", "10_11", "10_10", "10_9"]
    return tuple(f"macosx_{v}_{a}" for v in versions for a in (arch, "universal2"))


TARGETS = {
    t.name: t
    for t in (
        Target("linux-x64", _manylinux("x86_64"), "linux", "Linux", "x86_64", "posix"),
        Target("linux-arm64", _manylinux("aarch64"), "linux", "Linux", "aarch64", "posix"),
        Target("alpine-x64", ("musllinux_1_2_x86_64", "musllinux_1_1_x86_64"), "linux", "Linux", "x86_64", "posix"),
        Target("darwin-x64", _macos("x86_64"), "darwin", "Darwin", "x86_64", "posix"),
        Target("darwin-arm64", _macos("arm64"), "darwin", "Darwin", "arm64", "posix"),
        Target("win32-x64", ("win_amd64",), "win32", "Windows", "AMD64", "nt"),
        Target("win32-arm64", ("win_arm64",), "win32", "Windows", "ARM64", "nt"),
    )
}
UNIVERSAL = "universal"


def host_target() -> str:
    """The target of the machine running this script (the .vsix its own tests install)."""
    import platform

    machine = platform.machine().lower()
    arch = "arm64" if machine in ("aarch64", "arm64") else "x64"
    if sys.platform == "win32":
        return f"win32-{arch}"
    if sys.platform == "darwin":
        return f"darwin-{arch}"
    libc = platform.libc_ver()[0]
    return "alpine-x64" if not libc and arch == "x64" else f"linux-{arch}"


def log(msg: str) -> None:
    print(f"bundle_python: {msg}", flush=True)


def run(cmd: list[str], **kw) -> None:
    log("$ " + " ".join(cmd))
    subprocess.run(cmd, check=True, **kw)


def build_wheel(workdir: Path) -> Path:
    out = workdir / "wheel"
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--disable-pip-version-check", "-q", "-w", str(out), str(ROOT)])
    wheels = list(out.glob("*.whl"))
    if len(wheels) != 1:
        raise SystemExit(f"expected one wheel, got {wheels}")
    return wheels[0]


def marker_environment(target: Target, version: str) -> dict[str, str]:
    """What `python_version`, `sys_platform`, ... are for CPython `version` on `target`."""
    return {
        "implementation_name": "cpython",
        "implementation_version": f"{version}.0",
        "os_name": target.os_name,
        "platform_machine": target.platform_machine,
        "platform_python_implementation": "CPython",
        "platform_release": "",
        "platform_system": target.platform_system,
        "platform_version": "",
        "python_full_version": f"{version}.0",
        "python_version": version,
        "sys_platform": target.sys_platform,
        "extra": "",
    }


def requirements_of(target_dir: Path, env: dict[str, str]) -> dict[str, list[str]]:
    """name -> specifiers of every requirement (markers evaluated in `env`) of the distributions in `target_dir`."""
    from pip._vendor.packaging.requirements import Requirement
    from pip._vendor.packaging.utils import canonicalize_name

    found: dict[str, list[str]] = {}
    for metadata in sorted(target_dir.glob("*.dist-info/METADATA")):
        for line in Parser().parsestr(metadata.read_text(encoding="utf-8")).get_all("Requires-Dist") or []:
            req = Requirement(line)
            if req.marker is not None and not req.marker.evaluate(env):
                continue
            found.setdefault(canonicalize_name(req.name), []).append(str(req.specifier))
    return found


def installed_names(target_dir: Path) -> set[str]:
    from pip._vendor.packaging.utils import canonicalize_name

    return {
        canonicalize_name(Parser().parsestr(m.read_text(encoding="utf-8"))["Name"])
        for m in target_dir.glob("*.dist-info/METADATA")
    }


class NoWheel(Exception):
    """PyPI has no binary wheel of a distribution for this target and Python."""


def pip_install(cmd: list[str]) -> None:
    log("$ " + " ".join([*cmd[:12], "...", *cmd[-4:]]))
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode:
        missing = re.search(r"No matching distribution found for ([A-Za-z0-9_.\-]+)", proc.stderr)
        if missing:
            raise NoWheel(missing.group(1))
        sys.stderr.write(proc.stderr)
        raise subprocess.CalledProcessError(proc.returncode, cmd)


def install_for(target: Target, version: str, wheel: Path, dest: Path) -> list[str]:
    """Install `wheel` and what it needs on CPython `version` on `target` into `dest`.

    pip evaluates environment markers for the Python that runs it, whatever `--platform` and
    `--python-version` say, so pip resolves nothing here (`--no-deps`): the requirements are
    collected from the installed metadata with the target's markers, and everything is installed
    again in one pip run (so that pip intersects every specifier of a name) until nothing is missing.

    A distribution with no binary wheel at all for this target and Python (libcst has none for
    macOS x86_64 on CPython 3.15) gets its pure-Python part from the Linux x86_64 wheel, without the
    compiled modules: the server then runs without fixes and says so (lsp/actions.fixes_unavailable).
    Returns the names of such distributions.
    """
    from pip._vendor.packaging.utils import canonicalize_name

    nodot = version.replace(".", "")

    def cross(platforms: tuple[str, ...]) -> list[str]:
        return [
            sys.executable, "-m", "pip", "install", "--no-deps", "--no-compile", "--disable-pip-version-check", "-q",
            "--root-user-action=ignore", "--only-binary=:all:", "--python-version", version, "--implementation", "cp",
            "--abi", f"cp{nodot}", "--abi", "abi3", "--abi", "none",
            *[arg for tag in platforms for arg in ("--platform", tag)], "--target", str(dest),
        ]

    env = marker_environment(target, version)
    wanted: dict[str, list[str]] = {}
    no_wheel: set[str] = set()
    for _ in range(20):
        if dest.exists():
            shutil.rmtree(dest)
        requirements = {name: f"{name}{','.join(s for s in specs if s)}" for name, specs in sorted(wanted.items())}
        try:
            pip_install([*cross(target.wheel_platforms), str(wheel), *(r for n, r in requirements.items() if n not in no_wheel)])
        except NoWheel as exc:
            no_wheel.add(canonicalize_name(exc.args[0]))
            continue
        foreign = [r for n, r in requirements.items() if n in no_wheel]
        if foreign:
            before = set(dest.glob("*.dist-info"))
            pip_install([*cross(TARGETS["linux-x64"].wheel_platforms), *foreign])
            for dist_info in set(dest.glob("*.dist-info")) - before:
                strip_compiled(dest, dist_info)
        needed = {n: s for n, s in requirements_of(dest, env).items() if n not in NOT_BUNDLED}
        if set(needed) <= installed_names(dest) and all(wanted.get(n) == s for n, s in needed.items()):
            return sorted(no_wheel)
        wanted = needed
    raise SystemExit(f"{target.name} cp{nodot}: the requirements do not settle: {wanted}")


def strip_compiled(dest: Path, dist_info: Path) -> None:
    """Delete a distribution's compiled modules (they were built for another platform)."""
    for line in (dist_info / "RECORD").read_text(encoding="utf-8").splitlines():
        name = line.split(",", 1)[0]
        if name.endswith((".so", ".pyd", ".dylib")):
            (dest / name).unlink(missing_ok=True)


def tidy(target: Path) -> None:
    """Drop what a bundle does not need and what differs between versions for no reason."""
    shutil.rmtree(target / "bin", ignore_errors=True)  # console scripts with a per-interpreter shebang
    for cache in target.rglob("__pycache__"):
        shutil.rmtree(cache, ignore_errors=True)
    # Test suites shipped inside packages (libcst has ~1.8 MB per version) are never imported by
    # the server. Only directories that hold a package's own tests: <pkg>/.../tests/ with an __init__.
    for tests in sorted(target.glob("*/**/tests"), reverse=True):
        if tests.is_dir() and (tests / "__init__.py").exists():
            shutil.rmtree(tests)
    for dist_info in target.glob("*.dist-info"):
        # RECORD hashes the console scripts (different shebangs); the others say how it got installed.
        for name in ("RECORD", "INSTALLER", "REQUESTED", "direct_url.json"):
            (dist_info / name).unlink(missing_ok=True)


def tree_digest(path: Path) -> str:
    h = hashlib.sha256()
    if path.is_file():
        h.update(path.read_bytes())
        return h.hexdigest()
    for f in sorted(p for p in path.rglob("*") if p.is_file()):
        h.update(str(f.relative_to(path)).encode() + b"\0")
        h.update(f.read_bytes())
    return h.hexdigest()


def split_common(libs: Path, tags: list[str]) -> None:
    common = libs / "common"
    common.mkdir()
    first = libs / tags[0]
    for entry in sorted(first.iterdir()):
        others = [libs / t / entry.name for t in tags[1:]]
        if not all(o.exists() for o in others):
            continue
        digest = tree_digest(entry)
        if all(tree_digest(o) == digest for o in others):
            shutil.move(str(entry), str(common / entry.name))
            for o in others:
                shutil.rmtree(o) if o.is_dir() else o.unlink()


def size_of(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def dependency_inputs(target: Target, versions: list[str], wheel: Path) -> str:
    """What a bundle's third-party packages depend on: the target, the versions, the wheel's
    requirements and this script (with the launcher). A digest."""
    with zipfile.ZipFile(wheel) as archive:
        metadata = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        requires = Parser().parsestr(archive.read(metadata).decode()).get_all("Requires-Dist") or []
    h = hashlib.sha256(repr((target, versions, sorted(requires))).encode())
    for script in (Path(__file__), ROOT / "scripts" / "bundle_python_launcher.py"):
        h.update(script.read_bytes())
    return h.hexdigest()


def refresh_looplint(out: Path, wheel: Path) -> None:
    """Replace the looplint package of a bundle (pure Python: in libs/common) by the wheel's."""
    common = out / "libs" / "common"
    for old in [common / "looplint", *common.glob("looplint-*.dist-info")]:
        shutil.rmtree(old)
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(common)
    for dist_info in common.glob("looplint-*.dist-info"):
        (dist_info / "RECORD").unlink(missing_ok=True)  # as tidy() leaves every distribution


def bundle_server(target: Target, versions: list[str], out: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="looplint-bundle-") as tmp:
        work = Path(tmp)
        wheel = build_wheel(work)
        log(f"built {wheel.name}; target {target.name}")
        inputs = dependency_inputs(target, versions, wheel)
        manifest_file = out / "libs" / "bundle.json"
        try:
            previous = json.loads(manifest_file.read_text())
        except (OSError, ValueError):
            previous = {}
        if previous.get("inputs") == inputs and (out / "libs" / "common" / "looplint").is_dir():
            # Only looplint changed: the other packages (resolved and downloaded per version,
            # minutes per target) are those of the last build. `rm -r` the bundle to resolve again.
            refresh_looplint(out, wheel)
            previous["bytes"] = {d.name: size_of(d) for d in sorted((out / "libs").iterdir()) if d.is_dir()}
            manifest_file.write_text(json.dumps(previous, indent=2) + "\n")
            log(f"{target.name}: dependencies unchanged since the last build; looplint replaced by {wheel.name}")
            return
        libs = work / "libs"
        tags = []
        without_native: dict[str, list[str]] = {}
        for version in versions:
            tag = "cp" + version.replace(".", "")
            gaps = install_for(target, version, wheel, libs / tag)
            if gaps:
                without_native[tag] = gaps
                log(f"{target.name} {tag}: no binary wheel of {', '.join(gaps)}: bundled without compiled modules")
            tidy(libs / tag)
            tags.append(tag)
        split_common(libs, tags)
        if out.exists():
            shutil.rmtree(out)
        (out / "tool").mkdir(parents=True)
        shutil.move(str(libs), str(out / "libs"))
        shutil.copyfile(ROOT / "scripts" / "bundle_python_launcher.py", out / "tool" / "launch.py")

    sizes = {d.name: size_of(d) for d in sorted((out / "libs").iterdir())}
    manifest = {"target": target.name, "versions": versions, "without_native": without_native, "bytes": sizes,
                "inputs": inputs}
    (out / "libs" / "bundle.json").write_text(json.dumps(manifest, indent=2) + "\n")
    for name, n in sizes.items():
        entries = ", ".join(sorted(p.name for p in (out / "libs" / name).iterdir() if not p.name.endswith(".dist-info")))
        log(f"{name:>7}: {n / 1e6:6.1f} MB  {entries}")


def bundle_universal(out: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="looplint-bundle-") as tmp:
        wheel = build_wheel(Path(tmp))
        if out.exists():
            shutil.rmtree(out)
        (out / "wheel").mkdir(parents=True)
        shutil.copyfile(wheel, out / "wheel" / wheel.name)
    log(f"universal: {out / 'wheel' / wheel.name} (no bundled server)")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--target", default=None, help=f"one of {', '.join(TARGETS)}, {UNIVERSAL} (default: this machine's)")
    ap.add_argument("--out", default=str(ROOT / "bundled"), help="output folder (replaced)")
    ap.add_argument("--versions", default=",".join(SUPPORTED_VERSIONS), help="CPython minor versions, comma-separated")
    ap.add_argument("--print-host-target", action="store_true", help="print this machine's target and stop")
    args = ap.parse_args()
    if args.print_host_target:
        print(host_target())
        return 0
    name = args.target or host_target()
    versions = [v.strip() for v in args.versions.split(",") if v.strip()]
    out = Path(args.out).resolve()
    started = time.monotonic()
    if name == UNIVERSAL:
        bundle_universal(out)
    elif name in TARGETS:
        bundle_server(TARGETS[name], versions, out)
    else:
        ap.error(f"unknown target {name!r}")
    log(f"total {size_of(out) / 1e6:.1f} MB in {out} ({time.monotonic() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
