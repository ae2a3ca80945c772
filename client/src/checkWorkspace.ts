// "looplint: Check Workspace": the server checks every file of the workspace and the Problems panel
// fills in as it goes (the server's workspace diagnostics); a notification shows the progress and
// its Cancel button stops the check (what was checked stays in the panel).
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { WorkDoneProgress, WorkDoneProgressBegin, WorkDoneProgressReport } from 'vscode-languageserver-protocol';

export const CHECK_WORKSPACE_REQUEST = 'looplint/checkWorkspace';

export interface CheckResult {
  files: number;
  problems: number;
  cancelled: boolean;
  message: string;
}

/** Progress values from the server as increments for `vscode.Progress` (which wants the difference). */
export function progressStep(previous: number, value: WorkDoneProgressBegin | WorkDoneProgressReport): { message?: string; increment: number; now: number } {
  const now = typeof value.percentage === 'number' ? Math.max(previous, Math.min(100, value.percentage)) : previous;
  return { message: value.message, increment: now - previous, now };
}

export async function checkWorkspace(client: LanguageClient | undefined, log: vscode.LogOutputChannel): Promise<CheckResult | undefined> {
  if (!client || !client.isRunning()) {
    void vscode.window.showWarningMessage('looplint: the server is not running (see looplint: Show Logs).');
    return undefined;
  }
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'looplint: checking the workspace', cancellable: true },
    async (progress, token) => {
      const workDoneToken = `looplint-check-workspace-${Date.now()}`;
      let shown = 0;
      const subscription = client.onProgress(WorkDoneProgress.type, workDoneToken, (value) => {
        if (value.kind === 'begin' || value.kind === 'report') {
          const step = progressStep(shown, value);
          shown = step.now;
          progress.report({ message: step.message, increment: step.increment });
        }
      });
      try {
        const result = await client.sendRequest<CheckResult>(CHECK_WORKSPACE_REQUEST, { workDoneToken }, token);
        log.info(`Check Workspace: ${result.message}`);
        if (!result.cancelled) {
          void vscode.commands.executeCommand('workbench.actions.view.problems');
        }
        void vscode.window.showInformationMessage(`looplint: ${result.message}`);
        return result;
      } catch (err) {
        if (token.isCancellationRequested) {
          log.info('Check Workspace: cancelled');
          return undefined;
        }
        log.error(`Check Workspace failed: ${String(err)}`);
        void vscode.window.showErrorMessage(`looplint: Check Workspace failed: ${String(err)}`);
        return undefined;
      } finally {
        subscription.dispose();
      }
    },
  );
}
