#!/usr/bin/env python3
"""Editors Debian 12 lacks, from Debian sid's binary packages (cached, idempotent): Helix and a
current Neovim, for the real-editor tests in tests/nvim/.

    python3 scripts/provision_editors.py            # both; prints "hx /path/to/hx" and "nvim /path/to/nvim"
    python3 scripts/provision_editors.py hx         # only Helix

Stdlib only. The editors live under $LOOPLINT_EDITORS_DIR, else <repo>/.cache/editors/:

    bin/hx, bin/nvim          wrappers that set the runtime folders and run the unpacked binary
    hx/, nvim/                the packages unpacked (provisioned.json once checked)
    apt/                      private sources list, package lists, downloaded .debs

The same way as scripts/provision_python.py does for CPython 3.14/3.15 (its private apt
configuration is reused: the system's apt state is never touched): `apt-get download` of the
editor's packages and the libraries they link, `dpkg -x`, `patchelf` pointing the binary at the
unpacked dynamic loader and libraries, and a probe (`--version`).
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from provision_python import PrivateApt, check, ensure_system_tools, run  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
MARKER = "provisioned.json"


def log(message: str) -> None:
    print(f"[editors] {message}", file=sys.stderr, flush=True)


class Editor:
    def __init__(self, name: str, packages: tuple[str, ...], binary: str, env: dict[str, str]):
        self.name = name
        self.packages = packages
        self.binary = binary  # inside the unpacked tree
        self.env = env  # extra environment for the wrapper; {root} is the unpacked tree


EDITORS = {
    # Debian names Helix's package (and binary) `hx`.
    "hx": Editor("hx", ("hx", "libc6", "libgcc-s1"), "usr/bin/hx", {"HELIX_RUNTIME": "{root}/usr/lib/hx/runtime"}),
    "nvim": Editor(
        "nvim",
        ("neovim", "neovim-runtime", "libc6", "libgcc-s1", "libluajit-5.1-2", "libluajit-5.1-common",
         "libtree-sitter0.26", "libunibilium4", "libutf8proc3", "libuv1t64", "lua-lpeg", "lua-luv"),
        "usr/bin/nvim",
        {
            "VIMRUNTIME": "{root}/usr/share/nvim/runtime",
            "LUA_CPATH": "{root}/usr/lib/x86_64-linux-gnu/lua/5.1/?.so;;",
        },
    ),
}


def root_dir() -> Path:
    return Path(os.environ.get("LOOPLINT_EDITORS_DIR") or REPO / ".cache" / "editors").resolve()


def wrapper_path(name: str) -> Path:
    return root_dir() / "bin" / name


def probe(wrapper: Path) -> str | None:
    """The first line of `--version` when the editor runs, else None."""
    if not wrapper.exists():
        return None
    try:
        out = run([str(wrapper), "--version"], timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    lines = (out.stdout or "").strip().splitlines()
    return lines[0] if out.returncode == 0 and lines else None


def provisioned(name: str) -> Path | None:
    wrapper = wrapper_path(name)
    if (root_dir() / name / MARKER).exists() and probe(wrapper):
        return wrapper
    return None


def provision(name: str, apt: PrivateApt) -> Path:
    ready = provisioned(name)
    if ready:
        return ready
    editor = EDITORS[name]
    ensure_system_tools()
    log(f"provisioning {name} from Debian sid")
    debs = apt.download(list(editor.packages))
    target = root_dir() / name
    staging = Path(tempfile.mkdtemp(prefix=f"{name}.", dir=root_dir()))
    try:
        for deb in debs:
            check(["dpkg-deb", "-x", str(deb), str(staging)], f"dpkg -x {deb.name}")
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)  # unpacked at its final place: the paths patched in are the final ones
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    binary = target / editor.binary
    loaders = sorted(target.glob("usr/lib/*-linux-gnu*/ld-linux*.so*")) + sorted(target.glob("lib*/ld-linux*.so*"))
    if not binary.exists() or not loaders:
        raise SystemExit(f"[editors] the packages did not hold {editor.binary} and a dynamic loader: {debs}")
    libdirs = sorted({str(path.parent) for path in target.glob("usr/lib/*-linux-gnu*/lib*.so*")})
    libdirs += [d.replace("/usr/lib/", "/lib/") for d in libdirs]
    check(["patchelf", "--set-interpreter", str(loaders[0]), "--force-rpath", "--set-rpath", ":".join(libdirs),
           str(binary)], "patchelf")
    wrapper = wrapper_path(name)
    wrapper.parent.mkdir(parents=True, exist_ok=True)
    exports = "".join(f'export {key}="{value.format(root=target)}"\n' for key, value in editor.env.items())
    wrapper.write_text(f'#!/bin/sh\n# {name} from Debian sid, unpacked by scripts/provision_editors.py\n{exports}'
                       f'exec "{binary}" "$@"\n')
    wrapper.chmod(0o755)
    version = probe(wrapper)
    if not version:
        out = run([str(wrapper), "--version"])
        raise SystemExit(f"[editors] the provisioned {name} does not run:\n{out.stdout}{out.stderr}")
    packages = sorted(deb.name for deb in debs)
    for deb in debs:
        deb.unlink()
    (target / MARKER).write_text(json.dumps({"version": version, "packages": packages}, indent=2) + "\n")
    log(f"{version} ready: {wrapper}")
    return wrapper


@contextlib.contextmanager
def locked():
    root_dir().mkdir(parents=True, exist_ok=True)
    with open(root_dir() / ".lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def ensure(names=tuple(EDITORS)) -> dict[str, Path]:
    found = {n: provisioned(n) for n in names}
    if all(found.values()):
        return found  # type: ignore[return-value]
    with locked():
        apt = PrivateApt(root_dir() / "apt")
        return {n: provision(n, apt) for n in names}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("editors", nargs="*", choices=[*EDITORS, []], help=f"default: {' '.join(EDITORS)}")
    args = parser.parse_args(argv)
    for name, path in ensure(args.editors or tuple(EDITORS)).items():
        print(f"{name} {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
