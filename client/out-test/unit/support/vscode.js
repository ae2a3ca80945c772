"use strict";
// A stand-in for the `vscode` module, just big enough for the client modules under test. Tests
// set `state` to describe the editor (trust, configuration, installed extensions, command results)
// and read back what the code did (status bar items, applied edits, messages).
/* eslint-disable @typescript-eslint/no-extraneous-class */
Object.defineProperty(exports, "__esModule", { value: true });
exports.window = exports.commands = exports.extensions = exports.workspace = exports.state = exports.EventEmitter = exports.StatusBarAlignment = exports.ThemeColor = exports.CodeActionKind = exports.Range = exports.Uri = void 0;
exports.reset = reset;
exports.fakeLog = fakeLog;
class Uri {
    fsPath;
    constructor(fsPath) {
        this.fsPath = fsPath;
    }
    static file(p) {
        return new Uri(p);
    }
    toString() {
        return `file://${this.fsPath}`;
    }
}
exports.Uri = Uri;
class Range {
    startLine;
    startCharacter;
    endLine;
    endCharacter;
    constructor(startLine, startCharacter, endLine, endCharacter) {
        this.startLine = startLine;
        this.startCharacter = startCharacter;
        this.endLine = endLine;
        this.endCharacter = endCharacter;
    }
}
exports.Range = Range;
class CodeActionKind {
    value;
    static Empty = new CodeActionKind('');
    static QuickFix = new CodeActionKind('quickfix');
    static SourceFixAll = new CodeActionKind('source.fixAll');
    constructor(value) {
        this.value = value;
    }
    append(part) {
        return new CodeActionKind(this.value ? `${this.value}.${part}` : part);
    }
    contains(other) {
        return this.value === other.value || other.value.startsWith(`${this.value}.`);
    }
}
exports.CodeActionKind = CodeActionKind;
class ThemeColor {
    id;
    constructor(id) {
        this.id = id;
    }
}
exports.ThemeColor = ThemeColor;
var StatusBarAlignment;
(function (StatusBarAlignment) {
    StatusBarAlignment[StatusBarAlignment["Left"] = 1] = "Left";
    StatusBarAlignment[StatusBarAlignment["Right"] = 2] = "Right";
})(StatusBarAlignment || (exports.StatusBarAlignment = StatusBarAlignment = {}));
class EventEmitter {
    listeners = [];
    event = (listener) => {
        this.listeners.push(listener);
        return { dispose: () => (this.listeners = this.listeners.filter((l) => l !== listener)) };
    };
    fire(e) {
        for (const l of this.listeners) {
            l(e);
        }
    }
}
exports.EventEmitter = EventEmitter;
exports.state = {
    isTrusted: true,
    config: {},
    extensions: {},
    statusItems: [],
    messages: [],
    appliedEdits: [],
    applyEditResult: true,
    executed: [],
    commandResults: {},
    activeTextEditor: undefined,
};
function reset() {
    exports.state.isTrusted = true;
    exports.state.config = {};
    exports.state.extensions = {};
    exports.state.statusItems = [];
    exports.state.messages = [];
    exports.state.appliedEdits = [];
    exports.state.applyEditResult = true;
    exports.state.executed = [];
    exports.state.commandResults = {};
    exports.state.activeTextEditor = undefined;
}
exports.workspace = {
    get isTrusted() {
        return exports.state.isTrusted;
    },
    workspaceFolders: undefined,
    getConfiguration(section) {
        const key = (k) => `${section}.${k}`;
        return {
            get: (k) => exports.state.config[key(k)],
            inspect: (k) => ({ key: key(k), globalValue: exports.state.config[`user:${key(k)}`] }),
        };
    },
    applyEdit(edit) {
        exports.state.appliedEdits.push(edit);
        return Promise.resolve(exports.state.applyEditResult);
    },
};
exports.extensions = {
    getExtension(id) {
        return exports.state.extensions[id];
    },
};
exports.commands = {
    executeCommand(command, ...args) {
        exports.state.executed.push({ command, args });
        return Promise.resolve(exports.state.commandResults[command]);
    },
};
exports.window = {
    get activeTextEditor() {
        return exports.state.activeTextEditor;
    },
    createStatusBarItem(id, alignment, priority) {
        const item = {
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
        exports.state.statusItems.push(item);
        return item;
    },
    showInformationMessage(message) {
        exports.state.messages.push(message);
        return Promise.resolve(undefined);
    },
    showErrorMessage(message) {
        exports.state.messages.push(message);
        return Promise.resolve(undefined);
    },
};
/** A log channel that remembers its lines. */
function fakeLog() {
    const lines = [];
    return {
        lines,
        info: (m) => lines.push(`info ${m}`),
        warn: (m) => lines.push(`warn ${m}`),
        error: (m) => lines.push(`error ${m}`),
        show: () => undefined,
    };
}
