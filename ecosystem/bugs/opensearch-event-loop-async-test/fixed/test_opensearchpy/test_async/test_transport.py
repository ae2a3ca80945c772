import asyncio

from opensearchpy import AsyncTransport


async def test_request_goes_through():
    transport = AsyncTransport(loop=asyncio.get_running_loop())
    assert (await transport.perform_request("GET", "/"))["url"] == "/"
