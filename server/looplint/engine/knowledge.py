"""What looplint knows about third-party and standard-library names.

Everything here is data: rules consult these tables instead of hard-coding
names, so that teaching looplint a new framework is a one-line change.
Names are the public import paths users write; `canonical()` folds private
module paths (`unittest.case.TestCase`) onto them.
"""

from __future__ import annotations

import functools

# Private module paths that re-export under a public name.
_MODULE_ALIASES = {
    "unittest.case": "unittest",
    "unittest.async_case": "unittest",
    "unittest.mock": "unittest.mock",
    "mock.mock": "mock",
    "asyncio.runners": "asyncio",
    "asyncio.events": "asyncio",
    "asyncio.tasks": "asyncio",
    "asyncio.base_events": "asyncio",
    "asyncio.locks": "asyncio",
    "asyncio.queues": "asyncio",
    "asyncio.streams": "asyncio",
    "asyncio.subprocess": "asyncio",
    "asyncio.threads": "asyncio",
    "asyncio.timeouts": "asyncio",
    "django.test.testcases": "django.test",
    "redis.asyncio.client": "redis.asyncio",
    "redis.asyncio.utils": "redis.asyncio",
    "asyncpg.connection": "asyncpg",
    "asyncpg.pool": "asyncpg",
    "aiosqlite.core": "aiosqlite",
    "aiohttp.client": "aiohttp",
    "httpx._client": "httpx",
    "async_asgi_testclient.testing": "async_asgi_testclient",
    "pytest_asyncio.plugin": "pytest_asyncio",
    "_pytest.fixtures": "pytest",
    "_pytest.mark": "pytest",
    "_pytest.python_api": "pytest",
    "_pytest.raises": "pytest",
    "tornado.testing": "tornado.testing",
    "aiounittest.case": "aiounittest",
    "aiounittest.helpers": "aiounittest",
    "asgiref.sync": "asgiref.sync",
    "twisted.trial._asynctest": "twisted.trial.unittest",
}


@functools.lru_cache(maxsize=16384)
def canonical(qualname: str) -> str:
    """Fold private module paths onto the public name (`unittest.case.TestCase` -> `unittest.TestCase`)."""
    parts = qualname.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        public = _MODULE_ALIASES.get(".".join(parts[:cut]))
        if public is not None:
            return ".".join([public, *parts[cut:]])
    return qualname


# --- unittest base classes ------------------------------------------------

SYNC_TESTCASE = "sync"  # unittest.TestCase: async test methods are never awaited
ISOLATED = "isolated"  # IsolatedAsyncioTestCase: a loop per test, async hooks supported
ASYNC_AWARE = "async-aware"  # a framework base that runs async tests itself
BROKEN = "broken"  # cannot even be imported on current Pythons

# Known external base classes and what they do with `async def test_*`.
TESTCASE_BASES: dict[str, str] = {
    "unittest.TestCase": SYNC_TESTCASE,
    "unittest.IsolatedAsyncioTestCase": ISOLATED,
    # Django wraps async tests with async_to_sync (SimpleTestCase and subclasses).
    "django.test.SimpleTestCase": ASYNC_AWARE,
    "django.test.TestCase": ASYNC_AWARE,
    "django.test.TransactionTestCase": ASYNC_AWARE,
    "django.test.LiveServerTestCase": ASYNC_AWARE,
    "django.contrib.staticfiles.testing.StaticLiveServerTestCase": ASYNC_AWARE,
    "rest_framework.test.APISimpleTestCase": ASYNC_AWARE,
    "rest_framework.test.APITestCase": ASYNC_AWARE,
    "rest_framework.test.APITransactionTestCase": ASYNC_AWARE,
    "rest_framework.test.APILiveServerTestCase": ASYNC_AWARE,
    "aiounittest.AsyncTestCase": ASYNC_AWARE,
    # Tornado fails loudly without @gen_test; that is not a silent pass.
    "tornado.testing.AsyncTestCase": ASYNC_AWARE,
    "tornado.testing.AsyncHTTPTestCase": ASYNC_AWARE,
    "tornado.testing.AsyncHTTPSTestCase": ASYNC_AWARE,
    # aiohttp's AioHTTPTestCase derives from IsolatedAsyncioTestCase (3.8+).
    "aiohttp.test_utils.AioHTTPTestCase": ISOLATED,
    # trial runs each test method through maybeDeferred, which turns a coroutine into a Deferred.
    "twisted.trial.unittest.TestCase": ASYNC_AWARE,
    "asynctest.TestCase": BROKEN,
    "asynctest.ClockedTestCase": BROKEN,
}

