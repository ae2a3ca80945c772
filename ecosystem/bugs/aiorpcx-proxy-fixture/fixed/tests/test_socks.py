import pytest
import pytest_asyncio

from aiorpcx import serve_proxy


@pytest_asyncio.fixture(params=["127.0.0.1"])
async def proxy_address(request, unused_tcp_port):
    server = await serve_proxy(request.param, unused_tcp_port)
    yield (request.param, unused_tcp_port)
    server.close()


@pytest.mark.asyncio
async def test_good_socks4(proxy_address):
    assert proxy_address[1] > 0
