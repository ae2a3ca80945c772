// Makes `require('vscode')` in the modules under test return our stand-in (./vscode). Import this
// first in every test file that loads a module depending on `vscode`.
import Module from 'node:module';

type Resolve = (request: string, ...rest: unknown[]) => string;
const moduleInternals = Module as unknown as { _resolveFilename: Resolve };
const original = moduleInternals._resolveFilename;
const stub = require.resolve('./vscode');
moduleInternals._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]): string {
  return request === 'vscode' ? stub : original.call(this, request, ...rest);
};