# Bases that add nothing relevant: resolving to them keeps a class "known".
NEUTRAL_BASES = frozenset(
    {
        "builtins.object",
        "object",
        "abc.ABC",
        "typing.Generic",
        "typing.Protocol",
        "typing_extensions.Protocol",
    }
)
NEUTRAL_METACLASSES = frozenset({"abc.ABCMeta", "type", "builtins.type"})

# Decorators that run an async test to completion synchronously.
SYNC_RUNNING_DECORATORS = frozenset(
    {
        "aiounittest.async_test",
        "asgiref.sync.async_to_sync",
        "tornado.testing.gen_test",
        "async_to_sync",
    }
)

# Decorators that leave an `async def` async (the test is still a coroutine
# function after decoration), so the class's base decides whether it runs.
ASYNC_PRESERVING_DECORATOR_PREFIXES = (
    "unittest.skip",
    "unittest.skipIf",
    "unittest.skipUnless",
    "unittest.expectedFailure",
    "unittest.mock.patch",
    "mock.patch",
    "pytest.mark.",
    "functools.wraps",
    "typing.override",
    "typing_extensions.override",
)


def is_async_preserving_decorator(qualname: str) -> bool:
    """True for decorators known to keep an async test a coroutine function."""
    for known in ASYNC_PRESERVING_DECORATOR_PREFIXES:
        if known.endswith("."):
            if qualname.startswith(known):
                return True
        elif qualname == known or qualname.startswith(known + "."):
            return True
    return False


# --- coroutine functions --------------------------------------------------

# Calling these returns a coroutine (so a bare call is never awaited).
COROUTINE_FUNCTIONS = frozenset(
    {
        "asyncio.sleep",
        "asyncio.wait_for",
        "asyncio.wait",
        "asyncio.open_connection",
        "asyncio.start_server",
        "asyncio.open_unix_connection",
        "asyncio.start_unix_server",
        "asyncio.create_subprocess_exec",
        "asyncio.create_subprocess_shell",
        "asyncio.to_thread",
        "asyncpg.connect",
        "anyio.sleep",
        "anyio.sleep_forever",
        "anyio.sleep_until",
        "anyio.open_file",
        "anyio.connect_tcp",
        "anyio.connect_unix",
        "anyio.run_process",
        "anyio.to_thread.run_sync",
        "trio.sleep",
    }
)

