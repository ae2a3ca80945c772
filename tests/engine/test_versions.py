"""Tests for looplint.engine.versions: real files in tmp dirs, one per format."""

from __future__ import annotations

import importlib.metadata
import json
import platform
import sys
import time
from pathlib import Path

import pytest
from packaging.version import Version

from looplint.engine.versions import (
    ProjectVersions,
    VersionInfo,
    clear_cache,
    convert_poetry_constraint,
    detect_versions,
    normalize_name,
)


@pytest.fixture(autouse=True)
def _fresh_cache():
    clear_cache()
    yield
    clear_cache()


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, content in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(content, encoding="utf-8")
    return root


def line_of(path: Path, needle: str) -> int:
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return i
    raise AssertionError(f"{needle!r} not in {path}")


def metadata(name: str, version: str) -> str:
    return f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\nSummary: x\n\nVersion: 0.0.0 in the body\n"


def vi(spec: str, exact: str | None = None, name: str = "x") -> VersionInfo:
    return VersionInfo(name, spec, exact, Path("f"), 1)


# ---------------------------------------------------------------------------
# names, Poetry constraints, ranges
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "norm"),
    [("Pytest_Asyncio", "pytest-asyncio"), ("nest.asyncio", "nest-asyncio"), ("pytest--trio", "pytest-trio"), ("anyio", "anyio")],
)
def test_normalize_name(raw, norm):
    assert normalize_name(raw) == norm


@pytest.mark.parametrize(
    ("poetry", "pep440"),
    [
        ("^1.2.3", ">=1.2.3,<2"),
        ("^1.2", ">=1.2,<2"),
        ("^1", ">=1,<2"),
        ("^0.2.3", ">=0.2.3,<0.3"),
        ("^0.0.3", ">=0.0.3,<0.0.4"),
        ("^0.0", ">=0.0,<0.1"),
        ("^0", ">=0,<1"),
        ("~1.2.3", ">=1.2.3,<1.3"),
        ("~1.2", ">=1.2,<1.3"),
        ("~1", ">=1,<2"),
        ("~=1.4", "~=1.4"),
        ("*", ""),
        ("1.2.3", "==1.2.3"),
        ("1.2.*", "==1.2.*"),
        (">= 1.2, < 1.5", ">=1.2,<1.5"),
        (">=1.2 <1.5", ">=1.2,<1.5"),
        ("^1.2 || ^2.0", ">=1.2,<2 || >=2.0,<3"),
        ("^3.10", ">=3.10,<4"),
    ],
)
def test_convert_poetry_constraint(poetry, pep440):
    assert convert_poetry_constraint(poetry) == pep440


@pytest.mark.parametrize(
    ("have", "want", "expected"),
    [
        (">=0.23,<0.24", ">=0.23", True),
        (">=0.23,<0.24", ">=1.0", False),
        (">=0.23,<0.24", "<0.23.5", None),
        (">=0.23,<0.24", "<0.24", True),
        (">=1.0,<2", ">=0.24", True),
        (">=1.0", ">=1.4", None),
        ("", ">=1.0", None),
        ("==1.5.0", ">=1.4", True),
        ("==1.5.0", "<1.4", False),
        ("~=1.4", ">=1.4,<2", True),
        ("~=1.4.2", "<1.5", True),
        ("==1.*", ">=1,<2", True),
        ("!=1.0", ">=1.0", None),
        (">=2 || <1", ">=1,<2", False),
        (">=1.2,<2 || >=2.0,<3", ">=1.2,<3", True),
        ("3.11", ">=3.11,<3.12", True),
        ("3.11", ">=3.12", False),
        ("3.11", "<3.12", True),
        ("3.11.7", ">=3.11.8", False),
        (">=3.10", ">=3.12", None),
        (">=3.10", "<3.10", False),
        (">=1,<2", "not a spec", None),
    ],
)
def test_satisfies(have, want, expected):
    assert vi(have).satisfies(want) is expected


