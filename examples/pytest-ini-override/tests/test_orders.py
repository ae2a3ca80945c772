from app.orders import OrderBook


async def test_place_adds_quantity(book):
    assert await book.place("ACME", 2) == 3


async def test_cancel_removes_symbol(book):
    await book.cancel("ACME")
    assert book.total() == 0


def test_new_book_is_empty():
    assert OrderBook().total() == 0
