// The status bar item: starting / ready / failed / stopped. Clicking it opens the logs.
import * as vscode from 'vscode';

export type ServerState = 'starting' | 'ready' | 'failed' | 'stopped';

export interface StatusView {
  text: string;
  tooltip: string;
  error: boolean;
}

/** Pure, so the wording is unit-tested without a status bar. */
export function statusView(state: ServerState, detail?: string): StatusView {
  switch (state) {
    case 'starting':
      return { text: '$(sync~spin) looplint', tooltip: 'looplint: starting the server…', error: false };
    case 'ready':
      return { text: '$(check) looplint', tooltip: `looplint: server ready${detail ? `\n${detail}` : ''}`, error: false };
    case 'failed':
      return { text: '$(error) looplint', tooltip: `looplint: server failed${detail ? `: ${detail}` : ''}\nClick to show the logs.`, error: true };
    case 'stopped':
      return { text: '$(circle-slash) looplint', tooltip: 'looplint: server stopped', error: false };
  }
}

export class StatusItem implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  state: ServerState = 'stopped';

  constructor(showLogsCommand: string) {
    this.item = vscode.window.createStatusBarItem('looplint.status', vscode.StatusBarAlignment.Right, 100);
    this.item.name = 'looplint';
    this.item.command = showLogsCommand;
  }

  set(state: ServerState, detail?: string): void {
    this.state = state;
    const view = statusView(state, detail);
    this.item.text = view.text;
    this.item.tooltip = view.tooltip;
    // The accessibility label doubles as a stable hook for the end-to-end test.
    this.item.accessibilityInformation = { label: `looplint server ${state}` };
    this.item.backgroundColor = view.error ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
