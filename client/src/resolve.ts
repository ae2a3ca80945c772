// Deciding which process to start as the looplint server. Pure logic: everything that touches the
// outside world (running Python, the Python extension, the file system) comes in through
// `ResolveDeps`, so the order and the error messages are unit-tested.
import { BundledServer, describeVersions, supports } from './bundled';
import { ProbeResult, PythonInfo } from './probe';
import { LaunchSettings } from './settings';

export const MIN_PYTHON: readonly [number, number] = [3, 10];

export interface ServerCommand {
  command: string;
  args: string[];
  /** One line for logs and the status bar tooltip. */
  description: string;
  python?: PythonInfo;
}

export type Resolution = { ok: true; server: ServerCommand } | { ok: false; message: string };

export interface ResolveDeps {
  trusted: boolean;
  /** Already read with trust taken into account (see readLaunchSettings) and paths expanded. */
  launch: LaunchSettings;
  bundle: BundledServer | undefined;
  /** Interpreter to try last: `python3` (`python` on Windows). */
  defaultPython: string;
  probe(python: string): Promise<ProbeResult>;
  /** The interpreter selected in the Python extension; undefined if it is not installed or has none. */
  pythonExtensionInterpreter(): Promise<string | undefined>;
  fileExists(file: string): boolean;
  log(message: string): void;
}

interface Candidate {
  python: string;
  /** Where it came from, as the user would recognise it. */
  source: string;
  /** An explicit setting: if it is unusable we say so instead of quietly trying something else. */
  strict: boolean;
}

const versionText = (v: readonly number[]): string => v.join('.');
const atLeast = (v: readonly number[], min: readonly number[]): boolean =>
  v[0] > min[0] || (v[0] === min[0] && v[1] >= min[1]);

/**
 * Order: `looplint.path` (trusted workspaces only); `looplint.interpreter`; the Python extension's
 * interpreter (trusted workspaces only: a workspace can choose it); `python3` on the PATH.
 */
export async function resolveServer(deps: ResolveDeps): Promise<Resolution> {
  const { launch } = deps;
  if (deps.trusted && launch.path) {
    if (!deps.fileExists(launch.path)) {
      return { ok: false, message: `looplint.path is set to "${launch.path}", which does not exist. Fix or clear the looplint.path setting.` };
    }
    return { ok: true, server: { command: launch.path, args: ['server'], description: `${launch.path} server (looplint.path)` } };
  }

  const candidates: Candidate[] = [];
  if (launch.interpreter) {
    candidates.push({ python: launch.interpreter, source: 'looplint.interpreter', strict: true });
  } else {
    if (deps.trusted) {
      const fromExtension = await deps.pythonExtensionInterpreter();
      if (fromExtension) {
        candidates.push({ python: fromExtension, source: 'the Python extension', strict: false });
      }
    }
    candidates.push({ python: deps.defaultPython, source: `${deps.defaultPython} on the PATH`, strict: false });
  }

  const rejected: string[] = [];
  for (const candidate of candidates) {
    const result = await deps.probe(candidate.python);
    let problem: string | undefined;
    if (!result.ok) {
      problem = result.error;
    } else if (!atLeast(result.info.version, MIN_PYTHON)) {
      problem = `${result.info.executable} is Python ${versionText(result.info.version)}`;
    }
    if (problem === undefined && result.ok) {
      return commandFor(result.info, candidate, deps);
    }
    if (candidate.strict) {
      return {
        ok: false,
        message:
          `looplint.interpreter is set to "${candidate.python}", which cannot run the looplint server (${problem}). ` +
          `Set looplint.interpreter to a Python ${versionText(MIN_PYTHON)} or newer.`,
      };
    }
    deps.log(`Not using ${candidate.python} from ${candidate.source}: ${problem}`);
    rejected.push(`${candidate.source}: ${problem}`);
  }
  return {
    ok: false,
    message:
      `looplint needs Python ${versionText(MIN_PYTHON)} or newer to run its server and found none (${rejected.join('; ')}). ` +
      'Set looplint.interpreter to the path of a Python 3.10+ interpreter' +
      (deps.trusted ? ' (or select one in the Python extension).' : ' in your user settings.'),
  };
}

function commandFor(info: PythonInfo, candidate: Candidate, deps: ResolveDeps): Resolution {
  const who = `Python ${versionText(info.version)} (${info.executable}, from ${candidate.source})`;
  if (deps.launch.importStrategy === 'fromEnvironment') {
    if (!info.hasLooplint) {
      return {
        ok: false,
        message:
          `looplint is not installed for ${who}, and looplint.importStrategy is "fromEnvironment". ` +
          `Install it there ("${info.executable} -m pip install looplint") or set looplint.importStrategy to "useBundled".`,
      };
    }
    return {
      ok: true,
      server: { command: info.executable, args: ['-m', 'looplint', 'server'], description: `${who}, looplint from its environment`, python: info },
    };
  }
  const bundle = deps.bundle;
  if (!bundle) {
    return {
      ok: false,
      message:
        'This copy of the looplint extension has no bundled server (no bundled/ folder; "npm run bundle-python" builds it). ' +
        'Set looplint.importStrategy to "fromEnvironment" to use a looplint installed with your interpreter.',
    };
  }
  if (!supports(bundle, info.version)) {
    return {
      ok: false,
      message:
        `The bundled looplint server supports Python ${describeVersions(bundle)}, but ${who} is not one of them. ` +
        'Set looplint.interpreter to one of those, or set looplint.importStrategy to "fromEnvironment" and install looplint for that interpreter.',
    };
  }
  // -I: ignore PYTHONPATH, user site-packages and the working directory, so nothing from the
  // user's environment or workspace can shadow the bundled packages.
  return {
    ok: true,
    server: { command: info.executable, args: ['-I', bundle.launcher], description: `${who}, bundled looplint`, python: info },
  };
}
