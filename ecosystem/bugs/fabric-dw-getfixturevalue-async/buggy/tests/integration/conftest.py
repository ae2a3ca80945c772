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


@pytest_asyncio.fixture(
    params=[
        pytest.param(_PARAM_WAREHOUSE),
        pytest.param(_PARAM_SQL_ENDPOINT, marks=pytest.mark.sql_endpoint),
    ]
)
async def mutable_schema_target(request: pytest.FixtureRequest, shared_warehouse: str) -> AsyncIterator[tuple[str, str]]:
    if request.param == _PARAM_WAREHOUSE:
        target = shared_warehouse
    else:
        target = request.getfixturevalue("shared_sql_endpoint")
    yield target, "it_schema"
