"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", { value: true });
exports.findBundledServer = findBundledServer;
exports.supports = supports;
exports.describeVersions = describeVersions;
// The Python packages bundled in the extension (built by scripts/bundle_python.py):
//   bundled/tool/launch.py     starts the server with the bundled packages first on sys.path
//   bundled/libs/common/       pure-Python packages
//   bundled/libs/cpXY/         packages with compiled parts, one folder per CPython minor version
const fs = __importStar(require("node:fs"));
const path = __importStar(require("node:path"));
/** What is bundled under `extensionRoot`, or undefined in a development checkout without `bundled/`. */
function findBundledServer(extensionRoot) {
    const launcher = path.join(extensionRoot, 'bundled', 'tool', 'launch.py');
    const libs = path.join(extensionRoot, 'bundled', 'libs');
    if (!fs.existsSync(launcher) || !fs.existsSync(path.join(libs, 'common'))) {
        return undefined;
    }
    const versions = [];
    for (const name of fs.readdirSync(libs)) {
        const m = /^cp3(\d+)$/.exec(name);
        if (m && fs.statSync(path.join(libs, name)).isDirectory()) {
            versions.push([3, Number(m[1])]);
        }
    }
    versions.sort((a, b) => a[1] - b[1]);
    return { launcher, versions };
}
function supports(bundle, version) {
    return bundle.versions.some(([major, minor]) => major === version[0] && minor === version[1]);
}
function describeVersions(bundle) {
    return bundle.versions.map(([major, minor]) => `${major}.${minor}`).join(', ') || 'none';
}
