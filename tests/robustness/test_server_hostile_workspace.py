"""A workspace whose configuration, version and metadata files are FIFOs or /dev/zero does not
deafen the server: a real `looplint server` over stdio still publishes and answers a hover."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import lsp_bench as bench  # noqa: E402

BLOCKING = "import time\nimport unittest\n\nclass T(unittest.IsolatedAsyncioTestCase):\n" \
           "    async def test_a(self):\n        time.sleep(1)\n"
HANG = 120.0  # a hang fails the test after this long


def special(path: Path, kind: str) -> None:
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to("/dev/zero")


@pytest.mark.parametrize("kind", ["fifo", "dev-zero-link"])
async def test_special_files_in_the_workspace_leave_the_server_answering(tmp_path, kind):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\ndependencies = ["pytest-asyncio>=1"]\n')
    (tmp_path / "requirements.txt").write_text("-r other.txt\npytest>=8\n")
    special(tmp_path / "other.txt", kind)
    special(tmp_path / ".python-version", kind)
    special(tmp_path / "pytest.ini", kind)
    site = tmp_path / ".venv" / "lib" / "python3.11" / "site-packages" / "pytest_asyncio-1.0.0.dist-info"
    site.mkdir(parents=True)
    (tmp_path / ".venv" / "pyvenv.cfg").write_text("version = 3.11.7\n")
    special(site / "METADATA", kind)
    test = tmp_path / "tests" / "test_real.py"
    test.parent.mkdir()
    test.write_text(BLOCKING)

    async def session() -> None:
        client = bench.Client(dict(os.environ))
        await client.start([tmp_path], pull=False)
        try:
            uri = test.as_uri()
            client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python",
                                                                    "version": 1, "text": BLOCKING}})
            await client.wait(lambda: any(n > 0 for _, _, n in client.published.get(uri, [])), timeout=HANG)
            hover = await client.request("textDocument/hover", {"textDocument": {"uri": uri},
                                                                "position": {"line": 5, "character": 9}})
            assert hover is not None and "CO004" in hover["contents"]["value"]
            assert client.process.returncode is None
        finally:
            await client.stop()

    await asyncio.wait_for(session(), HANG)
