// Bundles the extension's TypeScript (and vscode-languageclient) into one file for the .vsix.
//   node esbuild.js               development build with source maps
//   node esbuild.js --production  minified, no source maps (what `npm run package` ships)
const esbuild = require('esbuild');

const production = process.argv.includes('--production');

esbuild
  .build({
    entryPoints: ['client/src/extension.ts'],
    outfile: 'client/out/extension.js',
    bundle: true,
    platform: 'node',
    target: 'node18',
    format: 'cjs',
    external: ['vscode'], // provided by the extension host
    minify: production,
    sourcemap: !production,
    logLevel: 'info',
  })
  .catch(() => process.exit(1));
