import pytest

from aiorpcx import serve_proxy


@pytest.fixture(params=["127.0.0.1"])
def proxy_address(request, event_loop, unused_tcp_port):
    server = event_loop.run_until_complete(serve_proxy(request.param, unused_tcp_port))
    yield (request.param, unused_tcp_port)
    server.close()


@pytest.mark.asyncio
async def test_good_socks4(proxy_address):
    assert proxy_address[1] > 0
