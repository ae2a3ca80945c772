"""scripts/bundle_python.py: how the extension's Python bundle is laid out and completed."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("bundle_python", ROOT / "scripts" / "bundle_python.py")
bundle_python = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bundle_python)


def write(path: Path, text: str = "") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_split_common_moves_only_what_is_identical_for_every_version(tmp_path):
    for tag, native in (("cp310", "310"), ("cp311", "311")):
        write(tmp_path / tag / "pygls" / "__init__.py", "pure = True\n")
        write(tmp_path / tag / "typing_extensions.py", "x = 1\n")
        write(tmp_path / tag / "libcst" / "__init__.py", "pure = True\n")
        write(tmp_path / tag / "libcst" / f"native.cpython-{native}.so", native)
    write(tmp_path / "cp310" / "tomli" / "__init__.py")  # only needed on 3.10

    bundle_python.split_common(tmp_path, ["cp310", "cp311"])

    assert sorted(p.name for p in (tmp_path / "common").iterdir()) == ["pygls", "typing_extensions.py"]
    assert sorted(p.name for p in (tmp_path / "cp310").iterdir()) == ["libcst", "tomli"]
    assert sorted(p.name for p in (tmp_path / "cp311").iterdir()) == ["libcst"]


def test_tidy_drops_scripts_caches_install_records_and_package_tests(tmp_path):
    write(tmp_path / "bin" / "looplint", "#!/usr/bin/python3.11\n")
    write(tmp_path / "libcst" / "__pycache__" / "x.cpython-311.pyc")
    write(tmp_path / "libcst" / "_nodes" / "tests" / "__init__.py")
    write(tmp_path / "libcst" / "_nodes" / "tests" / "test_x.py")
    write(tmp_path / "libcst" / "testing" / "tests" / "data.txt")  # not a package: kept
    for name in ("RECORD", "INSTALLER", "direct_url.json", "METADATA", "LICENSE"):
        write(tmp_path / "looplint-0.1.0.dist-info" / name)

    bundle_python.tidy(tmp_path)

    assert not (tmp_path / "bin").exists()
    assert not (tmp_path / "libcst" / "__pycache__").exists()
    assert not (tmp_path / "libcst" / "_nodes" / "tests").exists()
    assert (tmp_path / "libcst" / "testing" / "tests" / "data.txt").exists()
    assert sorted(p.name for p in (tmp_path / "looplint-0.1.0.dist-info").iterdir()) == ["LICENSE", "METADATA"]


def test_missing_requirements_evaluates_markers_for_the_target_python(tmp_path):
    write(
        tmp_path / "looplint-0.1.0.dist-info" / "METADATA",
        "Metadata-Version: 2.1\nName: looplint\nVersion: 0.1.0\n"
        "Requires-Dist: pygls<3,>=2.0\n"
        "Requires-Dist: tomli>=2.0; python_version < \"3.11\"\n"
        "Requires-Dist: pytest>=8; extra == \"test\"\n",
    )
    write(tmp_path / "pygls-2.1.1.dist-info" / "METADATA", "Metadata-Version: 2.1\nName: pygls\nVersion: 2.1.1\n")

    assert bundle_python.missing_requirements(tmp_path, "3.10") == ["tomli>=2.0"]
    assert bundle_python.missing_requirements(tmp_path, "3.11") == []
