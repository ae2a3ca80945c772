"""The looplint language server: `looplint server` (stdio).

Threads: pygls reads messages on its own thread and runs our handlers on the
asyncio loop; every handler only does bookkeeping there and hands engine work
to the analysis thread (`worker`), so the loop keeps answering while a big
file is checked or the workspace is indexed. Results come back to the loop,
which is the only thread that talks to the client.

Diagnostics: pulled (`textDocument/diagnostic`) when the client can, pushed
(`publishDiagnostics`) otherwise, never both. Edits are debounced
(`DEBOUNCE_SECONDS`); a newer version supersedes queued work for the older
one. A pull request for a version whose check is already queued or running
waits for that check instead of starting another.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
import sys
import time
import uuid
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable
from urllib.parse import unquote, urlparse

from lsprotocol import types
from pygls.exceptions import FeatureRequestError, JsonRpcException
from pygls.lsp.server import LanguageServer

from .. import __version__
from ..engine.model import Diagnostic
from ..engine.source import SourceError, read_source
from . import actions as act
from . import transport
from . import worker as prio
from .analysis import (
    WATCH_GLOBS,
    Analysis,
    Analyzer,
    config_error_diagnostic,
    is_config,
    is_python,
    is_requirements,
)
from .convert import BadData, from_lsp_diagnostic, path_to_uri, to_lsp_diagnostic, workspace_edit
from .documents import UTF8, UTF16, UTF32, Document
from .hover import code_in_suppression, diagnostic_markdown, rule_markdown
from .index import WorkspaceIndex
from .memory import GarbagePolicy
from .protocol import LooplintProtocol
from .settings import ServerSettings, extract_section
from .worker import Worker

log = logging.getLogger("looplint.lsp")

DEBOUNCE_SECONDS = float(os.environ.get("LOOPLINT_LSP_DEBOUNCE_MS", "150")) / 1000.0
INDEX_SLICE_SECONDS = 0.03  # the longest an indexing slice keeps the analysis thread from an edit
CONTENT_MODIFIED = -32801  # LSP error: the document changed since the request's data was computed

_LEVELS = {"error": logging.ERROR, "warning": logging.WARNING, "info": logging.INFO, "debug": logging.DEBUG}
_MESSAGE_TYPES = {
    logging.ERROR: types.MessageType.Error,
    logging.WARNING: types.MessageType.Warning,
    logging.INFO: types.MessageType.Info,
    logging.DEBUG: types.MessageType.Log,
}


def _cap(obj: Any, dotted: str) -> Any:
    """A nested client capability, None when any part is missing."""
    for part in dotted.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


def _value(item: Any) -> str:
    """The string of an lsprotocol string enum (str() of one gives its name) or of a plain string."""
    return str(getattr(item, "value", item))


def uri_to_path(uri: str) -> Path | None:
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    path = unquote(parsed.path)
    if os.name == "nt" and path.startswith("/") and len(path) > 2 and path[2] == ":":  # pragma: no cover
        path = path[1:]
    return Path(os.path.abspath(path))


@dataclass(eq=False)
class _Job:
    """One check of one document version; whoever needs that version's result awaits `future`."""

    version: int
    text: str
    future: asyncio.Future
    timer: asyncio.TimerHandle | None = None
    work: Future | None = None


@dataclass(eq=False)
class _Checked:
    """An analysis with its diagnostics converted for the client."""

    analysis: Analysis
    lsp: list[types.Diagnostic]
    result_id: str = ""

    @property
    def version(self) -> int:
        return self.analysis.version


@dataclass(eq=False)
class _DocState:
    doc: Document
    check_path: Path | None  # what the engine checks this buffer as (a synthetic path for untitled buffers)
    job: _Job | None = None
    latest: _Checked | None = None  # the result for the newest version checked


class ClientLogHandler(logging.Handler):
    """Forwards log records to the client (`window/logMessage`), from any thread."""

    def __init__(self, server: "LooplintServer"):
        super().__init__(logging.INFO)
        self.server = server

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = self.format(record)
            kind = _MESSAGE_TYPES.get(record.levelno, types.MessageType.Log)
            self.server.call_in_loop(
                self.server.window_log_message, types.LogMessageParams(type=kind, message=message)
            )
        except Exception:  # pragma: no cover - logging must never raise
            self.handleError(record)


class LooplintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__(
            name="looplint",
            version=__version__,
            protocol_cls=LooplintProtocol,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
        )
        self.states: dict[str, _DocState] = {}
        self.garbage = GarbagePolicy()
        self.worker = Worker(on_idle=self.garbage.collect_when_idle)
        self.init_settings = ServerSettings()
        self.settings = ServerSettings()
        self.analyzer = Analyzer(self.settings)
        self.index = WorkspaceIndex(self.analyzer)
        self.pull = False
        self.encoding = UTF16
        self.loop: asyncio.AbstractEventLoop | None = None
        self.indexed = asyncio.Event()
        self.log_handler = ClientLogHandler(self)
        self._result_ids = itertools.count(1)
        self._config_published: set[str] = set()
        self._config_warned: set[tuple] = set()
        self._fix_problem_reported = False  # "fixes are unavailable here" is said once
        self._background: set[asyncio.Task] = set()

    # -- plumbing ----------------------------------------------------------------------------
    def call_in_loop(self, fn: Callable, *args) -> None:
        """Run `fn` on the loop thread (the only one that writes to the client)."""
        loop = self.loop
        if loop is None or loop.is_closed():
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            fn(*args)
        else:
            loop.call_soon_threadsafe(fn, *args)

    async def run(self, priority: int, fn: Callable, *args) -> Any:
        """Run `fn` on the analysis thread and await its result."""
        return await asyncio.wrap_future(self.worker.submit(priority, fn, *args))

    def spawn(self, coro) -> None:
        task = asyncio.ensure_future(coro)
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        task.add_done_callback(_log_task_error)

    def send_request_quietly(self, method: str, params: Any) -> None:
        """A request whose answer we do not need (refresh, registration): log failures only."""
        future = self.protocol.send_request(method, params)
        future.add_done_callback(lambda f: _log_future_error(f, method))

    def report_server_error(self, error: Exception, source) -> None:
        # Logged to the client's output, never popped up: errors in requests are answered
        # as JSON-RPC errors already, and a popup per malformed message would be noise.
        if source is FeatureRequestError:
            log.debug("request failed (answered with an error): %s", error)
        else:
            log.error("internal error (%s): %s", getattr(source, "__name__", source), error)

    # -- client capabilities ------------------------------------------------------------------
    @property
    def caps(self) -> types.ClientCapabilities:
        return self.client_capabilities

    def supports(self, dotted: str) -> bool:
        return bool(_cap(self.caps, dotted))

    # -- settings -------------------------------------------------------------------------------
    def set_log_level(self, level: str) -> None:
        self.log_handler.setLevel(_LEVELS.get(level, logging.INFO))

    async def refresh_settings(self, payload: Any = None) -> bool:
        """Re-read settings (workspace/configuration when the client offers it); True if checks change."""
        folders = [f for f in self.analyzer.folders]
        raw_global: Any = extract_section(payload) if payload is not None else None
        raw_folders: list[Any] = [None] * len(folders)
        if self.supports("workspace.configuration"):
            items = [types.ConfigurationItem(section="looplint")] + [
                types.ConfigurationItem(scope_uri=f.uri, section="looplint") for f in folders
            ]
            try:
                answer = await asyncio.wait_for(
                    self.workspace_configuration_async(types.ConfigurationParams(items=items)), timeout=10
                )
            except Exception as exc:
                log.warning("workspace/configuration failed: %s", exc)
                answer = None
            if isinstance(answer, (list, tuple)) and len(answer) == len(items):
                raw_global = answer[0] if answer[0] is not None else raw_global
                raw_folders = list(answer[1:])
        # The initializationOptions are the baseline; what the editor says now goes on top.
        self.settings = ServerSettings.from_dict(raw_global, base=self.init_settings) if raw_global is not None else self.settings
        self.set_log_level(self.settings.log_level)
        per_folder = [(f, ServerSettings.from_dict(raw, base=self.settings)) for f, raw in zip(folders, raw_folders)]

        def apply() -> bool:
            changed = False
            self.analyzer.default_settings = self.settings
            for folder, settings in per_folder:
                changed |= self.analyzer.apply_settings(folder, settings)
            changed |= self.analyzer.apply_settings(self.analyzer.default, self.settings)
            return changed

        return await self.run(prio.INTERACTIVE, apply)

    # -- documents and checks ---------------------------------------------------------------------
    def check_path_for(self, doc: Document) -> Path | None:
        if doc.path is not None:
            return doc.path
        if doc.language_id != "python":
            return None
        base = self.analyzer.folders[-1].path if self.analyzer.folders else Path(os.getcwd())
        return (base or Path(os.getcwd())) / f"untitled-{abs(hash(doc.uri)) % 10**8}.py"

    def ensure_analysis(self, state: _DocState, *, delay: float, priority: int) -> asyncio.Future:
        """The analysis of the document's current version: cached, in flight, or started now."""
        loop = asyncio.get_running_loop()
        doc = state.doc
        if state.latest is not None and state.latest.version == doc.version:
            done = loop.create_future()
            done.set_result(state.latest)
            return done
        job = state.job
        if job is not None and job.version == doc.version:
            if delay == 0 and job.timer is not None:  # someone is waiting: skip the debounce
                job.timer.cancel()
                self._submit(state, job, priority)
            return job.future
        new = _Job(doc.version, doc.text, loop.create_future())
        if job is not None:
            self._supersede(job, new)
        state.job = new
        if delay > 0:
            new.timer = loop.call_later(delay, self._submit, state, new, priority)
        else:
            self._submit(state, new, priority)
        return new.future

    def _supersede(self, old: _Job, new: _Job) -> None:
        """Drop an older version's work; whoever waited for it gets the newer result."""
        if old.timer is not None:
            old.timer.cancel()
        if old.work is not None:
            old.work.cancel()  # no effect once running: its result is then ignored

        def forward(done: asyncio.Future) -> None:
            if old.future.done():
                return
            if done.cancelled():
                old.future.cancel()
            elif done.exception() is not None:
                old.future.set_exception(done.exception())
            else:
                old.future.set_result(done.result())

        new.future.add_done_callback(forward)

    def _submit(self, state: _DocState, job: _Job, priority: int) -> None:
        job.timer = None
        doc = state.doc
        snapshot = Document(doc.uri, doc.path, doc.language_id, job.version, job.text, self.encoding)
        job.work = self.worker.submit(priority, self._analyse, snapshot, state.check_path)
        loop = self.loop
        job.work.add_done_callback(lambda work: loop.call_soon_threadsafe(self._job_done, state, job, work))

    def _analyse(self, doc: Document, check_path: Path | None) -> _Checked:
        """Analysis thread: check one snapshot and convert the result for the client."""
        started = time.perf_counter()
        with self.garbage.paused():
            try:
                if check_path is None:
                    analysis = Analysis(doc.uri, doc.version, doc.text)
                elif is_config(check_path):
                    analysis = self.analyzer.check_config(doc.uri, check_path, doc.version, doc.text)
                elif is_python(check_path, doc.language_id):
                    analysis = self.analyzer.check_python(doc.uri, check_path, doc.version, doc.text)
                else:
                    analysis = Analysis(doc.uri, doc.version, doc.text)
            except Exception:
                log.exception("checking %s failed", doc.uri)
                analysis = Analysis(doc.uri, doc.version, doc.text, problem="internal error")
            texts: dict[Path, str | None] = {}  # other files named by related information, read once

            def other_text(path: Path) -> str | None:
                if path not in texts:
                    texts[path] = self._file_text(path)
                return texts[path]

            lsp = [self.to_lsp(d, doc, stale=analysis.carried, other_text=other_text) for d in analysis.diagnostics]
        log.debug(
            "checked %s v%s in %.1f ms: %d diagnostics%s",
            doc.uri, doc.version, (time.perf_counter() - started) * 1000, len(lsp),
            " (kept from the last version that parsed)" if analysis.carried else "",
        )
        return _Checked(analysis, lsp)

    def to_lsp(self, diagnostic: Diagnostic, doc: Document, *, stale: bool = False, other_text=None) -> types.Diagnostic:
        return to_lsp_diagnostic(
            diagnostic,
            doc,
            url_for=self._rule_url,
            other_file_text=other_text or self._file_text,
            stale=stale,
        )

    def _rule_url(self, code: str) -> str | None:
        rule = self.analyzer.rules_by_code.get(code)
        return rule.url if rule is not None else None

    def _file_text(self, path: Path) -> str | None:
        try:  # called from the analysis thread: the dict may change meanwhile
            for state in list(self.states.values()):
                if state.doc.path == path:
                    return state.doc.text
        except RuntimeError:
            pass
        try:
            return read_source(path).text
        except SourceError:
            return None

    def _job_done(self, state: _DocState, job: _Job, work: Future) -> None:
        if state.job is job:
            state.job = None
        if work.cancelled():
            if not job.future.done():
                job.future.cancel()
            return
        if work.exception() is not None:  # _analyse catches everything; this is a bug
            log.error("analysis failed: %s", work.exception())
            if not job.future.done():
                job.future.set_exception(work.exception())
            return
        checked: _Checked = work.result()
        checked.result_id = str(next(self._result_ids))
        analysis = checked.analysis
        current = self.states.get(state.doc.uri) is state and state.doc.version == analysis.version
        if current:
            state.latest = checked
            if not self.pull:
                self.text_document_publish_diagnostics(
                    types.PublishDiagnosticsParams(uri=state.doc.uri, diagnostics=checked.lsp, version=analysis.version)
                )
            if analysis.summary_changed and state.check_path is not None:
                self.refresh_dependents([state.check_path])
        if not job.future.done():
            job.future.set_result(checked)

    # -- dependents ----------------------------------------------------------------------------------
    def refresh_dependents(self, changed: list[Path]) -> None:
        """Re-check the open files whose diagnostics may change with `changed` files."""
        candidates = {
            state.check_path: uri
            for uri, state in self.states.items()
            if state.check_path is not None and is_python(state.check_path, state.doc.language_id)
            and state.check_path not in changed
        }
        if not candidates:
            return

        async def work() -> None:
            found = await self.run(prio.DEPENDENTS, self.index.dependents, changed, list(candidates))
            self.recheck([candidates[p] for p in found if p in candidates])

        self.spawn(work())

    def recheck(self, uris: list[str] | None = None) -> None:
        """Forget the results of open documents (all when None) and check them again."""
        states = [self.states[u] for u in (uris if uris is not None else list(self.states)) if u in self.states]
        if not states:
            return
        for state in states:
            state.latest = None
        if self.pull:
            if self.supports("workspace.diagnostics.refresh_support"):
                self.send_request_quietly(types.WORKSPACE_DIAGNOSTIC_REFRESH, None)
            else:
                for state in states:  # keep our results current for the client's next pull
                    self.ensure_analysis(state, delay=0, priority=prio.DEPENDENTS)
            return
        for state in states:
            self.ensure_analysis(state, delay=0, priority=prio.DEPENDENTS)

    async def current(self, state: _DocState) -> _Checked:
        """The result for the current version (waiting for it if needed)."""
        return await asyncio.shield(self.ensure_analysis(state, delay=0, priority=prio.INTERACTIVE))

    # -- fixes ----------------------------------------------------------------------------------------
    def fixes_available(self) -> bool:
        """Can fixes be built here? If not, say why once (a window message and the log) and go on without."""
        problem = act.fixes_unavailable()
        if problem is None:
            return True
        if not self._fix_problem_reported:
            self._fix_problem_reported = True
            log.error("%s", problem)
            self.window_show_message(types.ShowMessageParams(type=types.MessageType.Warning, message=problem))
        return False

    # -- configuration errors ---------------------------------------------------------------------
    async def report_config_errors(self) -> None:
        errors = await self.run(prio.DEPENDENTS, self.analyzer.config_errors)
        open_paths = {state.doc.path for state in self.states.values()}
        published: set[str] = set()
        for error in errors:
            key = (str(error.path), error.line, error.key, error.message)
            if key not in self._config_warned:
                self._config_warned.add(key)
                message = f"looplint: {error} (using the default settings until it is fixed)"
                log.warning("%s", message)
                self.window_show_message(types.ShowMessageParams(type=types.MessageType.Warning, message=message))
            if self.pull or error.path in open_paths:
                continue  # open documents get their diagnostics through the normal path
            text = self._file_text(error.path)
            doc = Document(path_to_uri(error.path), error.path, "toml", 0, text or "", self.encoding)
            diagnostic = self.to_lsp(config_error_diagnostic(error, text), doc)
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=doc.uri, diagnostics=[diagnostic]))
            published.add(doc.uri)
        for uri in self._config_published - published:
            if uri not in self.states:
                self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
        self._config_published = published

    # -- workspace -----------------------------------------------------------------------------------
    async def index_workspace(self, folders=None) -> None:
        """Summarise every Python file of the workspace folders, with work-done progress."""
        started = time.perf_counter()
        token: str | None = None
        if self.supports("window.work_done_progress"):
            token = f"looplint-index-{uuid.uuid4()}"
            try:
                await asyncio.wait_for(self.work_done_progress.create_async(token), timeout=10)
            except Exception as exc:
                log.info("no progress reporting: %s", exc)
                token = None
        if token is not None:
            self.work_done_progress.begin(
                token, types.WorkDoneProgressBegin(title="looplint: indexing", cancellable=True, percentage=0)
            )
        files: list[Path] = []
        for folder in folders if folders is not None else list(self.analyzer.folders):
            files.extend(await self.run(prio.INDEX, self.index.list_files, folder))
        total = len(files)
        done = 0
        last_report = time.perf_counter()
        cancelled = False
        while done < total:
            if token is not None and self._progress_cancelled(token):
                cancelled = True
                break
            done += await self.run(prio.INDEX, self._index_slice, files, done)
            if token is not None and time.perf_counter() - last_report > 0.2:
                last_report = time.perf_counter()
                self.work_done_progress.report(
                    token,
                    types.WorkDoneProgressReport(message=f"{done}/{total} files", percentage=int(100 * done / total)),
                )
        await self.run(prio.INDEX, self.garbage.collect_when_idle)  # on the analysis thread: the loop stays free
        elapsed = time.perf_counter() - started
        summary = f"{'stopped after' if cancelled else 'indexed'} {done} files in {elapsed:.2f} s"
        if token is not None:
            self.work_done_progress.end(token, types.WorkDoneProgressEnd(message=summary))
        log.info("%s", summary)
        self.indexed.set()
        await self.report_config_errors()

    def _index_slice(self, files: list[Path], start: int) -> int:
        """Analysis thread: summarise files from `start` for at most INDEX_SLICE_SECONDS."""
        deadline = time.perf_counter() + INDEX_SLICE_SECONDS
        count = 0
        with self.garbage.paused():
            for path in files[start:]:
                try:
                    self.index.index_files([path])
                except Exception:
                    log.exception("indexing %s failed", path)
                count += 1
                if time.perf_counter() > deadline:
                    break
        return count

    def _progress_cancelled(self, token: str) -> bool:
        future = self.work_done_progress.tokens.get(token)
        return future is not None and future.cancelled()

    def register_watchers(self) -> None:
        if self.supports("workspace.did_change_watched_files.dynamic_registration"):
            options = types.DidChangeWatchedFilesRegistrationOptions(
                watchers=[types.FileSystemWatcher(glob_pattern=glob) for glob in WATCH_GLOBS]
            )
            registrations = [
                types.Registration(
                    id="looplint-watch-files", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES, register_options=options
                )
            ]
            if self.supports("workspace.did_change_configuration.dynamic_registration"):
                registrations.append(
                    types.Registration(id="looplint-configuration", method=types.WORKSPACE_DID_CHANGE_CONFIGURATION)
                )
            self.send_request_quietly(
                types.CLIENT_REGISTER_CAPABILITY, types.RegistrationParams(registrations=registrations)
            )
        else:
            log.info(
                "the client cannot watch files for us: changes made outside the editor are seen when a file is "
                "opened or saved"
            )

    async def files_changed(self, changes: list[tuple[Path, types.FileChangeType]]) -> None:
        """Files changed on disk: update the index, reload configuration, re-check what depends on them."""
        open_buffers = {s.check_path for s in self.states.values() if s.check_path is not None}
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
            elif is_config(path):
                config = True
            elif is_requirements(path):
                everything = True
        if not python and not config and not everything:
            return

        def update() -> None:
            for path, deleted in python:
                self.index.file_changed(path, deleted=deleted)
            if config or everything:
                self.index.forget_projects()
                self.analyzer.reload_config()

        await self.run(prio.INTERACTIVE, update)
        if config or everything:
            self.recheck()
            await self.report_config_errors()
        else:
            self.refresh_dependents([p for p, _ in python])


