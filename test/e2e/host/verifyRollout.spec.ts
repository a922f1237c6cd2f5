/// <reference types="mocha" />
/**
 * Verify Rollout in a real extension host: a baseline file in the workspace (as `column-wizard baseline` writes
 * it), rows written afterwards without the column, then the command on the table's node opens the report panel
 * and reports the share of rows that miss the column.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { until } from './until';
import { baselineFileName, baselineFolder, makeBaseline } from '../../../src/core/rollout/baseline';
import { connect, type DatabaseClient } from '../../../src/db/client';
import { observeRollout } from '../../../src/db/rollout';

const EXT_ID = 'column-wizard.column-wizard';
const PG_URL = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

describe('Verify Rollout', function () {
  this.timeout(120000);
  const dbName = `cw_e2e_verify_${randomBytes(4).toString('hex')}`;
  let admin: DatabaseClient | undefined;
  let baselineUri: vscode.Uri | undefined;
  const cfg = () => vscode.workspace.getConfiguration('columnWizard');

  before(async function () {
    try {
      admin = await connect(PG_URL);
    } catch {
      if (process.env.CI === 'true') throw new Error(`PostgreSQL at ${PG_URL} is unreachable`);
      this.skip();
    }
    await admin!.query(`CREATE DATABASE "${dbName}"`);
    const db = await connect(new URL(`/${dbName}`, PG_URL).toString());
    try {
      await db.query('CREATE TABLE parcels (id serial PRIMARY KEY, weight int, label text)');
      await db.query(`INSERT INTO parcels (weight, label) SELECT g, 'l' || g FROM generate_series(1, 1000) g`);
      const table = { schema: 'public', name: 'parcels' };
      const observation = await observeRollout(db, table, 'label', { topStatements: false });
      const baseline = makeBaseline({ source: 'baseline', table, column: 'label', observation });
      const folder = vscode.workspace.workspaceFolders![0]!.uri;
      baselineUri = vscode.Uri.joinPath(
        folder,
        ...baselineFolder(table, 'label').split('/'),
        baselineFileName(baseline.createdAt, 'baseline'),
      );
      await vscode.workspace.fs.writeFile(baselineUri, new TextEncoder().encode(JSON.stringify(baseline)));
      // A code path that forgets the column.
      await db.query('INSERT INTO parcels (weight) SELECT g FROM generate_series(1, 40) g');
    } finally {
      await db.close();
    }
    await vscode.extensions.getExtension(EXT_ID)!.activate();
  });

  after(async () => {
    if (!admin) return;
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await cfg().update('connections', undefined, vscode.ConfigurationTarget.Global);
    if (baselineUri)
      await vscode.workspace.fs
        .delete(vscode.Uri.joinPath(baselineUri, '..', '..', '..'), { recursive: true })
        .then(undefined, () => undefined);
    await new Promise((r) => setTimeout(r, 500));
    await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    await admin.close();
  });

  it('opens the report for the table node and finds the rows written without the column', async () => {
    const u = new URL(PG_URL);
    const profile = {
      name: 'e2e-verify',
      dialect: 'postgres',
      host: u.hostname,
      port: Number(u.port || 5432),
      database: dbName,
      user: decodeURIComponent(u.username) || 'postgres',
    };
    await cfg().update('connections', [profile], vscode.ConfigurationTarget.Global);
    const node = { kind: 'table', profile, table: { schema: 'public', name: 'parcels', rows: 1040, bytes: 0 } };
    const report = await vscode.commands.executeCommand<{ findings: { code: string; message: string }[] }>(
      'columnWizard.verifyRollout',
      node,
    );
    const missing = report?.findings.find((f) => f.code === 'app-not-writing');
    assert.match(missing?.message ?? JSON.stringify(report?.findings), /100\.0% of 40 sampled rows written since the baseline/);
    const tab = await until('the rollout report tab', () =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.label === 'Rollout: parcels.label'),
    );
    assert.ok(tab.input instanceof vscode.TabInputWebview, 'the report is a webview');
  });
});
