async def test_create_schema(mutable_schema_target):
    target, schema = mutable_schema_target
    assert schema.startswith("it_")
    assert target in ("warehouse", "endpoint")
