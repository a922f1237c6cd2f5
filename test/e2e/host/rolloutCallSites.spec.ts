/// <reference types="mocha" />
/**
 * The application side in a real extension host: once a rollout of orders.ref is recorded in the workspace (a plan
 * file, as Write Migration Files leaves it), an INSERT into orders that does not set ref gets an information
 * diagnostic and a CodeLens; the one that sets it gets neither, also when the plan file was first seen half written. A file the user hid with `files.exclude`, or that a
 * nested `.gitignore` ignores, is not scanned.
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { until as poll } from './until';

const until = <T>(what: string, probe: () => T | undefined | Promise<T | undefined>, ms = 30000) => poll(what, probe, ms, 200);
import { baselineFileName, baselineFolder, makeBaseline } from '../../../src/core/rollout/baseline';

const EXT_ID = 'column-wizard.column-wizard';

describe('rollout call sites', function () {
  this.timeout(90000);
  const folder = () => vscode.workspace.workspaceFolders![0]!.uri;
  let code: vscode.Uri;
  let hidden: vscode.Uri;
  let plan: vscode.Uri;
  let gitignored: vscode.Uri;

  before(async () => {
    await vscode.extensions.getExtension(EXT_ID)!.activate();
    code = vscode.Uri.joinPath(folder(), 'src', 'cw_orders_repo.ts');
    await vscode.workspace.fs.writeFile(
      code,
      new TextEncoder().encode(
        "export async function a(db: { query(s: string): Promise<void> }) {\n  await db.query('INSERT INTO cw_orders (amount) VALUES (1)');\n  await db.query('INSERT INTO cw_orders (amount, ref) VALUES (1, 2)');\n}\n",
      ),
    );
    // The same INSERT in a folder hidden by files.exclude (the scan's own exclude glob must not replace the setting).
    await vscode.workspace.getConfiguration('files').update('exclude', { '**/cw_generated': true }, vscode.ConfigurationTarget.Workspace);
    hidden = vscode.Uri.joinPath(folder(), 'cw_generated', 'cw_orders_gen.ts');
    await vscode.workspace.fs.writeFile(
      hidden,
      new TextEncoder().encode("export const q = 'INSERT INTO cw_orders (amount) VALUES (1)';\n"),
    );
    // The same INSERT in a file a nested .gitignore (src/.gitignore, pattern relative to src/) ignores.
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(folder(), 'src', '.gitignore'), new TextEncoder().encode('/cw_ignored/\n'));
    gitignored = vscode.Uri.joinPath(folder(), 'src', 'cw_ignored', 'cw_orders_gen.ts');
    await vscode.workspace.fs.writeFile(
      gitignored,
      new TextEncoder().encode("export const q = 'INSERT INTO cw_orders (amount) VALUES (1)';\n"),
    );
    const b = makeBaseline({ source: 'plan', table: { schema: 'public', name: 'cw_orders' }, column: 'ref', prediction: { steps: [] } });
    plan = vscode.Uri.joinPath(folder(), ...baselineFolder(b.table, b.column).split('/'), baselineFileName(b.createdAt, 'plan'));
    // As a slow writer (or a git checkout) leaves it: first half written, then whole. The first state is not a
    // baseline yet; the change to the whole file must start a rescan.
    const whole = JSON.stringify(b);
    await vscode.workspace.fs.writeFile(plan, new TextEncoder().encode(whole.slice(0, whole.length >> 1)));
    await new Promise((r) => setTimeout(r, 1500));
    await vscode.workspace.fs.writeFile(plan, new TextEncoder().encode(whole));
  });

  after(async () => {
    await vscode.workspace.fs.delete(code).then(undefined, () => undefined);
    await vscode.workspace.fs.delete(vscode.Uri.joinPath(folder(), 'src', '.gitignore')).then(undefined, () => undefined);
    await vscode.workspace.fs
      .delete(vscode.Uri.joinPath(folder(), 'src', 'cw_ignored'), { recursive: true })
      .then(undefined, () => undefined);
    await vscode.workspace.fs.delete(vscode.Uri.joinPath(folder(), 'cw_generated'), { recursive: true }).then(undefined, () => undefined);
    await vscode.workspace.getConfiguration('files').update('exclude', undefined, vscode.ConfigurationTarget.Workspace);
    await vscode.workspace.fs.delete(vscode.Uri.joinPath(folder(), '.column-wizard'), { recursive: true }).then(undefined, () => undefined);
  });

  it('marks the INSERT that does not set the column, and only that one', async () => {
    const diags = await until('the dual-write diagnostic', () => {
      const d = vscode.languages.getDiagnostics(code).filter((x) => x.code === 'rollout-dual-write');
      return d.length ? d : undefined;
    }).catch(async (err: Error) => {
      // What the next look at a failure needs: the plan file as the extension would read it, and every diagnostic the
      // extension has set.
      const text = await vscode.workspace.fs.readFile(plan).then(
        (b) => new TextDecoder().decode(b),
        (e: Error) => e.message,
      );
      const ours = vscode.languages
        .getDiagnostics()
        .flatMap(([uri, list]) =>
          list.filter((d) => d.source === 'column-wizard').map((d) => `${vscode.workspace.asRelativePath(uri)}: ${String(d.code)}`),
        );
      throw new Error(
        `${err.message}; plan file ${text.length} chars, ends ${JSON.stringify(text.slice(-20))}; column-wizard diagnostics: ${ours.join(', ') || 'none'}`,
      );
    });
    assert.deepEqual(
      diags.map((d) => [d.range.start.line, d.severity]),
      [[1, vscode.DiagnosticSeverity.Information]],
    );
    assert.match(diags[0]!.message, /does not set ref: part of the rollout of public\.cw_orders\.ref/);
    await vscode.window.showTextDocument(code);
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', code);
    assert.deepEqual(
      lenses.filter((l) => /part of the rollout/.test(l.command?.title ?? '')).map((l) => l.range.start.line),
      [1],
    );
    assert.deepEqual(
      vscode.languages.getDiagnostics(hidden).filter((x) => x.code === 'rollout-dual-write'),
      [],
      'a file hidden by files.exclude is not scanned',
    );
    assert.deepEqual(
      vscode.languages.getDiagnostics(gitignored).filter((x) => x.code === 'rollout-dual-write'),
      [],
      'a file a nested .gitignore ignores is not scanned',
    );
  });
});