def _log_task_error(task: asyncio.Task) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("background task failed", exc_info=task.exception())


def _log_future_error(future, method: str) -> None:
    if future.cancelled():
        return
    exc = future.exception()
    if exc is not None:
        log.info("%s: the client answered with an error: %s", method, exc)


# =====================================================================================================
# Handlers


def create_server() -> LooplintServer:
    server = LooplintServer()

    @server.feature(types.INITIALIZE)
    def initialize(ls: LooplintServer, params: types.InitializeParams) -> None:
        ls.loop = asyncio.get_running_loop()
        ls.pull = bool(_cap(params.capabilities, "text_document.diagnostic"))
        # pygls negotiated it: the first of the client's positionEncodings it supports, else UTF-16.
        encoding = str(getattr(ls.workspace.position_encoding, "value", ls.workspace.position_encoding))
        ls.encoding = encoding if encoding in (UTF8, UTF16, UTF32) else UTF16
        ls.init_settings = ServerSettings.from_dict(extract_section(params.initialization_options))
        ls.settings = ls.init_settings
        ls.set_log_level(ls.settings.log_level)
        ls.analyzer.default_settings = ls.settings
        ls.analyzer.apply_settings(ls.analyzer.default, ls.settings)
        folders = [(f.uri, uri_to_path(f.uri)) for f in params.workspace_folders or []]
        if not folders and params.root_uri:
            folders = [(params.root_uri, uri_to_path(params.root_uri))]
        elif not folders and params.root_path:
            folders = [(Path(params.root_path).absolute().as_uri(), Path(params.root_path).absolute())]
        ls.analyzer.set_folders([(u, p) for u, p in folders if p is not None])
        log.info(
            "looplint %s: %s diagnostics, position encoding %s, %d workspace folder(s)",
            __version__, "pull" if ls.pull else "push", ls.encoding, len(ls.analyzer.folders),
        )

    @server.feature(types.INITIALIZED)
    async def initialized(ls: LooplintServer, params: types.InitializedParams) -> None:
        if await ls.refresh_settings():
            ls.recheck()  # documents opened before the settings arrived
        ls.register_watchers()
        ls.spawn(ls.index_workspace())

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: LooplintServer, params: None) -> None:
        ls.worker.stop()

    @server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    async def folders_changed(ls: LooplintServer, params: types.DidChangeWorkspaceFoldersParams) -> None:
        removed = {f.uri for f in params.event.removed}
        current = [(f.uri, f.path) for f in ls.analyzer.folders if f.uri not in removed]
        added = [(f.uri, uri_to_path(f.uri)) for f in params.event.added]
        ls.analyzer.set_folders(current + [(u, p) for u, p in added if p is not None])
        await ls.refresh_settings()
        new = [f for f in ls.analyzer.folders if f.uri in {u for u, _ in added}]
        ls.spawn(ls.index_workspace(new))
        ls.recheck()

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def configuration_changed(ls: LooplintServer, params: types.DidChangeConfigurationParams) -> None:
        payload = params.settings if params.settings is not None else {}
        if await ls.refresh_settings(payload):
            log.info("settings changed: checking open files again")
        ls.recheck()  # also when only the fix settings changed: cheap, and results stay honest

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    async def watched_files_changed(ls: LooplintServer, params: types.DidChangeWatchedFilesParams) -> None:
        changes = []
        for change in params.changes:
            path = uri_to_path(change.uri)
            if path is not None:
                changes.append((path, change.type))
        await ls.files_changed(changes)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: LooplintServer, params: types.DidOpenTextDocumentParams) -> None:
        item = params.text_document
        doc = Document(item.uri, uri_to_path(item.uri), item.language_id, item.version, item.text, ls.encoding)
        state = _DocState(doc, ls.check_path_for(doc))
        old = ls.states.get(item.uri)
        if old is not None and old.job is not None and old.job.timer is not None:
            old.job.timer.cancel()
        ls.states[item.uri] = state
        ls.ensure_analysis(state, delay=0, priority=prio.DIAGNOSE)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: LooplintServer, params: types.DidChangeTextDocumentParams) -> None:
        state = ls.states.get(params.text_document.uri)
        if state is None:
            log.warning("didChange for a document that is not open: %s", params.text_document.uri)
            return
        state.doc.apply_changes(params.content_changes, params.text_document.version)
        ls.ensure_analysis(state, delay=DEBOUNCE_SECONDS, priority=prio.DIAGNOSE)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE, types.SaveOptions(include_text=False))
    async def did_save(ls: LooplintServer, params: types.DidSaveTextDocumentParams) -> None:
        path = uri_to_path(params.text_document.uri)
        if path is not None and (is_config(path) or is_requirements(path)):
            # Clients that cannot watch files still tell us about saved configuration.
            await ls.files_changed([(path, types.FileChangeType.Changed)])

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    async def did_close(ls: LooplintServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        state = ls.states.pop(uri, None)
        if state is None:
            return
        if state.job is not None:
            if state.job.timer is not None:
                state.job.timer.cancel()
            if state.job.work is not None:
                state.job.work.cancel()
        if not ls.pull:
            ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
        changed = await ls.run(prio.DIAGNOSE, ls.analyzer.close, uri, state.check_path)
        if changed and state.check_path is not None:
            ls.refresh_dependents([state.check_path])

    @server.feature(
        types.TEXT_DOCUMENT_DIAGNOSTIC,
        types.DiagnosticOptions(identifier="looplint", inter_file_dependencies=True, workspace_diagnostics=False),
    )
    async def pull_diagnostics(ls: LooplintServer, params: types.DocumentDiagnosticParams):
        state = ls.states.get(params.text_document.uri)
        if state is None:
            return types.RelatedFullDocumentDiagnosticReport(items=[])
        checked = await ls.current(state)
        if params.previous_result_id and params.previous_result_id == checked.result_id:
            return types.RelatedUnchangedDocumentDiagnosticReport(result_id=checked.result_id)
        return types.RelatedFullDocumentDiagnosticReport(items=checked.lsp, result_id=checked.result_id)

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(
            code_action_kinds=[types.CodeActionKind.QuickFix, act.FIX_ALL], resolve_provider=True
        ),
    )
    async def code_action(ls: LooplintServer, params: types.CodeActionParams):
        return await _code_actions(ls, params)

    @server.feature(types.CODE_ACTION_RESOLVE)
    async def code_action_resolve(ls: LooplintServer, action: types.CodeAction) -> types.CodeAction:
        return await _resolve_action(ls, action)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    async def hover(ls: LooplintServer, params: types.HoverParams):
        return await _hover(ls, params)

    return server


