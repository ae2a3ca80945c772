import pytest

from axis import AxisDevice


@pytest.fixture
async def axis_device():
    device = AxisDevice("192.0.2.1")
    yield device
    await device.close()
