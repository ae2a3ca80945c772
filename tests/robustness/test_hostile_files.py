"""Hostile files and hostile disks: FIFOs, devices, links, huge and binary files, a full disk,
a process killed mid-write, two `--fix` runs at once. Each run: no traceback, no hang (every
command has a timeout that fails the test), the right exit status, no byte lost."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from looplint.engine.files import MAX_FILE_BYTES, UnreadableFile, WriteError, read_bytes, replace_file

TIMEOUT = 60
BLOCKING = "import time\nimport unittest\n\nclass T(unittest.IsolatedAsyncioTestCase):\n    async def test_a(self):\n        time.sleep(1)\n"
# CO004's fix in a test that is not about blocking: applied with --fix --unsafe-fixes.
FIXABLE = BLOCKING


def looplint(*args: str, cwd: Path, timeout: float = TIMEOUT) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "-m", "looplint", "check", "--no-progress", "--no-cache", *args], cwd=cwd,
        capture_output=True, text=True, timeout=timeout,
    )
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    return result


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    root.mkdir()
    (root / "pyproject.toml").write_text("")
    return root


# -- special files ------------------------------------------------------------------------------------


@pytest.mark.parametrize("make", ["fifo", "dev-zero-link", "socket"])
def test_special_file_named_on_the_command_line_is_an_error(project, make):
    path = project / "test_special.py"
    _make_special(path, make)
    result = looplint(path.name, cwd=project)
    assert result.returncode == 2
    assert "not a regular file" in result.stderr and "All checks passed" not in result.stdout


@pytest.mark.parametrize("make", ["fifo", "dev-zero-link", "socket"])
def test_special_file_in_a_folder_is_reported_and_the_rest_checked(project, make):
    _make_special(project / "test_special.py", make)
    (project / "test_real.py").write_text(BLOCKING)
    result = looplint(".", cwd=project)
    assert result.returncode == 1
    assert "test_special.py" in result.stdout and "not a regular file" in result.stdout
    assert "test_real.py" in result.stdout and "CO004" in result.stdout


def test_broken_link_named_is_an_error_and_not_all_clear(project):
    (project / "test_gone.py").symlink_to(project / "nowhere.py")
    result = looplint("test_gone.py", cwd=project)
    assert result.returncode == 2 and "broken symbolic link" in result.stderr
    assert "All checks passed" not in result.stdout


@pytest.mark.parametrize("where", ["pyproject.toml", ".python-version", "requirements-r", "pytest.ini", "metadata"])
@pytest.mark.parametrize("make", ["fifo", "dev-zero-link"])
def test_special_files_the_workspace_points_at_do_not_hang(project, where, make):
    """Configuration, version and metadata files that are FIFOs or /dev/zero: skipped, the run finishes."""
    (project / "test_real.py").write_text(BLOCKING)
    if where == "requirements-r":
        (project / "requirements.txt").write_text("-r other.txt\npytest>=8\n")
        target = project / "other.txt"
    elif where == "metadata":
        site = project / ".venv" / "lib" / "python3.11" / "site-packages"
        (site / "pytest_asyncio-1.0.0.dist-info").mkdir(parents=True)
        (project / ".venv" / "pyvenv.cfg").write_text("version = 3.11.7\n")
        target = site / "pytest_asyncio-1.0.0.dist-info" / "METADATA"
    else:
        if where == "pyproject.toml":
            (project / "pyproject.toml").unlink()
        target = project / where
    _make_special(target, make)
    result = looplint(".", cwd=project)
    assert result.returncode in (1, 2), result.stderr
    if where == "pyproject.toml":  # looplint's own configuration: an error naming it
        assert result.returncode == 2 and "pyproject.toml" in result.stderr and "not a regular file" in result.stderr
    else:
        assert "CO004" in result.stdout


def test_reads_are_bounded_and_regular_only(tmp_path):
    big = tmp_path / "big.py"
    with open(big, "wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)  # sparse: costs no disk
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    for path, why in ((big, "larger than"), (fifo, "FIFO"), (Path("/dev/zero"), "character device"), (tmp_path, "directory")):
        with pytest.raises(UnreadableFile, match=why):
            read_bytes(path)


def test_huge_and_binary_files_are_reported(project):
    with open(project / "test_huge.py", "wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)
    (project / "test_binary.py").write_bytes(os.urandom(4096) + b"\0")
    (project / "test_real.py").write_text(BLOCKING)
    result = looplint(".", cwd=project)
    assert result.returncode == 1
    assert "larger than" in result.stdout and "binary" in result.stdout and "CO004" in result.stdout


def _make_special(path: Path, make: str) -> None:
    if make == "fifo":
        os.mkfifo(path)
    elif make == "dev-zero-link":
        path.symlink_to("/dev/zero")
    elif make == "socket":
        import socket

        server = socket.socket(socket.AF_UNIX)
        server.bind(str(path))  # the socket file stays after close
        server.close()


# -- writes ---------------------------------------------------------------------------------------------


def test_write_keeps_mode_and_owner_and_goes_through_a_link_inside_the_project(project):
    real = project / "real.py"
    real.write_text("old\n")
    os.chmod(real, 0o640)
    os.chown(real, 12345, 23456)  # root: another owner
    link = project / "link.py"
    link.symlink_to(real)
    replace_file(link, b"new\n", expected=b"old\n", root=project)
    assert real.read_bytes() == b"new\n" and link.is_symlink()
    info = real.stat()
    assert (info.st_mode & 0o7777, info.st_uid, info.st_gid) == (0o640, 12345, 23456)
    assert sorted(p.name for p in project.iterdir()) == ["link.py", "pyproject.toml", "real.py"]  # no leftovers


def test_no_write_through_a_link_leading_outside_the_project(project, tmp_path):
    outside = tmp_path / "outside.py"
    outside.write_text(FIXABLE)
    (project / "test_link.py").symlink_to(outside)
    result = looplint("--fix", "--unsafe-fixes", ".", cwd=project)
    assert result.returncode == 2 and "outside the project" in result.stderr
    assert outside.read_text() == FIXABLE
    assert "Fixed" not in result.stdout + result.stderr


def test_no_write_over_a_file_changed_since_it_was_read(tmp_path):
    path = tmp_path / "x.py"
    path.write_text("theirs\n")
    with pytest.raises(WriteError, match="changed on disk"):
        replace_file(path, b"ours\n", expected=b"what we read\n", root=tmp_path)
    assert path.read_text() == "theirs\n"


@pytest.fixture
def tiny_disk(tmp_path):
    """A 1 MB tmpfs (we are root), nearly filled: the next fix cannot be written."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.fail(f"cannot mount a tmpfs here: {done.stderr.decode()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_full_disk_fails_the_fix_and_loses_nothing(tiny_disk):
    root = tiny_disk
    (root / "pyproject.toml").write_text("")
    # A test file big enough that the fixed copy cannot fit beside it once the disk is full.
    padding = "".join(f"# {'x' * 70}\n" for _ in range(3000))
    original = FIXABLE + padding
    (root / "test_full.py").write_text(original)
    fd = os.open(root / "filler", os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError:
        pass
    finally:
        os.close(fd)
    result = looplint("--fix", "--unsafe-fixes", "--exit-zero", ".", cwd=root)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "not written" in result.stderr and "No space left" in result.stderr
    assert (root / "test_full.py").read_text() == original
    assert "CO004" in result.stdout  # still reported: not counted as fixed
    assert not [p for p in root.iterdir() if p.name.endswith(".looplint-tmp")]


def test_killed_mid_write_leaves_the_old_file_or_the_new_one(tmp_path):
    """A writer killed at random moments: the file always parses as the old or the new content."""
    path = tmp_path / "x.py"
    old = b"x = 1\n" * 200_000
    new = b"y = 2\n" * 200_000
    path.write_bytes(old)
    code = (
        "import sys; from pathlib import Path; from looplint.engine.files import replace_file\n"
        "p = Path(sys.argv[1]); old = p.read_bytes(); new = old.replace(b'x = 1', b'y = 2')\n"
        "print('go', flush=True); replace_file(p, new, expected=old, root=p.parent)\n"
    )
    for delay in (0.0, 0.002, 0.005, 0.01, 0.02, 0.05):
        path.write_bytes(old)
        child = subprocess.Popen([sys.executable, "-c", code, str(path)], stdout=subprocess.PIPE)
        child.stdout.readline()
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=TIMEOUT)
        assert path.read_bytes() in (old, new)
    for leftover in tmp_path.glob(".x.py.*.looplint-tmp"):  # a kill between write and rename leaves one
        leftover.unlink()


def test_concurrent_fix_runs_lose_nothing(project):
    """Two `--fix` runs on the same files at once: every file ends fixed once, never mangled."""
    names = [f"test_{i}.py" for i in range(12)]
    for name in names:
        (project / name).write_text(FIXABLE)
    runs = [
        subprocess.Popen([sys.executable, "-m", "looplint", "check", "--no-progress", "--no-cache", "--fix",
                          "--unsafe-fixes", "."], cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    for run in runs:
        out, err = run.communicate(timeout=TIMEOUT)
        assert "Traceback" not in err
        assert run.returncode in (0, 1, 2), err
        if run.returncode == 2:
            assert "changed on disk" in err
    for name in names:
        text = (project / name).read_text()
        compile(text, name, "exec")
        assert "time.sleep(1)" not in text and text.count("asyncio.sleep(1)") == 1


def test_cr_only_file_keeps_its_final_newline(project):
    path = project / "test_cr.py"
    path.write_bytes(FIXABLE.replace("\n", "\r").encode())
    result = looplint("--fix", "--unsafe-fixes", ".", cwd=project)
    assert result.returncode in (0, 1), result.stderr
    data = path.read_bytes()
    assert b"\n" not in data and data.endswith(b"\r") and b"asyncio.sleep" in data


# -- settings of the wrong type ----------------------------------------------------------------------

WRONG_SETTINGS = {
    "tool = 5": (1, "tool"),
    'tool = "x"': (1, "tool"),
    "tool = [1, 2]": (1, "tool"),
    '[project]\nname = "x"\n\n[tool]\nlooplint = "x"': (5, "(table)"),
    "[tool]\nlooplint = [1, 2]": (2, "(table)"),
    '[[tool.looplint]]\nselect = ["UT001"]': (1, "(table)"),
    "[tool.looplint]\nselect = 5": (2, "select"),
    "[tool.looplint]\nselect = [1]": (2, "select"),
    "[tool.looplint]\nper-file-ignores = 5": (2, "per-file-ignores"),
    '[tool.looplint]\nper-file-ignores = { "a/*" = "UT001" }': (2, "per-file-ignores"),
    "[tool.looplint]\nseverity = 5": (2, "severity"),
    "[tool.looplint]\nseverity = { UT001 = 5 }": (2, "severity"),
    '[tool.looplint]\nseverity = { UT001 = ["error"] }': (2, "severity"),
    "[tool.looplint]\nexclude = { a = 1 }": (2, "exclude"),
    "[tool.looplint]\npython-version = 3.12": (2, "python-version"),
    "[tool.looplint]\nasync-test-bases = [[1]]": (2, "async-test-bases"),
}


@pytest.mark.parametrize("config", sorted(WRONG_SETTINGS))
def test_settings_of_the_wrong_type_are_configuration_errors(project, config):
    line, key = WRONG_SETTINGS[config]
    (project / "pyproject.toml").write_text(config + "\n")
    (project / "test_real.py").write_text(BLOCKING)
    result = looplint(".", cwd=project)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert f"pyproject.toml:{line}: [tool.looplint] {key}:" in result.stderr
