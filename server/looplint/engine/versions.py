"""Which versions of Python, pytest, pytest-asyncio, anyio... a project uses.

Read from files only -- no interpreter is run and nothing is imported.  Sources,
most exact first:

1. an interpreter's environment: ``*.dist-info/METADATA`` (and ``*.egg-info``)
   in its site-packages, found from the interpreter path (venv layout
   ``bin/python`` -> ``lib/python3.X/site-packages``, ``pyvenv.cfg``, Windows
   ``Scripts/python.exe`` -> ``Lib/site-packages``).  Without an explicit
   interpreter, ``.venv/`` or ``venv/`` in the project root is used when it has
   a ``pyvenv.cfg``;
2. lock files: ``uv.lock``, ``poetry.lock``, ``pdm.lock``, ``Pipfile.lock``;
3. declared dependencies: ``pyproject.toml`` (``[project] dependencies`` and
   ``optional-dependencies``, ``[dependency-groups]``, Poetry's
   ``[tool.poetry.dependencies]`` / ``group.*.dependencies`` /
   ``dev-dependencies`` with ``^``/``~`` converted, PDM's
   ``[tool.pdm.dev-dependencies]``), ``requirements*.txt`` and
   ``requirements/*.txt`` (following ``-r``/``-c``), ``setup.cfg``, literal lists in ``setup.py``
   ``install_requires``/``extras_require``, ``tox.ini`` ``deps``.  All
   declarations of one distribution are intersected.

Python: ``python_version_override`` > interpreter > ``.python-version`` >
``requires-python`` (as a range) > unknown.

Names are normalised as in PEP 503.  Bad files never raise.
Standalone: stdlib + ``packaging``.
"""

from __future__ import annotations

import json
import os
import re
import threading
from dataclasses import dataclass, field, replace
from functools import reduce
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, Specifier, SpecifierSet
from packaging.version import InvalidVersion, Version

try:
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

from .files import read_text_or_none
from .toml_positions import locate_toml

__all__ = [
    "ProjectVersions",
    "VersionInfo",
    "clear_cache",
    "convert_poetry_constraint",
    "detect_versions",
    "normalize_name",
    "pin_phrase",
    "project_versions",
    "with_target",
]


def normalize_name(name: str) -> str:
    """PEP 503 normalisation: ``Pytest_Asyncio`` -> ``pytest-asyncio``."""
    return re.sub(r"[-_.]+", "-", name).lower().strip()


# ---------------------------------------------------------------------------
# version ranges as unions of intervals
# ---------------------------------------------------------------------------

# (lo, lo_inclusive, hi, hi_inclusive); None = unbounded
Interval = tuple
_ALL: list[Interval] = [(None, False, None, False)]


def _is_empty(iv: Interval) -> bool:
    lo, li, hi, hi_i = iv
    if lo is None or hi is None:
        return False
    if lo < hi:
        return False
    if lo == hi:
        return not (li and hi_i)
    return True


def _intersect_one(a: Interval, b: Interval) -> Interval:
    alo, ali, ahi, ahi_i = a
    blo, bli, bhi, bhi_i = b
    # lower bound: the larger
    if alo is None:
        lo, li = blo, bli
    elif blo is None:
        lo, li = alo, ali
    elif alo > blo:
        lo, li = alo, ali
    elif blo > alo:
        lo, li = blo, bli
    else:
        lo, li = alo, ali and bli
    # upper bound: the smaller
    if ahi is None:
        hi, hi_i = bhi, bhi_i
    elif bhi is None:
        hi, hi_i = ahi, ahi_i
    elif ahi < bhi:
        hi, hi_i = ahi, ahi_i
    elif bhi < ahi:
        hi, hi_i = bhi, bhi_i
    else:
        hi, hi_i = ahi, ahi_i and bhi_i
    return (lo, li, hi, hi_i)


def _intersect(a: list[Interval], b: list[Interval]) -> list[Interval]:
    out = []
    for x in a:
        for y in b:
            z = _intersect_one(x, y)
            if not _is_empty(z):
                out.append(z)
    return out


def _complement_one(iv: Interval) -> list[Interval]:
    lo, li, hi, hi_i = iv
    out: list[Interval] = []
    if lo is not None:
        out.append((None, False, lo, not li))
    if hi is not None:
        out.append((hi, not hi_i, None, False))
    return out


def _complement(ivs: list[Interval]) -> list[Interval]:
    return reduce(_intersect, (_complement_one(i) for i in ivs), list(_ALL))


def _contains(ivs: list[Interval], v: Version) -> bool:
    for lo, li, hi, hi_i in ivs:
        if lo is not None and (v < lo or (v == lo and not li)):
            continue
        if hi is not None and (v > hi or (v == hi and not hi_i)):
            continue
        return True
    return False


def _bump(release: tuple[int, ...]) -> str:
    parts = list(release)
    parts[-1] += 1
    return ".".join(map(str, parts))


