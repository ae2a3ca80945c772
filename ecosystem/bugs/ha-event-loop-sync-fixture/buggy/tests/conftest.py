import pytest

from homeassistant import TimerManager


@pytest.fixture
def timer_manager(event_loop):
    return TimerManager(event_loop)
