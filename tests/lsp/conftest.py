from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from lsp_session import Session

BASE = textwrap.dedent(
    """\
    import unittest


    class BaseTestCase(unittest.TestCase):
        def setUp(self):
            self.ready = True


    class AsyncTestCase(BaseTestCase):
        pass
    """
)

TEST_AGENT = textwrap.dedent(
    """\
    from test_framework.base import AsyncTestCase


    class TestAgent(AsyncTestCase):
        async def test_reply(self):
            assert False
    """
)

# The engine's expected fix for this case (UT001's own example): the async base is added last.
TEST_AGENT_FIXED = textwrap.dedent(
    """\
    from test_framework.base import AsyncTestCase
    import unittest


    class TestAgent(AsyncTestCase, unittest.IsolatedAsyncioTestCase):
        async def test_reply(self):
            assert False
    """
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project whose test derives, through a base class in another package, from unittest.TestCase."""
    root = tmp_path / "proj"
    files = {
        "pyproject.toml": '[project]\nname = "demo"\n',
        "test_framework/__init__.py": "",
        "test_framework/base.py": BASE,
        "tests/__init__.py": "",
        "tests/test_agent.py": TEST_AGENT,
    }
    for rel, content in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
    return root


@pytest.fixture
async def start():
    """Start sessions (real server processes); all are shut down after the test."""
    sessions: list[Session] = []

    async def _start(root: Path, **kwargs) -> Session:
        session = await Session.start(root, **kwargs)
        sessions.append(session)
        return session

    yield _start
    for session in sessions:
        await session.stop()


@pytest.fixture(params=["pull", "push"])
def mode(request) -> str:
    return request.param