def test_exact_wins_over_spec_and_helpers():
    v = vi(">=1,<3", exact="1.5.0")
    assert v.satisfies(">=1.5") is True and v.satisfies(">1.5") is False
    assert v.allows("1.5.0") is True and v.allows("1.5.1") is False
    r = vi(">=0.23,<0.24")
    assert r.min_version() == Version("0.23")
    assert r.max_version() == (Version("0.24.dev0"), False)  # "<0.24" leaves out 0.24 pre-releases
    assert r.allows("0.23.8") is True and r.allows("0.24.0") is False and r.allows("0.24rc1") is False
    assert vi(">=1").max_version() is None and vi("<2").min_version() is None
    assert vi("<=2").max_version() == (Version("2"), True)


# ---------------------------------------------------------------------------
# installed environment
# ---------------------------------------------------------------------------


def make_venv(root: Path, pyver: str = "3.12.1", *, cfg_key: str = "version", windows: bool = False, extra: dict | None = None):
    mm = ".".join(pyver.split(".")[:2])
    sp = "Lib/site-packages" if windows else f"lib/python{mm}/site-packages"
    files = {
        "pyvenv.cfg": f"home = /opt/python/bin\ninclude-system-site-packages = false\n{cfg_key} = {pyver}\n",
        ("Scripts/python.exe" if windows else "bin/python"): "",
        f"{sp}/pytest-8.4.2.dist-info/METADATA": metadata("pytest", "8.4.2"),
        f"{sp}/pytest_asyncio-1.0.0.dist-info/METADATA": metadata("pytest-asyncio", "1.0.0"),
        f"{sp}/nest_asyncio-1.6.0.dist-info/METADATA": metadata("nest_asyncio", "1.6.0"),
        f"{sp}/anyio-4.9.0.dist-info/RECORD": "",  # no METADATA: version from the directory name
        f"{sp}/legacy_pkg-0.3-py3.12.egg-info/PKG-INFO": metadata("Legacy_Pkg", "0.3"),
        f"{sp}/single_file_egg-2.0.egg-info": metadata("single-file-egg", "2.0"),
        f"{sp}/not_a_dist": "",
    }
    files.update(extra or {})
    write(root, files)
    return root / ("Scripts/python.exe" if windows else "bin/python"), root / sp


def test_installed_packages_from_venv(tmp_path):
    interp, sp = make_venv(tmp_path / "env")
    v = detect_versions(tmp_path / "proj", interpreter=interp)
    assert v.python.exact == "3.12.1" and v.python.kind == "interpreter"
    assert v.python.source == tmp_path / "env" / "pyvenv.cfg" and v.python.line == 3
    assert v.pytest.exact == "8.4.2" and v.pytest.spec == "==8.4.2" and v.pytest.kind == "installed"
    assert v.pytest.source == sp / "pytest-8.4.2.dist-info" / "METADATA" and v.pytest.line == 3
    assert v.pytest_asyncio.exact == "1.0.0"
    assert v.anyio.exact == "4.9.0"
    assert v.get("nest_asyncio").exact == "1.6.0" and v.get("Nest-Asyncio") is v.others["nest-asyncio"]
    assert v.get("legacy-pkg").exact == "0.3"
    assert v.get("single-file-egg").exact == "2.0"
    assert v.site_packages == (sp,)
    assert isinstance(v, ProjectVersions)


def test_installed_uv_style_version_info_and_env_dir(tmp_path):
    interp, _ = make_venv(tmp_path / "env", "3.13.0", cfg_key="version_info")
    v = detect_versions(tmp_path, interpreter=tmp_path / "env")  # the environment directory works too
    assert v.python.exact == "3.13.0" and v.pytest.exact == "8.4.2"


def test_installed_windows_layout(tmp_path):
    interp, sp = make_venv(tmp_path / "env", "3.11.9", windows=True)
    v = detect_versions(tmp_path, interpreter=interp)
    assert v.python.exact == "3.11.9" and v.pytest.exact == "8.4.2" and v.site_packages == (sp,)


