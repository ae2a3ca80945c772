import asyncio

import pytest

from taskmate.storage import Storage


def run(coro):
    """Run a coroutine on a private loop that is never made current."""
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(coro)
    finally:
        loop.close()


@pytest.fixture
def storage():
    store = Storage()
    run(store.async_load())
    return store


def test_templates_start_empty(storage):
    assert storage.data == {"chores": []}
