"""Pin a PyPI sdist for projects.toml: print its entry and what tests it ships.

    python ecosystem/pin.py NAME[==VERSION] ...

Asks PyPI's JSON API for the release (the newest one without ``==``), takes
its sdist, downloads and unpacks it into the cache (ecosystem/fetch.py) and
prints a ``[[project]]`` entry with the folders that hold test modules and
their counts. The entry is a draft: check the folders and set ``suite``.
"""

from __future__ import annotations

import json
import sys
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ecosystem.census import census, is_test_module  # noqa: E402
from ecosystem.fetch import fetch_sdist  # noqa: E402


def release(name: str, version: str | None) -> tuple[str, str, str, str]:
    """(canonical name, version, sdist URL, sha256)."""
    url = f"https://pypi.org/pypi/{name}/json"
    with urllib.request.urlopen(url, timeout=60) as response:
        data = json.load(response)
    info = data["info"]
    version = version or info["version"]
    files = data["releases"].get(version)
    if files is None:
        raise SystemExit(f"{name}: no release {version} on PyPI")
    for file in files:
        if file["packagetype"] == "sdist" and not file.get("yanked"):
            return info["name"], version, canonical_url(url, file["url"]), file["digests"]["sha256"]
    raise SystemExit(f"{name} {version}: no sdist on PyPI")


def canonical_url(api_url: str, file_url: str) -> str:
    """PyPI's address of a file (a mirror of the JSON API may give it relative to itself)."""
    absolute = urllib.parse.urljoin(api_url, file_url)
    path = urllib.parse.urlparse(absolute).path
    marker = "/packages/"
    if marker in path:
        return "https://files.pythonhosted.org/packages/" + path.rsplit(marker, 1)[1]
    return absolute


def test_folders(root: Path) -> list[tuple[str, int]]:
    """Top-most folders holding test modules, with how many each holds."""
    counts: Counter[str] = Counter()
    for path in root.rglob("*.py"):
        if not is_test_module(path.name):
            continue
        parts = path.relative_to(root).parts[:-1]
        top = next((i for i, part in enumerate(parts) if part.lower() in {"test", "tests", "testing", "t"}), None)
        folder = "/".join(parts[: top + 1]) if top is not None else "/".join(parts) or "."
        counts[folder] += 1
    return sorted(counts.items())


def main(argv: list[str]) -> int:
    for spec in argv:
        name, _, version = spec.partition("==")
        canonical, version, url, sha256 = release(name, version or None)
        root = fetch_sdist(url, sha256, canonical.lower(), version)
        folders = test_folders(root)
        tests = [f for f, _ in folders]
        counted = census(root, tuple(tests)) if tests else None
        print("[[project]]")
        print(f'name = "{canonical.lower()}"')
        print(f'version = "{version}"')
        print(f'url = "{url}"')
        print(f'sha256 = "{sha256}"')
        print(f"tests = {json.dumps(tests)}")
        print('suite = ""')
        if counted:
            print(f"# {counted.test_modules} test modules + {counted.support_modules} support modules")
        for folder, count in folders:
            print(f"#   {folder}: {count}")
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
