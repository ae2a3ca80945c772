"""The project's base test case: synchronous, with a home-grown async bridge."""

import asyncio
import concurrent.futures
import sys
import unittest


class SSotBaseTestCase(unittest.TestCase):
    """Base for all service tests.

    Runs `asyncSetUp` if a subclass defines one, on a worker thread so that it
    also "works" when pytest already has a loop running.
    """

    def setUp(self):
        super().setUp()
        if hasattr(self, "asyncSetUp"):
            run_sync(self.asyncSetUp())


def run_sync(coro):
    """Run a coroutine from sync code, whoever is calling."""
    if "pytest" in sys.modules:
        # Under pytest a loop may already be running: hop to a thread.
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(asyncio.run, coro).result()
    return asyncio.run(coro)
