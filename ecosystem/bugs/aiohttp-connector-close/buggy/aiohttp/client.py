class ClientSession:
    def __init__(self, *, connector=None) -> None:
        self._connector = connector

    async def request(self, method: str, url: str):
        raise NotImplementedError

    async def close(self) -> None:
        pass