def _specifier_intervals(sp: Specifier) -> list[Interval] | None:
    op, ver = sp.operator, sp.version
    if op in ("==", "!=") and ver.endswith(".*"):
        prefix = Version(ver[:-2])
        rel = prefix.release
        # pre-releases are left out, as SpecifierSet does by default
        lo = Version(".".join(map(str, rel)))
        hi = Version(_bump(rel) + ".dev0")
        ivs = [(lo, True, hi, False)]
        return ivs if op == "==" else _complement(ivs)
    try:
        v = Version(ver)
    except InvalidVersion:
        return None
    if op in ("==", "==="):
        return [(v, True, v, True)]
    if op == "!=":
        return _complement([(v, True, v, True)])
    if op == ">=":
        return [(v, True, None, False)]
    if op == ">":
        return [(v, False, None, False)]
    if op == "<=":
        return [(None, False, v, True)]
    if op == "<":
        # PEP 440: "<V" does not admit pre-releases of V itself
        if not v.is_prerelease and not v.is_devrelease:
            return [(None, False, Version(v.base_version + ".dev0"), False)]
        return [(None, False, v, False)]
    if op == "~=":
        rel = v.release
        if len(rel) < 2:
            return None
        hi = Version(_bump(rel[:-1]) + ".dev0")
        return [(v, True, hi, False)]
    return None


def _spec_intervals(spec: str) -> list[Interval] | None:
    """Parse ``">=1,<2"``, ``"==1.*"``, ``"3.11"``, ``"a || b"``, ``""`` (any)."""
    spec = (spec or "").strip()
    if spec in ("", "*"):
        return list(_ALL)
    union: list[Interval] = []
    for alt in spec.split("||"):
        alt = alt.strip()
        if re.fullmatch(r"\d+(\.\d+)*", alt):  # a bare version ("3.11" from .python-version)
            n = alt.count(".") + 1
            alt = f"=={alt}.*" if n < 3 else f"=={alt}"
        try:
            sset = SpecifierSet(alt)
        except InvalidSpecifier:
            return None
        ivs = list(_ALL)
        for sp in sset:
            part = _specifier_intervals(sp)
            if part is None:
                return None
            ivs = _intersect(ivs, part)
        union.extend(ivs)
    return union


# ---------------------------------------------------------------------------
# public model
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class VersionInfo:
    name: str  # normalised: "python", "pytest", "pytest-asyncio", "anyio", ...
    spec: str  # what was found: "==1.5.0", ">=0.23,<0.24", "3.11", "" (any version)
    exact: str | None  # when pinned / locked / installed
    source: Path
    line: int  # 1-based; 0 when unknown
    kind: str = "declared"  # "installed" | "lock" | "declared" | "python-version-file" | "requires-python" | "override" | "interpreter" | "target"

    def intervals(self) -> list[Interval] | None:
        if self.exact is not None:
            try:
                v = Version(self.exact)
            except InvalidVersion:
                return None
            return [(v, True, v, True)]
        return _spec_intervals(self.spec)

    def satisfies(self, spec: str) -> bool | None:
        """True: every version allowed here satisfies ``spec``; False: none does; None: it depends / unknown."""
        want = _spec_intervals(spec)
        have = self.intervals()
        if want is None or have is None:
            return None
        if not _intersect(have, want):
            return False
        if not _intersect(have, _complement(want)):
            return True
        return None

    def allows(self, version: str) -> bool | None:
        """Whether ``version`` is among the versions allowed here (None: unknown)."""
        have = self.intervals()
        try:
            v = Version(version)
        except InvalidVersion:
            return None
        if have is None:
            return None
        return _contains(have, v)

    def min_version(self) -> Version | None:
        """The lowest allowed version (a lower bound), or None when unbounded/unknown."""
        have = self.intervals()
        if not have:
            return None
        los = [iv[0] for iv in have]
        if any(lo is None for lo in los):
            return None
        return min(los)

    def max_version(self) -> tuple[Version, bool] | None:
        """(upper bound, inclusive) or None when unbounded/unknown."""
        have = self.intervals()
        if not have:
            return None
        if any(iv[2] is None for iv in have):
            return None
        best = max(have, key=lambda iv: (iv[2], iv[3]))
        return best[2], best[3]


@dataclass(frozen=True)
class ProjectVersions:
    python: VersionInfo | None
    pytest: VersionInfo | None
    pytest_asyncio: VersionInfo | None
    anyio: VersionInfo | None
    others: dict[str, VersionInfo] = field(default_factory=dict)
    # where things were looked up (for the language server's file watching)
    site_packages: tuple[Path, ...] = ()
    # For each name a target replaced: what the project itself uses (None: nothing found).
    pinned: dict[str, "VersionInfo | None"] = field(default_factory=dict)

    def lacks(self, dist_name: str) -> bool:
        """Is `dist_name` certainly not used? Only when the project says which test tools it uses
        (pytest is declared, locked or installed) and `dist_name` is none of them."""
        return self.pytest is not None and self.get(dist_name) is None

    def get(self, dist_name: str) -> VersionInfo | None:
        n = normalize_name(dist_name)
        if n == "python":
            return self.python
        if n == "pytest":
            return self.pytest
        if n == "pytest-asyncio":
            return self.pytest_asyncio
        if n == "anyio":
            return self.anyio
        return self.others.get(n)


# ---------------------------------------------------------------------------
# targets: checking as if other versions were installed
# ---------------------------------------------------------------------------

_FIELDS = {"python": "python", "pytest": "pytest", "pytest-asyncio": "pytest_asyncio", "anyio": "anyio"}


