import './support/register';
import { strict as assert } from 'node:assert';
import { beforeEach, describe, it } from 'node:test';
import { PYTHON_EXTENSION_ID, onInterpreterChange, selectedInterpreter } from '../src/pythonExtension';
import * as stub from './support/vscode';

function install(exports: unknown, isActive = false): { activated: number } {
  const counter = { activated: 0 };
  stub.state.extensions[PYTHON_EXTENSION_ID] = {
    isActive,
    exports: isActive ? exports : undefined,
    activate: () => {
      counter.activated++;
      return Promise.resolve(exports);
    },
  };
  return counter;
}

describe('selectedInterpreter (the optional Python extension)', () => {
  beforeEach(() => {
    stub.reset();
  });
  const logs: string[] = [];
  const log = (m: string): void => {
    logs.push(m);
  };

  it('is undefined when the Python extension is not installed', async () => {
    assert.equal(await selectedInterpreter(undefined, log), undefined);
  });

  it('activates the extension and resolves the active environment to its executable', async () => {
    const asked: unknown[] = [];
    const counter = install({
      environments: {
        getActiveEnvironmentPath: (resource: unknown) => {
          asked.push(resource);
          return { id: 'x', path: '/proj/.venv' };
        },
        resolveEnvironment: (env: { path: string }) =>
          Promise.resolve({ executable: { uri: stub.Uri.file(`${env.path}/bin/python`) } }),
      },
    });
    const folder = stub.Uri.file('/proj');
    assert.equal(await selectedInterpreter(folder as never, log), '/proj/.venv/bin/python');
    assert.equal(counter.activated, 1);
    assert.deepEqual(asked, [folder]);
  });

  it('falls back to the active path when it cannot be resolved', async () => {
    install(
      { environments: { getActiveEnvironmentPath: () => ({ path: '/usr/bin/python3.12' }), resolveEnvironment: () => Promise.resolve(undefined) } },
      true,
    );
    assert.equal(await selectedInterpreter(undefined, log), '/usr/bin/python3.12');
  });

  it('understands the older settings.getExecutionDetails API', async () => {
    install({ settings: { getExecutionDetails: () => ({ execCommand: ['/opt/py/bin/python'] }) } });
    assert.equal(await selectedInterpreter(undefined, log), '/opt/py/bin/python');
  });

  it('ignores a multi-word exec command (conda run ...), which is no interpreter path', async () => {
    install({ settings: { getExecutionDetails: () => ({ execCommand: ['conda', 'run', '-n', 'x', 'python'] }) } });
    assert.equal(await selectedInterpreter(undefined, log), undefined);
  });

  it('survives an API that throws, and logs why', async () => {
    install({
      environments: {
        getActiveEnvironmentPath: () => {
          throw new Error('API changed');
        },
        resolveEnvironment: () => Promise.resolve(undefined),
      },
    });
    logs.length = 0;
    assert.equal(await selectedInterpreter(undefined, log), undefined);
    assert.ok(logs.some((l) => l.includes('API changed')));
  });
});

describe('onInterpreterChange', () => {
  beforeEach(() => {
    stub.reset();
  });

  it('subscribes to the active-environment event', async () => {
    const emitter = new stub.EventEmitter();
    install({ environments: { onDidChangeActiveEnvironmentPath: emitter.event } });
    let calls = 0;
    const subscription = await onInterpreterChange(() => calls++);
    assert.ok(subscription);
    emitter.fire({ path: '/new' });
    assert.equal(calls, 1);
    subscription.dispose();
    emitter.fire({ path: '/newer' });
    assert.equal(calls, 1);
  });

  it('is a no-op without the Python extension', async () => {
    assert.equal(await onInterpreterChange(() => undefined), undefined);
  });
});
