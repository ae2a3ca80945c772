import asyncio
import unittest

import bugsnag


class AsyncNotifyTest(unittest.TestCase):
    def test_notify_is_scheduled_on_the_loop(self):
        calls = []
        loop = asyncio.get_event_loop()
        bugsnag.notify_later(loop, lambda: calls.append(1))
        loop.run_until_complete(asyncio.sleep(0))
        self.assertEqual(calls, [1])