def with_target(found: ProjectVersions, target, source: Path | None = None) -> ProjectVersions:
    """`found` with the versions named in `target` ((name, version) pairs) put in their place.

    A target version is what the rules see, as if it were installed; `pinned` keeps what the
    project uses, for the messages ("target pytest-asyncio 1.3; this project pins <0.22")."""
    if not target:
        return found
    changes: dict[str, object] = {}
    others = dict(found.others)
    pinned: dict[str, VersionInfo | None] = dict(found.pinned)
    for name, version in target:
        name = normalize_name(name)
        exact = version if version.count(".") >= 2 else None
        info = VersionInfo(name, version, exact, source or Path("pyproject.toml"), 0, "target")
        pinned.setdefault(name, found.get(name))
        if name in _FIELDS:
            changes[_FIELDS[name]] = info
        else:
            others[name] = info
    return replace(found, **changes, others=others, pinned=pinned)


def project_versions(project) -> ProjectVersions:
    """The versions the rules check against for a project: what it uses (`detect_versions`, with
    `python-version`), with the settings' `target` in place. Every version-gated rule reads this."""
    settings = project.settings
    target = tuple(getattr(settings, "target", ()) or ())
    python_target = dict(target).get("python")
    found = detect_versions(project.root, python_version_override=python_target or settings.python_version)
    if python_target:
        # Declarations with markers were read for the target Python; `pinned` tells the project's own.
        own = detect_versions(project.root, python_version_override=settings.python_version)
        found = replace(found, pinned={"python": own.python})
    return with_target(found, target, getattr(settings, "config_path", None))


def pin_phrase(info: VersionInfo | None) -> str:
    """How the project comes to use a version, for messages: "this project pins <0.22"."""
    if info is None:
        return "this project does not say which version it uses"
    if info.name == "python":
        version = info.exact or info.spec or "any version"
        return {
            "interpreter": f"this project's interpreter is Python {version}",
            "python-version-file": f"this project uses Python {version} (.python-version)",
            "requires-python": f"this project supports Python {version}",
            "override": f"this project targets Python {version} (python-version)",
        }.get(info.kind, f"this project uses Python {version}")
    if info.kind == "installed":
        return f"this project has {info.exact or info.spec} installed"
    if info.kind == "lock":
        return f"this project locks {info.exact or info.spec}"
    spec = info.exact or info.spec
    return f"this project pins {spec}" if spec else "this project does not pin a version"


# ---------------------------------------------------------------------------
# Poetry constraints
# ---------------------------------------------------------------------------


def _poetry_one(c: str) -> str:
    c = c.strip()
    if c in ("", "*"):
        return ""
    m = re.fullmatch(r"\^\s*(\d+(?:\.\d+)*)(.*)", c)
    if m:
        rel = [int(x) for x in m.group(1).split(".")]
        base = m.group(1) + m.group(2)
        # the first non-zero component (or the last given one) is bumped
        idx = next((i for i, x in enumerate(rel) if x != 0), len(rel) - 1)
        upper = rel[: idx + 1]
        upper[-1] += 1
        return f">={base},<{'.'.join(map(str, upper))}"
    m = re.fullmatch(r"~(?!=)\s*(\d+(?:\.\d+)*)(.*)", c)
    if m:
        rel = [int(x) for x in m.group(1).split(".")]
        base = m.group(1) + m.group(2)
        upper = rel[:2] if len(rel) >= 2 else rel[:1]
        upper[-1] += 1
        return f">={base},<{'.'.join(map(str, upper))}"
    if re.fullmatch(r"\d+(\.\d+)*(\.\*)?([a-z0-9.+-]*)", c, re.I):
        return "==" + c
    return c.replace(" ", "")


def convert_poetry_constraint(constraint: str) -> str:
    """Poetry syntax -> PEP 440: ``^1.2`` -> ``>=1.2,<2``; ``~1.2.3`` -> ``>=1.2.3,<1.3``;
    ``1.2.3`` -> ``==1.2.3``; ``*`` -> ``""``; ``a || b`` stays a union."""
    alts = []
    for alt in str(constraint).split("||"):
        parts = [p for p in re.split(r",|\s+(?=[<>=!~^])", alt.strip()) if p.strip()]
        conv = [_poetry_one(p) for p in parts]
        alts.append(",".join(x for x in conv if x))
    return " || ".join(alts)


# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------


def _read(path: Path) -> str | None:
    """A requirement, lock, config or version file's text; None when it is not a readable regular file."""
    return read_text_or_none(path)


def _load_toml(path: Path):
    text = _read(path)
    if text is None:
        return None, None
    try:
        return tomllib.loads(text), text
    except Exception:
        return None, text


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, max(0, offset)) + 1


