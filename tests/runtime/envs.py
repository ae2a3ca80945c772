"""Runtime-truth environments: which interpreter and which pinned packages.

Environment names are a contract with the rule modules (`Symptom.envs`,
`RuntimeExample.envs`). Each environment is one CPython minor version plus an
exact, fully pinned package set in `requirements/<env>.txt` (resolved once by
`lock_env`, committed, never re-resolved implicitly). A venv is built per
environment under `.cache/truth-venvs/<env>-<hash>` where the hash covers the
pins and the interpreter's exact version, so changing either builds a new one.

The runner venvs hold only what a user's test suite has: never looplint.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Iterator

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
REQUIREMENTS = HERE / "requirements"

Log = Callable[[str], None]


@dataclass(frozen=True)
class Env:
    name: str
    python: str  # "3.11"
    wants: tuple[str, ...]  # what `lock_env` resolves (the newest release matching these)

    @property
    def pins_file(self) -> Path:
        return REQUIREMENTS / f"{self.name}.txt"


_NEWEST = ("pytest>=9,<10", "pytest-asyncio>=1.5,<1.6", "anyio>=4,<5", "nest_asyncio")
# anyio and nest_asyncio are in every environment so an example can use them
# anywhere; neither changes how plain or pytest-asyncio tests run.
_EXTRAS = ("anyio>=4,<5", "nest_asyncio")

ENVIRONMENTS: dict[str, Env] = {
    env.name: env
    for env in (
        Env("py310", "3.10", _NEWEST),
        Env("py311", "3.11", _NEWEST),
        Env("py312", "3.12", _NEWEST),
        Env("py313", "3.13", _NEWEST),
        # 3.14 and 3.15 come from Debian sid's packages (scripts/provision_python.py).
        Env("py314", "3.14", _NEWEST),
        Env("py315", "3.15", _NEWEST),
        Env("py311-pytest84-pa10", "3.11", ("pytest==8.4.2", "pytest-asyncio==1.0.0", *_EXTRAS)),
        Env("py311-pytest83-pa023", "3.11", ("pytest==8.3.5", "pytest-asyncio==0.23.8", *_EXTRAS)),
        Env("py311-pa13", "3.11", ("pytest>=9,<10", "pytest-asyncio==1.3.0", *_EXTRAS)),
        # The releases projects pin before 1.0 (the version-gated PA rules): 0.21 has the
        # `event_loop` fixture without deprecation, 0.24-0.26 have loop_scope and deprecate it.
        Env("py311-pytest74-pa021", "3.11", ("pytest>=7.4,<8", "pytest-asyncio==0.21.2", *_EXTRAS)),
        Env("py311-pytest83-pa024", "3.11", ("pytest>=8.3,<8.4", "pytest-asyncio==0.24.0", *_EXTRAS)),
        Env("py311-pytest83-pa025", "3.11", ("pytest>=8.3,<8.4", "pytest-asyncio==0.25.3", *_EXTRAS)),
        Env("py311-pytest84-pa026", "3.11", ("pytest>=8.4,<8.5", "pytest-asyncio==0.26.0", *_EXTRAS)),
    )
}


# The envs `pytest tests/runtime` (and so `make test`) runs by default: the current releases
# (CPython 3.11 with pytest 9 + pytest-asyncio 1.5, CPython 3.14 and 3.15). Every rule has runtime
# examples there. `make truth` runs every env.
TEST_ENVS = ("py311", "py314", "py315")


def selected_envs() -> list[str]:
    """The envs `pytest tests/runtime` runs: `LOOPLINT_TRUTH_ENVS` (comma-separated names, or `all`),
    by default TEST_ENVS. `make truth` (scripts/truth_report.py) always runs every env."""
    value = os.environ.get("LOOPLINT_TRUTH_ENVS", "").strip()
    if not value:
        return list(TEST_ENVS)
    if value == "all":
        return list(ENVIRONMENTS)
    names = [n.strip() for n in value.split(",") if n.strip()]
    unknown = [n for n in names if n not in ENVIRONMENTS]
    if unknown:
        raise ValueError(f"LOOPLINT_TRUTH_ENVS names unknown envs {unknown} (known: {', '.join(ENVIRONMENTS)})")
    return names


def cache_root() -> Path:
    return Path(os.environ.get("LOOPLINT_TRUTH_CACHE") or REPO / ".cache" / "truth-venvs")


# -- interpreters ---------------------------------------------------------------------


@dataclass(frozen=True)
class Interpreter:
    path: Path
    version: str  # "3.11.7"


def _candidates(minor: str) -> Iterator[Path]:
    override = os.environ.get(f"LOOPLINT_TRUTH_PYTHON{minor.replace('.', '')}")
    if override:
        yield Path(override)
        return
    # pyenv installs first (newest patch first): the machine's documented set.
    roots = [os.environ.get("PYENV_ROOT"), str(Path.home() / ".pyenv"), "/root/.pyenv"]
    for root in dict.fromkeys(r for r in roots if r):
        versions = Path(root) / "versions"
        if not versions.is_dir():
            continue
        found = []
        for entry in versions.iterdir():
            match = re.fullmatch(rf"{re.escape(minor)}\.(\d+)", entry.name)
            if match:
                found.append((int(match.group(1)), entry / "bin" / f"python{minor}"))
        for _, path in sorted(found, reverse=True):
            yield path
    on_path = shutil.which(f"python{minor}")
    if on_path:
        yield Path(on_path)
    for prefix in ("/usr/local/bin", "/usr/bin"):
        yield Path(prefix) / f"python{minor}"
    # Provisioned from Debian sid by `make pythons` (scripts/provision_python.py).
    yield provisioner().interpreter_path(minor)


@lru_cache(maxsize=None)
def provisioner():
    """scripts/provision_python.py as a module (stdlib only)."""
    spec = importlib.util.spec_from_file_location("provision_python", REPO / "scripts" / "provision_python.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def provision_missing(minors: Iterable[str], log: Log = print) -> None:
    """Provision the interpreters the provisioner knows how to get (3.14, 3.15) when absent.

    `make test` has done it already (`make pythons`); this makes `pytest tests/runtime`
    work on its own too. A failure is logged; those envs are then skipped, as absent.
    """
    wanted = [m for m in dict.fromkeys(minors) if m in provisioner().DEFAULT_VERSIONS and find_interpreter(m) is None]
    if not wanted:
        return
    log(f"[truth] provisioning CPython {', '.join(wanted)} (scripts/provision_python.py)")
    try:
        provisioner().ensure(wanted)
    except (SystemExit, OSError, subprocess.SubprocessError) as exc:
        log(f"[truth] could not provision CPython {', '.join(wanted)}: {exc}")
    find_interpreter.cache_clear()


@lru_cache(maxsize=None)
def find_interpreter(minor: str) -> Interpreter | None:
    """A working CPython `minor` ("3.11"), or None when this machine has none."""
    probe = "import sys, venv; print(sys.implementation.name, '%d.%d.%d' % sys.version_info[:3])"
    for path in _candidates(minor):
        if not (path.is_file() and os.access(path, os.X_OK)):
            continue
        try:
            out = subprocess.run(
                [str(path), "-I", "-c", probe], capture_output=True, text=True, timeout=30, env=_plain_env()
            )
        except (OSError, subprocess.TimeoutExpired):
            continue
        parts = out.stdout.split()
        if out.returncode == 0 and len(parts) == 2 and parts[0] == "cpython" and parts[1].startswith(minor + "."):
            return Interpreter(path, parts[1])
    return None


# -- pins ---------------------------------------------------------------------------


def read_pins(env: Env) -> list[str]:
    """The `name==version` lines of the env's requirements file."""
    lines = []
    for raw in env.pins_file.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            if not re.fullmatch(r"[A-Za-z0-9_.\-]+==[A-Za-z0-9_.+\-!]+", line):
                raise ValueError(f"{env.pins_file}: not an exact pin: {line!r}")
            lines.append(line)
    return lines


