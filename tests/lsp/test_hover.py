"""The hover adds to what the editor shows: why here, runtime on the project's versions, the fix."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from lsprotocol import types

from lsp_session import pull_capabilities
from looplint.engine.versions import ProjectVersions, VersionInfo
from looplint.lsp.hover import client_shows_diagnostics, env_versions, runtime_markdown
from looplint.rules import all_rules

RULES = {rule.code: rule for rule in all_rules()}
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "runtime"))


def info(name: str, exact: str | None = None, spec: str = "") -> VersionInfo:
    return VersionInfo(name=name, spec=spec, exact=exact, source=Path("uv.lock"), line=1, kind="lock")


def test_every_runtime_environment_name_is_read_as_its_versions():
    from envs import ENVIRONMENTS  # tests/runtime/envs.py: the environments the symptoms name

    for name, env in ENVIRONMENTS.items():
        versions = env_versions(name)
        assert versions is not None and versions.python == env.python, name
        for want in env.wants:
            for dist in ("pytest", "pytest-asyncio"):
                if want.startswith(dist + "=="):  # pinned: the name says which release line
                    assert want.removeprefix(dist + "==").startswith(versions.get(dist)), (name, want)
    used = {env for rule in RULES.values() for s in rule.symptoms for env in s.envs}
    assert used <= set(ENVIRONMENTS), "symptoms name environments that do not exist"


def test_runtime_section_keeps_the_symptoms_of_the_project_versions():
    pa001 = RULES["PA001"]  # pytest >= 8.4 fails the test; pytest < 8.4 skips it
    old = ProjectVersions(info("python", spec="3.11"), info("pytest", "8.3.5"), info("pytest-asyncio", "0.23.8"), None)
    text = runtime_markdown(pa001, old)
    assert "Python 3.11 · pytest 8.3.5 · pytest-asyncio 0.23.8" in text
    assert "SKIPPED" in text and "not natively supported" not in text
    new = ProjectVersions(info("python", spec="3.11"), info("pytest", "8.4.2"), info("pytest-asyncio", "1.0.0"), None)
    text = runtime_markdown(pa001, new)
    assert "not natively supported" in text and "SKIPPED" not in text
    # Versions no symptom was seen on: every symptom, said as such.
    ancient = ProjectVersions(info("python", spec="3.8"), None, None, None)
    assert "seen on these versions; the project has Python 3.8" in runtime_markdown(pa001, ancient)
    # Unknown versions: every symptom.
    assert "SKIPPED" in runtime_markdown(pa001, None) and "not natively supported" in runtime_markdown(pa001, None)


def test_known_clients():
    for name in ("Visual Studio Code", "code-server", "Neovim", "Eglot", "helix"):
        assert client_shows_diagnostics(name), name
    assert not client_shows_diagnostics(None) and not client_shows_diagnostics("some-client")


@pytest.mark.parametrize("client", ["Visual Studio Code", "Neovim"])
async def test_editors_that_show_the_message_get_why_here_first(project, start, client):
    caps = pull_capabilities() if client != "Neovim" else None
    session = await start(project, pull=client != "Neovim", capabilities=caps, client_name=client)
    uri = session.open("tests/test_agent.py")
    (diagnostic,) = await session.diagnostics(uri)
    hover = await session.hover(uri, diagnostic.range.start)
    value = hover.contents.value
    assert value.startswith("**Why here:** Class chain: `TestAgent → AsyncTestCase → BaseTestCase → unittest.TestCase`")
    assert diagnostic.message not in value, "the message is shown by the editor already"
    assert value.index("**Why here:**") < value.index("**At runtime") < value.index("**Fix**") < value.index("UT001.md")


HELPERS = """\
import asyncio
import unittest


def run_sync(coro):
    return asyncio.run(coro)


class TestIsolated(unittest.IsolatedAsyncioTestCase):
    async def test_fine(self):
        pass
"""


async def test_a_definition_without_a_diagnostic_gets_what_the_engine_knows(project, start):
    session = await start(project, pull=True, client_name="Visual Studio Code")
    agent = session.open("tests/test_agent.py")
    assert [d.code for d in await session.diagnostics(agent)] == ["UT001"]  # on test_reply, not on the class
    hover = await session.hover(agent, types.Position(line=3, character=8))  # class TestAgent(...)
    value = hover.contents.value
    assert value.startswith("**How `TestAgent` runs its tests** (unittest: async tests never run)"), value
    assert "`TestAgent → AsyncTestCase → BaseTestCase → unittest.TestCase`" in value
    assert (hover.range.start.character, hover.range.end.character) == (6, 15)  # the class's name
    assert await session.hover(agent, types.Position(line=3, character=2)) is None  # the keyword: nothing

    (project / "tests/test_helpers.py").write_text(HELPERS)
    helpers = session.open("tests/test_helpers.py")
    assert await session.diagnostics(helpers) == []
    value = (await session.hover(helpers, types.Position(line=4, character=5))).contents.value  # def run_sync
    assert "runs an event loop on every call" in value and "asyncio.run" in value, value
    value = (await session.hover(helpers, types.Position(line=8, character=7))).contents.value  # class TestIsolated
    assert value.startswith("**How `TestIsolated` runs its tests** (isolated: async tests run)"), value

    # An unsaved edit is explained as typed: the class now derives from TestCase.
    session.replace(helpers, "unittest.IsolatedAsyncioTestCase", "unittest.TestCase")
    await session.diagnostics(helpers)
    value = (await session.hover(helpers, types.Position(line=8, character=7))).contents.value
    assert "(unittest: async tests never run)" in value, value