class _TomlLines:
    """Line numbers of keys / array items in a TOML text (lazy)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._loc = None

    @property
    def loc(self):
        if self._loc is None:
            self._loc = locate_toml(self.text)
        return self._loc

    def key_line(self, path: tuple) -> int:
        kl = self.loc.keys.get(path)
        if kl is not None:
            return _line_of(self.text, kl.key_start)
        span = self.loc.table_span(path)
        return _line_of(self.text, span[0]) if span else 0

    def item_line(self, path: tuple, index: int) -> int:
        kl = self.loc.keys.get(path)
        if kl is not None and index < len(kl.items):
            return _line_of(self.text, kl.items[index][0])
        return self.key_line(path)


@dataclass
class _Decl:
    name: str
    spec: str
    source: Path
    line: int
    marker: str | None = None
    python: str | None = None  # Poetry's per-constraint ``python = "..."`` (PEP 440 form)
    group: int | None = None  # Poetry's multiple-constraint lists: alternatives share a group


def _parse_requirement(text: str) -> tuple[str, str, str | None] | None:
    """PEP 508 -> (normalised name, specifier, marker).  Lenient on odd input."""
    text = text.strip()
    if not text or text.startswith(("#", "-")):
        return None
    try:
        req = Requirement(text)
        return normalize_name(req.name), str(req.specifier), (str(req.marker) if req.marker else None)
    except InvalidRequirement:
        pass
    m = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*([^;@]*)(;.*)?$", text)
    if not m:
        return None
    spec = m.group(3).strip().replace(" ", "")
    try:
        SpecifierSet(spec)
    except InvalidSpecifier:
        spec = ""
    return normalize_name(m.group(1)), spec, (m.group(4)[1:].strip() if m.group(4) else None)


# ---------------------------------------------------------------------------
# 1. installed environment
# ---------------------------------------------------------------------------


def _pyvenv_cfg(prefix: Path) -> dict[str, str]:
    text = _read(prefix / "pyvenv.cfg")
    out: dict[str, str] = {}
    if text is None:
        return out
    for line in text.splitlines():
        if "=" in line:
            k, v = line.split("=", 1)
            out[k.strip().lower()] = v.strip()
    return out


_VER3 = re.compile(r"(\d+)\.(\d+)(?:\.(\d+))?")


def _interpreter_layout(interpreter: Path) -> tuple[Path, dict[str, str]]:
    """The environment prefix of an interpreter path (or of a venv directory)."""
    p = Path(os.path.abspath(interpreter))
    if p.is_dir():
        return p, _pyvenv_cfg(p)
    # venv: <prefix>/bin/python, <prefix>/Scripts/python.exe; system: <prefix>/bin/python3.11
    for cand in (p.parent.parent, p.parent):
        cfg = _pyvenv_cfg(cand)
        if cfg:
            return cand, cfg
    if p.parent.name.lower() in ("bin", "scripts"):
        return p.parent.parent, {}
    return p.parent, {}


def _python_from_interpreter(interpreter: Path, prefix: Path, cfg: dict[str, str]) -> tuple[str, str | None, Path, int] | None:
    """(spec, exact, source, line) of the interpreter's Python, from files only."""
    for key in ("version_info", "version"):
        if key in cfg:
            m = _VER3.match(cfg[key])
            if m:
                text = _read(prefix / "pyvenv.cfg") or ""
                line = next((i + 1 for i, ln in enumerate(text.splitlines()) if ln.strip().lower().startswith(key)), 0)
                if m.group(3) is not None:
                    v = f"{m.group(1)}.{m.group(2)}.{m.group(3)}"
                    return v, v, prefix / "pyvenv.cfg", line
                return f"{m.group(1)}.{m.group(2)}", None, prefix / "pyvenv.cfg", line
    # a base installation: include/python3.X/patchlevel.h has PY_VERSION
    try:
        incs = sorted((prefix / "include").glob("python3*/patchlevel.h"))
    except OSError:
        incs = []
    for inc in incs:
        text = _read(inc) or ""
        m = re.search(r'#define\s+PY_VERSION\s+"(\d+\.\d+\.\d+)', text)
        if m:
            line = _line_of(text, m.start())
            return m.group(1), m.group(1), inc, line
    # lib/python3.X
    libs = _lib_python_dirs(prefix)
    if len(libs) == 1:
        m = re.fullmatch(r"python(\d+\.\d+)t?", libs[0].name)
        if m:
            return m.group(1), None, libs[0], 0
    m = re.fullmatch(r"python(\d+\.\d+)t?(?:\.exe)?", Path(interpreter).name)
    if m:
        return m.group(1), None, Path(interpreter), 0
    return None


def _lib_python_dirs(prefix: Path) -> list[Path]:
    out = []
    for lib in ("lib", "lib64"):
        try:
            out.extend(d for d in (prefix / lib).glob("python3*") if d.is_dir() and re.fullmatch(r"python3\.\d+t?", d.name))
        except OSError:
            pass
    seen, uniq = set(), []
    for d in out:
        try:
            r = d.resolve()
        except OSError:
            r = d
        if r not in seen:
            seen.add(r)
            uniq.append(d)
    return uniq


def _site_packages(prefix: Path, cfg: dict[str, str], pyver: str | None) -> list[Path]:
    dirs: list[Path] = []
    libs = _lib_python_dirs(prefix)
    if pyver:
        mm = ".".join(pyver.split(".")[:2])
        match = [d for d in libs if d.name in (f"python{mm}", f"python{mm}t")]
        libs = match or libs
    for d in libs:
        for sub in ("site-packages", "dist-packages"):
            if (d / sub).is_dir():
                dirs.append(d / sub)
    if (prefix / "Lib" / "site-packages").is_dir():
        dirs.append(prefix / "Lib" / "site-packages")
    if not cfg:  # a system interpreter (Debian: /usr/lib/python3/dist-packages)
        for extra in (prefix / "lib" / "python3" / "dist-packages",):
            if extra.is_dir():
                dirs.append(extra)
    if cfg.get("include-system-site-packages", "").lower() == "true" and cfg.get("home"):
        base = Path(cfg["home"])
        base_prefix = base.parent if base.name.lower() in ("bin", "scripts") else base
        if base_prefix != prefix:
            dirs.extend(_site_packages(base_prefix, {}, pyver))
    seen, uniq = set(), []
    for d in dirs:
        try:
            r = d.resolve()
        except OSError:
            r = d
        if r not in seen:
            seen.add(r)
            uniq.append(d)
    return uniq


