// Entry point of the looplint VS Code extension: a thin client that starts `looplint server`.
import * as vscode from 'vscode';
import { checkWorkspace } from './checkWorkspace';
import { ServerController } from './controller';
import { fixAllInActiveEditor } from './fixAll';
import { onInterpreterChange } from './pythonExtension';
import { RESTART_KEYS, SECTION } from './settings';
import { StatusItem } from './status';

let controller: ServerController | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const log = vscode.window.createOutputChannel('looplint', { log: true });
  const status = new StatusItem('looplint.showLogs');
  const ctl = new ServerController(context.extensionPath, log, status);
  controller = ctl;
  context.subscriptions.push(
    log,
    status,
    vscode.commands.registerCommand('looplint.restart', () => ctl.restart('Restart Server command')),
    vscode.commands.registerCommand('looplint.showLogs', () => { log.show(); }),
    vscode.commands.registerCommand('looplint.fixAll', () => fixAllInActiveEditor(log)),
    vscode.commands.registerCommand('looplint.checkWorkspace', () => checkWorkspace(ctl.running, log)),
    vscode.workspace.onDidChangeConfiguration((event) => {
      // Other looplint.* settings reach the running server through didChangeConfiguration.
      if (RESTART_KEYS.some((key) => event.affectsConfiguration(`${SECTION}.${key}`))) {
        void ctl.restart('launch settings changed');
      }
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void ctl.restart('workspace trusted')),
  );
  const interpreterWatch = await onInterpreterChange(() => void ctl.restart('Python extension interpreter changed'));
  if (interpreterWatch) {
    context.subscriptions.push(interpreterWatch);
  }
  await ctl.restart('activation');
}

export async function deactivate(): Promise<void> {
  await controller?.stop();
  controller = undefined;
}
