from respx import MockRouter


async def test_route_is_matched():
    router = MockRouter()
    router.get("https://example.invalid/", status=204)
    assert await router.handle("https://example.invalid/") == 204
