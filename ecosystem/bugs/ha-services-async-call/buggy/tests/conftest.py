import pytest

from homeassistant.core import HomeAssistant


@pytest.fixture
def hass():
    return HomeAssistant()