# Classes whose instances have coroutine methods (for `q = asyncio.Queue(); q.get()`).
COROUTINE_METHODS: dict[str, frozenset[str]] = {
    "asyncio.Queue": frozenset({"get", "put", "join"}),
    "asyncio.LifoQueue": frozenset({"get", "put", "join"}),
    "asyncio.PriorityQueue": frozenset({"get", "put", "join"}),
    "asyncio.Lock": frozenset({"acquire"}),
    "asyncio.Event": frozenset({"wait"}),
    "asyncio.Condition": frozenset({"acquire", "wait", "wait_for"}),
    "asyncio.Semaphore": frozenset({"acquire"}),
    "asyncio.BoundedSemaphore": frozenset({"acquire"}),
    "asyncio.Barrier": frozenset({"wait", "reset", "abort"}),
    # `super().asyncSetUp()` in a subclass: the stdlib hooks are `async def`.
    "unittest.IsolatedAsyncioTestCase": frozenset({"asyncSetUp", "asyncTearDown"}),
    "asyncio.StreamReader": frozenset({"read", "readline", "readexactly", "readuntil"}),
    "asyncio.StreamWriter": frozenset({"drain", "wait_closed", "start_tls"}),
    "asyncio.subprocess.Process": frozenset({"wait", "communicate"}),
    # The async clients test suites use most. Their request methods are `async def`: a call
    # without `await` makes a coroutine that never runs.
    "httpx.AsyncClient": frozenset(
        {"get", "post", "put", "patch", "delete", "head", "options", "request", "send", "aclose"}
    ),
    # Its request methods return a context manager around the `_request` coroutine: awaited, or
    # entered with `async with`, it sends; a bare call never does ("coroutine ... never awaited").
    "aiohttp.ClientSession": frozenset(
        {"close", "get", "post", "put", "patch", "delete", "head", "options", "request", "ws_connect"}
    ),
    "aiohttp.test_utils.TestClient": frozenset(
        {"get", "post", "put", "patch", "delete", "head", "options", "request", "ws_connect", "close",
         "start_server"}
    ),
    "aiohttp.test_utils.TestServer": frozenset({"start_server", "close"}),
    "async_asgi_testclient.TestClient": frozenset(
        {"get", "post", "put", "patch", "delete", "head", "options", "open", "websocket_connect"}
    ),
    "redis.asyncio.Redis": frozenset(
        {"get", "set", "delete", "exists", "expire", "incr", "decr", "hget", "hset", "hgetall", "hdel", "lpush",
         "rpush", "lpop", "rpop", "lrange", "sadd", "srem", "smembers", "publish", "ping", "flushdb", "flushall",
         "keys", "mget", "mset", "execute_command", "aclose", "close"}
    ),
    "asyncpg.Connection": frozenset(
        {"execute", "executemany", "fetch", "fetchrow", "fetchval", "close", "prepare", "copy_records_to_table",
         "copy_from_table", "copy_to_table", "set_type_codec", "reload_schema_state"}
    ),
    "asyncpg.Pool": frozenset({"execute", "executemany", "fetch", "fetchrow", "fetchval", "close", "release"}),
    "aiosqlite.Connection": frozenset(
        {"execute", "executemany", "executescript", "commit", "rollback", "close", "execute_fetchall"}
    ),
    "aiosqlite.Cursor": frozenset({"execute", "executemany", "fetchone", "fetchall", "fetchmany", "close"}),
}

# What calling a library factory gives (`r = redis.asyncio.from_url(url)`).
CALL_RESULTS: dict[str, str] = {
    "redis.asyncio.from_url": "redis.asyncio.Redis",
    "redis.asyncio.Redis.from_url": "redis.asyncio.Redis",
}

# What awaiting a library call gives (`conn = await asyncpg.connect()`), for the types of values.
AWAIT_RESULTS: dict[str, str] = {
    "asyncpg.connect": "asyncpg.Connection",
    "asyncpg.create_pool": "asyncpg.Pool",
    "aiosqlite.connect": "aiosqlite.Connection",
    "aiosqlite.Connection.execute": "aiosqlite.Cursor",
    "aiosqlite.Connection.cursor": "aiosqlite.Cursor",
    "asyncio.create_subprocess_exec": "asyncio.subprocess.Process",
    "asyncio.create_subprocess_shell": "asyncio.subprocess.Process",
}

# What `with X(...) as x` / `async with X(...) as x` binds ("self": the object itself).
CONTEXT_ENTER_RESULTS: dict[str, str] = {
    "httpx.AsyncClient": "self",
    "httpx.Client": "self",
    "aiohttp.ClientSession": "self",
    "aiohttp.test_utils.TestClient": "self",
    "aiohttp.test_utils.TestServer": "self",
    "redis.asyncio.Redis": "self",
    "redis.asyncio.from_url": "redis.asyncio.Redis",
    "aiosqlite.connect": "aiosqlite.Connection",
    "asyncpg.create_pool": "asyncpg.Pool",
    "unittest.mock.AsyncMock": "self",
}

