from tortoise.contrib import test

from tests.models import Signals


class TestSignals(test.TestCase):
    async def setUp(self):
        self.signal_save = await Signals.create(name="signal_save")
        self.signal_delete = await Signals.create(name="signal_delete")

    async def test_create(self):
        self.assertEqual(self.signal_save.name, "signal_save")
