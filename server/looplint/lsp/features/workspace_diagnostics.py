"""The workspace's diagnostics for the client: `workspace/diagnostic`, push, *Check Workspace*.

Pull clients keep a `workspace/diagnostic` request open (VS Code sends the next
one two seconds after each answer). The server holds it until it has something
the client does not: entries whose result id the client lacks. While a run
goes on, entries are streamed as partial results when the client gave a token;
the answer comes when the run is over. Push clients get `publishDiagnostics`
for the entries of files that are not open.

*Check Workspace* (`looplint.server.checkWorkspace`: a command for any client, and the
request `looplint/checkWorkspace` the VS Code extension sends with its own
progress token) turns the report on for the session and waits for the run,
reporting progress; cancelling it stops the run (what was checked stays).
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from ..workspace_report import Entry

if TYPE_CHECKING:
    from ..server import LooplintServer

log = logging.getLogger("looplint.lsp")

# Server commands are named apart from the extension's own (`looplint.checkWorkspace`): VS Code's
# language client registers every server command as a VS Code command, and the same name twice fails.
CHECK_WORKSPACE = "looplint.server.checkWorkspace"
CHECK_WORKSPACE_REQUEST = "looplint/checkWorkspace"
PARTIAL_EVERY_SECONDS = 0.2
ANSWER_WITHIN_SECONDS = 2.0  # without partial results: the answer waits for the run, at most this long


# -- pull -----------------------------------------------------------------------------------------


async def pull(ls: LooplintServer, params: types.WorkspaceDiagnosticParams) -> types.WorkspaceDiagnosticReport:
    report = ls.report
    known = {item.uri: item.value for item in params.previous_result_ids or []}
    token = params.partial_result_token
    streamed = False
    last_partial = 0.0
    first_pending: float | None = None
    while not report.closed:
        pending = report.entries_unknown_to(known)
        now = time.perf_counter()
        if pending and first_pending is None:
            first_pending = now
        if pending and report.running and token is not None:
            if now - last_partial >= PARTIAL_EVERY_SECONDS:  # stream what is there, the run goes on
                last_partial = now
                ls.progress(
                    types.ProgressParams(
                        token=token, value=types.WorkspaceDiagnosticReportPartialResult(items=_reports(pending))
                    )
                )
                known.update((e.uri, e.result_id) for e in pending)
                streamed = True
        elif pending and (not report.running or now - first_pending >= ANSWER_WITHIN_SECONDS):
            return types.WorkspaceDiagnosticReport(items=_reports(pending))
        elif streamed and not report.running:
            return types.WorkspaceDiagnosticReport(items=[])
        if report.running and (pending or streamed):
            await asyncio.sleep(PARTIAL_EVERY_SECONDS)
        else:
            await report.wait_for_change()
    return types.WorkspaceDiagnosticReport(items=[])


def _reports(entries: list[Entry]) -> list[types.WorkspaceFullDocumentDiagnosticReport]:
    return [
        types.WorkspaceFullDocumentDiagnosticReport(uri=e.uri, items=e.items, version=None, result_id=e.result_id)
        for e in entries
    ]


# -- push -----------------------------------------------------------------------------------------


class Publisher:
    """Push clients: the entries of files that are not open, published as they change."""

    def __init__(self, ls: LooplintServer):
        self.ls = ls
        self.published: set[str] = set()  # URIs whose last publication had diagnostics

    def __call__(self, entries: list[Entry]) -> None:
        open_uris = set(self.ls.states)
        for entry in entries:
            if entry.uri in open_uris:
                continue
            if not entry.items and entry.uri not in self.published:
                continue
            self.ls.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=entry.uri, diagnostics=entry.items)
            )
            if entry.items:
                self.published.add(entry.uri)
            else:
                self.published.discard(entry.uri)


# -- scope and Check Workspace ---------------------------------------------------------------------


async def apply_scope(ls: LooplintServer, *, recompute: bool = True) -> None:
    """The settings arrived or changed: start, adjust or stop reporting the whole workspace."""
    report = ls.report
    if any(report.wanted(folder) for folder in ls.analyzer.folders):
        await report.activate(recompute=recompute)
    else:
        report.deactivate()


async def check_workspace_request(ls: LooplintServer, params: Any) -> dict:
    """`looplint/checkWorkspace {workDoneToken?}`: the VS Code extension shows the progress itself."""
    token = _get(params, "workDoneToken") or _get(params, "work_done_token")
    return await check_workspace(ls, token, server_token=False)


async def check_workspace_command(ls, *args: Any) -> dict:  # no annotation on ls: pygls reads the hints of commands
    """The `looplint.server.checkWorkspace` command: progress on a token the server creates (cancellable)."""
    return await check_workspace(ls, None, server_token=True)


async def server_progress(ls: LooplintServer, name: str, title: str) -> str | None:
    """A work-done progress the server creates and begins (cancellable), or None if the client has none."""
    if not ls.supports("window.work_done_progress"):
        return None
    token = f"looplint-{name}-{uuid.uuid4()}"
    try:
        await asyncio.wait_for(ls.work_done_progress.create_async(token), timeout=10)
    except Exception as exc:
        log.info("no progress reporting: %s", exc)
        return None
    ls.work_done_progress.begin(token, types.WorkDoneProgressBegin(title=title, cancellable=True, percentage=0))
    return token


async def check_workspace(ls: LooplintServer, token: Any, *, server_token: bool) -> dict:
    report = ls.report
    started = time.perf_counter()
    if server_token:
        token = await server_progress(ls, "check", "looplint: checking the workspace")
    elif token is not None:
        ls.work_done_progress.begin(
            token, types.WorkDoneProgressBegin(title="looplint: checking the workspace", cancellable=True, percentage=0)
        )
    report.requested = True
    cancelled = False
    try:
        await report.activate()
        while report.running:
            if server_token and token is not None and _cancelled(ls, token):
                cancelled = True
                report.stop()
                break
            if token is not None:
                done, total = report.progress.done, max(report.progress.total, 1)
                ls.work_done_progress.report(
                    token,
                    types.WorkDoneProgressReport(message=f"{done}/{total} files", percentage=min(99, 100 * done // total)),
                )
            await asyncio.sleep(0.2)
    except asyncio.CancelledError:  # the client cancelled the request
        cancelled = True
        report.stop()
        raise
    finally:
        files = report.progress.done
        problems = sum(len(e.items) for e in report.entries.values())
        summary = (
            f"{'stopped after' if cancelled else 'checked'} {files} files in {time.perf_counter() - started:.1f} s: "
            f"{problems} problem{'s' if problems != 1 else ''}"
        )
        if token is not None:
            ls.work_done_progress.end(token, types.WorkDoneProgressEnd(message=summary))
        log.info("check workspace: %s", summary)
    return {"files": files, "problems": problems, "cancelled": cancelled, "message": summary}


def _cancelled(ls: LooplintServer, token: Any) -> bool:
    future = ls.work_done_progress.tokens.get(token)
    return future is not None and future.cancelled()


def _get(params: Any, key: str) -> Any:
    if isinstance(params, dict):
        return params.get(key)
    return getattr(params, key, None)