def test_system_site_packages_are_a_fallback(tmp_path):
    base_sp = "base/lib/python3.12/site-packages"
    write(
        tmp_path,
        {
            "base/bin/python3.12": "",
            f"{base_sp}/pytest-7.0.0.dist-info/METADATA": metadata("pytest", "7.0.0"),
            f"{base_sp}/trio-0.25.0.dist-info/METADATA": metadata("trio", "0.25.0"),
        },
    )
    interp, _ = make_venv(tmp_path / "env")
    cfg = tmp_path / "env" / "pyvenv.cfg"
    cfg.write_text(f"home = {tmp_path / 'base' / 'bin'}\ninclude-system-site-packages = true\nversion = 3.12.1\n")
    v = detect_versions(tmp_path, interpreter=interp)
    assert v.pytest.exact == "8.4.2"  # the venv wins
    assert v.get("trio").exact == "0.25.0"  # the base fills in


def test_base_interpreter_patchlevel(tmp_path):
    write(
        tmp_path,
        {
            "py/bin/python3": "",
            "py/include/python3.11/patchlevel.h": '/* x */\n#define PY_MINOR_VERSION 11\n#define PY_VERSION "3.11.7"\n',
            "py/lib/python3.11/site-packages/pytest-9.2.0.dist-info/METADATA": metadata("pytest", "9.2.0"),
        },
    )
    v = detect_versions(tmp_path / "proj", interpreter=tmp_path / "py/bin/python3")
    assert v.python.exact == "3.11.7" and v.python.line == 3
    assert v.pytest.exact == "9.2.0"


def test_python_from_lib_dir_name(tmp_path):
    write(tmp_path, {"py/bin/python": "", "py/lib/python3.10/site-packages/anyio-4.0.0.dist-info/METADATA": metadata("anyio", "4.0.0")})
    v = detect_versions(tmp_path / "proj", interpreter=tmp_path / "py/bin/python")
    assert v.python.spec == "3.10" and v.python.exact is None
    assert v.python.satisfies(">=3.10,<3.11") is True
    assert v.anyio.exact == "4.0.0"


def test_dot_venv_is_found_automatically(tmp_path):
    make_venv(tmp_path / ".venv")
    v = detect_versions(tmp_path)
    assert v.pytest.exact == "8.4.2" and v.python.exact == "3.12.1"
    assert detect_versions(tmp_path, auto_venv=False).pytest is None


def test_real_interpreter_matches_importlib_metadata():
    """Our file-only reading of this very environment agrees with importlib.metadata."""
    v = detect_versions(Path(sys.prefix) / "no-project-here", interpreter=Path(sys.executable), auto_venv=False)
    for dist in ("pytest", "packaging", "pluggy", "iniconfig"):
        assert v.get(dist) is not None, dist
        assert v.get(dist).exact == importlib.metadata.version(dist), dist
    if v.python is not None and v.python.exact is not None:
        assert v.python.exact == platform.python_version()
    elif v.python is not None:
        assert v.python.satisfies(f"=={sys.version_info[0]}.{sys.version_info[1]}.*") is True


# ---------------------------------------------------------------------------
# lock files
# ---------------------------------------------------------------------------

UV_LOCK = """version = 1
requires-python = ">=3.10"

[[package]]
name = "pytest"
version = "9.2.0"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "pytest-asyncio"
version = "1.5.0"
source = { registry = "https://pypi.org/simple" }
dependencies = [
    { name = "pytest" },
]

[[package]]
name = "numpy"
version = "1.26.4"
source = { registry = "https://pypi.org/simple" }
resolution-markers = ["python_full_version < '3.12'"]

[[package]]
name = "numpy"
version = "2.1.0"
source = { registry = "https://pypi.org/simple" }
resolution-markers = ["python_full_version >= '3.12'"]
"""

POETRY_LOCK = """# This file is automatically @generated by Poetry
[[package]]
name = "anyio"
version = "4.4.0"
description = "High level compatibility layer"
optional = false
python-versions = ">=3.8"
files = [
    {file = "anyio-4.4.0-py3-none-any.whl", hash = "sha256:x"},
]

[[package]]
name = "Pytest_Asyncio"
version = "0.23.8"
description = "Pytest support for asyncio"
optional = false
python-versions = ">=3.8"

[metadata]
lock-version = "2.0"
python-versions = "^3.10"
"""

