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
  /** The looplint wheel the universal package ships, for the install suggestion. */
  wheel?: string;
  /** Interpreter to try last: `python3` (`python` on Windows). */
  defaultPython: string;
  /** Versioned interpreters to try before it, newest first (`python3.15` ... `python3.10`; none on Windows). */
  versionedPythons?: string[];
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
  /** A guess (python3.X may well not exist): not worth a line in the failure message when absent. */
  quiet?: boolean;
}

const versionText = (v: readonly number[]): string => v.join('.');
const atLeast = (v: readonly number[], min: readonly number[]): boolean =>
  v[0] > min[0] || (v[0] === min[0] && v[1] >= min[1]);

export const SUPPORTED_MINORS: readonly number[] = [15, 14, 13, 12, 11, 10];

/** `python3.15` ... `python3.10`: the supported versions, newest first (POSIX names). */
export function versionedPythonNames(platform: string): string[] {
  return platform === 'win32' ? [] : SUPPORTED_MINORS.map((minor) => `python3.${minor}`);
}

/**
 * Order: `looplint.path` (trusted workspaces only; a list is tried in order); `looplint.interpreter`
 * (a list: each in order, and no fallback when all fail); the Python extension's
 * interpreter (trusted workspaces only: a workspace can choose it); the newest supported
 * `python3.X` on the PATH; `python3` on the PATH.
 */
export async function resolveServer(deps: ResolveDeps): Promise<Resolution> {
  const { launch } = deps;
  if (deps.trusted && launch.path.length) {
    // Tried in order: the first that exists (ruff-vscode's `path` list).
    const found = launch.path.find((file) => deps.fileExists(file));
    if (found === undefined) {
      const named = launch.path.map((p) => `"${p}"`).join(', ');
      return {
        ok: false,
        message: `looplint.path is set to ${named}, which ${launch.path.length > 1 ? 'do' : 'does'} not exist. Fix or clear the looplint.path setting.`,
      };
    }
    return { ok: true, server: { command: found, args: ['server'], description: `${found} server (looplint.path)` } };
  }

  const candidates: Candidate[] = [];
  if (launch.interpreter.length) {
    for (const python of launch.interpreter) {
      candidates.push({ python, source: 'looplint.interpreter', strict: true });
    }
  } else {
    if (deps.trusted) {
      const fromExtension = await deps.pythonExtensionInterpreter();
      if (fromExtension) {
        candidates.push({ python: fromExtension, source: 'the Python extension', strict: false });
      }
    }
    for (const python of deps.versionedPythons ?? []) {
      candidates.push({ python, source: `${python} on the PATH`, strict: false, quiet: true });
    }
    candidates.push({ python: deps.defaultPython, source: `${deps.defaultPython} on the PATH`, strict: false });
  }

  const rejected: string[] = [];
  const strictProblems: string[] = []; // looplint.interpreter entries: no silent fallback when all fail
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
      strictProblems.push(`"${candidate.python}" (${problem})`);
      deps.log(`Not using ${candidate.python} from ${candidate.source}: ${problem}`);
      continue;
    }
    if (candidate.quiet && !result.ok) {
      continue;
    }
    deps.log(`Not using ${candidate.python} from ${candidate.source}: ${problem}`);
    rejected.push(`${candidate.source}: ${problem}`);
  }
  if (strictProblems.length) {
    return {
      ok: false,
      message:
        `looplint.interpreter is set to ${strictProblems.join(', ')}, which cannot run the looplint server. ` +
        `Set looplint.interpreter to a Python ${versionText(MIN_PYTHON)} or newer.`,
    };
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
  const bundle = deps.bundle;
  // The universal package has no bundled server: it always runs the looplint of the environment.
  if (deps.launch.importStrategy === 'fromEnvironment' || !bundle) {
    if (!bundle && !deps.trusted) {
      return {
        ok: false,
        message:
          'This workspace is not trusted, and this copy of the looplint extension has no bundled server: it would have to run ' +
          'code from your environment. Trust the workspace, or install the looplint extension built for your platform.',
      };
    }
    if (!info.hasLooplint) {
      const why = bundle
        ? 'and looplint.importStrategy is "fromEnvironment"'
        : 'and this copy of the extension has no bundled server (the universal package, or a checkout without bundled/)';
      return {
        ok: false,
        message:
          `looplint is not installed for ${who}, ${why}. ${installSuggestion(info, deps.wheel)}` +
          (bundle ? ' Or set looplint.importStrategy to "useBundled".' : ' Or install the looplint extension built for your platform, which bundles the server.'),
      };
    }
    return {
      ok: true,
      server: { command: info.executable, args: ['-m', 'looplint', 'server'], description: `${who}, looplint from its environment`, python: info },
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

const quote = (s: string): string => (/^[\w./:@=+-]+$/.test(s) ? s : `"${s}"`);

/**
 * A command that installs looplint for that interpreter and works there: pip into a virtualenv or a
 * Python that allows it; for a system Python that forbids it (PEP 668) or has no pip, a virtualenv
 * (or pipx with looplint.path). `wheel`: the universal package's own wheel (else PyPI's looplint).
 */
export function installSuggestion(info: PythonInfo, wheel?: string): string {
  const what = wheel ? quote(wheel) : 'looplint';
  const exe = quote(info.executable);
  if (info.inVenv || (!info.externallyManaged && info.hasPip !== false)) {
    return `Install it there: ${exe} -m pip install ${what}`;
  }
  const why = info.externallyManaged ? 'its packages are managed by the system (PEP 668)' : 'it has no pip';
  return (
    `That interpreter cannot install it (${why}): create a virtual environment, ` +
    `${exe} -m venv .venv && .venv/bin/python -m pip install ${what}, and select .venv/bin/python ` +
    `(looplint.interpreter or the Python extension); or run pipx install ${what} and set looplint.path to the looplint it installs.`
  );
}
