import asyncio

import pytest

from romm.downloads import DownloadService


@pytest.fixture
def service():
    return DownloadService(loop=asyncio.get_event_loop())


async def test_fetch_returns_file_name(service):
    assert await service.fetch("https://example.invalid/roms/game.zip") == "game.zip"
