from opensearchpy import AsyncTransport


async def test_request_goes_through(event_loop):
    transport = AsyncTransport(loop=event_loop)
    assert (await transport.perform_request("GET", "/"))["url"] == "/"