def env_key(env: Env, interpreter: Interpreter) -> str:
    digest = hashlib.sha256()
    digest.update(interpreter.version.encode())
    digest.update(b"\0")
    digest.update("\n".join(sorted(p.lower() for p in read_pins(env))).encode())
    return digest.hexdigest()[:12]


def _plain_env(**extra: str) -> dict[str, str]:
    """os.environ without what would leak the test process's Python setup."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "PYTHONUSERBASE", "VIRTUAL_ENV", "__PYVENV_LAUNCHER__"}
    }
    env.update(extra)
    return env


def _pip(target_python: Path, *args: str, timeout: float = 900) -> subprocess.CompletedProcess:
    """Run the project's own pip against another interpreter (pip --python)."""
    command = [sys.executable, "-m", "pip", "--python", str(target_python), *args]
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=_plain_env(PIP_NO_INPUT="1", PIP_DISABLE_PIP_VERSION_CHECK="1"),
    )


def _host_pip_supports_python_option() -> bool:
    out = subprocess.run([sys.executable, "-m", "pip", "--version"], capture_output=True, text=True, env=_plain_env())
    match = re.match(r"pip (\d+)\.(\d+)", out.stdout)
    return out.returncode == 0 and match is not None and (int(match.group(1)), int(match.group(2))) >= (22, 3)