PDM_LOCK = """[metadata]
groups = ["default", "test"]

[[package]]
name = "pytest"
version = "8.3.5"
requires_python = ">=3.8"
summary = "pytest"
"""

PIPFILE_LOCK = {
    "_meta": {"hash": {"sha256": "x"}},
    "default": {"anyio": {"hashes": ["sha256:y"], "version": "==4.3.0"}},
    "develop": {
        "pytest": {"hashes": ["sha256:z"], "markers": "python_version >= '3.8'", "version": "==8.1.1"},
        "pytest-asyncio": {"git": "https://github.com/x/y.git", "ref": "abc"},
    },
}


def test_uv_lock(tmp_path):
    write(tmp_path, {"uv.lock": UV_LOCK})
    v = detect_versions(tmp_path)
    lock = tmp_path / "uv.lock"
    assert (v.pytest.exact, v.pytest.kind, v.pytest.source, v.pytest.line) == ("9.2.0", "lock", lock, 6)
    assert v.pytest_asyncio.exact == "1.5.0" and v.pytest_asyncio.line == 11
    numpy = v.get("numpy")  # two resolutions
    assert numpy.exact is None and numpy.spec == ">=1.26.4,<=2.1.0" and numpy.satisfies(">=1.26") is True


def test_poetry_lock(tmp_path):
    write(tmp_path, {"poetry.lock": POETRY_LOCK})
    v = detect_versions(tmp_path)
    assert v.anyio.exact == "4.4.0" and v.anyio.line == 4
    assert v.pytest_asyncio.exact == "0.23.8" and v.pytest_asyncio.line == 14
    assert v.pytest_asyncio.satisfies(">=0.23,<0.24") is True


def test_pdm_lock(tmp_path):
    write(tmp_path, {"pdm.lock": PDM_LOCK})
    v = detect_versions(tmp_path)
    assert v.pytest.exact == "8.3.5" and v.pytest.line == 6


def test_pipfile_lock(tmp_path):
    write(tmp_path, {"Pipfile.lock": json.dumps(PIPFILE_LOCK, indent=4)})
    v = detect_versions(tmp_path)
    lock = tmp_path / "Pipfile.lock"
    assert v.anyio.exact == "4.3.0" and v.anyio.line == line_of(lock, '"anyio"')
    assert v.pytest.exact == "8.1.1" and v.pytest.line == line_of(lock, '"pytest": {')
    assert v.pytest_asyncio.exact is None and v.pytest_asyncio.spec == ""  # a git checkout: version unknown


def test_lock_precedence(tmp_path):
    write(tmp_path, {"uv.lock": UV_LOCK, "pdm.lock": PDM_LOCK, "pyproject.toml": '[project]\ndependencies = ["pytest>=8", "trio>=0.22"]\n'})
    v = detect_versions(tmp_path)
    assert v.pytest.exact == "9.2.0" and v.pytest.source.name == "uv.lock"  # uv.lock before pdm.lock and before declarations
    assert v.get("trio").kind == "declared" and v.get("trio").spec == ">=0.22"


def test_installed_beats_lock(tmp_path):
    interp, _ = make_venv(tmp_path / ".venv")
    write(tmp_path, {"uv.lock": UV_LOCK})
    v = detect_versions(tmp_path)
    assert v.pytest.exact == "8.4.2" and v.pytest.kind == "installed"
    assert v.get("numpy").kind == "lock"  # not installed: the lock still answers


# ---------------------------------------------------------------------------
# declarations
# ---------------------------------------------------------------------------


def test_pyproject_project_and_groups(tmp_path):
    write(
        tmp_path,
        {
            "pyproject.toml": """[project]
name = "demo"
requires-python = ">=3.10"
dependencies = [
    "anyio >= 4.0",
    "tomli>=2.0; python_version < '3.11'",
]

[project.optional-dependencies]
test = ["pytest>=8.3,<10", "pytest-asyncio[testing]>=1.0,<2"]

[dependency-groups]
dev = [
    {include-group = "lint"},
    "Pytest-Trio ==0.8.0",
]
lint = ["ruff"]
"""
        },
    )
    v = detect_versions(tmp_path)
    pp = tmp_path / "pyproject.toml"
    assert v.python.spec == ">=3.10" and v.python.kind == "requires-python" and v.python.line == 3
    assert v.anyio.spec == ">=4.0" and v.anyio.line == 5 and v.anyio.kind == "declared"
    assert v.pytest.satisfies(">=8.3") is True and v.pytest.satisfies(">=10") is False and v.pytest.line == 10
    assert v.pytest_asyncio.satisfies(">=1.0,<2") is True and v.pytest_asyncio.source == pp
    trio = v.get("pytest_trio")
    assert trio.exact == "0.8.0" and trio.line == line_of(pp, "Pytest-Trio")
    assert v.get("ruff").spec == ""
    assert v.get("tomli") is not None  # python unknown exactly: the marker cannot exclude it


