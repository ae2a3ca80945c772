"""engine/parse.py: newer syntax read on any Python, checked against the newer Pythons' own `ast`.

The reference is the real thing: CPython 3.14 and 3.15 provisioned by `make pythons`
(scripts/provision_python.py), and the machine's 3.10, 3.12, 3.13 as the Python that runs
the parse. Positions are compared for every node rules see (a few node types are named
differently before the Python that introduced them: TemplateStr is a JoinedStr, TypeAlias
an Assign, TryStar a Try; type parameters have no node before 3.12).
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from looplint.engine.parse import NewerSyntaxError, newer_syntax, parse_module
from runtime.envs import find_interpreter, provision_missing

HERE = Path(__file__).resolve().parent
SERVER = HERE.parent.parent / "server"
SAMPLE = (HERE / "data" / "newer_syntax_315.py").read_text()
# What 3.14 reads of it: the 3.15 constructs (lazy imports, unpacking in comprehensions) removed.
SAMPLE_314 = "\n".join(
    line for line in SAMPLE.splitlines()
    if not line.startswith("lazy ") and "[*row" not in line and "(*row" not in line and "{*row" not in line
) + "\n"

DUMP = r'''
import ast, json, sys
RENAME = {"TemplateStr": "JoinedStr", "Interpolation": "FormattedValue", "TypeAlias": "Assign", "TryStar": "Try"}
def nodes(tree):
    out = []
    def visit(node, in_joined):
        kind = RENAME.get(type(node).__name__, type(node).__name__)
        if hasattr(node, "lineno") and not (in_joined and kind == "Constant"):
            out.append([kind, node.lineno, node.col_offset, node.end_lineno, node.end_col_offset])
        for name, value in ast.iter_fields(node):
            if name == "type_params":
                continue
            for child in (value if isinstance(value, list) else [value]):
                if isinstance(child, ast.AST):
                    visit(child, kind == "JoinedStr")
    visit(tree, False)
    return sorted(out)
'''
_NS: dict = {}
exec(DUMP, _NS)
positions = _NS["nodes"]


def interpreter(minor: str) -> Path:
    provision_missing([minor], print)
    found = find_interpreter(minor)
    assert found is not None, f"no CPython {minor}: run `make pythons` (scripts/provision_python.py)"
    return found.path


def real_positions(minor: str, texts: dict[str, str]) -> dict[str, list | str]:
    """Positions from the real CPython `minor` for each text (or its SyntaxError message)."""
    script = DUMP + r'''
texts = json.load(sys.stdin)
out = {}
for name, text in texts.items():
    try:
        out[name] = nodes(ast.parse(text))
    except SyntaxError as exc:
        out[name] = "SyntaxError: %s" % exc
print(json.dumps(out))
'''
    run = subprocess.run([str(interpreter(minor)), "-I", "-c", script], input=json.dumps(texts),
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def test_the_running_python_cannot_read_the_sample():
    with pytest.raises(SyntaxError):
        ast.parse(SAMPLE)  # otherwise this file tests nothing on this Python


@pytest.mark.parametrize("minor,text", [("3.15", SAMPLE), ("3.14", SAMPLE_314)])
def test_positions_agree_with_the_real_newer_python(minor, text):
    real = real_positions(minor, {"sample": text})["sample"]
    assert not isinstance(real, str), real
    assert [tuple(p) for p in positions(parse_module(text))] == [tuple(p) for p in real]


@pytest.mark.parametrize("minor", ["3.10", "3.12", "3.13"])
def test_positions_agree_when_looplint_runs_on_other_pythons(minor):
    """The same comparison with the parse running on the machine's 3.10, 3.12 and 3.13."""
    found = find_interpreter(minor)
    assert found is not None, f"no CPython {minor} on this machine"
    real = real_positions("3.15", {"sample": SAMPLE})["sample"]
    script = DUMP + r'''
sys.path.insert(0, sys.argv[1])
from looplint.engine.parse import parse_module
print(json.dumps(nodes(parse_module(sys.stdin.read()))))
'''
    run = subprocess.run([str(found.path), "-I", "-c", script, str(SERVER)], input=SAMPLE, capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == real


def _stdlib_files(minor: str) -> dict[str, str]:
    """The newer Python's own standard library files that the running Python cannot parse."""
    lib = interpreter(minor).resolve().parent.parent / "lib" / f"python{minor}"
    out = {}
    for path in sorted(lib.rglob("*.py")):
        if "site-packages" in path.parts or "dist-packages" in path.parts or not path.is_file():
            continue  # (Debian's sitecustomize.py is a dangling link outside its system)
        text = path.read_text(encoding="utf-8", errors="surrogateescape")
        try:
            ast.parse(text)
        except SyntaxError:
            out[str(path.relative_to(lib))] = text
        except ValueError:
            continue
    return out


@pytest.mark.parametrize("minor", ["3.14", "3.15"])
def test_the_newer_standard_library_reads_the_same(minor):
    """Real code: every stdlib module of 3.14/3.15 this Python cannot parse, compared node by node."""
    texts = _stdlib_files(minor)
    assert texts, f"every {minor} stdlib module parses here: nothing compared"
    real = real_positions(minor, texts)
    mismatched = []
    for name, text in texts.items():
        if isinstance(real[name], str):
            continue  # not valid on that Python either (test data of bad syntax)
        try:
            mine = positions(parse_module(text))
        except SyntaxError as exc:
            mismatched.append(f"{name}: {exc}")
            continue
        if [tuple(p) for p in mine] != [tuple(p) for p in real[name]]:
            mismatched.append(name)
    assert not mismatched, f"{len(mismatched)} of {len(texts)} files differ: {mismatched[:10]}"


def test_unreadable_construct_names_the_python_it_needs():
    if sys.version_info >= (3, 14):
        pytest.skip("this Python reads t-strings natively")
    text = "x = 1\nvalue = t'{*items,}'\n"
    assert real_positions("3.14", {"t": text})["t"] != "SyntaxError"
    with pytest.raises(NewerSyntaxError) as caught:
        parse_module(text)
    assert caught.value.needs == (3, 14) and caught.value.lineno == 2
    assert "needs Python 3.14" in caught.value.msg


def test_plain_syntax_errors_stay_the_running_pythons_errors():
    for text in ("def f(:\n    pass\n", "x = f'{a'\n", "type X = \n", "except A, B as e:\n"):
        with pytest.raises(SyntaxError) as caught:
            parse_module(text)
        assert not isinstance(caught.value, NewerSyntaxError), text


def test_newer_syntax_is_found_whatever_python_runs():
    sites = newer_syntax(SAMPLE, (3, 11))
    needs = {site.what.split(" (")[0]: site.needs for site in sites}
    assert needs["a `type` statement"] == (3, 12)
    assert needs["a template string"] == (3, 14)
    assert needs["a lazy import"] == (3, 15)
    assert needs["`except` with several exception types without parentheses"] == (3, 14)
    assert not newer_syntax("x = f'{a!r:>10}'\ntry:\n    pass\nexcept (A, B):\n    pass\n", (3, 10))
    assert not newer_syntax(SAMPLE, (3, 15))


def looplint_dependencies_venv(minor: str) -> Path:
    """A venv on the real CPython `minor` with looplint's dependencies (looplint itself runs from the source)."""
    venv = Path(os.environ.get("LOOPLINT_TRUTH_CACHE") or HERE.parent.parent / ".cache") / f"looplint-deps-{minor}"
    python = venv / "bin" / "python"
    stamp = venv / "deps-installed"
    if not stamp.exists():
        subprocess.run([str(interpreter(minor)), "-m", "venv", "--without-pip", "--clear", str(venv)], check=True)
        install = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
                                  "--only-binary=:all:", "libcst>=1.1,<2", "pygls>=2.0,<3",
                                  "lsprotocol>=2025.0.0,<2026", "packaging>=23"],
                                 capture_output=True, text=True, timeout=900)
        assert install.returncode == 0, install.stdout + install.stderr
        stamp.write_text("")
    return python


