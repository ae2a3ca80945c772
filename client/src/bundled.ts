// The Python packages bundled in the extension (built by scripts/bundle_python.py):
//   bundled/tool/launch.py     starts the server with the bundled packages first on sys.path
//   bundled/libs/common/       pure-Python packages
//   bundled/libs/cpXY/         packages with compiled parts, one folder per CPython minor version
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface BundledServer {
  launcher: string;
  /** The CPython minor versions present, as [3, 11] pairs, sorted. */
  versions: Array<[number, number]>;
}

/** What is bundled under `extensionRoot`, or undefined in a development checkout without `bundled/`. */
export function findBundledServer(extensionRoot: string): BundledServer | undefined {
  const launcher = path.join(extensionRoot, 'bundled', 'tool', 'launch.py');
  const libs = path.join(extensionRoot, 'bundled', 'libs');
  if (!fs.existsSync(launcher) || !fs.existsSync(path.join(libs, 'common'))) {
    return undefined;
  }
  const versions: Array<[number, number]> = [];
  for (const name of fs.readdirSync(libs)) {
    const m = /^cp3(\d+)$/.exec(name);
    if (m && fs.statSync(path.join(libs, name)).isDirectory()) {
      versions.push([3, Number(m[1])]);
    }
  }
  versions.sort((a, b) => a[1] - b[1]);
  return { launcher, versions };
}

/**
 * The looplint wheel shipped in the universal package (bundled/wheel/), which its install suggestion
 * names: it works whether or not that version is on PyPI.
 */
export function findBundledWheel(extensionRoot: string): string | undefined {
  const dir = path.join(extensionRoot, 'bundled', 'wheel');
  if (!fs.existsSync(dir)) {
    return undefined;
  }
  const wheel = fs.readdirSync(dir).find((name) => /^looplint-.+-py3-none-any\.whl$/.test(name));
  return wheel && path.join(dir, wheel);
}

export function supports(bundle: BundledServer, version: readonly number[]): boolean {
  return bundle.versions.some(([major, minor]) => major === version[0] && minor === version[1]);
}

export function describeVersions(bundle: BundledServer): string {
  return bundle.versions.map(([major, minor]) => `${major}.${minor}`).join(', ') || 'none';
}