def test_markers_filtered_by_known_python(tmp_path):
    write(
        tmp_path,
        {
            ".python-version": "3.12.1\n",
            "pyproject.toml": '[project]\ndependencies = ["tomli>=2; python_version < \'3.11\'", '
            '"numpy<2; python_version < \'3.12\'", "numpy>=2; python_version >= \'3.12\'", '
            '"pytest>=8; extra == \'test\'"]\n',
        },
    )
    v = detect_versions(tmp_path)
    assert v.python.exact == "3.12.1" and v.python.kind == "python-version-file"
    assert v.get("tomli") is None
    assert v.get("numpy").spec == ">=2"
    assert v.pytest.spec == ">=8"


def test_declarations_are_intersected(tmp_path):
    write(
        tmp_path,
        {
            "pyproject.toml": '[project]\ndependencies = ["pytest>=7"]\n[project.optional-dependencies]\ntest = ["pytest<9"]\n',
            "requirements-dev.txt": "pytest>=8.2\n",
        },
    )
    v = detect_versions(tmp_path)
    assert v.pytest.satisfies(">=8.2,<9") is True
    assert v.pytest.line == 2 and v.pytest.source.name == "pyproject.toml"


def test_poetry(tmp_path):
    write(
        tmp_path,
        {
            "pyproject.toml": """[tool.poetry]
name = "demo"

[tool.poetry.dependencies]
python = "^3.10"
anyio = { version = "^4.2", extras = ["trio"] }
numpy = [
    { version = "<2", python = "<3.12" },
    { version = "^2.0", python = ">=3.12" },
]
mylib = { path = "../mylib", develop = true }

[tool.poetry.dev-dependencies]
nest-asyncio = "~1.5.8"

[tool.poetry.group.test.dependencies]
pytest = "^8.0"
pytest-asyncio = "0.23.8"
"""
        },
    )
    v = detect_versions(tmp_path)
    assert v.python.spec == ">=3.10,<4" and v.python.line == 5
    assert v.anyio.spec == ">=4.2,<5" and v.anyio.line == 6
    assert v.pytest.spec == ">=8.0,<9" and v.pytest.line == 17
    assert v.pytest_asyncio.exact == "0.23.8" and v.pytest_asyncio.spec == "==0.23.8"
    assert v.get("nest_asyncio").spec == ">=1.5.8,<1.6"
    assert v.get("mylib").spec == ""
    # python only known as ">=3.10,<4": both numpy alternatives stay possible
    assert v.get("numpy").satisfies(">=2") is None
    # with a known python, the python-conditioned alternative is chosen
    clear_cache()
    v = detect_versions(tmp_path, python_version_override="3.11")
    assert v.get("numpy").satisfies("<2") is True


def test_pdm_dev_dependencies(tmp_path):
    write(tmp_path, {"pyproject.toml": '[tool.pdm.dev-dependencies]\ntest = [\n  "pytest-asyncio>=0.24",\n]\n'})
    v = detect_versions(tmp_path)
    assert v.pytest_asyncio.spec == ">=0.24" and v.pytest_asyncio.line == 3


