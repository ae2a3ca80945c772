import unittest

from hummingbot import OrderBookTracker


class OrderBookTrackerUnitTest(unittest.IsolatedAsyncioTestCase):
    def setUp(self):
        self.tracker = OrderBookTracker()

    async def test_start_registers_books(self):
        await self.tracker.start()
        self.assertIn("BTC-USDT", self.tracker.books)
