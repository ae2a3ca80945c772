// "looplint: Fix All in File": asks the server for its source.fixAll.looplint action on the whole
// active document and applies it, exactly what `editor.codeActionsOnSave` would do.
import * as vscode from 'vscode';

export const FIX_ALL_KIND = vscode.CodeActionKind.SourceFixAll.append('looplint');

export async function fixAllInActiveEditor(log: vscode.LogOutputChannel): Promise<boolean> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showInformationMessage('looplint: open a file to fix first.');
    return false;
  }
  const document = editor.document;
  const whole = new vscode.Range(0, 0, document.lineCount, 0);
  // The last argument asks VS Code to resolve the action's edit if the server defers it.
  const actions =
    (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', document.uri, whole, FIX_ALL_KIND.value, 1)) ?? [];
  const action = actions.find((a) => a.kind !== undefined && FIX_ALL_KIND.contains(a.kind));
  if (!action || (!action.edit && !action.command)) {
    log.info(`Fix all: nothing to fix in ${document.uri.fsPath}`);
    void vscode.window.showInformationMessage('looplint: nothing to fix in this file.');
    return false;
  }
  if (action.edit && !(await vscode.workspace.applyEdit(action.edit))) {
    log.warn(`Fix all: VS Code refused the edit for ${document.uri.fsPath}`);
    return false;
  }
  if (action.command) {
    const args: unknown[] = action.command.arguments ?? [];
    await vscode.commands.executeCommand(action.command.command, ...args);
  }
  log.info(`Fix all: applied "${action.title}" to ${document.uri.fsPath}`);
  return true;
}