# -- code actions ------------------------------------------------------------------------------------


async def _code_actions(ls: LooplintServer, params: types.CodeActionParams) -> list[types.CodeAction] | None:
    state = ls.states.get(params.text_document.uri)
    if state is None or state.check_path is None:
        return None
    config_file = is_config(state.check_path)
    if not config_file and not is_python(state.check_path, state.doc.language_id):
        return None
    doc = state.doc
    only = [_value(k) for k in params.context.only] if params.context.only else None
    resolve = "edit" in (_cap(ls.caps, "text_document.code_action.resolve_support.properties") or [])
    document_changes = ls.supports("workspace.workspace_edit.document_changes")
    actions: list[types.CodeAction] = []
    snapshot = Document(doc.uri, doc.path, doc.language_id, doc.version, doc.text, ls.encoding)

    fixes = ls.fixes_available()
    if act.kind_wanted(only, act.QUICKFIX):
        fix_actions = []
        suppress_actions = []
        suppressed: set[tuple[int, str]] = set()
        for lsp_diag in params.context.diagnostics:
            try:
                diagnostic, data = from_lsp_diagnostic(lsp_diag, state.check_path)
            except BadData:
                continue
            fresh = data.get("uri") == doc.uri and data.get("version") == doc.version and not data.get("stale")
            if diagnostic.fix_applicability and fresh and fixes:
                title = diagnostic.fix_message or f"Fix {diagnostic.code}"
                action = types.CodeAction(
                    title=f"{title} ({diagnostic.code})" if diagnostic.code not in title else title,
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[lsp_diag],
                    is_preferred=diagnostic.fix_applicability == "safe",
                    data={"action": "fix", "uri": doc.uri, "version": doc.version, "diagnostic": data,
                          "message": lsp_diag.message, "severity": lsp_diag.severity},
                )
                if not resolve:
                    edits = await ls.run(prio.INTERACTIVE, act.build_fix, ls.analyzer, snapshot.text, diagnostic)
                    if not edits:
                        continue
                    action.edit = workspace_edit(snapshot, edits, document_changes=document_changes)
                fix_actions.append(action)
            # Suppression: on the line the user sees the diagnostic on.
            line1 = diagnostic.range.line if fresh else lsp_diag.range.start.line + 1
            # Suppression comments are for Python files (config diagnostics: `ignore` in [tool.looplint]).
            if diagnostic.code and not config_file and (line1, diagnostic.code) not in suppressed:
                suppressed.add((line1, diagnostic.code))
                edit = await ls.run(prio.INTERACTIVE, act.suppression_edit, snapshot.text, line1, diagnostic.code)
                if edit is not None:
                    suppress_actions.append(
                        types.CodeAction(
                            title=f"Suppress {diagnostic.code} on this line",
                            kind=types.CodeActionKind.QuickFix,
                            diagnostics=[lsp_diag],
                            edit=workspace_edit(snapshot, [edit], document_changes=document_changes),
                        )
                    )
        actions.extend(fix_actions)
        actions.extend(suppress_actions)

    if fixes and act.kind_wanted(only, act.FIX_ALL):
        unsafe = ls.analyzer.folder_for(state.check_path).settings.unsafe_fixes
        analysis = (await ls.current(state)).analysis
        applicable = [
            d for d in analysis.diagnostics
            if d.fix_applicability == "safe" or (unsafe and d.fix_applicability == "unsafe")
        ]
        if analysis.version == doc.version and not analysis.carried and (applicable or act.explicitly_wanted(only, act.FIX_ALL)):
            action = types.CodeAction(
                title="looplint: fix all auto-fixable problems",
                kind=act.FIX_ALL,
                data={"action": "fixAll", "uri": doc.uri, "version": doc.version, "unsafe": unsafe},
            )
            if not resolve or not applicable:
                edits = await ls.run(
                    prio.INTERACTIVE, act.build_fix_all, ls.analyzer, state.check_path, snapshot.text, unsafe
                ) if applicable else []
                if edits:
                    action.edit = workspace_edit(snapshot, edits, document_changes=document_changes)
                    actions.append(action)
            else:
                actions.append(action)
    return actions


