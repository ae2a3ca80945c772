import unittest

from bittensor.subtensor import AsyncSubtensor


class TestSubtensor(unittest.TestCase):
    def setUp(self):
        self.subtensor = AsyncSubtensor(network="mock")

    def test_network(self):
        self.assertEqual(self.subtensor.network, "mock")

    async def test_get_balance(self):
        self.assertEqual(await self.subtensor.get_balance("alice"), 10)

    async def test_transfer(self):
        self.assertTrue(await self.subtensor.transfer("alice", "bob", 3))
        self.assertEqual(await self.subtensor.get_balance("bob"), 3)
