import pytest


@pytest.fixture
async def backend_name(anyio_backend):
    return anyio_backend


async def test_runs_on_asyncio(anyio_backend):
    assert anyio_backend == "asyncio"


async def test_fixture_on_backend(backend_name):
    assert backend_name == "asyncio"


def test_sync_helper():
    assert "asyncio".isalpha()
