/// <reference types="mocha" />
/**
 * Runs inside a real extension host (code-server here, VS Code desktop under `npm run test:vscode`).
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { COMMANDS } from '../../../src/extension/commandIds';

const EXT_ID = 'column-wizard.column-wizard';

function extension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(EXT_ID);
  assert.ok(ext, `extension ${EXT_ID} is not loaded`);
  return ext;
}

describe('Column Wizard in the extension host', () => {
  before(async () => {
    await extension().activate();
  });

  it('runs in a Node extension host and activates', () => {
    assert.equal(typeof process.versions.node, 'string');
    assert.equal(extension().isActive, true);
  });

  it('registers every command the manifest contributes, and the manifest contributes every command in COMMANDS', async () => {
    const contributed = (extension().packageJSON as { contributes: { commands: { command: string }[] } }).contributes.commands.map(
      (c) => c.command,
    );
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.deepEqual(
      contributed.filter((c) => !registered.has(c)),
      [],
      'contributed but not registered',
    );
    assert.deepEqual(
      Object.values(COMMANDS).filter((c) => !contributed.includes(c)),
      [],
      'in COMMANDS but not contributed',
    );
  });

  it('contributes its settings with their defaults', () => {
    const cfg = vscode.workspace.getConfiguration('columnWizard');
    assert.equal(cfg.inspect('lockTimeoutMs')?.defaultValue, 2000);
    assert.equal(cfg.inspect('migrationsTool')?.defaultValue, 'auto');
    assert.deepEqual(cfg.inspect('connections')?.defaultValue, []);
  });

  it('"Show Log" runs without an error', async () => {
    await vscode.commands.executeCommand(COMMANDS.showLog);
  });

  it('has the workspace folder open', () => {
    assert.ok((vscode.workspace.workspaceFolders ?? []).length >= 1, 'no workspace folder');
  });

  if (process.env.CW_HOST_TEST_FAIL === '1') {
    it('fails on purpose (CW_HOST_TEST_FAIL=1), to prove a failure is reported', () => {
      assert.fail('deliberate failure');
    });
  }
});
