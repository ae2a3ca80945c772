def test_host(axis_device):
    assert axis_device.host == "192.0.2.1"
