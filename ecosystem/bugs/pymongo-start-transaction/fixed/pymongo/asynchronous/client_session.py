from __future__ import annotations


class AsyncClientSession:
    def __init__(self, client):
        self._client = client
        self._transaction = None

    async def __aenter__(self) -> AsyncClientSession:
        return self

    async def __aexit__(self, exc_type, exc_val, exc_tb) -> None:
        await self.end_session()

    async def start_transaction(self, read_concern=None, write_concern=None):
        self._transaction = object()

    async def end_session(self) -> None:
        self._ended = True
