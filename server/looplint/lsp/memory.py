"""When the cyclic garbage collector runs in the server.

The server keeps a lot of long-lived objects: the workspace index and, for each
open buffer, its syntax tree (an edit re-parses only what it touched). Left to
itself, CPython's collector walks all of them on every full collection, and a
full collection comes every few hundred thousand allocations: with a 10,000-line
module open that is a 50-150 ms pause in the middle of a keystroke's check, one
edit in three or four.

So: no collection while a job runs (`paused`). A job that leaves many objects
behind (a file parsed from scratch, a slice of the index) leaves long-lived
ones: they are collected once (young) and frozen (`gc.freeze`: out of the
collector's sight; reference counting still frees them as usual). Small jobs
(a keystroke's re-check) are left to the collector as usual: freezing after each
of them would also freeze the reference cycles that die a moment later (a
superseded job and its future hold each other), which then pile up. Cycles that
do die frozen are reclaimed when the server has been idle for a moment
(`collect_when_idle`): one full collection, while nobody waits for an answer.

Freed memory is not always given back: glibc's malloc keeps freed blocks for
reuse, so a server that once parsed a big buffer (or re-checked one thousands of
times) would keep its peak size resident. When idle, the server asks the
allocator to return what it keeps free (`malloc_trim`, Linux/glibc only; a no-op
elsewhere). After a document is closed (`note_big_free`) the next idle moment
also runs a full collection, frozen objects included, so the closed buffer's
cycles go too.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import gc
import sys
import threading

# A full collection after this many frozen objects were added since the last one.
_FULL_COLLECTION_GROWTH = 100_000
# A job that leaves at least this many new objects (net) made long-lived ones: freeze them.
_BIG_JOB = 50_000


class GarbagePolicy:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._frozen_at_last_full = 0
        self._freed_big = False
        self.full_collections = 0
        self.trims = 0

    @contextlib.contextmanager
    def paused(self):
        """No collection inside; when the block left many objects, they are collected (young) and frozen."""
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            yield
        finally:
            if was_enabled:
                gc.enable()
                if gc.get_count()[0] >= _BIG_JOB:
                    self.settle()

    def settle(self) -> None:
        """Collect the youngest objects (a job's garbage cycles) and freeze the survivors."""
        with self._lock:
            gc.collect(0)
            gc.freeze()

    def needs_full_collection(self) -> bool:
        return self._freed_big or gc.get_freeze_count() - self._frozen_at_last_full > _FULL_COLLECTION_GROWTH

    def note_big_free(self) -> None:
        """Something big was let go (a closed document): collect everything at the next idle moment."""
        self._freed_big = True

    def collect_when_idle(self) -> None:
        """Call when idle: a full collection (frozen objects included) when due, then freed memory
        is handed back to the system."""
        if not gc.isenabled():
            return
        if self.needs_full_collection():
            with self._lock:
                self._freed_big = False
                gc.unfreeze()
                gc.collect()
                gc.freeze()
                self._frozen_at_last_full = gc.get_freeze_count()
                self.full_collections += 1
        if release_freed_memory():
            self.trims += 1


_TRIM: list = []  # [malloc_trim or None], looked up once


def release_freed_memory() -> bool:
    """Give the memory malloc keeps free back to the system (glibc's `malloc_trim`); False where
    there is no such call (not Linux, another C library)."""
    if not _TRIM:
        trim = None
        if sys.platform.startswith("linux"):
            try:
                trim = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
                trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
            except (OSError, AttributeError):
                trim = None
        _TRIM.append(trim)
    if _TRIM[0] is None:
        return False
    _TRIM[0](0)
    return True
