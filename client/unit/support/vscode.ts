// A stand-in for the `vscode` module, just big enough for the client modules under test. Tests
// set `state` to describe the editor (trust, configuration, installed extensions, command results)
// and read back what the code did (status bar items, applied edits, messages).

export class Uri {
  private constructor(readonly fsPath: string) {}
  static file(p: string): Uri {
    return new Uri(p);
  }
  toString(): string {
    return `file://${this.fsPath}`;
  }
}

export class Range {
  constructor(
    readonly startLine: number,
    readonly startCharacter: number,
    readonly endLine: number,
    readonly endCharacter: number,
  ) {}
}

export class CodeActionKind {
  static readonly Empty = new CodeActionKind('');
  static readonly QuickFix = new CodeActionKind('quickfix');
  static readonly SourceFixAll = new CodeActionKind('source.fixAll');
  private constructor(readonly value: string) {}
  append(part: string): CodeActionKind {
    return new CodeActionKind(this.value ? `${this.value}.${part}` : part);
  }
  contains(other: CodeActionKind): boolean {
    return this.value === other.value || other.value.startsWith(`${this.value}.`);
  }
}

export class ThemeColor {
  constructor(readonly id: string) {}
}

export enum StatusBarAlignment {
  Left = 1,
  Right = 2,
}

export interface FakeStatusBarItem {
  id: string;
  alignment: StatusBarAlignment;
  priority: number;
  name?: string;
  text: string;
  tooltip?: string;
  command?: string;
  backgroundColor?: ThemeColor;
  accessibilityInformation?: { label: string };
  visible: boolean;
  show(): void;
  dispose(): void;
}

export interface FakeExtension {
  isActive: boolean;
  exports: unknown;
  activate(): Promise<unknown>;
}

type Listener = (e: unknown) => void;

export class EventEmitter {
  private listeners: Listener[] = [];
  readonly event = (listener: Listener): { dispose(): void } => {
    this.listeners.push(listener);
    return { dispose: () => (this.listeners = this.listeners.filter((l) => l !== listener)) };
  };
  fire(e: unknown): void {
    for (const l of this.listeners) {
      l(e);
    }
  }
}

export enum ProgressLocation {
  SourceControl = 1,
  Window = 10,
  Notification = 15,
}

/** A cancellation token whose `cancel()` tests call. */
export class FakeCancellation {
  isCancellationRequested = false;
  private listeners: Array<() => void> = [];
  onCancellationRequested = (listener: () => void): { dispose(): void } => {
    this.listeners.push(listener);
    return { dispose: () => undefined };
  };
  cancel(): void {
    this.isCancellationRequested = true;
    for (const l of this.listeners) l();
  }
}

export const state = {
  isTrusted: true,
  config: {} as Record<string, unknown>,
  extensions: {} as Record<string, FakeExtension | undefined>,
  statusItems: [] as FakeStatusBarItem[],
  messages: [] as string[],
  appliedEdits: [] as unknown[],
  applyEditResult: true,
  executed: [] as Array<{ command: string; args: unknown[] }>,
  commandResults: {} as Record<string, unknown>,
  activeTextEditor: undefined as undefined | { document: { uri: Uri; lineCount: number } },
  progress: [] as Array<{ title?: string; location: ProgressLocation; cancellable?: boolean; reports: Array<{ message?: string; increment?: number }> }>,
  cancellation: new FakeCancellation(),
};

export function reset(): void {
  state.isTrusted = true;
  state.config = {};
  state.extensions = {};
  state.statusItems = [];
  state.messages = [];
  state.appliedEdits = [];
  state.applyEditResult = true;
  state.executed = [];
  state.commandResults = {};
  state.activeTextEditor = undefined;
  state.progress = [];
  state.cancellation = new FakeCancellation();
}

export const workspace = {
  get isTrusted(): boolean {
    return state.isTrusted;
  },
  workspaceFolders: undefined,
  getConfiguration(section: string) {
    const key = (k: string): string => `${section}.${k}`;
    return {
      get: (k: string): unknown => state.config[key(k)],
      inspect: (k: string) => ({ key: key(k), globalValue: state.config[`user:${key(k)}`] }),
    };
  },
  applyEdit(edit: unknown): Promise<boolean> {
    state.appliedEdits.push(edit);
    return Promise.resolve(state.applyEditResult);
  },
};

export const extensions = {
  getExtension(id: string): FakeExtension | undefined {
    return state.extensions[id];
  },
};

export const commands = {
  executeCommand(command: string, ...args: unknown[]): Promise<unknown> {
    state.executed.push({ command, args });
    return Promise.resolve(state.commandResults[command]);
  },
};

export const window = {
  get activeTextEditor() {
    return state.activeTextEditor;
  },
  createStatusBarItem(id: string, alignment: StatusBarAlignment, priority: number): FakeStatusBarItem {
    const item: FakeStatusBarItem = {
      id,
      alignment,
      priority,
      text: '',
      visible: false,
      show() {
        item.visible = true;
      },
      dispose() {
        item.visible = false;
      },
    };
    state.statusItems.push(item);
    return item;
  },
  showInformationMessage(message: string): Promise<undefined> {
    state.messages.push(message);
    return Promise.resolve(undefined);
  },
  showErrorMessage(message: string): Promise<undefined> {
    state.messages.push(message);
    return Promise.resolve(undefined);
  },
  showWarningMessage(message: string): Promise<undefined> {
    state.messages.push(message);
    return Promise.resolve(undefined);
  },
  withProgress<T>(
    options: { title?: string; location: ProgressLocation; cancellable?: boolean },
    task: (progress: { report(value: { message?: string; increment?: number }): void }, token: FakeCancellation) => Promise<T>,
  ): Promise<T> {
    const record = { ...options, reports: [] as Array<{ message?: string; increment?: number }> };
    state.progress.push(record);
    return task({ report: (value) => record.reports.push(value) }, state.cancellation);
  },
};

/** A log channel that remembers its lines. */
export function fakeLog(): { lines: string[]; info(m: string): void; warn(m: string): void; error(m: string): void; show(): void } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => lines.push(`info ${m}`),
    warn: (m) => lines.push(`warn ${m}`),
    error: (m) => lines.push(`error ${m}`),
    show: () => undefined,
  };
}