# Mock classes: calling an AsyncMock (or any attribute of one) returns a coroutine.
ASYNC_MOCK_CLASSES = frozenset({"unittest.mock.AsyncMock", "mock.AsyncMock"})
SYNC_MOCK_CLASSES = frozenset(
    {"unittest.mock.Mock", "unittest.mock.MagicMock", "mock.Mock", "mock.MagicMock", "unittest.mock.NonCallableMock"}
)

# The mock's own API: real (sync) methods and attributes, never child mocks.
MOCK_API_ATTRIBUTES = frozenset(
    {
        "reset_mock", "configure_mock", "attach_mock", "mock_add_spec",
        "return_value", "side_effect", "called", "call_count", "call_args", "call_args_list",
        "method_calls", "mock_calls", "await_count", "await_args", "await_args_list",
    }
)
# Mock refuses attributes starting with these (they would silently "pass" as child mocks).
MOCK_ASSERT_PREFIXES = ("assert", "assret", "asert", "aseert", "assrt")
# Magic methods that are AsyncMocks on an AsyncMock; every other dunder is a sync MagicMock.
ASYNC_MAGIC_METHODS = frozenset({"__aenter__", "__aexit__", "__anext__"})


def is_mock_api_attribute(name: str) -> bool:
    """Is `name` part of a mock's own API (or a sync magic method) rather than a child mock?"""
    if name in MOCK_API_ATTRIBUTES or name.startswith(MOCK_ASSERT_PREFIXES) or name.startswith("_mock_"):
        return True
    return name.startswith("__") and name.endswith("__") and name not in ASYNC_MAGIC_METHODS

# Functions/constructors returning event loops (a name bound to one is a loop).
LOOP_FACTORIES = frozenset({"asyncio.new_event_loop", "asyncio.get_event_loop", "asyncio.get_running_loop"})

# Calls that make a loop current when there is none (besides asyncio.set_event_loop).
LOOP_INSTALLING_CALLS = frozenset({"tornado.ioloop.IOLoop.current", "tornado.ioloop.IOLoop.make_current"})

# Loop-bound asyncio primitives (LP006 / PA009).
LOOP_BOUND_CLASSES = frozenset(
    {
        "asyncio.Lock",
        "asyncio.Event",
        "asyncio.Condition",
        "asyncio.Semaphore",
        "asyncio.BoundedSemaphore",
        "asyncio.Queue",
        "asyncio.LifoQueue",
        "asyncio.PriorityQueue",
        "asyncio.Barrier",
        "asyncio.Future",
        "aiohttp.ClientSession",
        "redis.asyncio.Redis",
        "redis.asyncio.from_url",
        "asyncpg.create_pool",
        "httpx.AsyncClient",
        "aiohttp.TCPConnector",
    }
)

# What a call that returns an event loop gives (LP001-LP007): the thread's
# current loop ("current"; inside a running loop that is the running one),
# the running loop ("running"), or a loop nobody else owns ("new").
LOOP_FACTORY_KINDS: dict[str, str] = {
    "asyncio.get_event_loop": "current",
    "asyncio.get_event_loop_policy.get_event_loop": "current",
    "asyncio.get_running_loop": "running",
    "asyncio.new_event_loop": "new",
    "asyncio.get_event_loop_policy.new_event_loop": "new",
    "asyncio.SelectorEventLoop": "new",
    "asyncio.ProactorEventLoop": "new",
    "asyncio.DefaultEventLoopPolicy.new_event_loop": "new",
    "uvloop.new_event_loop": "new",
    "uvloop.Loop": "new",
}

# Loop-bound objects that bind to a loop when they are created, so even one
# use from another loop fails (LP006); the other LOOP_BOUND_CLASSES bind on
# first use (asyncio primitives on 3.10+: on the first contended wait).
LOOP_BOUND_AT_CREATION = frozenset({"asyncio.Future"})
# Loop methods whose result belongs to that loop from the start (LP006).
LOOP_BOUND_LOOP_METHODS = frozenset({"create_future", "create_task"})

