"""A tiny async order book."""

from __future__ import annotations

import asyncio


class OrderBook:
    def __init__(self) -> None:
        self._orders: dict[str, int] = {}
        self._lock = asyncio.Lock()

    async def place(self, symbol: str, quantity: int) -> int:
        async with self._lock:
            await asyncio.sleep(0)
            self._orders[symbol] = self._orders.get(symbol, 0) + quantity
            return self._orders[symbol]

    async def cancel(self, symbol: str) -> None:
        async with self._lock:
            self._orders.pop(symbol, None)

    def total(self) -> int:
        return sum(self._orders.values())
