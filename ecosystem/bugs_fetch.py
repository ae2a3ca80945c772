"""Stop-gap sdist downloader for the bug corpus, used only while ``ecosystem/fetch.py`` is not on main.

Same interface as that module's ``fetch_sdist(url, sha256, name, version)``: the pinned archive is
downloaded once, checked against its sha256, unpacked under ``.cache/ecosystem/`` and reused. Delete this
file once the ecosystem check's downloader has landed (bugs.py prefers it already).
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import tarfile
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

CACHE = Path(__file__).resolve().parent.parent / ".cache" / "ecosystem" / "bug-sdists"
_DONE = ".complete"


def fetch_sdist(url: str, sha256: str, name: str, version: str) -> Path:
    """The unpacked project root (the archive's single top folder) of one pinned sdist."""
    dest = CACHE / f"{name}-{version}"
    if not (dest / _DONE).exists():
        if dest.exists():
            shutil.rmtree(dest)
        data = _download(url, sha256, name, version)
        _unpack(data, url.rsplit("/", 1)[-1], dest)
        (dest / _DONE).write_text(f"{url}\n{sha256}\n")
    tops = [p for p in dest.iterdir() if p.is_dir()]
    if len(tops) != 1:
        raise RuntimeError(f"{name} {version}: the sdist does not hold one top folder")
    return tops[0]


def _download(url: str, sha256: str, name: str, version: str) -> bytes:
    try:
        data = _get(url)
    except OSError:  # the pinned address is unreachable here: ask PyPI where the same file is
        data = _get(_address_from_index(url.rsplit("/", 1)[-1], name, version))
    if hashlib.sha256(data).hexdigest() != sha256:
        raise RuntimeError(f"{url}: sha256 does not match the pinned one")
    return data


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=300) as response:
        return response.read()


def _address_from_index(filename: str, name: str, version: str) -> str:
    api = f"https://pypi.org/pypi/{name}/json"
    with urllib.request.urlopen(api, timeout=60) as response:
        meta = json.load(response)
    for file in meta.get("releases", {}).get(version, []):
        if file.get("filename") == filename:
            return urllib.parse.urljoin(api, file["url"])
    raise LookupError(f"PyPI does not list {filename}")


def _unpack(data: bytes, name: str, dest: Path) -> None:
    dest.mkdir(parents=True)
    if name.endswith(".zip"):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for member in archive.namelist():
                if not (dest / member).resolve().is_relative_to(dest.resolve()):
                    raise RuntimeError(f"{name}: unsafe path {member!r}")
            archive.extractall(dest)
    else:
        with tarfile.open(fileobj=io.BytesIO(data)) as archive:
            archive.extractall(dest, filter="data")