# The event-loop policy API (LP008): deprecated in Python 3.14, removal planned
# for 3.16 (python/cpython#127949). Classes are matched by the suffix below.
EVENT_LOOP_POLICY_CALLS = frozenset(
    {"asyncio.set_event_loop_policy", "asyncio.get_event_loop_policy", "uvloop.install"}
)
EVENT_LOOP_POLICY_CLASS_SUFFIX = "EventLoopPolicy"

# Blocking calls inside async code (CO004), with the async replacement when one is safe.
BLOCKING_CALLS: dict[str, str | None] = {
    "time.sleep": "asyncio.sleep",
    "requests.get": None,
    "requests.post": None,
    "requests.put": None,
    "requests.patch": None,
    "requests.delete": None,
    "requests.head": None,
    "requests.request": None,
    "urllib.request.urlopen": None,
    "subprocess.run": None,
    "subprocess.call": None,
    "subprocess.check_call": None,
    "subprocess.check_output": None,
    "os.system": None,
    "requests.options": None,
    "requests.Session.get": None,
    "requests.Session.post": None,
    "requests.Session.put": None,
    "requests.Session.patch": None,
    "requests.Session.delete": None,
    "requests.Session.head": None,
    "requests.Session.request": None,
    "httpx.get": None,
    "httpx.post": None,
    "httpx.put": None,
    "httpx.patch": None,
    "httpx.delete": None,
    "httpx.head": None,
    "httpx.request": None,
    "httpx.Client.get": None,
    "httpx.Client.post": None,
    "httpx.Client.put": None,
    "httpx.Client.patch": None,
    "httpx.Client.delete": None,
    "httpx.Client.request": None,
    "urllib3.request": None,
    "subprocess.Popen.wait": None,
    "subprocess.Popen.communicate": None,
    "os.waitpid": None,
}

# Coroutine functions with a blocking twin, for code that cannot await (CO001 in a sync test).
SYNC_EQUIVALENTS: dict[str, str] = {
    "asyncio.sleep": "time.sleep",
    "anyio.sleep": "time.sleep",
    "trio.sleep": "time.sleep",
}

# unittest assertion methods -> how many leading positional arguments are the
# values under test (a coroutine there is always truthy / never equal: CO002).
# assertIsInstance is left out: `assertIsInstance(f(), Coroutine)` is a real check.
ASSERTION_VALUE_ARGS: dict[str, int] = {
    "assertTrue": 1, "assertFalse": 1, "assertIsNone": 1, "assertIsNotNone": 1,
    "assertEqual": 2, "assertNotEqual": 2, "assertIs": 2, "assertIsNot": 2,
    "assertIn": 2, "assertNotIn": 2,
    "assertGreater": 2, "assertGreaterEqual": 2, "assertLess": 2, "assertLessEqual": 2,
    "assertAlmostEqual": 2, "assertNotAlmostEqual": 2, "assertCountEqual": 2,
    "assertListEqual": 2, "assertTupleEqual": 2, "assertSetEqual": 2, "assertDictEqual": 2,
    "assertSequenceEqual": 2, "assertMultiLineEqual": 2, "assertRegex": 1, "assertNotRegex": 1,
    # deprecated aliases (removed in 3.12, still in older suites)
    "assertEquals": 2, "assertNotEquals": 2, "assert_": 1, "failUnless": 1, "failIf": 1,
    "failUnlessEqual": 2, "failIfEqual": 2,
}

# Calls that schedule a coroutine as a task (CO003): a dropped result is a dangling task.
TASK_FACTORIES = frozenset({"asyncio.create_task", "asyncio.ensure_future"})
# Methods of an event loop that do the same (`loop.create_task(...)`).
LOOP_TASK_METHODS = frozenset({"create_task"})

# Mock API: `assert_called*` -> the `assert_awaited*` an AsyncMock check usually means (CO005).
MOCK_CALLED_TO_AWAITED: dict[str, str] = {
    "assert_called": "assert_awaited",
    "assert_called_once": "assert_awaited_once",
    "assert_called_with": "assert_awaited_with",
    "assert_called_once_with": "assert_awaited_once_with",
    "assert_any_call": "assert_any_await",
    "assert_has_calls": "assert_has_awaits",
    "assert_not_called": "assert_not_awaited",
}
# What `patch()` / `patch.object()` are called (they hand out an AsyncMock for an async target).
PATCH_FUNCTIONS = frozenset({"unittest.mock.patch", "mock.patch"})
PATCH_OBJECT_FUNCTIONS = frozenset({"unittest.mock.patch.object", "mock.patch.object"})

