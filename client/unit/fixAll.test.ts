import './support/register';
import { strict as assert } from 'node:assert';
import { beforeEach, describe, it } from 'node:test';
import { FIX_ALL_KIND, fixAllInActiveEditor } from '../src/fixAll';
import * as stub from './support/vscode';

const PROVIDER = 'vscode.executeCodeActionProvider';

describe('Fix All in File', () => {
  let log: ReturnType<typeof stub.fakeLog>;
  beforeEach(() => {
    stub.reset();
    log = stub.fakeLog();
    stub.state.activeTextEditor = { document: { uri: stub.Uri.file('/p/tests/test_a.py'), lineCount: 12 } };
  });

  it('asks for source.fixAll.looplint on the whole document and applies its edit', async () => {
    const edit = { marker: 'workspace edit' };
    stub.state.commandResults[PROVIDER] = [
      { title: 'Other tool', kind: stub.CodeActionKind.SourceFixAll.append('other'), edit: { marker: 'wrong' } },
      { title: 'looplint: fix all', kind: FIX_ALL_KIND, edit },
    ];
    assert.equal(await fixAllInActiveEditor(log as never), true);
    const call = stub.state.executed[0];
    assert.equal(call.command, PROVIDER);
    const [uri, range, kind] = call.args as [stub.Uri, stub.Range, string];
    assert.equal(uri.fsPath, '/p/tests/test_a.py');
    assert.deepEqual([range.startLine, range.startCharacter, range.endLine, range.endCharacter], [0, 0, 12, 0]);
    assert.equal(kind, 'source.fixAll.looplint');
    assert.deepEqual(stub.state.appliedEdits, [edit]);
  });

  it('says so when there is nothing to fix, and applies nothing', async () => {
    stub.state.commandResults[PROVIDER] = [];
    assert.equal(await fixAllInActiveEditor(log as never), false);
    assert.deepEqual(stub.state.appliedEdits, []);
    assert.deepEqual(stub.state.messages, ['looplint: nothing to fix in this file.']);
  });

  it('runs the action command when the server answers with one', async () => {
    stub.state.commandResults[PROVIDER] = [{ title: 'fix', kind: FIX_ALL_KIND, command: { command: 'looplint.applyFix', arguments: [1, 'a'] } }];
    assert.equal(await fixAllInActiveEditor(log as never), true);
    assert.deepEqual(stub.state.executed[1], { command: 'looplint.applyFix', args: [1, 'a'] });
  });

  it('needs an editor', async () => {
    stub.state.activeTextEditor = undefined;
    assert.equal(await fixAllInActiveEditor(log as never), false);
    assert.equal(stub.state.executed.length, 0);
  });
});
