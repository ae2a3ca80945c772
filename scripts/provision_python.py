#!/usr/bin/env python3
"""CPython interpreters this machine lacks, from Debian sid's binary packages (cached, idempotent).

    python3 scripts/provision_python.py                 # provision 3.14 and 3.15, print "3.14 /path/python3.14" lines
    python3 scripts/provision_python.py 3.15            # only these versions
    python3 scripts/provision_python.py --venv 3.15 DIR # a venv with pip (from Debian's pip wheel) at DIR
    make pythons                                        # the same as the first line

Stdlib only: any Python 3.8+ runs it. The interpreters live under
$LOOPLINT_PYTHONS_DIR, else <repo>/.cache/pythons/:

    bin/python3.14 -> cpython-3.14/usr/bin/python3.14   (what to use)
    cpython-3.14/                                       (the packages unpacked; provisioned.json once checked)
    apt/                                                (private sources list, package lists, downloaded .debs)

How: a private apt configuration (sources list with suite `sid`, its own lists and
cache folders: the system's apt state is never touched) downloads the interpreter's
packages and the libraries it links, `dpkg -x` unpacks them, `patchelf` points the
interpreter at the unpacked dynamic loader and libraries (an RPATH, which also covers
the extension modules it loads), and a probe imports the modules that need those
libraries. Debian's `patchelf` is installed with apt-get when missing. A provisioned
interpreter is used as it is on later runs (no network); delete its folder to refresh.

A venv from one of these has no pip (Debian's ensurepip looks for wheels at a
system path): `--venv` makes one with `--without-pip` and installs pip from the
wheel in `usr/share/python-wheels/`.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_VERSIONS = ("3.14", "3.15")
SUITE = "sid"

# What `pythonX.Y` from sid links and loads (the extension modules included), and
# pip's wheel for venvs. Checked by the probe below: a missing library fails it.
LIBRARIES = (
    "libc6", "libgcc-s1", "libssl3t64", "libffi8", "libsqlite3-0", "libexpat1", "zlib1g", "libbz2-1.0",
    "liblzma5", "libzstd1", "libmpdec4", "libncursesw6", "libtinfo6", "libreadline8t64", "libuuid1",
    "python3-pip-whl",
)
# Modules whose import needs one of those libraries (ssl: libssl, _decimal: libmpdec, ...).
PROBE = (
    "import sys, ssl, sqlite3, ctypes, decimal, lzma, bz2, zlib, readline, curses, uuid, pyexpat, venv, hashlib;"
    "import _decimal, _ctypes, _sqlite3;"
    "sys.version_info >= (3, 14) and __import__('compression.zstd');"
    "print('%d.%d.%d' % sys.version_info[:3])"
)
MARKER = "provisioned.json"


def log(message: str) -> None:
    print(f"[pythons] {message}", file=sys.stderr, flush=True)


def root_dir() -> Path:
    return Path(os.environ.get("LOOPLINT_PYTHONS_DIR") or REPO / ".cache" / "pythons").resolve()


def packages_for(version: str) -> list[str]:
    return [
        f"python{version}", f"python{version}-minimal", f"libpython{version}-minimal",
        f"libpython{version}-stdlib", f"python{version}-venv", *LIBRARIES,
    ]


# -- running commands ------------------------------------------------------------------


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, **kwargs)


def check(command: list[str], what: str, **kwargs) -> subprocess.CompletedProcess:
    out = run(command, **kwargs)
    if out.returncode != 0:
        raise SystemExit(f"[pythons] {what} failed (exit {out.returncode}): {' '.join(command)}\n"
                         f"{out.stdout[-3000:]}{out.stderr[-3000:]}")
    return out


def as_root(command: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return command
    if shutil.which("sudo"):
        return ["sudo", "-n", *command]
    raise SystemExit(f"[pythons] `{' '.join(command)}` needs root (no sudo here): run it once as root")


def ensure_system_tools() -> None:
    """patchelf (Debian's package) and the apt/dpkg tools this needs."""
    for tool in ("apt-get", "dpkg"):
        if shutil.which(tool) is None:
            raise SystemExit(f"[pythons] `{tool}` not found: provisioning needs a Debian-based system")
    if shutil.which("patchelf"):
        return
    log("installing Debian's patchelf")
    install = as_root(["apt-get", "install", "-y", "-q", "--no-install-recommends", "patchelf"])
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    if run(install, env=env).returncode != 0:
        check(as_root(["apt-get", "update", "-q"]), "apt-get update", env=env)
        check(install, "apt-get install patchelf", env=env)


# -- the private apt configuration -------------------------------------------------------


def system_archive() -> tuple[str, str]:
    """(URI, keyring) of the Debian archive the system's own apt uses (not the security one)."""
    override = os.environ.get("LOOPLINT_SID_MIRROR")
    keyring = "/usr/share/keyrings/debian-archive-keyring.gpg"
    if override:
        return override, keyring
    stanzas: list[dict[str, str]] = []
    for path in sorted(glob.glob("/etc/apt/sources.list.d/*.sources")):
        for block in Path(path).read_text(errors="replace").split("\n\n"):
            fields = {}
            for line in block.splitlines():
                if ":" in line and not line.lstrip().startswith("#"):
                    key, value = line.split(":", 1)
                    fields[key.strip().lower()] = value.strip()
            stanzas.append(fields)
    for path in ["/etc/apt/sources.list", *sorted(glob.glob("/etc/apt/sources.list.d/*.list"))]:
        if os.path.exists(path):
            for line in Path(path).read_text(errors="replace").splitlines():
                match = re.match(r"\s*deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)\s+(.*)", line)
                if match:
                    stanzas.append({"types": "deb", "uris": match.group(1), "suites": match.group(2),
                                    "components": match.group(3)})
    for fields in stanzas:
        suites = fields.get("suites", "").split()
        if ("deb" in fields.get("types", "").split() and "main" in fields.get("components", "").split()
                and any("security" not in s for s in suites) and "debian" in fields.get("uris", "")
                and "security" not in fields.get("uris", "")):
            return fields["uris"].split()[0], fields.get("signed-by", keyring)
    raise SystemExit("[pythons] no Debian archive in /etc/apt/sources.list*: set LOOPLINT_SID_MIRROR to its URI")


class PrivateApt:
    """apt-get with its own sources list, lists and cache under `folder`."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.debs = folder / "debs"
        self._updated = False

    def options(self) -> list[str]:
        f = self.folder
        return [
            "-o", f"Dir::Etc::SourceList={f / 'sid.sources'}",
            "-o", f"Dir::Etc::SourceParts={f / 'empty'}",
            "-o", f"Dir::Etc::PreferencesParts={f / 'empty'}",
            "-o", f"Dir::Etc::Preferences={f / 'empty' / 'none'}",
            "-o", f"Dir::State::Lists={f / 'lists'}",
            "-o", f"Dir::Cache={f / 'cache'}",
            # as root, apt would hand downloads to its `_apt` user, who cannot write here
            *(["-o", "APT::Sandbox::User=root"] if os.geteuid() == 0 else []),
            "-q",
        ]

    def prepare(self) -> None:
        uri, keyring = system_archive()
        for sub in ("empty", "lists/partial", "cache/archives/partial", "debs"):
            (self.folder / sub).mkdir(parents=True, exist_ok=True)
        (self.folder / "sid.sources").write_text(
            f"Types: deb\nURIs: {uri}\nSuites: {SUITE}\nComponents: main\nSigned-By: {keyring}\n"
        )

    def update(self) -> None:
        if not self._updated:
            log(f"apt-get update (suite {SUITE}, private lists in {self.folder})")
            check(["apt-get", *self.options(), "update"], "apt-get update of the private sid list")
            self._updated = True

    def download(self, packages: list[str]) -> list[Path]:
        """The .debs of `packages` (current sid versions), downloaded into debs/."""
        self.prepare()
        if not any((self.folder / "lists").glob("*Packages*")):
            self.update()
        for attempt in (1, 2):
            for old in self.debs.glob("*.deb"):
                old.unlink()
            out = run(["apt-get", *self.options(), "download", *packages], cwd=self.debs)
            if out.returncode == 0:
                break
            if attempt == 2:
                raise SystemExit(f"[pythons] apt-get download failed:\n{out.stdout[-3000:]}{out.stderr[-3000:]}")
            self._updated = False  # the lists may name versions sid no longer has
            self.update()
        return sorted(self.debs.glob("*.deb"))


# -- one interpreter -----------------------------------------------------------------


def interpreter_path(version: str) -> Path:
    return root_dir() / "bin" / f"python{version}"


def probe(python: Path) -> str | None:
    """The interpreter's full version when it runs and loads its libraries, else None."""
    if not python.exists():
        return None
    try:
        out = run([str(python), "-I", "-c", PROBE], timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() if out.returncode == 0 else None


def provisioned(version: str) -> Path | None:
    """The interpreter when it is already provisioned and works (no network, no apt)."""
    python = interpreter_path(version)
    marker = root_dir() / f"cpython-{version}" / MARKER
    if marker.exists() and (probe(python) or "").startswith(version + "."):
        return python
    return None


def provision(version: str, apt: PrivateApt) -> Path:
    ready = provisioned(version)
    if ready:
        return ready
    ensure_system_tools()
    log(f"provisioning CPython {version} from Debian {SUITE}")
    debs = apt.download(packages_for(version))
    target = root_dir() / f"cpython-{version}"
    staging = Path(tempfile.mkdtemp(prefix=f"cpython-{version}.", dir=root_dir()))
    try:
        for deb in debs:
            check(["dpkg-deb", "-x", str(deb), str(staging)], f"dpkg -x {deb.name}")
        # Unpacked at `target`, so the paths written into the binary are the final ones.
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    binary = target / "usr" / "bin" / f"python{version}"
    loaders = sorted(target.glob("usr/lib/*-linux-gnu*/ld-linux*.so*")) + sorted(target.glob("lib*/ld-linux*.so*"))
    if not binary.exists() or not loaders:
        raise SystemExit(f"[pythons] the packages did not hold {binary.name} and a dynamic loader: {debs}")
    libdirs = sorted({str(path.parent) for path in target.glob("usr/lib/*-linux-gnu*/libc.so.6")})
    libdirs += [d.replace("/usr/lib/", "/lib/") for d in libdirs]
    check(["patchelf", "--set-interpreter", str(loaders[0]), "--force-rpath", "--set-rpath", ":".join(libdirs),
           str(binary)], "patchelf")
    link = interpreter_path(version)
    link.parent.mkdir(parents=True, exist_ok=True)
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(binary)
    full = probe(link)
    if not full or not full.startswith(version + "."):
        out = run([str(link), "-I", "-c", PROBE])
        raise SystemExit(f"[pythons] the provisioned python{version} does not work:\n{out.stdout}{out.stderr}")
    packages = sorted(deb.name for deb in debs)
    for deb in debs:
        deb.unlink()  # unpacked; the next provisioning downloads what sid has then
    (target / MARKER).write_text(json.dumps({"version": full, "suite": SUITE, "packages": packages}, indent=2) + "\n")
    log(f"CPython {full} ready: {link}")
    return link


@contextlib.contextmanager
def locked():
    """One provisioning at a time per folder (parallel `make` runs, several test processes)."""
    root_dir().mkdir(parents=True, exist_ok=True)
    with open(root_dir() / ".lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def ensure(versions=DEFAULT_VERSIONS) -> dict[str, Path]:
    """Every version in `versions` provisioned: {"3.14": path, ...}."""
    found = {v: provisioned(v) for v in versions}
    if all(found.values()):
        return found  # type: ignore[return-value]
    with locked():
        apt = PrivateApt(root_dir() / "apt")
        return {v: provision(v, apt) for v in versions}


def make_venv(version: str, path: Path) -> Path:
    """A venv at `path` on the provisioned CPython `version`, with pip from Debian's wheel."""
    python = ensure([version])[version]
    check([str(python), "-m", "venv", "--without-pip", str(path)], f"venv {path}")
    wheels = sorted((python.resolve().parent.parent / "share" / "python-wheels").glob("pip-*.whl"))
    if not wheels:
        raise SystemExit("[pythons] no pip wheel in usr/share/python-wheels/")
    venv_python = path / "bin" / "python"
    check([str(venv_python), f"{wheels[-1]}/pip", "install", "--no-index", "--quiet", str(wheels[-1])],
          "pip from the wheel", env=dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1"))
    return venv_python


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("versions", nargs="*", help=f"minor versions (default: {' '.join(DEFAULT_VERSIONS)})")
    parser.add_argument("--venv", nargs=2, metavar=("VERSION", "DIR"), help="make a venv with pip at DIR")
    args = parser.parse_args(argv)
    if args.venv:
        print(make_venv(args.venv[0], Path(args.venv[1]).resolve()))
        return 0
    versions = args.versions or list(DEFAULT_VERSIONS)
    for version in versions:
        if not re.fullmatch(r"3\.\d+", version):
            parser.error(f"not a minor version: {version!r} (expected e.g. 3.14)")
    for version, path in ensure(versions).items():
        print(f"{version} {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
