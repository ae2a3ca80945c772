"""The workspace: its folders, the index of its Python files, and files changed on disk.

Indexing runs in slices on the analysis thread at the lowest priority (a
keystroke's check waits at most for one slice), with work-done progress the
user can cancel. Changes to files on disk come from the watchers we register
dynamically (or from saves, for clients that cannot watch files).
"""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types

from .. import worker as prio
from ..analysis import WATCH_GLOBS, is_config, is_requirements
from ..convert import uri_to_path
from ..settings import expand_path
from . import configuration, diagnostics, workspace_diagnostics

if TYPE_CHECKING:
    from ..server import LooplintServer

log = logging.getLogger("looplint.lsp")

INDEX_SLICE_SECONDS = 0.03  # the longest an indexing slice keeps the analysis thread from an edit


async def folders_changed(ls: LooplintServer, params: types.DidChangeWorkspaceFoldersParams) -> None:
    removed = {f.uri for f in params.event.removed}
    current = [(f.uri, f.path) for f in ls.analyzer.folders if f.uri not in removed]
    added = [(f.uri, uri_to_path(f.uri)) for f in params.event.added]
    ls.analyzer.set_folders(current + [(u, p) for u, p in added if p is not None])
    await configuration.refresh(ls)
    new = [f for f in ls.analyzer.folders if f.uri in {u for u, _ in added}]
    ls.spawn(index_workspace(ls, new))
    diagnostics.recheck(ls)
    await workspace_diagnostics.apply_scope(ls, recompute=False)  # the new folders' files, the removed ones' go


async def watched_files_changed(ls: LooplintServer, params: types.DidChangeWatchedFilesParams) -> None:
    changes = []
    for change in params.changes:
        path = uri_to_path(change.uri)
        if path is not None:
            changes.append((path, change.type))
    await files_changed(ls, changes)


async def index_workspace(ls: LooplintServer, folders=None) -> None:
    """Summarise every Python file of the workspace folders, with work-done progress."""
    started = time.perf_counter()
    token = await workspace_diagnostics.server_progress(ls, "index", "looplint: indexing")
    files: list[Path] = []
    for folder in folders if folders is not None else list(ls.analyzer.folders):
        files.extend(await ls.run(prio.INDEX, ls.index.list_files, folder))
    # The workspace report's run checks its files, which summarises them: they are not parsed twice.
    report = ls.report
    covered = [f for f in files if f in report.files] if report.running else []
    files = [f for f in files if f not in report.files] if covered else files
    total = len(files) + len(covered)
    done = 0
    last_report = time.perf_counter()
    cancelled = False

    def progress(count: int) -> None:
        nonlocal last_report
        if token is not None and time.perf_counter() - last_report > 0.2:
            last_report = time.perf_counter()
            ls.work_done_progress.report(
                token,
                types.WorkDoneProgressReport(message=f"{count}/{total} files", percentage=int(100 * count / total)),
            )

    while done < len(files):
        if token is not None and _progress_cancelled(ls, token):
            cancelled = True
            break
        done += await ls.run(prio.INDEX, _index_slice, ls, files, done)
        progress(done)
    while covered and report.running and not cancelled:
        if token is not None and _progress_cancelled(ls, token):
            cancelled = True
            report.stop()
            break
        progress(done + min(report.progress.done, len(covered)))
        await asyncio.sleep(0.1)
    done += min(report.progress.done, len(covered)) if covered else 0
    await ls.run(prio.INDEX, ls.garbage.collect_when_idle)  # on the analysis thread: the loop stays free
    elapsed = time.perf_counter() - started
    summary = f"{'stopped after' if cancelled else 'indexed'} {done} files in {elapsed:.2f} s"
    if token is not None:
        ls.work_done_progress.end(token, types.WorkDoneProgressEnd(message=summary))
    log.info("%s", summary)
    ls.indexed.set()
    await diagnostics.report_config_errors(ls)


def _index_slice(ls: LooplintServer, files: list[Path], start: int) -> int:
    """Analysis thread: summarise files from `start` for at most INDEX_SLICE_SECONDS."""
    deadline = time.perf_counter() + INDEX_SLICE_SECONDS
    count = 0
    with ls.garbage.paused():
        for path in files[start:]:
            try:
                ls.index.index_files([path])
            except Exception:
                log.exception("indexing %s failed", path)
            count += 1
            if time.perf_counter() > deadline:
                break
    return count


def _progress_cancelled(ls: LooplintServer, token: str) -> bool:
    future = ls.work_done_progress.tokens.get(token)
    return future is not None and future.cancelled()


def register_watchers(ls: LooplintServer) -> None:
    if ls.supports("workspace.did_change_watched_files.dynamic_registration"):
        options = types.DidChangeWatchedFilesRegistrationOptions(
            watchers=[types.FileSystemWatcher(glob_pattern=glob) for glob in WATCH_GLOBS]
        )
        registrations = [
            types.Registration(
                id="looplint-watch-files", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES, register_options=options
            )
        ]
        if ls.supports("workspace.did_change_configuration.dynamic_registration"):
            registrations.append(
                types.Registration(id="looplint-configuration", method=types.WORKSPACE_DID_CHANGE_CONFIGURATION)
            )
        ls.send_request_quietly(
            types.CLIENT_REGISTER_CAPABILITY, types.RegistrationParams(registrations=registrations)
        )
    else:
        log.info(
            "the client cannot watch files for us: changes made outside the editor are seen when a file is "
            "opened or saved"
        )


async def files_changed(ls: LooplintServer, changes: list[tuple[Path, types.FileChangeType]]) -> None:
    """Files changed on disk: update the index, reload configuration, re-check what depends on them."""
    open_buffers = {s.check_path for s in ls.states.values() if s.check_path is not None}
    python: list[tuple[Path, bool]] = []
    config = False
    everything = False
    for path, kind in changes:
        if path.suffix == ".py":
            if path in open_buffers:
                continue  # the editor's buffer is what counts for an open file
            python.append((path, kind == types.FileChangeType.Deleted))
            if kind != types.FileChangeType.Changed:
                everything = True  # module lookup may resolve differently now
        elif is_config(path) or is_editor_configuration(ls, path):
            config = True
        elif is_requirements(path):
            everything = True
    if not python and not config and not everything:
        return

    def update() -> None:
        for path, deleted in python:
            ls.index.file_changed(path, deleted=deleted)
        if config or everything:
            ls.index.forget_projects()
            ls.analyzer.reload_config()

    await ls.run(prio.INTERACTIVE, update)
    if config or everything:
        diagnostics.recheck(ls)
        await diagnostics.report_config_errors(ls)
        if ls.report.active:
            await ls.report.activate()  # which files there are, and every entry, again
    else:
        ls.report.invalidate([p for p, _ in python])  # the changed files' own entries
        diagnostics.refresh_dependents(ls, [p for p, _ in python])


def is_editor_configuration(ls: LooplintServer, path: Path) -> bool:
    """The file a folder's `configuration` setting names (it may have any name)."""
    for folder in ls.analyzer.all_folders():
        named = folder.settings.configuration
        if named and Path(expand_path(named)).absolute() == path:
            return True
    return False
