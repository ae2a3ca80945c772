from collections.abc import Iterator

import async_solipsism
import pytest

from frequenz.actor import FcrActor


@pytest.fixture()
def event_loop() -> Iterator[async_solipsism.EventLoop]:
    """Replace the loop with one that doesn't interact with the outside world."""
    loop = async_solipsism.EventLoop()
    yield loop
    loop.close()


async def test_respond_after_thirty_seconds():
    assert await FcrActor().respond(0.5) == -0.5
