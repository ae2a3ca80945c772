"""Each platform's extension bundles exactly that platform's native modules for each CPython.

`make dist` builds every .vsix and opens each one (scripts/dist_check.py, `check_vsix`); here one
bundle for another platform is built the same way (scripts/bundle_python.py, wheels from PyPI
for macOS x86_64) and checked by the same code, and the checker is shown to reject what it must.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load_script(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


dist_check = _load_script("dist_check")


@pytest.fixture(scope="module")
def darwin_bundle(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("bundle") / "darwin-x64"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "bundle_python.py"), "--target", "darwin-x64",
                    "--versions", "3.13,3.14", "--out", str(out)], check=True, capture_output=True, text=True)
    return out


def test_a_macos_x86_64_bundle_holds_mach_o_x86_64_modules_built_for_each_cpython(darwin_bundle):
    assert dist_check.check_bundle_dir("darwin-x64", darwin_bundle, ["3.13", "3.14"]) == []
    natives = sorted(p.relative_to(darwin_bundle / "libs").as_posix() for p in darwin_bundle.rglob("*.so"))
    assert natives == ["cp313/libcst/native.cpython-313-darwin.so", "cp314/libcst/native.cpython-314-darwin.so"]
    assert json.loads((darwin_bundle / "libs" / "bundle.json").read_text())["target"] == "darwin-x64"


def test_the_same_bundle_is_rejected_for_another_platform(darwin_bundle):
    libs = darwin_bundle / "libs"
    names = sorted(p.relative_to(libs).as_posix() for p in libs.rglob("*") if p.is_file())
    bundle = json.loads((libs / "bundle.json").read_text())
    read = lambda n: (libs / n).read_bytes()  # noqa: E731
    errors = dist_check.check_natives("darwin-arm64", names, read, bundle, ["3.13", "3.14"])
    assert any("is macho ['0x1000007'], not macho 0x100000c" in e for e in errors), errors
    errors = dist_check.check_natives("win32-x64", names, read, {**bundle, "target": "win32-x64"}, ["3.13", "3.14"])
    assert any("not pe 0x8664" in e for e in errors), errors
    # A version with nothing bundled, or libcst's native module gone without bundle.json saying why.
    assert "nothing bundled for cp315" in dist_check.check_natives("darwin-x64", names, read, bundle, ["3.15"])
    without = [n for n in names if not n.startswith("cp314/libcst/native")]
    assert "no libcst native module for cp314" in dist_check.check_natives("darwin-x64", without, read, bundle, ["3.14"])
    recorded = {**bundle, "without_native": {"cp314": ["libcst"]}}
    assert dist_check.check_natives("darwin-x64", without, read, recorded, ["3.14"]) == []


def _elf(machine: int, needed: bytes) -> bytes:
    header = b"\x7fELF" + bytes(14) + machine.to_bytes(2, "little")
    return header + bytes(64) + needed + b"\0"


def test_linux_modules_are_told_apart_by_the_c_library_they_link():
    # CPython before 3.11 names its extensions -linux-gnu on musl too (libcst's cp310 musl wheel does).
    files = {"cp310/libcst/native.cpython-310-x86_64-linux-gnu.so": _elf(0x3E, b"libc.musl-x86_64.so.1"),
             "cp310/libcst/__init__.py": b""}
    bundle = {"target": "alpine-x64"}
    assert dist_check.check_natives("alpine-x64", list(files), files.__getitem__, bundle, ["3.10"]) == []
    errors = dist_check.check_natives("linux-x64", list(files), files.__getitem__, {"target": "linux-x64"}, ["3.10"])
    assert errors == ["cp310/libcst/native.cpython-310-x86_64-linux-gnu.so does not link libc.so.6"]
    files["cp310/libcst/native.cpython-310-x86_64-linux-gnu.so"] = _elf(0x3E, b"libc.so.6")
    errors = dist_check.check_natives("alpine-x64", list(files), files.__getitem__, bundle, ["3.10"])
    assert errors == ["cp310/libcst/native.cpython-310-x86_64-linux-gnu.so does not link libc.musl-x86_64.so.1"]
    assert dist_check.check_natives("linux-x64", list(files), files.__getitem__, {"target": "linux-x64"}, ["3.10"]) == []


def test_a_bundle_built_again_with_the_same_requirements_only_gets_the_new_looplint(darwin_bundle):
    common = darwin_bundle / "libs" / "common"
    (common / "looplint" / "left_over.py").write_text("")  # a module the new wheel does not have
    natives = sorted(darwin_bundle.rglob("*.so"))
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "bundle_python.py"), "--target", "darwin-x64",
                           "--versions", "3.13,3.14", "--out", str(darwin_bundle)], check=True, capture_output=True,
                          text=True)
    assert "dependencies unchanged since the last build" in done.stdout
    assert not (common / "looplint" / "left_over.py").exists()
    shipped = {p.relative_to(ROOT / "server").as_posix() for p in (ROOT / "server" / "looplint").rglob("*.py")
               if "__pycache__" not in p.parts}
    bundled = {p.relative_to(common).as_posix() for p in (common / "looplint").rglob("*.py")}
    assert bundled == shipped
    assert sorted(darwin_bundle.rglob("*.so")) == natives
    assert dist_check.check_bundle_dir("darwin-x64", darwin_bundle, ["3.13", "3.14"]) == []