def test_requirements_files(tmp_path):
    write(
        tmp_path,
        {
            "requirements.txt": "# base\n-r requirements/base.txt\n--index-url https://example.invalid/simple\nanyio==4.6.2 \\\n    --hash=sha256:abc\n",
            "requirements/base.txt": "pytest>=8.0,<9  # inline comment\n-c ../constraints.txt\n-e git+https://x/y.git#egg=nest_asyncio\n",
            "constraints.txt": "pytest-asyncio==0.25.3 ; python_version >= '3.9'\n",
            "requirements-test.txt": "pytest-trio\n",
            "requirements/dev.txt": "pytest-timeout>=2\n",
        },
    )
    v = detect_versions(tmp_path)
    assert v.anyio.exact == "4.6.2" and v.anyio.line == 4 and v.anyio.source == tmp_path / "requirements.txt"
    assert v.pytest.spec in (">=8.0,<9", "<9,>=8.0") and v.pytest.source == tmp_path / "requirements" / "base.txt"
    assert v.pytest_asyncio.exact == "0.25.3" and v.pytest_asyncio.source == tmp_path / "constraints.txt"
    assert v.get("nest-asyncio").spec == ""
    assert v.get("pytest-trio") is not None and v.get("pytest-timeout").spec == ">=2"


def test_requirements_include_cycle_does_not_hang(tmp_path):
    write(tmp_path, {"requirements.txt": "-r requirements-b.txt\npytest==8.0.0\n", "requirements-b.txt": "-r requirements.txt\nanyio\n"})
    v = detect_versions(tmp_path)
    assert v.pytest.exact == "8.0.0" and v.anyio is not None


def test_setup_cfg(tmp_path):
    write(
        tmp_path,
        {
            "setup.cfg": """[metadata]
name = demo

[options]
python_requires = >=3.9
install_requires =
    anyio>=3.7
    # a comment
    nest_asyncio ; python_version < "3.12"

[options.extras_require]
test =
    pytest>=7.4
    pytest-asyncio==0.21.1
"""
        },
    )
    v = detect_versions(tmp_path)
    cfg = tmp_path / "setup.cfg"
    assert v.python.spec == ">=3.9" and v.python.line == 5
    assert v.anyio.spec == ">=3.7" and v.anyio.line == 7
    assert v.pytest.spec == ">=7.4" and v.pytest.line == line_of(cfg, "pytest>=7.4")
    assert v.pytest_asyncio.exact == "0.21.1"
    assert v.get("nest-asyncio") is not None


def test_tox_ini(tmp_path):
    write(
        tmp_path,
        {
            "tox.ini": """[tox]
envlist = py311

[testenv]
deps =
    pytest>=8
    py311: pytest-asyncio>=0.23
    {[base]deps}
    -r requirements-extra.in

[testenv:lint]
deps = ruff
""",
            "requirements-extra.in": "anyio~=4.0\n",
        },
    )
    v = detect_versions(tmp_path)
    assert v.pytest.spec == ">=8" and v.pytest.line == 6 and v.pytest.source.name == "tox.ini"
    assert v.pytest_asyncio.spec == ">=0.23" and v.pytest_asyncio.line == 7
    assert v.anyio.spec == "~=4.0"
    assert v.get("ruff") is not None


# ---------------------------------------------------------------------------
# Python version precedence
# ---------------------------------------------------------------------------


