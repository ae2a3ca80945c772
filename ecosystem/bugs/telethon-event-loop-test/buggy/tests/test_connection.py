from telethon import Connection


async def test_connection_uses_running_loop(event_loop):
    assert Connection(event_loop).loop is event_loop
