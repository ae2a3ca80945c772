"""Reading and writing the files a workspace names, carefully.

Reading: only regular files, never more than a bound. A path may name a FIFO
(opening one for reading blocks until a writer comes), a device (`/dev/zero`
never ends) or a socket; a symlink may point at any of them, and a file may be
swapped for one between a check and the read. Every read opens without
blocking, looks at what it opened, and reads at most `limit` bytes.

Writing (`--fix`): the new content goes to a temporary file in the same folder,
is flushed to disk and renamed over the original, keeping its mode and
ownership, so that a full disk or a killed process leaves either the old file
or the new one, never half of one. A file that changed since it was read is not
overwritten, and a symlink is only written through when its target lies inside
the project.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

# Files bigger than this are reported and skipped: ast on a 20 MB generated module takes
# seconds and such files are never hand-written tests; no config, lock or metadata file is
# that big either.
MAX_FILE_BYTES = 10 * 1024 * 1024

_KINDS = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a directory"),
)


class UnreadableFile(Exception):
    """A file that cannot (or must not) be read; the message is shown to the user as is."""


class WriteError(Exception):
    """A fix that was not written; the message says why (nothing was changed on disk)."""


def special_kind(mode: int) -> str | None:
    """What a non-regular file is ("a FIFO (named pipe)", "a socket", ...); None for a regular file."""
    for test, kind in _KINDS:
        if test(mode):
            return kind
    return None if stat.S_ISREG(mode) else "not a regular file"


def regular_file(path: Path | str) -> bool:
    """Is `path` (followed through symlinks) a regular file? Never blocks."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def read_bytes(path: Path | str, limit: int = MAX_FILE_BYTES) -> bytes:
    """The content of a regular file of at most `limit` bytes; UnreadableFile otherwise."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise UnreadableFile("no such file") from None
    except PermissionError:
        raise UnreadableFile("permission denied") from None
    except OSError as exc:
        if exc.errno == errno.ENXIO:  # a socket (or a FIFO opened for writing only)
            raise UnreadableFile("skipped: a socket, not a regular file") from None
        if exc.errno == errno.ELOOP:
            raise UnreadableFile("too many levels of symbolic links") from None
        raise UnreadableFile(f"cannot read: {exc.strerror or exc}") from None
    except ValueError as exc:  # a NUL byte in the path
        raise UnreadableFile(f"cannot read: {exc}") from None
    try:
        info = os.fstat(fd)
        kind = special_kind(info.st_mode)
        if kind == "a directory":
            raise UnreadableFile("is a directory")
        if kind is not None:
            raise UnreadableFile(f"skipped: {kind}, not a regular file")
        if info.st_size > limit:
            raise UnreadableFile(_too_big(info.st_size, limit))
        chunks = []
        left = limit + 1  # one byte more than allowed tells a file that grew past the limit
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
        if len(data) > limit:
            raise UnreadableFile(_too_big(len(data), limit))
        return data
    except OSError as exc:
        raise UnreadableFile(f"cannot read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)


def read_text(path: Path | str, limit: int = MAX_FILE_BYTES, *, errors: str = "strict") -> str:
    """`read_bytes` decoded as UTF-8 (a BOM dropped) with universal newlines, as `open()` reads text."""
    data = read_bytes(path, limit)
    try:
        text = data.decode("utf-8-sig", errors=errors)
    except UnicodeDecodeError as exc:
        raise UnreadableFile(f"not valid UTF-8: byte 0x{data[exc.start]:02x} cannot be decoded") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_text_or_none(path: Path | str, limit: int = MAX_FILE_BYTES) -> str | None:
    """`read_text` with undecodable bytes replaced, or None when the file cannot be read."""
    try:
        return read_text(path, limit, errors="replace")
    except UnreadableFile:
        return None


def _too_big(size: int, limit: int) -> str:
    return f"skipped: file is {size / 1048576:.1f} MB, larger than the {limit // 1048576} MB limit"


# -- writing --------------------------------------------------------------------------------------


def replace_file(path: Path, data: bytes, *, expected: bytes, root: Path | None) -> None:
    """Replace the content of `path` by `data`, atomically; WriteError (nothing changed) otherwise.

    `expected` is the content the new one was computed from: when the file no longer holds
    it, it was changed by someone else and is not overwritten. A symlink is written through
    (the link stays a link) only when its target lies inside `root`.
    """
    target = Path(os.path.realpath(path))
    if str(target) != os.path.abspath(path):  # reached through a symbolic link (the file or a folder)
        if root is None or not _inside(target, Path(os.path.realpath(root))):
            raise WriteError(f"not written: it is a symbolic link to {target}, outside the project")
    try:
        info = os.stat(target)
    except OSError as exc:
        raise WriteError(f"not written: {exc.strerror or exc}") from None
    if not stat.S_ISREG(info.st_mode):
        raise WriteError(f"not written: it is now {special_kind(info.st_mode)}")
    if not os.access(target, os.W_OK):
        raise WriteError("not written: permission denied")
    try:
        current = read_bytes(target, max(len(expected), MAX_FILE_BYTES))
    except UnreadableFile as exc:
        raise WriteError(f"not written: {exc}") from None
    if current != expected:
        raise WriteError("not written: the file changed on disk since it was read")
    folder = target.parent
    try:
        fd, temporary = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".looplint-tmp")
    except OSError as exc:
        raise WriteError(f"not written: cannot create a file beside it: {exc.strerror or exc}") from None
    try:
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fchmod(fd, stat.S_IMODE(info.st_mode))
            if (info.st_uid, info.st_gid) != (os.geteuid(), os.getegid()):
                os.fchown(fd, info.st_uid, info.st_gid)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temporary, target)
    except OSError as exc:
        _remove(temporary)
        raise WriteError(f"not written: {exc.strerror or exc}") from None
    except BaseException:
        _remove(temporary)
        raise
    _sync_folder(folder)


def create_file(path: Path, data: bytes) -> None:
    """Create `path` with `data`, atomically and never over an existing file; WriteError otherwise.

    The content is written to a temporary file beside it and linked into place (a link fails when
    the name exists), so the file appears whole or not at all."""
    folder = Path(os.path.abspath(path)).parent
    try:
        fd, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".looplint-tmp")
    except OSError as exc:
        raise WriteError(f"not created: {exc.strerror or exc}") from None
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fchmod(fd, 0o666 & ~_umask())
            os.fsync(fd)
        finally:
            os.close(fd)
        os.link(temporary, path)
    except FileExistsError:
        raise WriteError("not created: the file exists now") from None
    except OSError as exc:
        raise WriteError(f"not created: {exc.strerror or exc}") from None
    finally:
        _remove(temporary)
    _sync_folder(folder)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (best effort: not every file system lets a folder be synced)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
