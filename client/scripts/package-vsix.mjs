// Packages the extension with @vscode/vsce into dist/looplint-<version>.vsix and prints its size.
// Expects `node esbuild.js --production` and scripts/bundle_python.py to have run (npm run package
// does both first).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
for (const required of ['client/out/extension.js', 'bundled/tool/launch.py', 'bundled/libs/common']) {
  if (!existsSync(join(root, required))) {
    console.error(`package-vsix: ${required} is missing; run "npm run package" (builds it first).`);
    process.exit(1);
  }
}
const out = join(root, 'dist', `${manifest.name}-${manifest.version}.vsix`);
mkdirSync(dirname(out), { recursive: true });
const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
execFileSync(
  process.execPath,
  [
    vsce, 'package',
    '--no-dependencies', // esbuild already bundled vscode-languageclient into client/out
    '--allow-missing-repository',
    // The extension page shows the short install/usage section, not the repository README
    // (whose relative links vsce cannot resolve without a repository URL).
    '--readme-path', 'client/README-section.md',
    '--out', out,
  ],
  { cwd: root, stdio: 'inherit' },
);
const bytes = statSync(out).size;
console.log(`package-vsix: ${out} is ${(bytes / 1e6).toFixed(1)} MB (${bytes} bytes)`);
