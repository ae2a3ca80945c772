import pytest

from autogen.tools import verify_credentials


@pytest.fixture
def credentials_from_test_param():
    return {"api_key": "sk-test"}


def test_verify_credentials(credentials_from_test_param):
    verify_credentials(credentials_from_test_param)
