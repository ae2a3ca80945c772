import asyncio
import unittest

from hummingbot import OrderBookTracker


class OrderBookTrackerUnitTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ev_loop = asyncio.get_event_loop()

    def setUp(self):
        self.tracker = OrderBookTracker()

    def test_start_registers_books(self):
        self.ev_loop.run_until_complete(self.tracker.start())
        self.assertIn("BTC-USDT", self.tracker.books)