async def _resolve_action(ls: LooplintServer, action: types.CodeAction) -> types.CodeAction:
    data = action.data if isinstance(action.data, dict) else None
    if data is None or data.get("action") not in ("fix", "fixAll") or not isinstance(data.get("uri"), str):
        return action  # not ours, or already complete
    state = ls.states.get(data["uri"])
    if state is None or state.check_path is None:
        raise JsonRpcException(code=CONTENT_MODIFIED, message="looplint: the document is no longer open")
    doc = state.doc
    if data.get("version") != doc.version:
        raise JsonRpcException(
            code=CONTENT_MODIFIED, message="looplint: the document changed; ask for the code action again"
        )
    snapshot = Document(doc.uri, doc.path, doc.language_id, doc.version, doc.text, ls.encoding)
    document_changes = ls.supports("workspace.workspace_edit.document_changes")
    if data["action"] == "fix":
        lsp_diag = types.Diagnostic(
            range=types.Range(start=types.Position(line=0, character=0), end=types.Position(line=0, character=0)),
            message=str(data.get("message") or ""),
            source="looplint",
            data=data.get("diagnostic"),
        )
        try:
            diagnostic, _ = from_lsp_diagnostic(lsp_diag, state.check_path)
        except BadData as exc:
            raise JsonRpcException(code=-32602, message=f"looplint: malformed code action data: {exc}") from None
        edits = await ls.run(prio.INTERACTIVE, act.build_fix, ls.analyzer, snapshot.text, diagnostic)
    else:
        edits = await ls.run(
            prio.INTERACTIVE, act.build_fix_all, ls.analyzer, state.check_path, snapshot.text, bool(data.get("unsafe"))
        )
    if doc.version != snapshot.version:
        raise JsonRpcException(code=CONTENT_MODIFIED, message="looplint: the document changed while the fix was built")
    if not edits and data["action"] == "fix":
        raise JsonRpcException(code=-32803, message="looplint: this fix cannot be applied to the current code")
    action.edit = workspace_edit(snapshot, edits or [], document_changes=document_changes)
    return action