def _installed(site_dirs: list[Path]) -> dict[str, VersionInfo]:
    out: dict[str, VersionInfo] = {}
    for sp in site_dirs:  # earlier directories win (a venv before its base)
        try:
            entries = sorted(sp.iterdir())
        except OSError:
            continue
        for d in entries:
            nm = d.name
            if nm.endswith(".dist-info"):
                meta = d / "METADATA"
            elif nm.endswith(".egg-info"):
                meta = d / "PKG-INFO" if d.is_dir() else d
            else:
                continue
            info = _read_metadata(meta)
            if info is None:
                m = re.match(r"^(.+?)-(\d[^-]*?)(?:-py\d.*)?\.(?:dist|egg)-info$", nm)
                if not m:
                    continue
                info = (m.group(1), m.group(2), 0)
            name, version, line = info
            n = normalize_name(name)
            if n in out:
                continue
            out[n] = VersionInfo(n, f"=={version}", version, meta if meta.exists() else d, line, "installed")
    return out


def _read_metadata(meta: Path) -> tuple[str, str, int] | None:
    text = read_text_or_none(meta)  # a regular file only: a FIFO or /dev/zero there must not hang us
    if text is None:
        return None
    name = version = None
    vline = 0
    for i, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            break  # end of the headers
        if line.startswith("Name:") and name is None:
            name = line[5:].strip()
        elif line.startswith("Version:") and version is None:
            version, vline = line[8:].strip(), i
        if name and version:
            break
    if not name or not version:
        return None
    return name, version, vline


# ---------------------------------------------------------------------------
# 2. lock files
# ---------------------------------------------------------------------------


def _lock_toml_packages(path: Path) -> dict[str, VersionInfo]:
    doc, text = _load_toml(path)
    out: dict[str, VersionInfo] = {}
    if not isinstance(doc, dict) or text is None:
        return out
    pkgs = doc.get("package")
    if not isinstance(pkgs, list):
        return out
    lines = _TomlLines(text)
    found: dict[str, list[tuple[str, int]]] = {}
    for i, pkg in enumerate(pkgs):
        if not isinstance(pkg, dict):
            continue
        name, version = pkg.get("name"), pkg.get("version")
        if not isinstance(name, str) or not isinstance(version, str):
            continue
        found.setdefault(normalize_name(name), []).append((version, lines.key_line(("package", i, "version"))))
    for n, vers in found.items():
        out[n] = _from_versions(n, vers, path, "lock")
    return out


def _from_versions(n: str, vers: list[tuple[str, int]], path: Path, kind: str) -> VersionInfo:
    distinct = []
    for v, ln in vers:
        if v not in [x for x, _ in distinct]:
            distinct.append((v, ln))
    if len(distinct) == 1:
        v, ln = distinct[0]
        return VersionInfo(n, f"=={v}", v, path, ln, kind)
    # several resolutions (markers / forks): the range they span
    try:
        ordered = sorted(distinct, key=lambda x: Version(x[0]))
        spec = f">={ordered[0][0]},<={ordered[-1][0]}"
    except InvalidVersion:
        ordered = distinct
        spec = ""
    return VersionInfo(n, spec, None, path, ordered[0][1], kind)


def _pipfile_lock(path: Path) -> dict[str, VersionInfo]:
    text = _read(path)
    out: dict[str, VersionInfo] = {}
    if text is None:
        return out
    try:
        doc = json.loads(text)
    except ValueError:
        return out
    if not isinstance(doc, dict):
        return out
    for section in ("default", "develop"):
        pkgs = doc.get(section)
        if not isinstance(pkgs, dict):
            continue
        for name, meta in pkgs.items():
            if not isinstance(meta, dict):
                continue
            n = normalize_name(name)
            if n in out:
                continue
            ver = meta.get("version")
            m = re.search(r'"' + re.escape(name) + r'"\s*:\s*\{', text)
            line = _line_of(text, m.start()) if m else 0
            if isinstance(ver, str) and ver.startswith("=="):
                out[n] = VersionInfo(n, ver, ver[2:], path, line, "lock")
            else:
                out[n] = VersionInfo(n, ver if isinstance(ver, str) else "", None, path, line, "lock")
    return out


_LOCK_FILES = (("uv.lock", _lock_toml_packages), ("poetry.lock", _lock_toml_packages),
               ("pdm.lock", _lock_toml_packages), ("Pipfile.lock", _pipfile_lock))


# ---------------------------------------------------------------------------
# 3. declared dependencies
# ---------------------------------------------------------------------------


