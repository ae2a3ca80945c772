"""`make demo`: run looplint on each example project and show what it finds."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def main() -> int:
    failures = 0
    for project in sorted(p for p in EXAMPLES.iterdir() if p.is_dir()):
        readme = project / "README.md"
        title = readme.read_text().splitlines()[0].lstrip("# ") if readme.exists() else project.name
        print(f"\n=== {project.relative_to(ROOT)} — {title}")
        for line in _about(readme):
            print(f"    {line}")
        print(f"$ looplint check {project.relative_to(ROOT)}")
        result = subprocess.run(
            [sys.executable, "-m", "looplint", "check", "--no-progress", str(project.relative_to(ROOT))],
            cwd=ROOT,
        )
        if result.returncode not in (0, 1):
            failures += 1
    return 1 if failures else 0


def _about(readme: Path) -> list[str]:
    """The README's first paragraph after the title."""
    if not readme.exists():
        return []
    lines = readme.read_text().splitlines()[1:]
    paragraph: list[str] = []
    for line in lines:
        if line.strip():
            paragraph.append(line.strip())
        elif paragraph:
            break
    return paragraph


if __name__ == "__main__":
    sys.exit(main())
