"""Nothing but protocol messages reaches the client on stdout, whatever prints."""

from __future__ import annotations

import sys

from lsprotocol import types

NOISY_SERVER = [
    sys.executable,
    "-c",
    (
        "import os, sys\n"
        "from looplint.lsp import server\n"
        "from looplint.lsp.features import diagnostics\n"
        "check = diagnostics.analyse\n"
        "def noisy(*args):\n"
        "    print('a print() from some plugin')\n"
        "    sys.stdout.write('Content-Length: 5\\r\\n\\r\\nnoise')\n"
        "    os.write(1, b'raw bytes on file descriptor 1\\n')\n"
        "    return check(*args)\n"
        "diagnostics.analyse = noisy\n"
        "server.run_stdio()\n"
    ),
]


async def test_prints_and_raw_writes_do_not_corrupt_the_protocol(project, start, mode):
    session = await start(project, pull=mode == "pull", server=NOISY_SERVER)
    uri = session.open("tests/test_agent.py")
    (diagnostic,) = await session.diagnostics(uri)
    assert diagnostic.code == "UT001"
    hover = await session.hover(uri, diagnostic.range.start)
    assert "UT001" in hover.contents.value
    assert session.client.error is None
    assert not [m for m in session.client.messages if m.type == types.MessageType.Error]