def _pyproject_decls(path: Path, doc: dict, text: str) -> tuple[list[_Decl], list[_Decl]]:
    """(dependency declarations, requires-python declarations)."""
    decls: list[_Decl] = []
    pyreq: list[_Decl] = []
    lines = _TomlLines(text)

    def strings(value, keypath: tuple):
        if isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, str):
                    r = _parse_requirement(item)
                    if r:
                        decls.append(_Decl(r[0], r[1], path, lines.item_line(keypath, i), r[2]))

    project = doc.get("project")
    if isinstance(project, dict):
        strings(project.get("dependencies"), ("project", "dependencies"))
        opt = project.get("optional-dependencies")
        if isinstance(opt, dict):
            for extra, lst in opt.items():
                strings(lst, ("project", "optional-dependencies", extra))
        rp = project.get("requires-python")
        if isinstance(rp, str):
            pyreq.append(_Decl("python", rp.replace(" ", ""), path, lines.key_line(("project", "requires-python"))))
    groups = doc.get("dependency-groups")
    if isinstance(groups, dict):
        for g, lst in groups.items():
            strings(lst, ("dependency-groups", g))  # {include-group = ...} tables are skipped: their group is read anyway
    tool = doc.get("tool") if isinstance(doc.get("tool"), dict) else {}
    poetry = tool.get("poetry") if isinstance(tool.get("poetry"), dict) else None
    if poetry is not None:
        tables = [(("tool", "poetry", "dependencies"), poetry.get("dependencies")),
                  (("tool", "poetry", "dev-dependencies"), poetry.get("dev-dependencies"))]
        grp = poetry.get("group")
        if isinstance(grp, dict):
            for g, body in grp.items():
                if isinstance(body, dict):
                    tables.append((("tool", "poetry", "group", g, "dependencies"), body.get("dependencies")))
        for keypath, table in tables:
            if not isinstance(table, dict):
                continue
            for name, c in table.items():
                line = lines.key_line(keypath + (name,))
                n = normalize_name(name)
                if n == "python":
                    if isinstance(c, str):
                        pyreq.append(_Decl("python", convert_poetry_constraint(c), path, line))
                    continue
                items = c if isinstance(c, list) else [c]
                group = id(items) if len(items) > 1 else None
                for it in items:
                    if isinstance(it, str):
                        decls.append(_Decl(n, convert_poetry_constraint(it), path, line, group=group))
                    elif isinstance(it, dict):
                        ver = it.get("version")
                        marker = it.get("markers") if isinstance(it.get("markers"), str) else None
                        py = it.get("python")
                        decls.append(
                            _Decl(
                                n,
                                convert_poetry_constraint(ver) if isinstance(ver, str) else "",
                                path,
                                line,
                                marker,
                                convert_poetry_constraint(py) if isinstance(py, str) else None,
                                group,
                            )
                        )
    pdm = tool.get("pdm") if isinstance(tool.get("pdm"), dict) else None
    if pdm is not None:
        dev = pdm.get("dev-dependencies")
        if isinstance(dev, dict):
            for g, lst in dev.items():
                strings(lst, ("tool", "pdm", "dev-dependencies", g))
    return decls, pyreq


def _requirements_decls(path: Path, seen: set[Path], depth: int = 0) -> list[_Decl]:
    out: list[_Decl] = []
    try:
        rp = path.resolve()
    except OSError:
        rp = path
    if rp in seen or depth > 20:
        return out
    seen.add(rp)
    text = _read(path)
    if text is None:
        return out
    logical: list[tuple[int, str]] = []
    buf, start = "", 0
    for i, raw in enumerate(text.splitlines(), 1):
        if not buf:
            start = i
        line = raw
        if line.endswith("\\"):
            buf += line[:-1] + " "
            continue
        buf += line
        logical.append((start, buf))
        buf = ""
    if buf:
        logical.append((start, buf))
    for ln, line in logical:
        line = re.sub(r"(^|\s)#.*$", "", line).strip()
        if not line:
            continue
        m = re.match(r"^(-r|--requirement|-c|--constraint)(?:\s+|=)(\S+)", line)
        if m:
            out.extend(_requirements_decls(Path(os.path.normpath(path.parent / m.group(2))), seen, depth + 1))
            continue
        m = re.match(r"^(-e|--editable)\s+(\S+)", line)
        if m:
            egg = re.search(r"#egg=([A-Za-z0-9._-]+)", m.group(2))
            if egg:
                out.append(_Decl(normalize_name(egg.group(1)), "", path, ln))
            continue
        if line.startswith("-"):
            continue
        line = re.split(r"\s--hash[=\s]", line)[0].strip()
        r = _parse_requirement(line)
        if r:
            out.append(_Decl(r[0], r[1], path, ln, r[2]))
    return out


def _ini_decls(path: Path, kind: str) -> tuple[list[_Decl], list[_Decl]]:
    """setup.cfg install_requires/extras_require (+python_requires) or tox.ini deps."""
    from .ini_parse import parse_ini

    text = _read(path)
    decls: list[_Decl] = []
    pyreq: list[_Decl] = []
    if text is None:
        return decls, pyreq
    text = text.removeprefix("\ufeff")
    doc = parse_ini(text)  # lenient: usable sections even when iniconfig would refuse the file

    def lines_of(entry):
        # each non-empty physical line of the value with its line number
        raw = text[entry.value_start : entry.value_end]
        first = _line_of(text, entry.value_start)
        for k, ln in enumerate(raw.split("\n")):
            s = ln.strip()
            if s and not s.startswith(("#", ";")):
                yield first + k, s

    if kind == "setup.cfg":
        opts = doc.sections.get("options")
        if opts is not None:
            e = opts.entries.get("install_requires")
            if e is not None:
                for ln, s in lines_of(e):
                    r = _parse_requirement(s)
                    if r:
                        decls.append(_Decl(r[0], r[1], path, ln, r[2]))
            e = opts.entries.get("python_requires")
            if e is not None and e.value.strip():
                pyreq.append(_Decl("python", e.value.strip().replace(" ", ""), path, _line_of(text, e.name_start)))
        extras = doc.sections.get("options.extras_require")
        if extras is not None:
            for e in extras.entries.values():
                for ln, s in lines_of(e):
                    r = _parse_requirement(s)
                    if r:
                        decls.append(_Decl(r[0], r[1], path, ln, r[2]))
    else:  # tox.ini
        for sname, sec in doc.sections.items():
            if not (sname == "testenv" or sname.startswith("testenv:")):
                continue
            e = sec.entries.get("deps")
            if e is None:
                continue
            for ln, s in lines_of(e):
                s = re.sub(r"^[\w\-,!{}.]+:\s+", "", s)  # factor conditions "py311: pytest==8"
                if "{" in s:
                    continue  # substitutions
                m = re.match(r"^(-r|--requirement|-c|--constraint)\s*(\S+)", s)
                if m:
                    decls.extend(_requirements_decls(Path(os.path.normpath(path.parent / m.group(2))), set()))
                    continue
                r = _parse_requirement(s)
                if r:
                    decls.append(_Decl(r[0], r[1], path, ln, r[2]))
    return decls, pyreq


