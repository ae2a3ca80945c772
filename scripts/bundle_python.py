#!/usr/bin/env python3
"""Build ``bundled/`` for the VS Code extension: the looplint server and its dependencies, so that
installing the .vsix is all a user needs (``looplint.importStrategy: useBundled``).

    python3 scripts/bundle_python.py [--out bundled] [--versions 3.10,3.11,3.12,3.13]

What it does:
1. builds a wheel of this repository (so the dependency list is the one in ``pyproject.toml``);
2. ``pip install --target`` that wheel, with its dependencies, once per CPython minor version,
   using that version's own interpreter when there is one (markers such as
   ``tomli; python_version < '3.11'`` then resolve exactly), otherwise the running pip with
   ``--python-version``/``--platform`` and wheels only;
3. moves every top-level entry that came out byte-identical for all versions (the pure-Python
   packages) to ``bundled/libs/common`` and leaves the rest (libcst, pyyaml, tomli on 3.10) in
   ``bundled/libs/cpXY``;
4. copies the launcher to ``bundled/tool/launch.py`` and prints the sizes.
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_VERSIONS = ("3.10", "3.11", "3.12", "3.13")


def log(msg: str) -> None:
    print(f"bundle_python: {msg}", flush=True)


def run(cmd: list[str], **kw) -> None:
    log("$ " + " ".join(cmd))
    subprocess.run(cmd, check=True, **kw)


def find_interpreter(version: str) -> str | None:
    """A working CPython ``version`` interpreter: pyenv's install first (PATH may hold shims that
    refuse to run a version that is not selected), then ``pythonX.Y`` on the PATH."""
    candidates = []
    pyenv_root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    candidates += sorted(glob.glob(os.path.join(pyenv_root, "versions", f"{version}.*", "bin", f"python{version}")))
    on_path = shutil.which(f"python{version}")
    if on_path:
        candidates.append(on_path)
    for exe in candidates:
        try:
            out = subprocess.run(
                [exe, "-c", "import sys, pip; print('%d.%d' % sys.version_info[:2])"],
                capture_output=True, text=True, timeout=60,
            )
        except (OSError, subprocess.TimeoutExpired):
            continue
        if out.returncode == 0 and out.stdout.strip() == version:
            return exe
    return None


def host_platform_tags() -> list[str]:
    """This machine's wheel platform tags (manylinux_2_36_x86_64 ... linux_x86_64), for cross installs."""
    from pip._vendor.packaging import tags  # pip vendors packaging; the host always has pip

    seen: list[str] = []
    for tag in tags.sys_tags():
        if tag.platform not in seen and tag.platform != "any":
            seen.append(tag.platform)
    return seen


def build_wheel(workdir: Path) -> Path:
    out = workdir / "wheel"
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--disable-pip-version-check", "-q", "-w", str(out), str(ROOT)])
    wheels = list(out.glob("*.whl"))
    if len(wheels) != 1:
        raise SystemExit(f"expected one wheel, got {wheels}")
    return wheels[0]


def install_for(version: str, wheel: Path, target: Path) -> str:
    common = [
        "--target", str(target), "--no-compile", "--disable-pip-version-check", "-q", "--prefer-binary",
        "--root-user-action=ignore",
    ]
    exe = find_interpreter(version)
    if exe:
        run([exe, "-m", "pip", "install", *common, str(wheel)])
        return exe
    # No interpreter of that version here: let the running pip pick wheels for it. pip evaluates
    # environment markers for the *running* Python, though, so add what the target version needs
    # on top (e.g. tomli for 3.10) until nothing is missing.
    nodot = version.replace(".", "")
    platforms = [arg for p in host_platform_tags() for arg in ("--platform", p)]
    cross = [
        sys.executable, "-m", "pip", "install", *common, "--only-binary=:all:",
        "--python-version", version, "--implementation", "cp", "--abi", f"cp{nodot}", *platforms,
    ]
    run([*cross, str(wheel)])
    for _ in range(10):
        missing = missing_requirements(target, version)
        if not missing:
            break
        run([*cross, *missing])
    else:
        raise SystemExit(f"cp{nodot}: still missing {missing_requirements(target, version)}")
    return f"{sys.executable} (cross-install for {version})"


def missing_requirements(target: Path, version: str) -> list[str]:
    """Requirements of the packages in `target` that apply on Python `version` but are not there."""
    from email.parser import Parser

    from pip._vendor.packaging.markers import default_environment
    from pip._vendor.packaging.requirements import Requirement
    from pip._vendor.packaging.utils import canonicalize_name

    env = {**default_environment(), "python_version": version, "python_full_version": f"{version}.0", "extra": ""}
    metadata = [Parser().parsestr(m.read_text(encoding="utf-8")) for m in target.glob("*.dist-info/METADATA")]
    installed = {canonicalize_name(m["Name"]) for m in metadata}
    missing = []
    for m in metadata:
        for line in m.get_all("Requires-Dist") or []:
            req = Requirement(line)
            if (req.marker is None or req.marker.evaluate(env)) and canonicalize_name(req.name) not in installed:
                missing.append(str(req).split(";")[0].strip())
    return sorted(set(missing))


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


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=str(ROOT / "bundled"), help="output folder (replaced)")
    ap.add_argument("--versions", default=",".join(DEFAULT_VERSIONS), help="CPython minor versions, comma-separated")
    args = ap.parse_args()
    versions = [v.strip() for v in args.versions.split(",") if v.strip()]
    out = Path(args.out).resolve()
    started = time.monotonic()

    with tempfile.TemporaryDirectory(prefix="looplint-bundle-") as tmp:
        work = Path(tmp)
        wheel = build_wheel(work)
        log(f"built {wheel.name}")
        libs = work / "libs"
        tags = []
        for version in versions:
            tag = "cp" + version.replace(".", "")
            used = install_for(version, wheel, libs / tag)
            tidy(libs / tag)
            log(f"{tag}: installed with {used}")
            tags.append(tag)
        split_common(libs, tags)

        if out.exists():
            shutil.rmtree(out)
        (out / "tool").mkdir(parents=True)
        shutil.move(str(libs), str(out / "libs"))
        shutil.copyfile(ROOT / "scripts" / "bundle_python_launcher.py", out / "tool" / "launch.py")

    sizes = {d.name: size_of(d) for d in sorted((out / "libs").iterdir())}
    (out / "libs" / "bundle.json").write_text(json.dumps({"versions": versions, "bytes": sizes}, indent=2) + "\n")
    for name, n in sizes.items():
        entries = ", ".join(sorted(p.name for p in (out / "libs" / name).iterdir() if not p.name.endswith(".dist-info")))
        log(f"{name:>7}: {n / 1e6:6.1f} MB  {entries}")
    log(f"total {sum(sizes.values()) / 1e6:.1f} MB in {out} ({time.monotonic() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
