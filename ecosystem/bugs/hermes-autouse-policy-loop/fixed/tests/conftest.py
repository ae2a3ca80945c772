import asyncio

import pytest


@pytest.fixture(autouse=True)
def _ensure_current_event_loop(request):
    """Give plain synchronous tests a usable current loop."""
    if request.node.get_closest_marker("asyncio") is not None:
        yield
        return
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        loop = None
    created = loop is None or loop.is_closed()
    if created:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
    yield
    if created:
        asyncio.set_event_loop(None)
        loop.close()