# nest_asyncio (AP001) and the calls that run an event loop to completion from sync code.
NEST_ASYNCIO_MODULES = frozenset({"nest_asyncio", "nest_asyncio2"})
LOOP_RUNNING_CALLS = frozenset({"asyncio.run", "asyncio.Runner", "anyio.run", "trio.run"})
LOOP_RUNNING_METHODS = frozenset({"run_until_complete", "run_forever"})
# Calls that run a callable in another thread (AP002's thread hop), with the
# position of the callable argument (keyword name for Thread's target).
THREAD_HOPS: dict[str, int | str] = {
    "threading.Thread": "target",
    "asyncio.to_thread": 0,
    "anyio.to_thread.run_sync": 0,
}
THREAD_HOP_METHODS: dict[str, int] = {"submit": 0, "run_in_executor": 1}
# Where tests give themselves away (AP003): environment sources and the marker text.
TEST_ENV_SOURCES = frozenset(
    {"sys.modules", "sys.argv", "os.environ", "os.getenv", "os.environ.get", "inspect.stack",
     "traceback.extract_stack", "sys._getframe"}
)
TEST_ENV_MARKERS = ("pytest", "PYTEST_CURRENT_TEST", "unittest")

# Test method prefix of unittest's loader.
TEST_METHOD_PREFIX = "test"

# Objects usable only with `async with` (no `__enter__`): handing one to
# TestCase.enterContext fails (UT006).
ASYNC_ONLY_CONTEXT_MANAGERS = frozenset(
    {
        "contextlib.AsyncExitStack",
        "asyncio.TaskGroup",
        "asyncio.timeout",
        "asyncio.timeout_at",
        "anyio.create_task_group",
    }
)
# Decorators turning an async generator function into an async context manager factory.
ASYNC_CONTEXT_MANAGER_DECORATORS = frozenset({"contextlib.asynccontextmanager"})

# --- pytest plugins that run async tests (PA001, PA002) ---------------------
# Marks with which another plugin claims an async test: pytest-asyncio's strict
# mode is then not what runs it (pytest-trio, pytest-tornado, pytest-asyncio-cooperative).
ASYNC_TEST_PLUGIN_MARKS = frozenset({"trio", "gen_test", "asyncio_cooperative"})
# ini keys with which another plugin claims every async test when true (pytest-trio).
ASYNC_TEST_PLUGIN_CLAIM_ALL_KEYS = frozenset({"trio_mode"})
# Hooks a conftest/plugin may define to run coroutine tests or async fixtures itself:
# tests under them are not left to pytest-asyncio (PA001, PA002 stay quiet).
CUSTOM_ASYNC_TEST_RUNNER_HOOKS = frozenset({"pytest_pyfunc_call", "pytest_pycollect_makeitem", "pytest_runtest_call"})
CUSTOM_ASYNC_FIXTURE_HOOKS = frozenset({"pytest_fixture_setup"})
# Hooks that can add marks after collection (docs: `is_async_test` + add_marker):
# marks they add cannot be seen statically (PA001, PA009 lower their confidence).
MARK_ADDING_HOOKS = frozenset({"pytest_collection_modifyitems", "pytest_itemcollected"})

# Plugins (loaded by name: `pytest_plugins`, `-p`) known to run no async tests and to define no
# `event_loop` fixture of their own: any other plugin from outside the project may do either
# (pytest-asyncio and anyio are modelled by themselves).
PASSIVE_PLUGINS = frozenset(
    {"pytest_asyncio", "anyio", "pytest_mock", "pytest_cov", "xdist", "pytester", "pytest_timeout",
     "pytest_randomly", "hypothesis", "pytest_benchmark", "pytest_django", "_pytest", "pytest"}
)
