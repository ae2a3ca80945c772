"""The Python package as PyPI would get it: metadata, README, sdist contents, `twine check`."""

from __future__ import annotations

import email
import json
import re
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SUPPORTED = ("3.10", "3.11", "3.12", "3.13", "3.14", "3.15")


def version() -> str:
    return re.search(r'^__version__ = "([^"]+)"$', (ROOT / "server/looplint/__init__.py").read_text(), re.M).group(1)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "build", "--sdist", "--wheel", "--outdir", str(out), str(ROOT)],
                   check=True, capture_output=True)
    return {"wheel": next(out.glob("*.whl")), "sdist": next(out.glob("*.tar.gz"))}


def test_wheel_metadata_is_complete(built):
    with zipfile.ZipFile(built["wheel"]) as wheel:
        name = next(n for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))
        meta = email.message_from_bytes(wheel.read(name))
    assert meta["Name"] == "looplint" and meta["Version"] == version()
    assert meta["License-Expression"] == "MIT" and meta.get("License") is None
    classifiers = meta.get_all("Classifier")
    for minor in SUPPORTED:
        assert f"Programming Language :: Python :: {minor}" in classifiers
    assert not [c for c in classifiers if c.startswith("License ::")]  # the SPDX expression says it
    urls = dict(u.split(", ", 1) for u in meta.get_all("Project-URL"))
    assert {"Homepage", "Repository", "Issues", "Changelog", "Documentation"} <= set(urls)
    assert "asyncio" in meta["Keywords"] and meta["Author"]
    assert meta["Requires-Python"] == ">=3.10"
    assert meta["Description-Content-Type"] == "text/markdown"


def test_the_readme_renders_on_a_package_page_its_links_are_absolute(built):
    readme = (ROOT / "README.md").read_text()
    links = re.findall(r"\]\(([^)]+)\)", readme)
    assert links
    assert [link for link in links if not link.startswith(("https://", "#"))] == []
    result = subprocess.run([sys.executable, "-m", "twine", "check", "--strict", str(built["wheel"]), str(built["sdist"])],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_sdist_holds_what_builds_the_wheel_and_nothing_that_cannot_run_from_it(built, tmp_path):
    with tarfile.open(built["sdist"]) as sdist:
        names = [n.split("/", 1)[1] for n in sdist.getnames() if "/" in n]
        sdist.extractall(tmp_path, filter="data")
    assert not [n for n in names if n.startswith(("tests/", "examples/", "docs/"))]
    for required in ("pyproject.toml", "README.md", "LICENSE", "CHANGELOG.md", "server/looplint/__init__.py"):
        assert required in names
    source = next(tmp_path.iterdir())
    wheel_dir = tmp_path / "wheel"
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(wheel_dir), str(source)],
                   check=True, capture_output=True)
    assert [p.name for p in wheel_dir.iterdir()] == [built["wheel"].name]


def test_the_extension_manifest_is_ready_for_the_marketplace_and_open_vsx():
    manifest = json.loads((ROOT / "package.json").read_text())
    assert "private" not in manifest
    for key in ("publisher", "license", "repository", "homepage", "bugs", "icon", "displayName", "description"):
        assert manifest.get(key), key
    assert (ROOT / manifest["icon"]).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # One version: looplint's. package.json holds a placeholder that packaging replaces.
    assert manifest["version"] == "0.0.0-dev"
    assert (ROOT / "CHANGELOG.md").read_text().count(f"## {version()}") == 1
    listing = (ROOT / "client" / "README-section.md").read_text()
    assert "Install" in listing and "--install-extension" in listing and "Marketplace" in listing
