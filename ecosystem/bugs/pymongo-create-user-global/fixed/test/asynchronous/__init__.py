import unittest
from typing import Any

from pymongo.asynchronous.mongo_client import AsyncMongoClient


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


class AsyncPyMongoTestCase(unittest.IsolatedAsyncioTestCase):
    async def async_rs_or_single_client(self, h: Any = None, p: Any = None, **kwargs: Any) -> AsyncMongoClient:
        client = AsyncMongoClient(h, p, **kwargs)
        self.addAsyncCleanup(client.close)
        return client


class AsyncIntegrationTest(AsyncPyMongoTestCase):
    async def asyncSetUp(self) -> None:
        self.client = async_client_context.client
        self.db = self.client["pymongo_test"]
