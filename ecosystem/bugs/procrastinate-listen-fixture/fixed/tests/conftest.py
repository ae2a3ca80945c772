import pytest

from procrastinate import testing


@pytest.fixture
def job_store():
    return testing.InMemoryJobStore()
