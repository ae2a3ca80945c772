import async_solipsism
import pytest

from frequenz.actor import FcrActor


@pytest.fixture()
def event_loop_policy() -> async_solipsism.EventLoopPolicy:
    """Run the tests in a loop that doesn't interact with the outside world."""
    return async_solipsism.EventLoopPolicy()


async def test_respond_after_thirty_seconds():
    assert await FcrActor().respond(0.5) == -0.5