def test_python_precedence(tmp_path):
    interp, _ = make_venv(tmp_path / "env", "3.12.1")
    write(
        tmp_path / "proj",
        {
            "pyproject.toml": '[project]\nrequires-python = ">=3.10"\n[tool.looplint]\npython-version = "3.13"\n',
            ".python-version": "3.11.7\n",
        },
    )
    root = tmp_path / "proj"
    o = detect_versions(root, interpreter=interp, python_version_override="3.13").python
    assert (o.spec, o.exact, o.kind, o.line) == ("3.13", None, "override", 4)
    assert detect_versions(root, interpreter=interp).python.exact == "3.12.1"
    pv = detect_versions(root).python
    assert (pv.exact, pv.kind, pv.line) == ("3.11.7", "python-version-file", 1)
    (root / ".python-version").unlink()
    rp = detect_versions(root).python
    assert (rp.spec, rp.kind) == (">=3.10", "requires-python")
    (root / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert detect_versions(root).python is None


@pytest.mark.parametrize(
    ("content", "spec", "exact"),
    [
        ("3.12\n", "3.12", None),
        ("# comment\n\n3.11.7\n3.10\n", "3.11.7", "3.11.7"),
        ("pypy3.10-7.3.12\n", "3.10", None),
        ("3.13t\n", "3.13", None),
        ("cpython@3.12\n", "3.12", None),
    ],
)
def test_python_version_file_forms(tmp_path, content, spec, exact):
    write(tmp_path, {".python-version": content})
    p = detect_versions(tmp_path).python
    assert (p.spec, p.exact) == (spec, exact)


def test_python_version_file_without_version(tmp_path):
    write(tmp_path, {".python-version": "system\n"})
    assert detect_versions(tmp_path).python is None


# ---------------------------------------------------------------------------
# robustness and cache
# ---------------------------------------------------------------------------


def test_bad_files_never_raise(tmp_path):
    write(
        tmp_path,
        {
            "pyproject.toml": "[project\ndependencies = [",
            "uv.lock": "[[package]]\nname = ",
            "poetry.lock": b"\xff\xfe\x00binary",
            "Pipfile.lock": "{not json",
            "pdm.lock": "package = 3\n",
            "setup.cfg": "[options\ninstall_requires = = =\n",
            "tox.ini": "  dangling\n[testenv]\ndeps = \x00\n",
            "requirements.txt": "!!!\n@@@ @ @\npytest >= what\nanyio===weird\n",
            ".python-version": b"\x00\x01",
            ".venv/pyvenv.cfg": "garbage",
            ".venv/lib/python3.12/site-packages/broken-1.0.dist-info/METADATA": b"\xff\xfe",
        },
    )
    v = detect_versions(tmp_path)
    assert isinstance(v, ProjectVersions)
    assert v.pytest is not None and v.pytest.spec == ""  # "pytest >= what" keeps the name, not the version
    assert v.anyio is not None


def test_cache_and_invalidation(tmp_path):
    write(tmp_path, {"requirements.txt": "pytest==8.0.0\n"})
    a = detect_versions(tmp_path)
    assert detect_versions(tmp_path) is a
    time.sleep(0.01)
    (tmp_path / "requirements.txt").write_text("pytest==8.1.0\n")
    b = detect_versions(tmp_path)
    assert b.pytest.exact == "8.1.0"
    write(tmp_path, {"uv.lock": UV_LOCK})
    assert detect_versions(tmp_path).pytest.exact == "9.2.0"


_SETUP_BUILT_IN_NAMES = '''
import os
from setuptools import setup

setup_kwargs = {"name": "app", "python_requires": ">=3.10"}
marker = '; sys_platform != "win32"'
types_json = "types-ujson" + marker
tests_require = ["pytest>=8.2", "pytest-xdist", types_json]
dev_require = tests_require + ["tox"]
if os.environ.get("NO_UJSON"):
    tests_require.remove(types_json)
if os.environ.get("WITH_COV"):
    tests_require.append("pytest-cov")
setup_kwargs["tests_require"] = tests_require
setup_kwargs["extras_require"] = {"dev": dev_require, "docs": ["sphinx"]}
setup(**setup_kwargs)
'''


def test_setup_py_requirements_built_in_module_level_names(tmp_path):
    # Read with ast, never run: names, `+`, `d[k] = v`, `setup(**d)`, and what a condition may add.
    (tmp_path / "setup.py").write_text(_SETUP_BUILT_IN_NAMES)
    versions = detect_versions(tmp_path)
    assert versions.pytest is not None and versions.pytest.spec == ">=8.2"
    assert versions.get("pytest-cov") is not None and versions.get("tox") is not None
    assert versions.get("sphinx") is not None
    assert versions.python is not None and versions.python.spec == ">=3.10"
    assert versions.lacks("pytest-asyncio")


def test_setup_py_requirements_behind_a_call_stay_unknown(tmp_path):
    (tmp_path / "setup.py").write_text(
        "from setuptools import setup\n"
        "def read(name):\n    return open(name).read().split()\n"
        "setup(name='app', tests_require=read('requirements-test.txt'))\n"
    )
    versions = detect_versions(tmp_path)
    assert versions.pytest is None and not versions.lacks("pytest-asyncio")
