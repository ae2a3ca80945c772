import asyncio


class AsyncBatcher:
    def __init__(self, max_batch_size=2):
        self.max_batch_size = max_batch_size

    async def process(self, item):
        await asyncio.sleep(0)
        return item * 2
