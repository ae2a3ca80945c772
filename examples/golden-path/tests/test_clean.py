import unittest

from app.agent import Agent


class TestAgentProperly(unittest.IsolatedAsyncioTestCase):
    async def asyncSetUp(self):
        self.agent = Agent()

    async def test_reply(self):
        self.assertEqual(await self.agent.reply("hi"), "hello")

    async def test_ready(self):
        self.assertTrue(await self.agent.is_ready())


class TestSyncHelpers(unittest.TestCase):
    def test_construct(self):
        self.assertIsInstance(Agent(), Agent)
