import asyncio

import pytest

from homeassistant import TimerManager


@pytest.fixture
async def timer_manager():
    return TimerManager(asyncio.get_running_loop())
