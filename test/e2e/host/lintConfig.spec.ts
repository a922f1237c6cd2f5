/// <reference types="mocha" />
/**
 * The lint configuration file in a real extension host: the nearest `.column-wizard.json` above a migration sets its
 * rules' levels and the target, its snapshot gives the table facts, and editing the file re-lints open documents.
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { until as poll } from './until';

const until = <T>(what: string, probe: () => T | undefined | Promise<T | undefined>, ms = 20000) => poll(what, probe, ms, 100);

const EXT_ID = 'column-wizard.column-wizard';
const SQL =
  "SET lock_timeout = '2s';\nCREATE INDEX accounts_email_idx ON accounts (email);\nALTER TABLE accounts ALTER COLUMN name TYPE varchar(80);\n";

function rules(uri: vscode.Uri): string[] {
  return vscode.languages
    .getDiagnostics(uri)
    .filter((d) => d.source === 'column-wizard')
    .map((d) => `${typeof d.code === 'object' ? String(d.code.value) : String(d.code)}:${vscode.DiagnosticSeverity[d.severity]}`)
    .sort();
}

const SNAPSHOT = {
  columnWizardSnapshot: 1,
  defaultSchema: 'public',
  server: { dialect: 'postgres', version: '14.9' },
  tables: [
    {
      table: { schema: 'public', name: 'accounts' },
      rows: 5000000,
      bytes: 900000000,
      columns: [{ name: 'name', type: 'character varying(40)', nullable: true, default: null }],
    },
  ],
};

describe('lint configuration file', () => {
  let dir: vscode.Uri;
  let uri: vscode.Uri;
  const write = (u: vscode.Uri, value: unknown) => vscode.workspace.fs.writeFile(u, new TextEncoder().encode(JSON.stringify(value)));

  before(async () => {
    await vscode.extensions.getExtension(EXT_ID)!.activate();
    const folder = vscode.workspace.workspaceFolders![0]!.uri;
    dir = vscode.Uri.joinPath(folder, 'db', `cfg_${Date.now()}`);
    uri = vscode.Uri.joinPath(dir, 'migrations', '001_index.sql');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(SQL));
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    await vscode.workspace.fs.delete(dir, { recursive: true });
  });

  it('without a configuration: the default levels and no facts', async () => {
    const got = await until('diagnostics', () => (rules(uri).length >= 2 ? rules(uri) : undefined));
    assert.deepEqual(got, ['alter-column-type:Warning', 'index-not-concurrent:Error']);
  });

  it('the nearest .column-wizard.json above the file sets levels and names a snapshot; editing it re-lints', async () => {
    const config = vscode.Uri.joinPath(dir, '.column-wizard.json');
    await write(vscode.Uri.joinPath(dir, 'schema.json'), SNAPSHOT);
    await write(config, { rules: { 'index-not-concurrent': 'warning' }, snapshot: 'schema.json' });
    // varchar(40) → varchar(80) on the snapshot's column is binary-coercible: no finding; the index is a warning now.
    await until('the configured levels', () => {
      const r = rules(uri);
      return r.length === 1 && r[0] === 'index-not-concurrent:Warning' ? r : undefined;
    });
    const message = vscode.languages.getDiagnostics(uri).find((d) => d.source === 'column-wizard')!.message;
    assert.match(message, /5,000,000 rows/, 'the row count comes from the snapshot');
    await write(config, { rules: { 'index-not-concurrent': 'off' } });
    await until('the edited configuration', () => {
      const r = rules(uri);
      return r.length === 1 && r[0] === 'alter-column-type:Warning' ? r : undefined;
    });
  });
});
