import './support/register';
import { strict as assert } from 'node:assert';
import { beforeEach, describe, it } from 'node:test';
import { StatusItem, statusView } from '../src/status';
import * as stub from './support/vscode';

describe('status bar', () => {
  beforeEach(() => {
    stub.reset();
  });

  it('words each state, and only failure is an error', () => {
    assert.equal(statusView('starting').text, '$(sync~spin) looplint');
    assert.equal(statusView('ready', 'Python 3.11.7').text, '$(check) looplint');
    assert.match(statusView('ready', 'Python 3.11.7').tooltip, /ready\nPython 3\.11\.7/);
    assert.match(statusView('failed', 'no Python').tooltip, /failed: no Python\nClick to show the logs/);
    assert.deepEqual(
      (['starting', 'ready', 'failed', 'stopped'] as const).map((s) => statusView(s).error),
      [false, false, true, false],
    );
  });

  it('is one item that opens the logs and shows the current state', () => {
    const status = new StatusItem('looplint.showLogs');
    assert.equal(stub.state.statusItems.length, 1);
    const item = stub.state.statusItems[0];
    assert.equal(item.command, 'looplint.showLogs');
    assert.equal(item.visible, false);
    status.set('starting');
    assert.equal(item.visible, true);
    assert.equal(item.accessibilityInformation?.label, 'looplint server starting');
    status.set('failed', 'boom');
    assert.equal(item.backgroundColor?.id, 'statusBarItem.errorBackground');
    status.set('ready');
    assert.equal(item.backgroundColor, undefined);
    assert.equal(item.accessibilityInformation?.label, 'looplint server ready');
    assert.equal(status.state, 'ready');
    status.dispose();
    assert.equal(item.visible, false);
  });
});
