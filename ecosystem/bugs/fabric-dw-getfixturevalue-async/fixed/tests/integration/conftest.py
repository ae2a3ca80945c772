from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

_PARAM_WAREHOUSE = "warehouse"
_PARAM_SQL_ENDPOINT = "sql_endpoint"


@pytest.fixture(scope="session")
def shared_warehouse() -> str:
    return "warehouse"


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def shared_sql_endpoint() -> str:
    """Provisions the SQL analytics endpoint once (slow), only for the tests that need it."""
    return "endpoint"


@pytest.fixture(
    params=[
        pytest.param(_PARAM_WAREHOUSE),
        pytest.param(_PARAM_SQL_ENDPOINT, marks=pytest.mark.sql_endpoint),
    ]
)
def _mutable_schema_sql_target(request: pytest.FixtureRequest, shared_warehouse: str) -> str:
    """Sync indirection: resolves the async endpoint fixture outside the running loop."""
    if request.param == _PARAM_WAREHOUSE:
        return shared_warehouse
    return request.getfixturevalue("shared_sql_endpoint")


@pytest_asyncio.fixture
async def mutable_schema_target(_mutable_schema_sql_target: str) -> AsyncIterator[tuple[str, str]]:
    yield _mutable_schema_sql_target, "it_schema"
