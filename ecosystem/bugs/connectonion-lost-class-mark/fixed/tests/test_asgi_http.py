import pytest

from connectonion.asgi import handle_http


def signed_scope(path):
    return {"path": path, "headers": [(b"x-signature", b"test")]}


@pytest.mark.asyncio
class TestHandleHttpRouting:
    async def test_health_endpoint(self):
        assert await handle_http(signed_scope("/health")) == (200, b"ok")

    async def test_unknown_path(self):
        assert (await handle_http(signed_scope("/nope")))[0] == 404
