import asyncio

from app.agent import Agent
from test_framework.async_base import SSotAsyncTestCase


class TestAgent(SSotAsyncTestCase):
    def setUp(self):
        super().setUp()
        self.agent = Agent()

    async def test_reply(self):
        self.assertEqual(await self.agent.reply("hi"), "hello")

    async def test_ready(self):
        self.assertTrue(self.agent.is_ready())

    async def test_reply_blocking(self):
        reply = asyncio.run(self.agent.reply("hi"))
        self.assertEqual(reply, "hello")

    def test_sync_still_runs(self):
        self.assertIsInstance(self.agent, Agent)
