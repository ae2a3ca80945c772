"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.DOCUMENT_SELECTOR = exports.CONFIG_FILES = void 0;
// Which documents the server sees. Python files by language; the configuration files by name,
// whatever language id another extension gives them (VS Code has no TOML mode of its own, and
// setup.cfg may be "ini", "properties" or plain text), so that configuration diagnostics
// (CF001-CF004) show in them too.
exports.CONFIG_FILES = ['pyproject.toml', 'pytest.ini', 'pytest.toml', 'setup.cfg', 'tox.ini'];
exports.DOCUMENT_SELECTOR = [
    { scheme: 'file', language: 'python' },
    { scheme: 'untitled', language: 'python' },
    { scheme: 'file', pattern: `**/{${exports.CONFIG_FILES.join(',')}}` },
];
