"""The small project the LSP tests open: a base class in another package, an async test on it."""

from __future__ import annotations

import textwrap

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
