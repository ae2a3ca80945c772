// The interpreter selected in Microsoft's Python extension, if that extension is installed.
// It is optional on purpose (no extensionDependencies): offline installs such as code-server
// cannot get it, and looplint must work without it. Its API is typed here structurally, only as
// far as we use it, and every step is checked, since we cannot pin its version.
import * as vscode from 'vscode';

export const PYTHON_EXTENSION_ID = 'ms-python.python';

interface EnvironmentsApi {
  getActiveEnvironmentPath(resource?: vscode.Uri): { path: string } | undefined;
  resolveEnvironment(env: { path: string } | string): Promise<{ executable?: { uri?: vscode.Uri } } | undefined>;
  onDidChangeActiveEnvironmentPath?: vscode.Event<unknown>;
}

interface LegacySettingsApi {
  getExecutionDetails(resource?: vscode.Uri): { execCommand?: string[] };
  onDidChangeExecutionDetails?: vscode.Event<unknown>;
}

interface PythonApi {
  environments?: EnvironmentsApi;
  settings?: LegacySettingsApi;
}

async function api(): Promise<PythonApi | undefined> {
  const extension = vscode.extensions.getExtension<PythonApi>(PYTHON_EXTENSION_ID);
  if (!extension) {
    return undefined;
  }
  const exported = extension.isActive ? extension.exports : await extension.activate();
  return exported && typeof exported === 'object' ? exported : undefined;
}

/** The selected interpreter's executable, or undefined (no extension, nothing selected, API changed). */
export async function selectedInterpreter(resource: vscode.Uri | undefined, log: (m: string) => void): Promise<string | undefined> {
  try {
    const python = await api();
    if (!python) {
      return undefined;
    }
    const environments = python.environments;
    if (environments && typeof environments.getActiveEnvironmentPath === 'function') {
      const active = environments.getActiveEnvironmentPath(resource);
      if (active?.path) {
        const resolved = await environments.resolveEnvironment(active);
        return resolved?.executable?.uri?.fsPath ?? active.path;
      }
    }
    const command = python.settings?.getExecutionDetails?.(resource).execCommand;
    if (command && command.length === 1 && command[0]) {
      return command[0];
    }
  } catch (err) {
    log(`Could not ask the Python extension for its interpreter: ${String(err)}`);
  }
  return undefined;
}

/** Calls `listener` when the Python extension's selected interpreter changes. */
export async function onInterpreterChange(listener: () => void): Promise<vscode.Disposable | undefined> {
  try {
    const python = await api();
    const event = python?.environments?.onDidChangeActiveEnvironmentPath ?? python?.settings?.onDidChangeExecutionDetails;
    return event ? event(() => { listener(); }) : undefined;
  } catch {
    return undefined;
  }
}
