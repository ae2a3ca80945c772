import './support/register';
import { strict as assert } from 'node:assert';
import { beforeEach, describe, it } from 'node:test';
import { CHECK_WORKSPACE_REQUEST, checkWorkspace } from '../src/checkWorkspace';
import * as stub from './support/vscode';

type Handler = (value: { kind: string; message?: string; percentage?: number }) => void;

/** A running language client whose server reports progress on the token it is given, then answers. */
function fakeClient(answer: (token: string, report: Handler) => Promise<unknown>) {
  const handlers = new Map<string, Handler>();
  const sent: Array<{ method: string; params: { workDoneToken: string } }> = [];
  return {
    sent,
    isRunning: () => true,
    onProgress(_type: unknown, token: string, handler: Handler) {
      handlers.set(token, handler);
      return { dispose: () => handlers.delete(token) };
    },
    sendRequest(method: string, params: { workDoneToken: string }) {
      sent.push({ method, params });
      return answer(params.workDoneToken, (value) => handlers.get(params.workDoneToken)?.(value));
    },
  };
}

describe('looplint: Check Workspace', () => {
  let log: ReturnType<typeof stub.fakeLog>;
  beforeEach(() => {
    stub.reset();
    log = stub.fakeLog();
  });

  it('shows the server\'s progress in a cancellable notification, then opens the Problems panel', async () => {
    const client = fakeClient((_token, report) => {
      report({ kind: 'begin', percentage: 0 });
      report({ kind: 'report', message: '10/40 files', percentage: 25 });
      report({ kind: 'report', message: '30/40 files', percentage: 75 });
      return Promise.resolve({ files: 40, problems: 3, cancelled: false, message: 'checked 40 files in 1.0 s: 3 problems' });
    });
    const result = await checkWorkspace(client as never, log as never);
    assert.equal(result?.problems, 3);
    assert.equal(client.sent[0].method, CHECK_WORKSPACE_REQUEST);
    const [progress] = stub.state.progress;
    assert.equal(progress.location, stub.ProgressLocation.Notification);
    assert.equal(progress.cancellable, true);
    assert.deepEqual(progress.reports.map((r) => r.increment), [0, 25, 50]);
    assert.equal(progress.reports[2].message, '30/40 files');
    assert.deepEqual(stub.state.executed.map((c) => c.command), ['workbench.actions.view.problems']);
    assert.deepEqual(stub.state.messages, ['looplint: checked 40 files in 1.0 s: 3 problems']);
  });

  it('says nothing went wrong when the user cancels', async () => {
    const client = fakeClient(() => {
      stub.state.cancellation.cancel();
      return Promise.reject(new Error('Request cancelled'));
    });
    assert.equal(await checkWorkspace(client as never, log as never), undefined);
    assert.deepEqual(stub.state.messages, []);
    assert.ok(log.lines.includes('info Check Workspace: cancelled'));
  });

  it('needs a running server', async () => {
    assert.equal(await checkWorkspace(undefined, log as never), undefined);
    assert.match(stub.state.messages[0], /server is not running/);
  });
});
