"""Which files depend on a changed one: the import graph, walked backwards."""

from __future__ import annotations

from helpers import write_project
from looplint.lsp.analysis import Analyzer
from looplint.lsp.index import WorkspaceIndex
from looplint.lsp.settings import ServerSettings


def index_for(root) -> WorkspaceIndex:
    analyzer = Analyzer(ServerSettings())
    analyzer.set_folders([(root.as_uri(), root)])
    return WorkspaceIndex(analyzer)


def test_dependents_through_imports_and_conftest(tmp_path):
    root = write_project(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/base.py": "import unittest\nclass Base(unittest.TestCase):\n    pass\n",
        "pkg/middle.py": "from pkg.base import Base\nclass Middle(Base):\n    pass\n",
        "tests/__init__.py": "",
        "tests/test_a.py": "from pkg.middle import Middle\n",
        "tests/test_b.py": "from pkg import base\n",
        "tests/test_c.py": "import os\n",
        "tests/sub/test_d.py": "import os\n",
        "tests/sub/conftest.py": "",
    })
    index = index_for(root)
    files = [root / p for p in ("pkg/middle.py", "tests/test_a.py", "tests/test_b.py", "tests/test_c.py", "tests/sub/test_d.py")]
    # Transitively (test_a -> middle -> base) and through `from pkg import base` (a submodule).
    assert index.dependents([root / "pkg/base.py"], files) == {root / "pkg/middle.py", root / "tests/test_a.py", root / "tests/test_b.py"}
    assert index.dependents([root / "pkg/middle.py"], files) == {root / "tests/test_a.py"}
    # A conftest.py: the files below it, whatever they import.
    assert index.dependents([root / "tests/sub/conftest.py"], files) == {root / "tests/sub/test_d.py"}
    # A changed file is not its own dependent, and what it imports is read again.
    (root / "tests/test_c.py").write_text("from pkg.base import Base\n")
    index.file_changed(root / "tests/test_c.py")
    assert root / "tests/test_c.py" in index.dependents([root / "pkg/base.py"], files)
    assert index.dependents([root / "tests/test_c.py"], files) == set()
