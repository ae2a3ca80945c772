"""Generate docs/rules/ (one page per rule plus an index) from the rule modules."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "server"))

from looplint.rules import all_rules  # noqa: E402
from looplint.engine.rule import Invalid, Valid  # noqa: E402

DOCS = ROOT / "docs" / "rules"


def rule_page(rule) -> str:
    parts = [rule.full_explanation().rstrip(), ""]
    invalid = [e for e in rule.examples if isinstance(e, Invalid)]
    valid = [e for e in rule.examples if isinstance(e, Valid)]
    if invalid:
        parts.append("### Examples that are reported")
        for example in invalid:
            where = ", ".join(f"{line}:{col}" for line, col in example.positions())
            parts.append(f"`{example.path}`, reported at {where}:")
            parts.append(_code(example.source, example.path))
            if example.fixed is not None:
                parts.append(f"After the {'unsafe ' if example.unsafe else ''}fix:")
                parts.append(_code(example.fixed, example.path))
    if valid:
        parts.append("### Examples that are not reported")
        for example in valid:
            if example.why:
                parts.append(f"{example.why[0].upper()}{example.why[1:]}:")
            parts.append(_code(example.source, example.path))
    parts.append("_Generated from the rule module by `make docs`; do not edit by hand._")
    return "\n\n".join(parts).rstrip() + "\n"


def index_page(rules) -> str:
    lines = [
        "# looplint rules",
        "",
        "| code | name | severity | fix | summary |",
        "| --- | --- | --- | --- | --- |",
    ]
    for rule in rules:
        summary = rule.summary.replace("|", "\\|")
        lines.append(
            f"| [{rule.code}]({rule.code}.md) | {rule.name} | {rule.severity.value} | {rule.fix_safety or '—'} | {summary} |"
        )
    lines += ["", "_Generated from the rule modules by `make docs`._", ""]
    return "\n".join(lines)


def _code(source: str, path: str = "") -> str:
    # config-rule examples are pytest config files (pytest.ini, pyproject.toml, setup.cfg, ...)
    language = {".toml": "toml", ".ini": "ini", ".cfg": "ini"}.get(Path(path).suffix, "python")
    return f"```{language}\n" + source.rstrip("\n") + "\n```"


def expected_files() -> dict[Path, str]:
    rules = all_rules()
    files = {DOCS / f"{rule.code}.md": rule_page(rule) for rule in rules}
    files[DOCS / "README.md"] = index_page(rules)
    return files


def main() -> int:
    DOCS.mkdir(parents=True, exist_ok=True)
    files = expected_files()
    for stale in DOCS.glob("*.md"):
        if stale not in files:
            stale.unlink()
    for path, text in files.items():
        path.write_text(text, encoding="utf-8")
    print(f"wrote {len(files)} files to {DOCS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
