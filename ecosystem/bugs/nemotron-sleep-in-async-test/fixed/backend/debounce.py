import asyncio
import time


class Debouncer:
    def __init__(self, window):
        self.window = window
        self.last = None

    async def accept(self, event):
        now = time.monotonic()
        if self.last is not None and now - self.last < self.window:
            return False
        self.last = now
        await asyncio.sleep(0)
        return True
