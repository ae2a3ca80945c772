// Packages the extension with @vscode/vsce for one platform:
//
//   node client/scripts/package-vsix.mjs --target linux-x64 --bundle .cache/bundles/linux-x64
//   node client/scripts/package-vsix.mjs --target universal --bundle .cache/bundles/universal
//
// writes dist/looplint-<target>-<version>.vsix and prints its size. vsce runs in a staging folder
// (.cache/vsix-stage/<target>/) holding the files the .vsix ships and the bundle folder (made by
// scripts/bundle_python.py for that target) as bundled/, so the .vsix holds that platform's native
// modules and nothing of another's, and several targets can be packaged at once. The version is looplint's own
// (server/looplint/__init__.py), the one version of the Python package and of the extension;
// package.json carries only a placeholder. Expects `node esbuild.js --production` to have run.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const TARGETS = ['linux-x64', 'linux-arm64', 'alpine-x64', 'darwin-x64', 'darwin-arm64', 'win32-x64', 'win32-arm64', 'universal'];

const { values } = parseArgs({ options: { target: { type: 'string' }, bundle: { type: 'string' } } });
const target = values.target;
if (!target || !TARGETS.includes(target) || !values.bundle) {
  console.error(`usage: package-vsix.mjs --target <${TARGETS.join('|')}> --bundle <folder from scripts/bundle_python.py>`);
  process.exit(2);
}

/** looplint's version, from the Python package (the single source). */
function looplintVersion() {
  const text = readFileSync(join(root, 'server', 'looplint', '__init__.py'), 'utf8');
  const m = /^__version__ = "([^"]+)"$/m.exec(text);
  if (!m) throw new Error('server/looplint/__init__.py has no __version__ = "..." line');
  return m[1];
}

const bundle = resolve(values.bundle);
const expected = target === 'universal' ? 'wheel' : 'libs/bundle.json';
if (!existsSync(join(root, 'client/out/extension.js')) || !existsSync(join(bundle, expected))) {
  console.error(`package-vsix: client/out/extension.js or ${join(bundle, expected)} is missing (make vscode-package builds both).`);
  process.exit(1);
}
if (target !== 'universal') {
  const built = JSON.parse(readFileSync(join(bundle, 'libs', 'bundle.json'), 'utf8')).target;
  if (built !== target) {
    console.error(`package-vsix: ${bundle} was built for ${built}, not ${target}`);
    process.exit(1);
  }
}
const stage = join(root, '.cache', 'vsix-stage', target);
rmSync(stage, { recursive: true, force: true });
const SHIPPED = ['package.json', '.vscodeignore', 'LICENSE', 'CHANGELOG.md', 'client/README-section.md', 'client/images/icon.png', 'client/out/extension.js'];
for (const file of SHIPPED) {
  cpSync(join(root, file), join(stage, file), { recursive: true });
}
cpSync(bundle, join(stage, 'bundled'), { recursive: true });

const version = looplintVersion();
const out = join(root, 'dist', `looplint-${target}-${version}.vsix`);
mkdirSync(dirname(out), { recursive: true });
const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
execFileSync(
  process.execPath,
  [
    vsce, 'package', version,
    '--no-update-package-json', '--no-git-tag-version',
    ...(target === 'universal' ? [] : ['--target', target]),
    '--no-dependencies', // esbuild already bundled vscode-languageclient into client/out
    // The extension page shows the install/usage section, not the repository README.
    '--readme-path', 'client/README-section.md',
    '--changelog-path', 'CHANGELOG.md',
    '--out', out,
  ],
  { cwd: stage, stdio: 'inherit' },
);
const bytes = statSync(out).size;
console.log(`package-vsix: ${out} is ${(bytes / 1e6).toFixed(1)} MB (${bytes} bytes)`);
