def test_gateway_defaults():
    assert {"platform": "cli"}["platform"] == "cli"
