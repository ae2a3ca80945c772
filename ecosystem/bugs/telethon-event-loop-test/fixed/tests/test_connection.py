import asyncio

from telethon import Connection


async def test_connection_uses_running_loop():
    loop = asyncio.get_running_loop()
    assert Connection(loop).loop is loop
