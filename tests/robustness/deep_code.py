"""Generators of deeply nested Python: every expression and statement kind, as deep as `ast.parse` allows.

An expression kind is one level of nesting written as (prefix, suffix) around an inner
expression; a file nests a mix of kinds N levels deep inside a context (module level, an
async test, a fixture...) that also holds findings the rules must still report.
"""

from __future__ import annotations

import ast

# One level of each expression kind: prefix + <inner> + suffix.
EXPRESSION_LEVELS: dict[str, tuple[str, str]] = {
    "add": ("a + ", ""),
    "power": ("a ** ", ""),  # right-associative: nests the other way
    "bitor": ("a | ", ""),
    "matmul": ("a @ ", ""),
    "shift": ("a << ", ""),
    "negate": ("-", ""),
    "invert": ("~", ""),
    "not": ("not ", ""),
    "attribute": ("", ".b"),
    "call-chain": ("", "()"),
    "method-chain": ("", ".m()"),
    "subscript-chain": ("", "[0]"),
    "call": ("f(", ")"),
    "keyword": ("f(x=", ")"),
    "starred-arg": ("f(*", ")"),
    "subscript": ("a[", "]"),
    "slice": ("a[", ":]"),
    "list": ("[", "]"),
    "tuple": ("(", ",)"),
    "set": ("{", "}"),
    "dict-value": ("{1: ", "}"),
    "dict-key": ("{", ": 1}"),
    "dict-unpack": ("{**", "}"),
    "lambda": ("lambda: ", ""),
    "lambda-default": ("lambda x=", ": x"),
    "if-else": ("a if b else ", ""),
    "if-test": ("a if (", ") else b"),
    "and-or": ("a and (b or ", ")"),
    "compare": ("a < (", ")"),
    "await": ("await f(", ")"),
    "await-paren": ("await (", ")"),
    "yield": ("(yield ", ")"),
    "walrus": ("(a := ", ")"),
    "list-comp": ("[", " for a in b]"),
    "comp-iter": ("[a for a in ", "]"),
    "comp-if": ("[a for a in b if ", "]"),
    "generator": ("(", " for a in b)"),
    "dict-comp": ("{a: ", " for a in b}"),
    "fstring": ('f"{', '}"'),  # nests on Python 3.12+ only
    "fstring-spec": ('f"{a:{', '}}"'),
    "asyncio-call": ("asyncio.sleep(", ")"),
    "run-call": ("asyncio.run(", ")"),
    "mock-chain": ("", ".return_value"),
}

# Statement kinds: one level of nesting, as a function of the indentation and the inner block.
STATEMENT_LEVELS = {
    "if": lambda pad, inner: f"{pad}if a:\n{inner}",
    "elif-chain": None,  # not indented: `elif` after `elif`, nested in orelse
    "for": lambda pad, inner: f"{pad}for a in b:\n{inner}",
    "async-for": lambda pad, inner: f"{pad}async for a in b:\n{inner}",
    "while": lambda pad, inner: f"{pad}while a:\n{inner}",
    "with": lambda pad, inner: f"{pad}with a as b:\n{inner}",
    "async-with": lambda pad, inner: f"{pad}async with a as b:\n{inner}",
    "try": lambda pad, inner: f"{pad}try:\n{inner}{pad}except E as e:\n{pad} pass\n",
    "try-finally": lambda pad, inner: f"{pad}try:\n{pad} pass\n{pad}finally:\n{inner}",
    "def": lambda pad, inner: f"{pad}def f(x=1):\n{inner}",
    "async-def": lambda pad, inner: f"{pad}async def test_f():\n{inner}",
    "class": lambda pad, inner: f"{pad}class T(unittest.TestCase):\n{inner}",
    "decorated": lambda pad, inner: f"{pad}@pytest.fixture\n{pad}def f():\n{inner}",
    "match": lambda pad, inner: f"{pad}match a:\n{pad} case [b, *c] if d:\n{inner}",
}

# Where the nested code is put; `{expr}` is the nested expression, and every context has
# findings of its own (CO004 `time.sleep` in an async test...) that must still be reported.
CONTEXTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "module": ("import asyncio, time, unittest\nx = {expr}\n", ()),
    "async-test": (
        "import asyncio, time, unittest\n"
        "class T(unittest.IsolatedAsyncioTestCase):\n"
        "    async def test_a(self):\n"
        "        time.sleep(1)\n"
        "        x = {expr}\n"
        "        {expr}\n",
        ("CO004",),
    ),
    "sync-testcase": (
        "import asyncio, time, unittest\n"
        "class T(unittest.TestCase):\n"
        "    async def test_a(self):\n"
        "        self.assertTrue({expr})\n"
        "        asyncio.get_event_loop()\n",
        ("UT001",),
    ),
    "fixture": (
        "import asyncio, pytest\n"
        "@pytest.fixture\n"
        "async def fx():\n"
        "    yield {expr}\n"
        "@pytest.mark.asyncio\n"
        "async def test_b(fx):\n"
        "    asyncio.create_task(f())\n"
        "    assert {expr}\n",
        ("PA002", "CO003"),
    ),
    "definitions": (
        "import asyncio, pytest, unittest\n"
        "pytestmark = {expr}\n"
        "@{expr}\n"
        "@pytest.fixture(scope={expr}, params={expr})\n"
        "def fx(x={expr}):\n"
        "    return x\n"
        "class T({expr}, unittest.TestCase, metaclass={expr}):\n"
        "    attr = {expr}\n"
        "    def setUp(self, x={expr}):\n"
        "        self.loop = {expr}\n"
        "    @pytest.mark.parametrize('a', {expr})\n"
        "    async def test_a(self, a={expr}):\n"
        "        pass\n",
        ("UT008",),
    ),
}


def nested_expression(kinds: list[str], depth: int) -> str:
    """`depth` levels, cycling through `kinds` (one level each in turn), around a name."""
    levels = [EXPRESSION_LEVELS[kinds[i % len(kinds)]] for i in range(depth)]
    return "".join(p for p, _ in levels) + "a" + "".join(s for _, s in reversed(levels))


def nested_statements(kinds: list[str], depth: int, innermost: str = "time.sleep(1)") -> str:
    """`depth` levels of block statements, cycling through `kinds`, around `innermost`."""
    if kinds == ["elif-chain"]:
        return "if a:\n pass\n" + "elif a:\n pass\n" * depth + "else:\n " + innermost + "\n"
    names = [kinds[level % len(kinds)] for level in range(depth)]
    pads = [0]
    for name in names:  # a `match` level indents twice: its `case`, then the case's block
        pads.append(pads[-1] + (2 if name == "match" else 1))
    block = " " * pads[-1] + innermost + "\n"
    for level in reversed(range(depth)):
        block = STATEMENT_LEVELS[names[level]](" " * pads[level], block)  # type: ignore[misc]
    return block


def parses(text: str) -> bool:
    try:
        ast.parse(text)
    except (SyntaxError, RecursionError, MemoryError, ValueError):
        return False
    return True


def deepest(make, limit: int = 100_000) -> int:
    """The largest depth `make(depth)` parses at (0 if none), by bisection (parsing is monotone in depth)."""
    if not parses(make(1)):
        return 0
    low, high = 1, 2
    while high <= limit and parses(make(high)):
        low, high = high, high * 2
    if high > limit:
        return low
    while low + 1 < high:
        middle = (low + high) // 2
        if parses(make(middle)):
            low = middle
        else:
            high = middle
    return low


def in_context(context: str, expression: str) -> str:
    template, _ = CONTEXTS[context]
    return template.replace("{expr}", expression)