def test_checked_under_the_running_python_like_under_the_newer_one(tmp_path):
    """Diagnostics of a project written for 3.14 agree: looplint on this Python and on the real 3.14."""
    project = tmp_path / "project"
    (project / "tests").mkdir(parents=True)
    (project / "pyproject.toml").write_text("")
    (project / "tests" / "test_new.py").write_text(
        "import asyncio\nimport unittest\n\ntype Result = dict[str, int]\n\n\n"
        "class TestNew(unittest.TestCase):\n"
        "    async def test_generic[T](self, item: T = None) -> None:\n"
        "        print(f\"{item[\"key\"]!r}\", t\"{item}\")\n"
        "        try:\n            asyncio.run(asyncio.sleep(0))\n"
        "        except ValueError, TypeError:\n            pass\n\n"
        "    def setUp(self):\n        self.loop = asyncio.get_event_loop()\n"
    )
    python = looplint_dependencies_venv("3.14")
    command = ["-c", "import sys; from looplint.cli.main import main; sys.exit(main())",
               "check", "--no-progress", "--output-format", "text", "."]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "LOOPLINT_"))}
    env["PYTHONPATH"] = str(SERVER)
    here = subprocess.run([sys.executable, *command], cwd=project, env=env, capture_output=True, text=True)
    there = subprocess.run([str(python), *command], cwd=project, env=env, capture_output=True, text=True)
    assert there.returncode in (0, 1) and "Traceback" not in there.stderr, there.stderr
    assert "UT001" in here.stdout and "PY001" not in here.stdout
    assert here.stdout == there.stdout


def test_the_fallback_costs_little(capsys):
    """Printed, not asserted (targets live in bench/parse_bench.py): the rewrite against `ast.parse`
    of the same text as this Python reads it."""
    from looplint.engine.parse import _rewrite

    big = SAMPLE * 50
    rewritten = _rewrite(big).result

    def best(function) -> float:
        times = []
        for _ in range(3):
            started = time.process_time()
            function()
            times.append(time.process_time() - started)
        return min(times)

    fallback = best(lambda: parse_module(big))
    floor = best(lambda: ast.parse(rewritten))
    with capsys.disabled():
        print(f"\n[parse] {len(big.splitlines())} lines of newer syntax: {fallback * 1000:.1f} ms CPU "
              f"(ast.parse of the same text as read here: {floor * 1000:.1f} ms)")
