/// <reference types="mocha" />
/**
 * The SQL preview in a real extension host: a migration file gets diagnostics, CodeLenses, a hover and the
 * "Rewrite as safe phases" quick fix, whose result no longer has the rewrite finding.
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { until as poll } from './until';

const until = <T>(what: string, probe: () => T | undefined | Promise<T | undefined>, ms = 20000) => poll(what, probe, ms, 100);

const EXT_ID = 'column-wizard.column-wizard';
const SQL =
  "-- migrate:up\nSET lock_timeout = '2s';\nALTER TABLE accounts ADD COLUMN token uuid DEFAULT gen_random_uuid();\nCREATE INDEX accounts_token_idx ON accounts (token);\n";

/** A diagnostic's rule: its code is `{ value: rule id, target: the rule's page }`. */
function rule(d: vscode.Diagnostic): string {
  return typeof d.code === 'object' ? String(d.code.value) : String(d.code);
}

function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'column-wizard');
}

describe('SQL preview of migration files', () => {
  let uri: vscode.Uri;

  before(async () => {
    await vscode.extensions.getExtension(EXT_ID)!.activate();
    const folder = vscode.workspace.workspaceFolders![0]!.uri;
    uri = vscode.Uri.joinPath(folder, 'db', 'migrations', `29990101000000_cw_sql_preview_${Date.now()}.sql`);
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(SQL));
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await vscode.workspace.fs.delete(uri);
  });

  it('shows diagnostics with rule codes on the statements', async () => {
    const diags = await until('diagnostics', () => (ours(uri).length >= 2 ? ours(uri) : undefined));
    const byCode = new Map(diags.map((d) => [rule(d), d]));
    assert.equal(byCode.get('add-column-rewrite')?.range.start.line, 2);
    assert.equal(byCode.get('add-column-rewrite')?.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(byCode.get('concurrent-index-in-transaction'), undefined);
    assert.equal(byCode.get('index-not-concurrent')?.range.start.line, 3);
    // Each code links to its rule's page, shipped inside the extension.
    for (const d of diags) {
      const target = typeof d.code === 'object' ? d.code.target : undefined;
      assert.ok(target, `${rule(d)}: no documentation link`);
      assert.ok(target.path.endsWith(`/docs/rules/${rule(d)}.md`), target.toString());
      const page = new TextDecoder().decode(await vscode.workspace.fs.readFile(target));
      assert.ok(page.startsWith(`# \`${rule(d)}\``), `${target.toString()} is the rule's page`);
    }
  });

  it('leaves a .sql document of another scheme alone (only file and untitled documents are linted)', async () => {
    const untitled = await vscode.workspace.openTextDocument({ language: 'sql', content: SQL });
    await until("the untitled document's diagnostics", () => (ours(untitled.uri).length >= 2 ? true : undefined));
    // A git-like virtual document of a migration: the same text under another scheme gets nothing.
    const scheme = `cw-virtual-${Date.now()}`;
    const provider = vscode.workspace.registerTextDocumentContentProvider(scheme, { provideTextDocumentContent: () => SQL });
    try {
      const virtual = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme, path: '/db/migrations/001_add.sql' }));
      await new Promise((r) => setTimeout(r, 1500));
      assert.deepEqual(ours(virtual.uri), []);
    } finally {
      provider.dispose();
    }
  });

  it('puts the lock impact in CodeLenses and explains it in a hover', async () => {
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
    const titles = lenses.map((l) => l.command?.title ?? '');
    assert.ok(titles.includes('ACCESS EXCLUSIVE · blocks reads+writes · rewrite'), titles.join(' | '));
    assert.ok(titles.includes('SHARE · blocks writes · scans'), titles.join(' | '));
    assert.ok(titles.includes('Preview plan'), titles.join(' | '));
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(2, 20));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /volatile DEFAULT is evaluated for every existing row/);
  });

  it('"Preview plan" (no connection) opens the planner\'s phases beside the file', async () => {
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
    const preview = lenses.find((l) => l.command?.title === 'Preview plan');
    assert.ok(preview?.command);
    await vscode.commands.executeCommand(preview.command.command, ...(preview.command.arguments ?? []));
    const shown = await until('the preview editor', () => {
      const e = vscode.window.visibleTextEditors.find(
        (x) => x.document.isUntitled && x.document.getText().startsWith('-- Column Wizard: token on accounts'),
      );
      return e?.document;
    });
    assert.equal(shown.languageId, 'sql');
    assert.match(shown.getText(), /ALTER TABLE "accounts" ADD COLUMN "token" uuid;/);
    assert.match(shown.getText(), /Phase 2 \(backfill\)/);
    await vscode.window.showTextDocument(shown);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
  });

  it('"Rewrite as safe phases" replaces the statement with phases that no longer rewrite the table', async () => {
    const range = new vscode.Range(2, 0, 2, 10);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, range);
    const rewrite = actions.find((a) => a.title === 'Rewrite as safe phases');
    assert.ok(rewrite?.edit, actions.map((a) => a.title).join(' | '));
    assert.ok(actions.some((a) => a.title === 'Ignore add-column-rewrite for this statement'));
    assert.ok(await vscode.workspace.applyEdit(rewrite.edit));
    const doc = await vscode.workspace.openTextDocument(uri);
    assert.match(doc.getText(), /ALTER TABLE "accounts" ADD COLUMN "token" uuid;/);
    await until('the rewrite finding to go', () => (ours(uri).some((d) => rule(d) === 'add-column-rewrite') ? undefined : true));
  });

  it('knows the detected tool (dbmate) wraps a file in its folder in a transaction, even without an annotation', async () => {
    const folder = vscode.workspace.workspaceFolders![0]!.uri;
    const other = vscode.Uri.joinPath(folder, 'db', 'migrations', `29990101000001_cw_cic_${Date.now()}.sql`);
    await vscode.workspace.fs.writeFile(
      other,
      new TextEncoder().encode("SET lock_timeout = '2s';\nCREATE INDEX CONCURRENTLY accounts_x_idx ON accounts (id);\n"),
    );
    try {
      await vscode.workspace.openTextDocument(other);
      const diags = await until('the CIC diagnostic', () => (ours(other).length ? ours(other) : undefined));
      assert.deepEqual(
        diags.map((d) => rule(d)),
        ['concurrent-index-in-transaction'],
      );
      assert.match(diags[0]!.message, /the migration tool runs this file in one transaction/);
    } finally {
      await vscode.workspace.fs.delete(other);
    }
  });

  it('uses the lint.serverVersion setting when no connection fits: PostgreSQL 10 rewrites for a constant default', async () => {
    const folder = vscode.workspace.workspaceFolders![0]!.uri;
    const pg10 = vscode.Uri.joinPath(folder, 'db', 'migrations', `29990101000002_cw_pg10_${Date.now()}.sql`);
    await vscode.workspace.fs.writeFile(
      pg10,
      new TextEncoder().encode(
        "-- migrate:up\nSET lock_timeout = '2s';\nALTER TABLE accounts ADD COLUMN kind text NOT NULL DEFAULT 'x';\n",
      ),
    );
    const cfg = vscode.workspace.getConfiguration('columnWizard');
    try {
      await vscode.workspace.openTextDocument(pg10);
      await until('lint of the new file', () => (vscode.languages.getDiagnostics(pg10) !== undefined ? true : undefined));
      await new Promise((r) => setTimeout(r, 500));
      assert.deepEqual(
        ours(pg10).map((d) => rule(d)),
        [],
        'PostgreSQL 15 by default: no rewrite',
      );
      await cfg.update('lint.serverVersion', '10', vscode.ConfigurationTarget.Workspace);
      const diags = await until('the PostgreSQL 10 rewrite', () => (ours(pg10).length ? ours(pg10) : undefined));
      assert.deepEqual(
        diags.map((d) => rule(d)),
        ['add-column-rewrite'],
      );
    } finally {
      await cfg.update('lint.serverVersion', undefined, vscode.ConfigurationTarget.Workspace);
      await vscode.workspace.fs.delete(pg10);
    }
  });

  it('"Write safe phases as migration files" writes dbmate files and comments the statement out', async () => {
    const doc = await vscode.workspace.openTextDocument(uri);
    const line = doc.lineCount;
    const edit = new vscode.WorkspaceEdit();
    edit.insert(uri, new vscode.Position(line, 0), 'ALTER TABLE accounts ADD COLUMN seen_at timestamptz DEFAULT clock_timestamp();\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    await until("the new statement's finding", () =>
      ours(uri).some((d) => rule(d) === 'add-column-rewrite' && d.range.start.line === line - 1) ? true : undefined,
    );
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      uri,
      new vscode.Range(line - 1, 0, line - 1, 5),
    );
    const write = actions.find((a) => a.title.startsWith('Write safe phases as migration files'));
    assert.ok(write?.command, actions.map((a) => a.title).join(' | '));
    const result = await vscode.commands.executeCommand<{ tool: string; paths: string[] }>(
      write.command.command,
      ...(write.command.arguments ?? []),
    );
    try {
      assert.equal(result.tool, 'dbmate');
      assert.ok(result.paths.length >= 1);
      const folder = vscode.workspace.workspaceFolders![0]!.uri;
      const written = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder, result.paths[0]!)));
      assert.match(written, /-- migrate:up/);
      assert.match(written, /ADD COLUMN "seen_at" timestamp with time zone;/);
      assert.match(doc.getText(), /-- Column Wizard: replaced by the safe phases in /);
    } finally {
      const folder = vscode.workspace.workspaceFolders![0]!.uri;
      for (const p of result?.paths ?? []) await vscode.workspace.fs.delete(vscode.Uri.joinPath(folder, p));
    }
  });
});
