/**
 * Check Schema Drift: pick two or more saved connections (a primary and its replicas, staging and production…)
 * and a table; the table's definition on each is compared with the reference's, and the differences are written
 * to the log channel and shown in a document beside the editor.
 */
import * as vscode from 'vscode';
import { compareDefinitions, formatDrift } from '../../core/drift';
import type { TableSummary } from '../../db/client';
import { readDefinition } from '../../db/replication/definitions';
import type { Connections } from '../connections/manager';
import { describeProfile, type ConnectionProfile } from '../connections/profiles';
import type { Log } from '../log';
import type { ConnectionsTree } from '../tree';
import { describeError } from '../../core/format';

/** The slice of the command context this command uses. */
export interface DriftCommandContext {
  readonly log: Log;
  readonly connections: Connections;
  readonly tree: ConnectionsTree;
}

const LOG = 'drift';

interface Item<T> extends vscode.QuickPickItem { readonly value: T }

const family = (p: ConnectionProfile) => (p.dialect === 'postgres' ? 'postgres' : 'mysql');

export async function checkDrift(ctx: DriftCommandContext): Promise<void> {
  const profiles = ctx.connections.list();
  if (profiles.length < 2) {
    void vscode.window.showInformationMessage(`Column Wizard: Check Schema Drift compares two or more connections; ${profiles.length === 0 ? 'there is none' : 'there is only one'} yet. Add the replica or the other environment as a connection first.`);
    return;
  }
  const picked = await vscode.window.showQuickPick(
    profiles.map((p): Item<ConnectionProfile> => ({ label: p.name, description: describeProfile(p), value: p })),
    { title: 'Column Wizard: Check Schema Drift', placeHolder: 'Connections to compare (two or more)', canPickMany: true, matchOnDescription: true },
  );
  if (!picked) return;
  if (picked.length < 2) {
    void vscode.window.showWarningMessage(`Column Wizard: pick at least two connections to compare (${picked.length} picked).`);
    return;
  }
  const chosen = picked.map((i) => i.value);
  if (new Set(chosen.map(family)).size > 1) {
    void vscode.window.showWarningMessage('Column Wizard: drift compares connections of one engine; the picked ones mix PostgreSQL and MySQL/MariaDB.');
    return;
  }
  let reference = chosen[0]!;
  if (chosen.length > 2) {
    const ref = await vscode.window.showQuickPick(chosen.map((p): Item<ConnectionProfile> => ({ label: p.name, description: describeProfile(p), value: p })),
      { title: 'Column Wizard: Check Schema Drift', placeHolder: 'The reference connection (the others are compared with it)' });
    if (!ref) return;
    reference = ref.value;
  }
  const ordered = [reference, ...chosen.filter((p) => p.name !== reference.name)];

  const tables = await ctx.tree.listTables(reference);
  if (tables.length === 0) {
    void vscode.window.showWarningMessage(`Column Wizard: ${reference.name} has no tables this user can see.`);
    return;
  }
  const table = await vscode.window.showQuickPick(tables.map((t): Item<TableSummary> => ({ label: `${t.schema}.${t.name}`, value: t })),
    { title: `Column Wizard: Check Schema Drift — table of ${reference.name}`, placeHolder: 'Type to search tables' });
  if (!table) return;
  const ref = { schema: table.value.schema, name: table.value.name };

  const report = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Column Wizard: comparing ${ref.schema}.${ref.name}` }, async () => {
    const facts = await Promise.all(ordered.map(async (p) => {
      try {
        return await readDefinition(await ctx.connections.client(p), ref);
      } catch (err) {
        throw new Error(`${p.name}: ${describeError(err)}`, { cause: err });
      }
    }));
    return compareDefinitions(ordered.map((p, i) => ({ label: p.name, facts: facts[i] ?? null })));
  });
  const text = formatDrift(report);
  for (const line of text.split('\n')) ctx.log.info(LOG, line);
  const doc = await vscode.workspace.openTextDocument({ language: 'plaintext', content: `${text}\n` });
  await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside });
  const n = report.differences.length;
  if (n === 0) void vscode.window.showInformationMessage(`Column Wizard: ${ref.schema}.${ref.name} is the same on ${ordered.map((p) => p.name).join(', ')}.`);
  else void vscode.window.showWarningMessage(`Column Wizard: ${n} difference${n === 1 ? '' : 's'} in ${ref.schema}.${ref.name} across ${ordered.length} connections; see the document and the log.`);
}