def lock_env(env: Env, log: Log = print) -> list[str]:
    """Resolve `env.wants` to the newest matching releases now and write the pins file."""
    interpreter = find_interpreter(env.python)
    if interpreter is None:
        raise RuntimeError(f"{env.name}: no CPython {env.python} on this machine")
    with tempfile.TemporaryDirectory(prefix=f"truth-lock-{env.name}-") as tmp:
        venv = Path(tmp) / "venv"
        subprocess.run([str(interpreter.path), "-m", "venv", "--without-pip", str(venv)], check=True, env=_plain_env())
        report = Path(tmp) / "report.json"
        out = _pip(
            venv / "bin" / "python", "install", "--dry-run", "--ignore-installed", "--only-binary=:all:",
            "--report", str(report), "-q", *env.wants,
        )
        if out.returncode != 0:
            raise RuntimeError(f"{env.name}: resolution failed:\n{out.stdout}\n{out.stderr}")
        data = json.loads(report.read_text())
    pins = sorted(
        (f"{item['metadata']['name']}=={item['metadata']['version']}" for item in data["install"]),
        key=str.lower,
    )
    header = [
        f"# {env.name}: CPython {env.python} (resolved with {interpreter.version}) + the newest releases of",
        f"#   {' '.join(env.wants)}",
        f"# resolved on {time.strftime('%Y-%m-%d')} by `make truth-lock` (tests/runtime/envs.py); the full closure, exact pins.",
    ]
    env.pins_file.parent.mkdir(parents=True, exist_ok=True)
    env.pins_file.write_text("\n".join(header + pins) + "\n", encoding="utf-8")
    log(f"[truth] locked {env.name}: {', '.join(pins)}")
    return pins


# -- venvs --------------------------------------------------------------------------


class EnvBuildError(RuntimeError):
    pass


@dataclass(frozen=True)
class BuiltEnv:
    env: Env
    path: Path
    interpreter: Interpreter
    packages: dict[str, str]  # installed distributions -> version

    @property
    def python(self) -> Path:
        return self.path / "bin" / "python"


MARKER = "truth-env.json"

_INSPECT = r"""
import importlib.metadata as md, importlib.util, json, sys
packages = {d.metadata["Name"].lower(): d.version for d in md.distributions()}
print(json.dumps({"packages": packages, "looplint": importlib.util.find_spec("looplint") is not None,
                  "version": "%d.%d.%d" % sys.version_info[:3]}))
"""


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """An exclusive lock shared by every process building venvs in this cache."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _load_marker(path: Path, key: str) -> dict | None:
    try:
        data = json.loads((path / MARKER).read_text())
    except (OSError, ValueError):
        return None
    if data.get("key") != key or not (path / "bin" / "python").exists():
        return None
    return data


def venv_path(env: Env) -> Path | None:
    interpreter = find_interpreter(env.python)
    return None if interpreter is None else cache_root() / f"{env.name}-{env_key(env, interpreter)}"


def ensure_env(env: Env, log: Log = print) -> BuiltEnv | None:
    """The env's venv, built on first use; None when its interpreter is absent."""
    interpreter = find_interpreter(env.python)
    if interpreter is None:
        provision_missing([env.python], log)
        interpreter = find_interpreter(env.python)
    if interpreter is None:
        return None
    key = env_key(env, interpreter)
    path = cache_root() / f"{env.name}-{key}"
    data = _load_marker(path, key)
    if data is None:
        with _locked(cache_root() / f".{env.name}.lock"):
            data = _load_marker(path, key)  # another process may have built it meanwhile
            if data is None:
                data = _build(env, interpreter, path, key, log)
    return BuiltEnv(env, path, interpreter, data["packages"])


