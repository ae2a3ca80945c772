from __future__ import annotations

from pathlib import Path

import pytest

from lsp_session import Session

from lsp_fixtures import BASE, TEST_AGENT


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
