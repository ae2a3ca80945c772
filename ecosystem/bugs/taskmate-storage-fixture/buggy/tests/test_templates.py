import asyncio

import pytest

from taskmate.storage import Storage


@pytest.fixture
def storage():
    store = Storage()
    asyncio.get_event_loop().run_until_complete(store.async_load())
    return store


def test_templates_start_empty(storage):
    assert storage.data == {"chores": []}
