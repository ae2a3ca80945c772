import pytest

from app.store import Store


@pytest.fixture(scope="session")
def anyio_backend():
    return "asyncio"


@pytest.fixture(scope="session")
async def store():
    store = Store()
    await store.open()
    yield store
    await store.close()


@pytest.fixture
async def seeded(store):
    await store.put("greeting", "hello")
    return store
