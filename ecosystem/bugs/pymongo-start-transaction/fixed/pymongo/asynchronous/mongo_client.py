from __future__ import annotations

from pymongo.asynchronous import client_session, database


class AsyncMongoClient:
    def __init__(self, host=None, port=None, **kwargs):
        self._host = host
        self._port = port

    def __getitem__(self, name: str) -> database.AsyncDatabase:
        return database.AsyncDatabase(self, name)

    def start_session(self, causal_consistency=None) -> client_session.AsyncClientSession:
        return client_session.AsyncClientSession(self)

    async def close(self) -> None:
        pass