# -- hover ---------------------------------------------------------------------------------------------


async def _hover(ls: LooplintServer, params: types.HoverParams) -> types.Hover | None:
    state = ls.states.get(params.text_document.uri)
    if state is None or state.check_path is None:
        return None
    config_file = is_config(state.check_path)
    if not config_file and not is_python(state.check_path, state.doc.language_id):
        return None
    doc = state.doc
    line1, col = doc.engine_position(params.position)
    markdown = "markdown" in [_value(k) for k in (_cap(ls.caps, "text_document.hover.content_format") or ["markdown"])]
    kind = types.MarkupKind.Markdown if markdown else types.MarkupKind.PlainText

    found = None if config_file else code_in_suppression(doc.line_text(line1), col)
    if found is not None:
        code, start, end, ours = found
        rule = ls.analyzer.rules_by_code.get(code)
        if rule is None and not ours:
            return None  # another tool's noqa code
        text = rule_markdown(rule) if rule is not None else f"`{code}` is not a looplint rule code (see `looplint rules`)."
        return types.Hover(
            contents=types.MarkupContent(kind=kind, value=text),
            range=types.Range(start=doc.lsp_position(line1, start), end=doc.lsp_position(line1, end)),
        )

    analysis = (await ls.current(state)).analysis
    if analysis.version != doc.version:
        return None  # the document moved on while we checked; the client will ask again
    hits = [d for d in analysis.diagnostics if d.range.contains(line1, col)]
    if not hits:
        return None
    parts = [diagnostic_markdown(d, ls.analyzer.rules_by_code.get(d.code)) for d in hits]
    first = hits[0].range
    return types.Hover(
        contents=types.MarkupContent(kind=kind, value="\n\n---\n\n".join(parts)),
        range=doc.lsp_range(first),
    )


# -- entry point -----------------------------------------------------------------------------------------


class _AnsweredErrors(logging.Filter):
    """Drop pygls' tracebacks for errors the client already got as a JSON-RPC answer."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, JsonRpcException):
            return False
        return not record.getMessage().startswith("Unable to deserialize message")


def run_stdio() -> None:
    """Serve on stdin/stdout. Nothing but protocol messages ever reaches the real stdout."""
    protocol_out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    # Anything else written to stdout (a print() in a plugin, a C library) goes to stderr.
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    sys.stdout = sys.stderr
    stdin = sys.stdin.buffer

    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="looplint: %(levelname)s: %(message)s")
    server = create_server()
    looplint_log = logging.getLogger("looplint")
    looplint_log.setLevel(logging.DEBUG)
    looplint_log.addHandler(server.log_handler)
    looplint_log.propagate = False
    logging.getLogger("pygls").setLevel(logging.ERROR)
    for handler in logging.getLogger().handlers:  # filters on handlers see the records of child loggers
        handler.addFilter(_AnsweredErrors())
    transport.serve(server, stdin, protocol_out)  # not pygls' reader: see transport
