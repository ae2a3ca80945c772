import asyncio


class DownloadService:
    def __init__(self, loop=None):
        self._loop = loop

    def _current_loop(self):
        return self._loop or asyncio.get_running_loop()

    async def fetch(self, url):
        future = self._current_loop().create_future()
        self._current_loop().call_soon(future.set_result, url.rsplit("/", 1)[-1])
        return await future
