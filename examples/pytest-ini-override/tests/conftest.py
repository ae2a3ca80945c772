import pytest_asyncio

from app.orders import OrderBook


@pytest_asyncio.fixture
async def book():
    book = OrderBook()
    await book.place("ACME", 1)
    return book
