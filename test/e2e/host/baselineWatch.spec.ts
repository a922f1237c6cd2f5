/// <reference types="mocha" />
/**
 * The first rollout baseline written after start-up starts the application-side scan: this spec runs first (the
 * file names sort), before any command or SQL document has loaded the extension's features, and writes its plan file
 * only after the start-up check for baselines (BACKGROUND_DELAY_MS after activation) has found none.
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { until as poll } from './until';
import { baselineFileName, baselineFolder, makeBaseline } from '../../../src/core/rollout/baseline';
import { BACKGROUND_DELAY_MS } from '../../../src/extension/activate';

const EXT_ID = 'column-wizard.column-wizard';

describe('a rollout baseline written after start-up', function () {
  this.timeout(90000);
  const folder = () => vscode.workspace.workspaceFolders![0]!.uri;
  let code: vscode.Uri;

  before(async () => {
    await vscode.extensions.getExtension(EXT_ID)!.activate();
    await new Promise((r) => setTimeout(r, BACKGROUND_DELAY_MS + 1500));
    code = vscode.Uri.joinPath(folder(), 'src', 'cw_items_repo.ts');
    await vscode.workspace.fs.writeFile(
      code,
      new TextEncoder().encode(
        "export const add = (db: { query(s: string): void }) => db.query('INSERT INTO cw_items (amount) VALUES (1)');\n",
      ),
    );
    const b = makeBaseline({ source: 'plan', table: { schema: 'public', name: 'cw_items' }, column: 'ref', prediction: { steps: [] } });
    const plan = vscode.Uri.joinPath(folder(), ...baselineFolder(b.table, b.column).split('/'), baselineFileName(b.createdAt, 'plan'));
    await vscode.workspace.fs.writeFile(plan, new TextEncoder().encode(JSON.stringify(b)));
  });

  after(async () => {
    await vscode.workspace.fs.delete(code).then(undefined, () => undefined);
    await vscode.workspace.fs.delete(vscode.Uri.joinPath(folder(), '.column-wizard'), { recursive: true }).then(undefined, () => undefined);
  });

  it('marks the INSERT that does not set the new column', async () => {
    const diags = await poll(
      'the dual-write diagnostic',
      () => {
        const d = vscode.languages.getDiagnostics(code).filter((x) => x.code === 'rollout-dual-write');
        return d.length ? d : undefined;
      },
      30000,
      200,
    );
    assert.deepEqual(
      diags.map((d) => d.range.start.line),
      [0],
    );
    assert.match(diags[0]!.message, /does not set ref: part of the rollout of public\.cw_items\.ref/);
  });
});
