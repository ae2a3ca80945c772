"""The project's own pytest plugin: runs coroutine tests on a fresh loop."""
import asyncio
import inspect

import pytest


@pytest.fixture
def loop():
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    yield loop
    loop.close()
    asyncio.set_event_loop(None)


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    if inspect.iscoroutinefunction(pyfuncitem.function):
        existing_loop = pyfuncitem.funcargs.get("loop") or asyncio.new_event_loop()
        testargs = {arg: pyfuncitem.funcargs[arg] for arg in pyfuncitem._fixtureinfo.argnames}
        existing_loop.run_until_complete(pyfuncitem.obj(**testargs))
        return True
