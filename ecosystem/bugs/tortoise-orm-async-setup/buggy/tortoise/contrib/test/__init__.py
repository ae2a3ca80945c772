"""The project's test base (0.18.0): IsolatedAsyncioTestCase with its own run().

Its setup step awaits asyncSetUp() when setUp is a coroutine function, so an
``async def setUp`` in a test class is never called.
"""
import asyncio
import unittest
from typing import Optional
from unittest.result import TestResult

from tortoise import Tortoise

_LOOP = asyncio.new_event_loop()


class SimpleTestCase(unittest.IsolatedAsyncioTestCase):
    async def _setUpDB(self) -> None:
        pass

    async def _tearDownDB(self) -> None:
        pass

    async def _setUp(self) -> None:
        await self._setUpDB()
        if asyncio.iscoroutinefunction(self.setUp):
            await self.asyncSetUp()
        else:
            self.setUp()

    async def _tearDown(self) -> None:
        if asyncio.iscoroutinefunction(self.tearDown):
            await self.asyncTearDown()
        else:
            self.tearDown()
        await self._tearDownDB()
        Tortoise.apps = {}

    def run(self, result: Optional[TestResult] = None) -> Optional[TestResult]:
        result = result or self.defaultTestResult()
        result.startTest(self)
        outcome = unittest.case._Outcome(result)
        try:
            self._outcome = outcome
            _LOOP.run_until_complete(self._run_outcome(outcome, getattr(self, self._testMethodName)))
            if outcome.success:
                result.addSuccess(self)
            return result
        finally:
            result.stopTest(self)
            self._outcome = None

    async def _run_outcome(self, outcome, test_method) -> None:
        with outcome.testPartExecutor(self):
            await self._setUp()
        if outcome.success:
            with outcome.testPartExecutor(self):
                coro = test_method()
                if asyncio.iscoroutine(coro):
                    await coro
            with outcome.testPartExecutor(self):
                await self._tearDown()


class TruncationTestCase(SimpleTestCase):
    async def _tearDownDB(self) -> None:
        pass


class TestCase(TruncationTestCase):
    """Each test runs inside a transaction that is rolled back."""
