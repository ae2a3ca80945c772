from async_batcher import AsyncBatcher


async def test_process_doubles():
    assert await AsyncBatcher().process(2) == 4
