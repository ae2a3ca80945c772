"""Rules that declare `call_names` see the calls under those names, aliases included."""

from helpers import dedent, write_project

from looplint.engine.workspace import Engine
from looplint.rules import all_rules


def codes(tmp_path, source):
    root = write_project(tmp_path / "p", {"tests/test_x.py": dedent(source)})
    return [(d.code, d.range.line) for d in Engine(all_rules()).check_file(root / "tests" / "test_x.py").diagnostics]


def test_imported_under_another_name(tmp_path):
    found = codes(
        tmp_path,
        """
        import unittest
        from time import sleep as nap

        class T(unittest.IsolatedAsyncioTestCase):
            async def test_x(self):
                nap(1)
        """,
    )
    assert ("CO004", 6) in found


def test_module_level_alias(tmp_path):
    found = codes(
        tmp_path,
        """
        import time
        import unittest

        pause = time.sleep

        class T(unittest.IsolatedAsyncioTestCase):
            async def test_x(self):
                pause(1)
        """,
    )
    assert ("CO004", 8) in found


def test_other_names_are_not_dispatched_but_still_checked_by_others(tmp_path):
    found = codes(
        tmp_path,
        """
        import asyncio
        import unittest

        class T(unittest.IsolatedAsyncioTestCase):
            async def test_x(self):
                self.assertTrue(asyncio.sleep(0))
                asyncio.run(asyncio.sleep(0))
        """,
    )
    assert ("CO002", 6) in found and ("LP001", 7) in found