# Keywords of `setup(...)` whose literal lists declare requirements.
_SETUP_KEYWORDS = ("install_requires", "tests_require", "setup_requires", "extras_require")


def _setup_py_decls(path: Path) -> tuple[list[_Decl], list[_Decl]]:
    """Requirements a setup.py passes to `setup(...)`, read with `ast` (never run): lists of strings,
    a dict of such lists for extras, `python_requires`, built in module-level names as far as
    engine.setup_py follows them (unknown elements are left out)."""
    import ast

    from .setup_py import setup_keywords

    text = _read(path)
    decls: list[_Decl] = []
    pyreq: list[_Decl] = []
    if text is None or "setup(" not in text:
        return decls, pyreq
    try:
        tree = ast.parse(text)
        keywords = setup_keywords(tree)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return decls, pyreq
    python_requires = keywords.get("python_requires")
    if python_requires is not None and isinstance(python_requires[0], str):
        pyreq.append(_Decl("python", python_requires[0].replace(" ", ""), path, python_requires[1]))
    for keyword in _SETUP_KEYWORDS:
        if keyword not in keywords:
            continue
        value, line = keywords[keyword]
        lists = list(value.values()) if isinstance(value, dict) else [value]
        for item in lists:
            if isinstance(item, str):
                item = [item]  # install_requires="one-requirement"
            if not isinstance(item, (list, tuple)):
                continue
            for element in item:
                if isinstance(element, str):
                    r = _parse_requirement(element)
                    if r:
                        decls.append(_Decl(r[0], r[1], path, line, r[2]))
    return decls, pyreq


def _applies(d: _Decl, python: VersionInfo | None) -> bool:
    """False only when the declaration's marker / python condition excludes the known Python."""
    if python is None:
        return True
    if d.python:
        if python.satisfies(d.python) is False:
            return False
    if not d.marker or "extra" in d.marker:  # extras are chosen by the installer: keep
        return True
    pv = python.exact or (python.spec if re.fullmatch(r"\d+\.\d+", python.spec or "") else None)
    if pv is None:
        return True
    try:
        from packaging.markers import Marker, default_environment

        env = dict(default_environment())
        env["python_version"] = ".".join(pv.split(".")[:2])
        env["python_full_version"] = pv if pv.count(".") >= 2 else pv + ".0"
        return Marker(d.marker).evaluate(env)
    except Exception:
        return True


def _combine_decls(name: str, decls: list[_Decl]) -> VersionInfo:
    """All declarations of one distribution, intersected (alternatives of a group united)."""
    groups: dict[object, list[_Decl]] = {}
    for i, d in enumerate(decls):
        groups.setdefault(d.group if d.group is not None else ("single", i), []).append(d)
    specs = []
    for members in groups.values():
        alts = [m.spec for m in members]
        if len(alts) == 1:
            specs.append(alts[0])
        elif all(alts):
            specs.append(" || ".join(dict.fromkeys(alts)))
    specs = [s for s in specs if s]
    first = next((d for d in decls if d.spec), decls[0])
    if not specs:
        return VersionInfo(name, "", None, first.source, first.line, "declared")
    uniq: list[str] = []
    for s in specs:
        if s not in uniq:
            uniq.append(s)
    if any("||" in s for s in uniq):
        spec = uniq[0]
    else:
        spec = ",".join(uniq)
        ivs = _spec_intervals(spec)
        if ivs is not None and not ivs:  # contradictory declarations (e.g. exclusive markers)
            spec = uniq[0]
    exact = None
    m = re.fullmatch(r"===?\s*([^,*]+)", spec)
    if m:
        exact = m.group(1).strip()
    return VersionInfo(name, spec, exact, first.source, first.line, "declared")


# ---------------------------------------------------------------------------
# detection
# ---------------------------------------------------------------------------

_cache_lock = threading.Lock()
_cache: dict[tuple, tuple[tuple, ProjectVersions]] = {}


def clear_cache() -> None:
    with _cache_lock:
        _cache.clear()


def _sig(p: Path):
    try:
        st = os.stat(p)
        return (st.st_mtime_ns, st.st_size)
    except OSError:
        return None


