import pytest

from romm.downloads import DownloadService


@pytest.fixture
def service():
    # The service resolves the running loop when it needs one.
    return DownloadService()


async def test_fetch_returns_file_name(service):
    assert await service.fetch("https://example.invalid/roms/game.zip") == "game.zip"
