/// <reference types="mocha" />
/**
 * The SQL preview with a bound connection (PostgreSQL at PG_URL, trust auth): the server's version and row counts in
 * the CodeLens, "Verify on server" probing the statement, and "Preview plan" opening the wizard prefilled.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { until } from './until';
import { connect, type DatabaseClient } from '../../../src/db/client';

const EXT_ID = 'column-wizard.column-wizard';
const PG_URL = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

describe('SQL preview with a bound PostgreSQL connection', function () {
  this.timeout(120000);
  const dbName = `cw_e2e_lint_${randomBytes(4).toString('hex')}`;
  let admin: DatabaseClient | undefined;
  let uri: vscode.Uri;
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
      await db.query('CREATE TABLE shipments (id int PRIMARY KEY, carrier text)');
      await db.query("INSERT INTO shipments SELECT g, 'c' || g FROM generate_series(1, 3000) g");
      await db.query('ANALYZE shipments');
    } finally {
      await db.close();
    }
    const u = new URL(PG_URL);
    await cfg().update(
      'connections',
      [
        {
          name: 'e2e-pg',
          dialect: 'postgres',
          host: u.hostname,
          port: Number(u.port || 5432),
          database: dbName,
          user: decodeURIComponent(u.username) || 'postgres',
        },
      ],
      vscode.ConfigurationTarget.Global,
    );
    await vscode.extensions.getExtension(EXT_ID)!.activate();
    const folder = vscode.workspace.workspaceFolders![0]!.uri;
    uri = vscode.Uri.joinPath(folder, 'db', 'migrations', `29990102000000_cw_live_${Date.now()}.sql`);
    await vscode.workspace.fs.writeFile(
      uri,
      new TextEncoder().encode(
        "SET lock_timeout = '2s';\nCREATE INDEX shipments_carrier_idx ON shipments (carrier);\nALTER TABLE shipments ADD COLUMN eta timestamptz DEFAULT now();\n",
      ),
    );
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
  });

  after(async () => {
    if (!admin) return;
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await cfg().update('connections', undefined, vscode.ConfigurationTarget.Global);
    if (uri) await vscode.workspace.fs.delete(uri).then(undefined, () => undefined);
    await new Promise((r) => setTimeout(r, 500));
    await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    await admin.close();
  });

  it('shows the live row count in the CodeLens and verifies the claim on the server', async () => {
    const lenses = await until('lenses with the row count', async () => {
      const l = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
      return l.some((x) => x.command?.title.includes('3,000 rows')) ? l : undefined;
    });
    const titles = lenses.map((l) => l.command?.title ?? '');
    assert.ok(
      titles.some((t) => t.startsWith('SHARE · blocks writes · scans · 3,000 rows')),
      titles.join(' | '),
    );
    const verify = lenses.find((l) => l.command?.title === 'Verify on server');
    assert.ok(verify?.command, titles.join(' | '));
    const outcome = await vscode.commands.executeCommand<{ agrees: boolean; differences: string[] }>(
      verify.command.command,
      ...(verify.command.arguments ?? []),
    );
    assert.deepEqual(outcome?.differences, []);
    assert.equal(outcome?.agrees, true);
    const after = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
    assert.ok(
      after.some((l) => /^SHARE · blocks writes · scans · 3,000 rows.* · verified on e2e-pg$/.test(l.command?.title ?? '')),
      after.map((l) => l.command?.title).join(' | '),
    );
  });

  it('"Preview plan" opens the Add Column wizard on the bound connection', async () => {
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
    const preview = lenses.find((l) => l.command?.title === 'Preview plan');
    assert.ok(preview?.command);
    await vscode.commands.executeCommand(preview.command.command, ...(preview.command.arguments ?? []));
    await until('the wizard tab', () =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).some((t) => t.label === 'Add Column: shipments') ? true : undefined,
    );
  });
});
