import unittest

import aiounittest
from async_asgi_testclient import TestClient

from honeybadger.contrib.asgi import ASGIHoneybadger


async def ok_app(scope, receive, send):
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


class ASGIPluginTestCase(unittest.TestCase):
    def setUp(self):
        self.app = ASGIHoneybadger(ok_app)
        self.client = TestClient(self.app)

    @aiounittest.async_test
    async def test_should_not_notify_exception(self):
        response = self.client.get("/")
        self.assertEqual(self.app.notified, [])
