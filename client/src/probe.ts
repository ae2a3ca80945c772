// Asks a Python interpreter what it is, before we try to start a server with it. Node-only (no
// `vscode`), so the unit tests run it against real interpreters and fake ones.
import { execFile } from 'node:child_process';

export interface PythonInfo {
  /** What the interpreter says `sys.executable` is (resolves shims and `python3` on the PATH). */
  executable: string;
  version: [number, number, number];
  /** Whether `import looplint` would find a package in that environment (for fromEnvironment). */
  hasLooplint: boolean;
  /** What decides how looplint can be installed there (see installSuggestion). */
  inVenv?: boolean;
  externallyManaged?: boolean;
  hasPip?: boolean;
}

// One line of JSON; find_spec does not import looplint, so a broken install cannot hang the probe.
const PROBE = [
  'import importlib.util, json, os, sys, sysconfig',
  'venv = sys.prefix != sys.base_prefix',
  'managed = not venv and os.path.isfile(os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED"))',
  'print(json.dumps({"executable": sys.executable, "version": list(sys.version_info[:3]),',
  ' "hasLooplint": importlib.util.find_spec("looplint") is not None, "inVenv": venv,',
  ' "externallyManaged": managed, "hasPip": importlib.util.find_spec("pip") is not None}))',
].join('\n');

export type ProbeResult = { ok: true; info: PythonInfo } | { ok: false; error: string };

export interface ProbeOptions {
  env?: NodeJS.ProcessEnv;
  /** `-c` puts the working directory first on sys.path: run where no stray module can shadow ours. */
  cwd?: string;
  timeoutMs?: number;
}

export function probePython(python: string, opts: ProbeOptions = {}): Promise<ProbeResult> {
  const { env = process.env, cwd, timeoutMs = 15000 } = opts;
  return new Promise((resolve) => {
    execFile(python, ['-c', PROBE], { env, cwd, timeout: timeoutMs, windowsHide: true }, (err, stdout, stderr) => {
      if (err) {
        const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : (stderr.trim() || err.message);
        resolve({ ok: false, error: `${python}: ${why}` });
        return;
      }
      resolve(parseProbeOutput(python, stdout));
    });
  });
}

export function parseProbeOutput(python: string, stdout: string): ProbeResult {
  const line = stdout.trim().split('\n').pop() ?? '';
  try {
    const data = JSON.parse(line) as Partial<{
      executable: unknown; version: unknown; hasLooplint: unknown; inVenv: unknown; externallyManaged: unknown; hasPip: unknown;
    }>;
    const v = data.version;
    if (Array.isArray(v) && v.length === 3 && v.every((n) => Number.isInteger(n))) {
      return {
        ok: true,
        info: {
          executable: typeof data.executable === 'string' && data.executable ? data.executable : python,
          version: v as [number, number, number],
          hasLooplint: data.hasLooplint === true,
          inVenv: data.inVenv === true,
          externallyManaged: data.externallyManaged === true,
          hasPip: data.hasPip !== false,
        },
      };
    }
  } catch {
    // fall through: not JSON, so not a Python we can talk to
  }
  return { ok: false, error: `${python}: does not answer like a Python interpreter` };
}
