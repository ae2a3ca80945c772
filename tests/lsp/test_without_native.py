"""A server whose libcst native module does not load (a bundle for another platform): it says so once,
and diagnostics, hovers and the suppress action keep working."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from lsprotocol import types

# `import libcst.native` fails as it does with a foreign binary (None in sys.modules stops the import).
SERVER_WITHOUT_NATIVE = [
    sys.executable, "-c",
    "import sys; sys.modules['libcst.native'] = None; from looplint.cli.main import main; sys.exit(main(['server']))",
]


async def test_no_native_module_means_no_fixes_said_once_and_everything_else_works(project, start):
    session = await start(project, pull=True, server=SERVER_WITHOUT_NATIVE)
    uri = session.open("tests/test_agent.py")
    diagnostics = await session.diagnostics(uri)
    ut001 = [d for d in diagnostics if d.code == "UT001"]
    assert len(ut001) == 1

    for _ in range(3):
        actions = await session.code_actions(uri, ut001[0].range, ut001)
        titles = [a.title for a in actions]
        assert titles == ["Suppress UT001 on this line"], titles
        fix_all = await session.code_actions(uri, ut001[0].range, [], only=["source.fixAll.looplint"])
        assert not fix_all

    hover = await session.hover(uri, ut001[0].range.start)
    assert hover is not None and "TestCase" in str(hover.contents)

    warnings = [m for m in session.client.messages if "quick fixes and Fix All are unavailable" in m.message]
    assert len(warnings) == 1, [m.message for m in session.client.messages]
    assert warnings[0].type == types.MessageType.Warning
    assert "libcst's native module does not load" in warnings[0].message


# -- the real thing: a bundle whose libcst comes without its native module ------------------------------

REPO = Path(__file__).resolve().parents[2]


def _load_script(name: str):
    spec = importlib.util.spec_from_file_location(name, REPO / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _python(version: str) -> str:
    """CPython `version` as `make pythons` provides it (provisioned now if missing)."""
    out = subprocess.run([sys.executable, str(REPO / "scripts" / "provision_python.py"), version],
                         capture_output=True, text=True, check=True).stdout
    return next(line.split(" ", 1)[1] for line in out.splitlines() if line.startswith(version + " "))


@pytest.fixture(scope="module")
def bundle_without_native(tmp_path_factory):
    """What scripts/bundle_python.py makes where PyPI has no binary wheel of libcst for a target and
    CPython (macOS x86_64 on 3.15 today): a target with no wheels at all forces that path here."""
    bundle = _load_script("bundle_python")
    nowhere = bundle.Target("nowhere-x64", ("nowhere_x86_64",), "linux", "Linux", "x86_64", "posix")
    work = tmp_path_factory.mktemp("bundle")
    wheel = bundle.build_wheel(work)
    dest = work / "out" / "libs" / "cp315"
    gaps = bundle.install_for(nowhere, "3.15", wheel, dest)
    bundle.tidy(dest)
    (work / "out" / "tool").mkdir()
    shutil.copyfile(REPO / "scripts" / "bundle_python_launcher.py", work / "out" / "tool" / "launch.py")
    return work / "out", gaps


def test_the_pure_python_part_is_bundled_where_no_wheel_exists(bundle_without_native):
    out, gaps = bundle_without_native
    assert gaps == ["libcst"]
    libcst = out / "libs" / "cp315" / "libcst"
    assert (libcst / "__init__.py").is_file() and (libcst / "_nodes" / "statement.py").is_file()
    assert [p for p in out.rglob("*") if p.suffix in (".so", ".pyd", ".dylib")] == []
    probe = subprocess.run(
        [_python("3.15"), "-I", "-c", "import sys; sys.path[:0] = sys.argv[1:]; import libcst, looplint.lsp.server; "
         "print(libcst.__file__)\ntry:\n import libcst.native\nexcept ImportError: print('no native')",
         str(out / "libs" / "cp315")],
        capture_output=True, text=True,
    )
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.splitlines() == [str(libcst / "__init__.py"), "no native"]


async def test_its_server_gives_diagnostics_and_hovers_and_says_once_that_fixes_are_unavailable(
        bundle_without_native, project, start):
    out, _ = bundle_without_native
    session = await start(project, pull=True, server=[_python("3.15"), "-I", str(out / "tool" / "launch.py")])
    uri = session.open("tests/test_agent.py")
    ut001 = [d for d in await session.diagnostics(uri) if d.code == "UT001"]
    assert len(ut001) == 1
    for _ in range(2):
        actions = await session.code_actions(uri, ut001[0].range, ut001)
        assert [a.title for a in actions] == ["Suppress UT001 on this line"]
    hover = await session.hover(uri, ut001[0].range.start)
    assert hover is not None and "TestCase" in str(hover.contents)
    warnings = [m for m in session.client.messages if "quick fixes and Fix All are unavailable" in m.message]
    assert len(warnings) == 1 and "Python 3.15" in warnings[0].message
