"""A server whose libcst native module does not load (a bundle for another platform): it says so once,
and diagnostics, hovers and the suppress action keep working."""

from __future__ import annotations

import sys

from lsprotocol import types

# `import libcst.native` fails as it does with a foreign binary (None in sys.modules stops the import).
SERVER_WITHOUT_NATIVE = [
    sys.executable, "-c",
    "import sys; sys.modules['libcst.native'] = None; from looplint.cli.main import main; sys.exit(main(['server']))",
]


async def test_no_native_module_means_no_fixes_said_once_and_everything_else_works(project, start):
    session = await start(project, pull=True, server=SERVER_WITHOUT_NATIVE)
    uri = session.open("tests/test_agent.py")
    diagnostics = await session.diagnostics(uri)
    ut001 = [d for d in diagnostics if d.code == "UT001"]
    assert len(ut001) == 1

    for _ in range(3):
        actions = await session.code_actions(uri, ut001[0].range, ut001)
        titles = [a.title for a in actions]
        assert titles == ["Suppress UT001 on this line"], titles
        fix_all = await session.code_actions(uri, ut001[0].range, [], only=["source.fixAll.looplint"])
        assert not fix_all

    hover = await session.hover(uri, ut001[0].range.start)
    assert hover is not None and "TestCase" in str(hover.contents)

    warnings = [m for m in session.client.messages if "quick fixes and Fix All are unavailable" in m.message]
    assert len(warnings) == 1, [m.message for m in session.client.messages]
    assert warnings[0].type == types.MessageType.Warning
    assert "libcst's native module does not load" in warnings[0].message
