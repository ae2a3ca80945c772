"""scripts/bundle_python.py: how the extension's Python bundle is laid out and completed."""

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("bundle_python", ROOT / "scripts" / "bundle_python.py")
bundle_python = importlib.util.module_from_spec(_spec)
sys.modules["bundle_python"] = bundle_python  # dataclasses look their module up
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


def test_requirements_are_evaluated_for_the_target_python_and_platform_not_the_running_one(tmp_path):
    write(
        tmp_path / "libcst-1.9.0.dist-info" / "METADATA",
        "Metadata-Version: 2.1\nName: libcst\nVersion: 1.9.0\n"
        "Requires-Dist: pyyaml>=5.2; python_version < \"3.13\"\n"
        "Requires-Dist: pyyaml-ft>=8.0.0; python_version == \"3.13\"\n"
        "Requires-Dist: tomli>=2.0; python_version < \"3.11\"\n"
        "Requires-Dist: colorama; sys_platform == \"win32\"\n"
        "Requires-Dist: pytest>=8; extra == \"test\"\n",
    )
    linux, windows = bundle_python.TARGETS["linux-x64"], bundle_python.TARGETS["win32-arm64"]

    def names(target, version):
        return sorted(bundle_python.requirements_of(tmp_path, bundle_python.marker_environment(target, version)))

    assert names(linux, "3.10") == ["pyyaml", "tomli"]
    assert names(linux, "3.13") == ["pyyaml-ft"]
    assert names(windows, "3.15") == ["colorama"]
    assert bundle_python.requirements_of(tmp_path, bundle_python.marker_environment(linux, "3.10"))["tomli"] == [">=2.0"]


def test_every_vsce_target_has_wheel_tags_and_the_host_is_one_of_them():
    assert sorted(bundle_python.TARGETS) == sorted(
        ["linux-x64", "linux-arm64", "alpine-x64", "darwin-x64", "darwin-arm64", "win32-x64", "win32-arm64"]
    )
    assert bundle_python.host_target() in bundle_python.TARGETS
    assert "manylinux_2_28_aarch64" in bundle_python.TARGETS["linux-arm64"].wheel_platforms
    assert bundle_python.TARGETS["alpine-x64"].wheel_platforms[0].startswith("musllinux_")
