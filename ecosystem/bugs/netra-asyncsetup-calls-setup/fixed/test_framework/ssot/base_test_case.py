"""Shared base test case (SSOT): sync setUp that also runs the class's asyncSetUp on the current loop."""
import asyncio
import logging
import unittest

logger = logging.getLogger(__name__)


class SSotBaseTestCase:
    def setup_method(self, method=None):
        self._metrics = {}

    def setUp(self):
        self.setup_method()
        if hasattr(self, "asyncSetUp") and asyncio.iscoroutinefunction(self.asyncSetUp):
            try:
                loop = asyncio.get_event_loop()
                if loop.is_closed():
                    raise RuntimeError("Event loop is closed")
            except RuntimeError:
                loop = asyncio.new_event_loop()
                asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self.asyncSetUp())
            except Exception as error:
                logger.error(f"asyncSetUp failed in {self.__class__.__name__}: {error}")
                raise


class SSotAsyncTestCase(SSotBaseTestCase, unittest.TestCase):
    async def asyncSetUp(self):
        """Async setup method for async tests."""
        # Initialize async-specific state without calling the sync setUp (it runs this method)
        await self._initialize_async_state()

    async def _initialize_async_state(self):
        pass
