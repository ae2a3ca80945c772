// Which documents the server sees. Python files by language; the configuration files by name,
// whatever language id another extension gives them (VS Code has no TOML mode of its own, and
// setup.cfg may be "ini", "properties" or plain text), so that configuration diagnostics
// (CF001-CF004) show in them too.
export const CONFIG_FILES = ['pyproject.toml', 'pytest.ini', 'pytest.toml', 'setup.cfg', 'tox.ini'] as const;

export type Filter = { scheme: string; language: string } | { scheme: string; pattern: string };

export const DOCUMENT_SELECTOR: Filter[] = [
  { scheme: 'file', language: 'python' },
  { scheme: 'untitled', language: 'python' },
  { scheme: 'file', pattern: `**/{${CONFIG_FILES.join(',')}}` },
];
