"""docs/rules/ is generated from the rule modules and must be current."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _generator():
    spec = importlib.util.spec_from_file_location("gen_rule_docs", ROOT / "scripts" / "gen_rule_docs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_rule_docs_are_current():
    generator = _generator()
    expected = generator.expected_files()
    stale = [p.name for p, text in expected.items() if not p.exists() or p.read_text(encoding="utf-8") != text]
    extra = [p.name for p in (ROOT / "docs" / "rules").glob("*.md") if p not in expected]
    assert not stale and not extra, f"run `make docs`: stale {stale}, unexpected {extra}"


def test_every_rule_page_links_from_index():
    generator = _generator()
    index = (ROOT / "docs" / "rules" / "README.md").read_text()
    for path in generator.expected_files():
        if path.name != "README.md":
            assert f"]({path.name})" in index
