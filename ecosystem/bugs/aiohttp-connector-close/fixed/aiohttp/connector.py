class BaseConnector:
    def __init__(self, *, limit: int = 100) -> None:
        self._limit = limit
        self._conns: dict = {}
        self._closed = False

    async def close(self) -> None:
        """Close all opened transports."""
        self._conns.clear()
        self._closed = True


class TCPConnector(BaseConnector):
    def __init__(self, *, limit: int = 100, ssl: bool = True) -> None:
        super().__init__(limit=limit)
        self._ssl = ssl
