"""A small key-value store on anyio primitives."""

from __future__ import annotations

import anyio


class Store:
    def __init__(self) -> None:
        self._data: dict[str, str] = {}
        self._lock = anyio.Lock()
        self.opened = False

    async def open(self) -> None:
        await anyio.sleep(0)
        self.opened = True

    async def close(self) -> None:
        await anyio.sleep(0)
        self.opened = False

    async def put(self, key: str, value: str) -> None:
        async with self._lock:
            self._data[key] = value

    async def get(self, key: str) -> str | None:
        async with self._lock:
            return self._data.get(key)
