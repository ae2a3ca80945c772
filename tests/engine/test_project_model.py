"""The project model: root discovery, module and name resolution, class ancestry."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import write_project

from looplint.engine.project import Project, find_project_root
from looplint.engine.settings import Settings
from looplint.engine.symbols import Ambiguous, External, ProjectClass, ProjectFunction, ProjectModule


def model_of(root: Path, rel: str, name: str, settings: Settings | None = None):
    project = Project(root, settings)
    return project.class_model(ProjectClass((root / rel).resolve(), name))


@pytest.mark.parametrize("marker", ["pyproject.toml", "setup.cfg", "setup.py", ".git"])
def test_root_is_nearest_marker(tmp_path, marker):
    (tmp_path / "outer").mkdir()
    (tmp_path / "outer" / "pyproject.toml").write_text("")
    inner = tmp_path / "outer" / "inner"
    (inner / "tests").mkdir(parents=True)
    if marker == ".git":
        (inner / ".git").mkdir()
    else:
        (inner / marker).write_text("")
    (inner / "tests" / "test_a.py").write_text("")
    assert find_project_root(inner / "tests" / "test_a.py") == inner.resolve()


def test_base_class_in_another_package(tmp_path):
    write_project(
        tmp_path,
        {
            "test_framework/__init__.py": "",
            "test_framework/base.py": "import unittest\n\nclass Base(unittest.TestCase):\n    pass\n",
            "tests/test_x.py": "from test_framework.base import Base\n\nclass T(Base):\n    pass\n",
        },
    )
    model = model_of(tmp_path, "tests/test_x.py", "T")
    assert model.is_testcase is True and model.is_isolated is False
    assert model.chain == ["T", "Base", "unittest.TestCase"]
    assert model.is_plain_sync_testcase


@pytest.mark.parametrize(
    "files,test_source",
    [
        # relative import
        ({"tests/__init__.py": "", "tests/base.py": "import unittest\nclass B(unittest.TestCase): pass\n"},
         "from .base import B\nclass T(B): pass\n"),
        # two levels up
        ({"tests/__init__.py": "", "tests/sub/__init__.py": "", "tests/base.py": "import unittest\nclass B(unittest.TestCase): pass\n"},
         "from ..base import B\nclass T(B): pass\n"),
        # import x as y, attribute access
        ({"lib/__init__.py": "", "lib/cases.py": "import unittest as ut\nclass B(ut.TestCase): pass\n"},
         "import lib.cases as c\nclass T(c.B): pass\n"),
        # re-export through __init__
        ({"lib/__init__.py": "from .cases import B as Public\n", "lib/cases.py": "from unittest import TestCase\nclass B(TestCase): pass\n"},
         "from lib import Public\nclass T(Public): pass\n"),
        # star import
        ({"lib/__init__.py": "from .cases import *\n", "lib/cases.py": "import unittest\nclass B(unittest.TestCase): pass\n"},
         "from lib import B\nclass T(B): pass\n"),
        # module alias assignment
        ({"lib/__init__.py": "", "lib/cases.py": "import unittest\nBase = unittest.TestCase\nclass B(Base): pass\n"},
         "from lib.cases import B\nclass T(B): pass\n"),
        # src layout
        ({"src/pkg/__init__.py": "", "src/pkg/testing.py": "import unittest\nclass B(unittest.TestCase): pass\n"},
         "from pkg.testing import B\nclass T(B): pass\n"),
        # namespace package (no __init__.py)
        ({"nspkg/testing.py": "import unittest\nclass B(unittest.TestCase): pass\n"},
         "from nspkg.testing import B\nclass T(B): pass\n"),
        # private module path of the stdlib
        ({}, "from unittest.case import TestCase\nclass B(TestCase): pass\nclass T(B): pass\n"),
    ],
)
def test_resolution_styles(tmp_path, files, test_source):
    rel = "tests/sub/test_x.py" if "tests/sub/__init__.py" in files else "tests/test_x.py"
    write_project(tmp_path, {**files, rel: test_source})
    model = model_of(tmp_path, rel, "T")
    assert model.is_testcase is True, model
    assert model.is_plain_sync_testcase, model


def test_isolated_and_async_aware_bases(tmp_path):
    write_project(
        tmp_path,
        {
            "t.py": (
                "import unittest\nfrom django.test import TestCase as DjangoCase\n"
                "class I(unittest.IsolatedAsyncioTestCase): pass\n"
                "class D(DjangoCase): pass\n"
                "class Mixed(unittest.TestCase, I): pass\n"
            )
        },
    )
    assert model_of(tmp_path, "t.py", "I").runs_async_tests is True
    assert model_of(tmp_path, "t.py", "D").async_aware_base == "django.test.TestCase"
    assert model_of(tmp_path, "t.py", "Mixed").is_isolated is True


def test_unknown_bases_make_the_class_unknown(tmp_path):
    write_project(
        tmp_path,
        {
            "t.py": (
                "import unittest\nfrom thirdparty import Mixin\n"
                "class A(Mixin, unittest.TestCase): pass\n"
                "class B(make_base()): pass\n"
                "class C(unittest.TestCase, metaclass=Meta): pass\n"
                "class D(unittest.TestCase, metaclass=abc.ABCMeta): pass\n"
                "import abc\n"
            )
        },
    )
    a = model_of(tmp_path, "t.py", "A")
    assert a.is_testcase is True and a.runs_async_tests is None and not a.is_plain_sync_testcase
    assert model_of(tmp_path, "t.py", "B").is_testcase is None
    assert model_of(tmp_path, "t.py", "C").runs_async_tests is None
    assert model_of(tmp_path, "t.py", "D").is_plain_sync_testcase


def test_user_configured_async_base(tmp_path):
    write_project(tmp_path, {"lib/__init__.py": "", "lib/base.py": "import unittest\nclass Loop(unittest.TestCase): pass\n",
                             "t.py": "from lib.base import Loop\nclass T(Loop): pass\n"})
    settings = Settings(async_test_bases=("lib.base.Loop",))
    assert model_of(tmp_path, "t.py", "T", settings).runs_async_tests is True
    assert model_of(tmp_path, "t.py", "T").runs_async_tests is False


def test_conditional_imports_that_agree_and_disagree(tmp_path):
    write_project(
        tmp_path,
        {
            "agree.py": (
                "try:\n    from unittest import IsolatedAsyncioTestCase as Base\n"
                "except ImportError:\n    from unittest import IsolatedAsyncioTestCase as Base\n"
                "class T(Base): pass\n"
            ),
            "disagree.py": (
                "import sys\nif sys.version_info >= (3, 8):\n    from unittest import IsolatedAsyncioTestCase as Base\n"
                "else:\n    from unittest import TestCase as Base\n"
                "class T(Base): pass\n"
            ),
        },
    )
    assert model_of(tmp_path, "agree.py", "T").is_isolated is True
    disagree = model_of(tmp_path, "disagree.py", "T")
    assert not disagree.is_plain_sync_testcase and disagree.runs_async_tests is None


def test_cycles_and_self_reference_terminate(tmp_path):
    write_project(
        tmp_path,
        {
            "a.py": "from b import B\nclass A(B): pass\n",
            "b.py": "from a import A\nclass B(A): pass\n",
            "c.py": "from c import C\nclass C(C): pass\n",
        },
    )
    assert model_of(tmp_path, "a.py", "A").is_testcase is not True
    assert model_of(tmp_path, "c.py", "C").is_testcase is not True


def test_methods_through_the_mro(tmp_path):
    write_project(
        tmp_path,
        {
            "base.py": "import unittest\nclass B(unittest.TestCase):\n    async def test_a(self): pass\n    def helper(self): pass\n",
            "t.py": "from base import B\nclass T(B):\n    def test_a(self): pass\n",
        },
    )
    model = model_of(tmp_path, "t.py", "T")
    path, owner, function = model.methods["test_a"]
    assert owner == "T" and not function.is_async  # the override shadows the async base method
    assert model.methods["helper"][1] == "B"


def test_resolve_dotted_functions_and_externals(tmp_path):
    write_project(
        tmp_path,
        {
            "helpers.py": "async def fetch(): pass\nclass Client:\n    async def get(self): pass\n",
            "t.py": "import asyncio as aio\nfrom asyncio import run\nfrom helpers import fetch, Client\nimport helpers\n",
        },
    )
    project = Project(tmp_path)
    t = (tmp_path / "t.py").resolve()
    assert project.resolve_dotted(t, "aio.run") == External("asyncio.run")
    assert project.resolve_dotted(t, "run") == External("asyncio.run")
    assert project.resolve_dotted(t, "fetch") == ProjectFunction((tmp_path / "helpers.py").resolve(), "fetch")
    assert project.resolve_dotted(t, "helpers.Client.get") == ProjectFunction((tmp_path / "helpers.py").resolve(), "get", "Client")
    assert project.resolve_dotted(t, "helpers") == ProjectModule((tmp_path / "helpers.py").resolve())
    assert project.resolve_dotted(t, "undefined_name") is None


def test_overlay_and_invalidation(tmp_path):
    write_project(tmp_path, {"base.py": "import unittest\nclass B(unittest.TestCase): pass\n", "t.py": "from base import B\nclass T(B): pass\n"})
    project = Project(tmp_path)
    t = ProjectClass((tmp_path / "t.py").resolve(), "T")
    assert project.class_model(t).is_plain_sync_testcase
    project.set_overlay(tmp_path / "base.py", "import unittest\nclass B(unittest.IsolatedAsyncioTestCase): pass\n")
    assert project.class_model(t).is_isolated is True
    project.set_overlay(tmp_path / "base.py", None)
    assert project.class_model(t).is_plain_sync_testcase


def test_ambiguous_symbol_is_reported_as_such(tmp_path):
    write_project(tmp_path, {"t.py": "try:\n    import json as j\nexcept ImportError:\n    import simplejson as j\n"})
    project = Project(tmp_path)
    assert isinstance(project.resolve_dotted((tmp_path / "t.py").resolve(), "j"), Ambiguous)


def test_stdlib_names_are_never_shadowed_by_project_dirs(tmp_path):
    write_project(tmp_path, {"tests/unittest/__init__.py": "", "tests/test_x.py": "import unittest\nclass T(unittest.TestCase): pass\n"})
    assert model_of(tmp_path, "tests/test_x.py", "T").is_plain_sync_testcase


_MONOREPO_BASE = "import unittest\n\nclass ServiceTestCase(unittest.TestCase):\n    pass\n"


def test_a_base_in_another_distribution_of_a_monorepo(tmp_path):
    # libs/testkit is its own distribution (src layout); the service's tests import it as installed.
    root = write_project(tmp_path / "repo", {
        "pyproject.toml": "",
        "libs/testkit/pyproject.toml": "[project]\nname = 'testkit'\n",
        "libs/testkit/src/testkit/__init__.py": "",
        "libs/testkit/src/testkit/base.py": _MONOREPO_BASE,
        "services/api/tests/test_api.py": "from testkit.base import ServiceTestCase\n",
    })
    project = Project(root)
    found = project.resolve_dotted(root / "services/api/tests/test_api.py", "ServiceTestCase")
    assert found == ProjectClass(root / "libs/testkit/src/testkit/base.py", "ServiceTestCase")
    # Without the distribution's marker the folder is no import root: the name stays external.
    (root / "libs/testkit/pyproject.toml").unlink()
    fresh = Project(root)
    assert isinstance(fresh.resolve_dotted(root / "services/api/tests/test_api.py", "ServiceTestCase"), External)


def test_pytests_pythonpath_option_is_an_import_root(tmp_path):
    files = {
        "pyproject.toml": "[tool.pytest.ini_options]\npythonpath = ['support']\n",
        "support/kit/__init__.py": "",
        "support/kit/base.py": _MONOREPO_BASE,
        "tests/test_api.py": "from kit.base import ServiceTestCase\n",
    }
    root = write_project(tmp_path / "repo", files)
    found = Project(root).resolve_dotted(root / "tests/test_api.py", "ServiceTestCase")
    assert found == ProjectClass(root / "support/kit/base.py", "ServiceTestCase")
    (root / "pyproject.toml").write_text("[tool.pytest.ini_options]\n")
    assert isinstance(Project(root).resolve_dotted(root / "tests/test_api.py", "ServiceTestCase"), External)


def test_a_test_package_named_like_the_project_package_does_not_hide_it(tmp_path):
    """pytest puts the folder above a package on sys.path, not the package's own folder: from
    `tests/app/internal/test_x.py` (every folder a package), `app` is the project's `app/`. A
    module found only beside the importing file, in a package folder, is still found."""
    root = write_project(tmp_path, {
        "pyproject.toml": "",
        "app/__init__.py": "",
        "app/internal/__init__.py": "",
        "app/internal/aio.py": "def make():\n    pass\n",
        "tests/__init__.py": "",
        "tests/app/__init__.py": "",
        "tests/app/internal/__init__.py": "",
        "tests/app/internal/helpers.py": "def helper():\n    pass\n",
        "tests/app/internal/test_x.py": "from app.internal import aio\nimport helpers\n",
    })
    project = Project(root.resolve())
    test = (root / "tests/app/internal/test_x.py").resolve()
    assert project.resolve_dotted(test, "aio") == ProjectModule((root / "app/internal/aio.py").resolve())
    assert project.resolve_dotted(test, "helpers") == ProjectModule((root / "tests/app/internal/helpers.py").resolve())
