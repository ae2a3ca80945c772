"""Download, verify, unpack and cache pinned PyPI sdists.

    python ecosystem/fetch.py [NAME ...]          # every project of projects.toml, or these
    python ecosystem/fetch.py --list              # name, version, unpacked path

Each project in ``ecosystem/projects.toml`` names an sdist by URL and sha256.
The archive is downloaded once into ``.cache/ecosystem/sdists/`` (verified
before it is kept), unpacked once into ``.cache/ecosystem/src/<name>-<version>/``
and reused from there. Nothing under ``.cache/`` is committed.

Reusable as a module: ``load_projects()`` and ``fetch(project)`` (or
``fetch_sdist(url, sha256, name, version)`` for an sdist that is not in the
list, e.g. a buggy and a fixed release of one project).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import tarfile
import tempfile
import time
import urllib.parse
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PROJECTS_FILE = HERE / "projects.toml"
CACHE = Path(os.environ.get("LOOPLINT_ECOSYSTEM_CACHE", REPO / ".cache" / "ecosystem"))
SDISTS = CACHE / "sdists"
SOURCES = CACHE / "src"
_DONE = ".looplint-unpacked"


@dataclass(frozen=True)
class Project:
    name: str
    version: str
    url: str
    sha256: str
    tests: tuple[str, ...]           # folders (or files) of the unpacked tree that hold the tests
    suite: str                       # kind of suite, for the report (unittest, pytest-asyncio-strict, ...)
    quick: bool = False              # part of the pinned subset run by `make test`
    notes: str = ""
    blocked: str = ""                # a known looplint crash on this tree (reported, not a failure while it lasts)

    @property
    def key(self) -> str:
        return f"{self.name}-{self.version}"


def load_projects(path: Path = PROJECTS_FILE) -> list[Project]:
    with open(path, "rb") as handle:
        data = tomllib.load(handle)
    projects = []
    for entry in data.get("project", []):
        projects.append(Project(
            name=entry["name"], version=entry["version"], url=entry["url"], sha256=entry["sha256"],
            tests=tuple(entry.get("tests", ())), suite=entry.get("suite", ""),
            quick=bool(entry.get("quick", False)), notes=entry.get("notes", ""),
            blocked=entry.get("blocked", ""),
        ))
    names = [p.name for p in projects]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(f"{path}: projects listed twice: {', '.join(duplicates)}")
    return projects


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _index_url(name: str, version: str, filename: str) -> str | None:
    """The file's address as PyPI's JSON API gives it (a mirror may serve files elsewhere)."""
    api = f"https://pypi.org/pypi/{name}/json"
    try:
        with urllib.request.urlopen(api, timeout=60) as response:
            data = json.load(response)
    except (OSError, ValueError):
        return None
    for file in data.get("releases", {}).get(version, []):
        if file.get("filename") == filename:
            return urllib.parse.urljoin(api, file["url"])
    return None


def download(url: str, sha256: str, *, name: str | None = None, version: str | None = None,
             attempts: int = 3) -> Path:
    """The archive at ``url``, downloaded into the cache unless already there and intact.

    When ``url`` cannot be reached and ``name``/``version`` are given, the
    address PyPI's JSON API lists for the same file name is tried too (the
    sha256 is checked either way).
    """
    SDISTS.mkdir(parents=True, exist_ok=True)
    filename = url.rsplit("/", 1)[-1]
    target = SDISTS / filename
    if target.is_file() and _sha256(target) == sha256:
        return target
    try:
        return _download_to(url, sha256, target, attempts)
    except RuntimeError:
        alternative = _index_url(name, version, filename) if name and version else None
        if not alternative or alternative == url:
            raise
        return _download_to(alternative, sha256, target, attempts)


def _download_to(url: str, sha256: str, target: Path, attempts: int) -> Path:
    error: Exception | None = None
    for attempt in range(attempts):
        fd, tmp_name = tempfile.mkstemp(dir=target.parent, suffix=".part")
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=120) as response:
                shutil.copyfileobj(response, out)
            got = _sha256(tmp)
            if got != sha256:
                raise ValueError(f"{url}: sha256 {got}, expected {sha256}")
            os.replace(tmp, target)
            return target
        except ValueError:
            tmp.unlink(missing_ok=True)
            raise
        except OSError as exc:  # network trouble: try again
            tmp.unlink(missing_ok=True)
            error = exc
            time.sleep(2 * (attempt + 1))
    raise RuntimeError(f"could not download {url}: {error}")


def _unpack(archive: Path, dest: Path) -> None:
    if archive.name.endswith(".zip"):
        with zipfile.ZipFile(archive) as zf:
            for member in zf.namelist():
                resolved = (dest / member).resolve()
                if not resolved.is_relative_to(dest.resolve()):
                    raise ValueError(f"{archive.name}: unsafe path {member!r}")
            zf.extractall(dest)
        return
    with tarfile.open(archive) as tf:
        if hasattr(tarfile, "data_filter"):
            tf.extractall(dest, filter="data")
        else:  # pragma: no cover - Python < 3.10.12
            for member in tf.getmembers():
                resolved = (dest / member.name).resolve()
                if not resolved.is_relative_to(dest.resolve()) or member.issym() or member.islnk():
                    raise ValueError(f"{archive.name}: unsafe member {member.name!r}")
            tf.extractall(dest)


def fetch_sdist(url: str, sha256: str, name: str, version: str) -> Path:
    """The unpacked source tree of one sdist (its single top folder), cached."""
    dest = SOURCES / f"{name}-{version}"
    if (dest / _DONE).is_file():
        return _root_of(dest)
    archive = download(url, sha256, name=name, version=version)
    SOURCES.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=SOURCES, prefix=f".{name}-"))
    try:
        _unpack(archive, tmp)
        (tmp / _DONE).write_text(f"{url}\n{sha256}\n")
        if dest.exists():
            shutil.rmtree(dest)
        os.replace(tmp, dest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return _root_of(dest)


def _root_of(dest: Path) -> Path:
    entries = [p for p in dest.iterdir() if p.name != _DONE]
    if len(entries) == 1 and entries[0].is_dir():
        return entries[0]
    return dest


def fetch(project: Project) -> Path:
    """The unpacked source tree of ``project``, downloaded and verified if needed."""
    return fetch_sdist(project.url, project.sha256, project.name, project.version)


def select(projects: list[Project], names: list[str]) -> list[Project]:
    if not names:
        return projects
    by_name = {p.name.lower(): p for p in projects}
    unknown = [n for n in names if n.lower() not in by_name]
    if unknown:
        raise SystemExit(f"unknown project(s): {', '.join(unknown)} (see {PROJECTS_FILE})")
    return [by_name[n.lower()] for n in names]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*")
    parser.add_argument("--list", action="store_true", help="print name, version and unpacked path")
    args = parser.parse_args(argv)
    for project in select(load_projects(), args.names):
        root = fetch(project)
        if args.list:
            print(f"{project.name}\t{project.version}\t{root}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
