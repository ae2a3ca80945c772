import asyncio
import unittest

import bugsnag


class AsyncNotifyTest(unittest.TestCase):
    def test_notify_is_scheduled_on_the_loop(self):
        calls = []
        loop = asyncio.new_event_loop()
        self.addCleanup(loop.close)
        bugsnag.notify_later(loop, lambda: calls.append(1))
        loop.run_until_complete(asyncio.sleep(0))
        self.assertEqual(calls, [1])
