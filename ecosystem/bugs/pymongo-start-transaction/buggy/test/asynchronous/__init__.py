import asyncio
import inspect
import unittest
from typing import Any

from pymongo.asynchronous.mongo_client import AsyncMongoClient

LOOP = None


def get_loop() -> asyncio.AbstractEventLoop:
    global LOOP
    if LOOP is None:
        LOOP = asyncio.new_event_loop()
        asyncio.set_event_loop(LOOP)
    return LOOP


async def _create_user(authdb, user, pwd=None, roles=None, **kwargs):
    cmd = {"createUser": user, "pwd": pwd, "roles": roles or ["root"]}
    cmd.update(**kwargs)
    return await authdb.command(cmd)


class AsyncClientContext:
    def __init__(self):
        self.client = AsyncMongoClient()
        self.w = 1

    async def create_user(self, dbname, user, pwd=None, roles=None, **kwargs):
        kwargs["writeConcern"] = {"w": self.w}
        return await _create_user(self.client[dbname], user, pwd, roles, **kwargs)


async_client_context = AsyncClientContext()


class AsyncPyMongoTestCase(unittest.TestCase):
    """An async TestCase that uses a single event loop for all tests."""

    async def asyncSetUp(self):
        pass

    async def asyncTearDown(self):
        pass

    def _callSetUp(self):
        self.setUp()
        self._callAsync(self.asyncSetUp)

    def _callTestMethod(self, method):
        self._callMaybeAsync(method)

    def _callTearDown(self):
        self._callAsync(self.asyncTearDown)
        self.tearDown()

    def _callAsync(self, func, /, *args, **kwargs):
        assert inspect.iscoroutinefunction(func), f"{func!r} is not an async function"
        return get_loop().run_until_complete(func(*args, **kwargs))

    def _callMaybeAsync(self, func, /, *args, **kwargs):
        if inspect.iscoroutinefunction(func):
            return get_loop().run_until_complete(func(*args, **kwargs))
        return func(*args, **kwargs)

    async def async_rs_or_single_client(self, h: Any = None, p: Any = None, **kwargs: Any) -> AsyncMongoClient:
        client = AsyncMongoClient(h, p, **kwargs)
        self.addCleanup(get_loop().run_until_complete, client.close())
        return client


class AsyncIntegrationTest(AsyncPyMongoTestCase):
    async def asyncSetUp(self) -> None:
        self.client = async_client_context.client
        self.db = self.client["pymongo_test"]
