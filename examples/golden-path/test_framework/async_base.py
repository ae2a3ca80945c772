"""The async-flavoured base: async helpers on top of the sync base."""

from .base import SSotBaseTestCase


class SSotAsyncTestCase(SSotBaseTestCase):
    """Tests for async services. (It looks async; its runner is not.)"""

    async def asyncSetUp(self):
        self.calls = []

    async def record(self, what):
        self.calls.append(what)
