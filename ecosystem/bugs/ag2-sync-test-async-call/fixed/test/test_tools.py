import pytest

from autogen.tools import verify_credentials


@pytest.fixture
def credentials_from_test_param():
    return {"api_key": "sk-test"}


async def test_verify_credentials(credentials_from_test_param):
    await verify_credentials(credentials_from_test_param)