def detect_versions(
    project_root: Path | str,
    *,
    interpreter: Path | str | None = None,
    python_version_override: str | None = None,
    auto_venv: bool = True,
) -> ProjectVersions:
    """Versions of Python and the test libraries the project uses (files only).

    ``interpreter``: a Python executable (or an environment directory) whose
    site-packages are read.  Without one, ``.venv``/``venv`` under
    ``project_root`` is used if ``auto_venv``.
    """
    root = Path(os.path.abspath(os.fspath(project_root)))
    key = (root, os.fspath(interpreter) if interpreter else None, python_version_override, auto_venv)
    with _cache_lock:
        hit = _cache.get(key)
    if hit is not None and all(_sig(p) == s for p, s in hit[0]):
        return hit[1]
    watched: list[Path] = []
    try:
        result = _detect(root, interpreter, python_version_override, auto_venv, watched)
    except Exception:  # pragma: no cover - bad files never raise
        result = ProjectVersions(None, None, None, None, {})
    deps = tuple((p, _sig(p)) for p in watched)
    with _cache_lock:
        _cache[key] = (deps, result)
    return result


def _detect(root: Path, interpreter, override, auto_venv, watched: list[Path]) -> ProjectVersions:
    # --- environment
    interp: Path | None = Path(interpreter) if interpreter else None
    if interp is None and auto_venv:
        for name in (".venv", "venv"):
            if (root / name / "pyvenv.cfg").is_file():
                interp = root / name
                break
    installed: dict[str, VersionInfo] = {}
    python: VersionInfo | None = None
    site_dirs: list[Path] = []
    if interp is not None:
        try:
            prefix, cfg = _interpreter_layout(interp)
            watched.append(prefix / "pyvenv.cfg")
            pv = _python_from_interpreter(interp, prefix, cfg)
            if pv is not None:
                python = VersionInfo("python", pv[0], pv[1], pv[2], pv[3], "interpreter")
            site_dirs = _site_packages(prefix, cfg, pv[0] if pv else None)
            watched.extend(site_dirs)
            installed = _installed(site_dirs)
        except Exception:
            installed = {}
    # --- python version
    if override:
        src = root / "pyproject.toml"
        line = 0
        doc, text = _load_toml(src)
        if text is not None:
            line = _TomlLines(text).key_line(("tool", "looplint", "python-version"))
        exact = override if re.fullmatch(r"\d+\.\d+\.\d+", override.strip()) else None
        python = VersionInfo("python", override.strip(), exact, src, line, "override")
    if python is None:
        pvf = root / ".python-version"
        watched.append(pvf)
        text = _read(pvf)
        if text:
            for i, ln in enumerate(text.splitlines(), 1):
                # "3.11.7", "3.12", "3.13t", "3.12-dev", "pypy3.10-7.3.12", "cpython@3.12"
                s = ln.split("#", 1)[0].strip()
                m = re.search(r"(\d+\.\d+(?:\.\d+)?)", s)
                if m:
                    v = m.group(1)
                    python = VersionInfo("python", v, v if v.count(".") == 2 else None, pvf, i, "python-version-file")
                    break
    # --- lock files
    locked: dict[str, VersionInfo] = {}
    for fname, fn in _LOCK_FILES:
        p = root / fname
        watched.append(p)
        if p.is_file():
            try:
                for n, vi in fn(p).items():
                    locked.setdefault(n, vi)
            except Exception:
                pass
    # --- declarations
    decls: list[_Decl] = []
    pyreq: list[_Decl] = []
    pp = root / "pyproject.toml"
    watched.append(pp)
    doc, text = _load_toml(pp)
    if isinstance(doc, dict) and text is not None:
        try:
            d, r = _pyproject_decls(pp, doc, text)
            decls += d
            pyreq += r
        except Exception:
            pass
    req_files: list[Path] = []
    try:
        req_files += sorted(p for p in root.glob("requirements*.txt") if p.is_file())
        req_files += sorted(p for p in root.glob("requirements/*.txt") if p.is_file())
        req_files += sorted(p for p in root.glob("requirements*.in") if p.is_file())
    except OSError:
        pass
    seen: set[Path] = set()
    for rf in req_files:
        watched.append(rf)
        try:
            decls += _requirements_decls(rf, seen)
        except Exception:
            pass
    for fname in ("setup.cfg", "tox.ini"):
        p = root / fname
        watched.append(p)
        if p.is_file():
            try:
                d, r = _ini_decls(p, fname)
                decls += d
                pyreq += r
            except Exception:
                pass
    setup_py = root / "setup.py"
    watched.append(setup_py)
    if setup_py.is_file():
        try:
            d, r = _setup_py_decls(setup_py)
            decls += d
            pyreq += r
        except Exception:  # a detection problem must never break checking
            pass
    if python is None and pyreq:
        spec = ",".join(dict.fromkeys(x.spec for x in pyreq if x.spec))
        if "||" in spec:
            spec = pyreq[0].spec
        python = VersionInfo("python", spec, None, pyreq[0].source, pyreq[0].line, "requires-python")
    by_name: dict[str, list[_Decl]] = {}
    for d in decls:
        if _applies(d, python):
            by_name.setdefault(d.name, []).append(d)
    declared = {n: _combine_decls(n, ds) for n, ds in by_name.items()}
    # --- merge: installed > locked > declared
    merged: dict[str, VersionInfo] = dict(declared)
    merged.update(locked)
    merged.update(installed)
    merged.pop("python", None)
    return ProjectVersions(
        python=python,
        pytest=merged.pop("pytest", None),
        pytest_asyncio=merged.pop("pytest-asyncio", None),
        anyio=merged.pop("anyio", None),
        others=merged,
        site_packages=tuple(site_dirs),
    )
