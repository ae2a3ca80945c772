"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
// Makes `require('vscode')` in the modules under test return our stand-in (./vscode). Import this
// first in every test file that loads a module depending on `vscode`.
const Module = require("node:module");
const moduleInternals = Module;
const original = moduleInternals._resolveFilename;
const stub = require.resolve('./vscode');
moduleInternals._resolveFilename = function (request, ...rest) {
    return request === 'vscode' ? stub : original.call(this, request, ...rest);
};
