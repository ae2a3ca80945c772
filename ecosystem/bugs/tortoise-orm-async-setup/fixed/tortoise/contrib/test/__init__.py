"""The project's test base (0.18.1): a plain IsolatedAsyncioTestCase; the database is set up in asyncSetUp."""
import unittest

from tortoise import Tortoise


class SimpleTestCase(unittest.IsolatedAsyncioTestCase):
    async def _setUpDB(self) -> None:
        pass

    async def _tearDownDB(self) -> None:
        pass

    async def asyncSetUp(self) -> None:
        await self._setUpDB()

    async def asyncTearDown(self) -> None:
        await self._tearDownDB()
        Tortoise.apps = {}


class TruncationTestCase(SimpleTestCase):
    async def _tearDownDB(self) -> None:
        pass


class TestCase(TruncationTestCase):
    """Each test runs inside a transaction that is rolled back."""
