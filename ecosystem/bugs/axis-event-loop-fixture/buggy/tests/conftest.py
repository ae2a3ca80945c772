import pytest

from axis import AxisDevice


@pytest.fixture
def axis_device(event_loop):
    device = AxisDevice("192.0.2.1")
    yield device
    event_loop.run_until_complete(device.close())
