import pytest

pytestmark = pytest.mark.anyio


async def test_store_is_open(store):
    assert store.opened


async def test_get_seeded_value(seeded):
    assert await seeded.get("greeting") == "hello"


class TestMissing:
    async def test_missing_key(self, store):
        assert await store.get("nope") is None