def _build(env: Env, interpreter: Interpreter, path: Path, key: str, log: Log) -> dict:
    pins = read_pins(env)
    started = time.monotonic()
    log(f"[truth] building venv {env.name} (CPython {interpreter.version}: {', '.join(pins)}) in {path}")
    if path.exists():
        shutil.rmtree(path)
    # No pip inside: the project's pip installs into it (`pip --python`),
    # which is faster and works where ensurepip is missing (Debian).
    use_host_pip = _host_pip_supports_python_option()
    venv_cmd = [str(interpreter.path), "-m", "venv", *(["--without-pip"] if use_host_pip else []), str(path)]
    out = subprocess.run(venv_cmd, capture_output=True, text=True, env=_plain_env(), timeout=300)
    if out.returncode != 0:
        raise EnvBuildError(f"{env.name}: `{' '.join(venv_cmd)}` failed:\n{out.stdout}{out.stderr}")
    python = path / "bin" / "python"
    install = ["install", "--no-input", "--only-binary=:all:", "--no-warn-script-location", "-r", str(env.pins_file)]
    for attempt in (1, 2):
        if use_host_pip:
            out = _pip(python, *install)
        else:
            out = subprocess.run(
                [str(python), "-m", "pip", *install], capture_output=True, text=True, timeout=900,
                env=_plain_env(PIP_NO_INPUT="1", PIP_DISABLE_PIP_VERSION_CHECK="1"),
            )
        if out.returncode == 0:
            break
        log(f"[truth] {env.name}: pip install failed (attempt {attempt}):\n{_tail(out.stdout + out.stderr)}")
        if attempt == 2:
            raise EnvBuildError(f"{env.name}: pip install failed:\n{_tail(out.stdout + out.stderr, 60)}")
        time.sleep(5)
    out = subprocess.run([str(python), "-I", "-c", _INSPECT], capture_output=True, text=True, env=_plain_env())
    if out.returncode != 0:
        raise EnvBuildError(f"{env.name}: cannot inspect the new venv:\n{out.stdout}{out.stderr}")
    info = json.loads(out.stdout)
    if info["looplint"]:
        raise EnvBuildError(f"{env.name}: looplint is importable in the runner venv {path}; it must not be")
    installed = {_normalize(name): version for name, version in info["packages"].items()}
    wrong = [pin for pin in pins if installed.get(_normalize(pin.split("==")[0])) != pin.split("==")[1]]
    if wrong:
        raise EnvBuildError(f"{env.name}: installed versions differ from the pins {wrong}: {info['packages']}")
    data = {"key": key, "env": env.name, "interpreter": str(interpreter.path), "version": info["version"],
            "packages": {k: v for k, v in sorted(info["packages"].items()) if k != "pip"}}
    (path / MARKER).write_text(json.dumps(data, indent=2) + "\n")
    for stale in cache_root().glob(f"{env.name}-*"):
        if stale != path and stale.is_dir() and re.fullmatch(rf"{re.escape(env.name)}-[0-9a-f]{{12}}", stale.name):
            shutil.rmtree(stale, ignore_errors=True)
    log(f"[truth] built {env.name} in {time.monotonic() - started:.1f}s")
    return data


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _tail(text: str, lines: int = 25) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


if __name__ == "__main__":  # pragma: no cover - `python tests/runtime/envs.py lock [ENV...]`
    if len(sys.argv) >= 2 and sys.argv[1] == "lock":
        for name in sys.argv[2:] or list(ENVIRONMENTS):
            lock_env(ENVIRONMENTS[name])
    else:
        print("usage: envs.py lock [ENV ...]", file=sys.stderr)
        sys.exit(2)
