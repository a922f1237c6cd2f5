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

interface Item<T> extends vscode.QuickPickItem {
  readonly value: T;
}

const family = (p: ConnectionProfile) => (p.dialect === 'postgres' ? 'postgres' : 'mysql');

export async function checkDrift(ctx: DriftCommandContext): Promise<void> {
  const profiles = ctx.connections.list();
  if (profiles.length < 2) {
    void vscode.window.showInformationMessage(
      profiles.length === 0
        ? vscode.l10n.t(
            'Column Wizard: Check Schema Drift compares two or more connections; there is none yet. Add the replica or the other environment as a connection first.',
          )
        : vscode.l10n.t(
            'Column Wizard: Check Schema Drift compares two or more connections; there is only one yet. Add the replica or the other environment as a connection first.',
          ),
    );
    return;
  }
  const picked = await vscode.window.showQuickPick(
    profiles.map((p): Item<ConnectionProfile> => ({ label: p.name, description: describeProfile(p), value: p })),
    {
      title: vscode.l10n.t('Column Wizard: Check Schema Drift'),
      placeHolder: vscode.l10n.t('Connections to compare (two or more)'),
      canPickMany: true,
      matchOnDescription: true,
    },
  );
  if (!picked) return;
  if (picked.length < 2) {
    void vscode.window.showWarningMessage(
      vscode.l10n.t('Column Wizard: pick at least two connections to compare ({0} picked).', picked.length),
    );
    return;
  }
  const chosen = picked.map((i) => i.value);
  if (new Set(chosen.map(family)).size > 1) {
    void vscode.window.showWarningMessage(
      vscode.l10n.t('Column Wizard: drift compares connections of one engine; the picked ones mix PostgreSQL and MySQL/MariaDB.'),
    );
    return;
  }
  let reference = chosen[0]!;
  if (chosen.length > 2) {
    const ref = await vscode.window.showQuickPick(
      chosen.map((p): Item<ConnectionProfile> => ({ label: p.name, description: describeProfile(p), value: p })),
      {
        title: vscode.l10n.t('Column Wizard: Check Schema Drift'),
        placeHolder: vscode.l10n.t('The reference connection (the others are compared with it)'),
      },
    );
    if (!ref) return;
    reference = ref.value;
  }
  const ordered = [reference, ...chosen.filter((p) => p.name !== reference.name)];

  const tables = await ctx.tree.listTables(reference);
  if (tables.length === 0) {
    void vscode.window.showWarningMessage(vscode.l10n.t('Column Wizard: {0} has no tables this user can see.', reference.name));
    return;
  }
  const table = await vscode.window.showQuickPick(
    tables.map((t): Item<TableSummary> => ({ label: `${t.schema}.${t.name}`, value: t })),
    {
      title: vscode.l10n.t('Column Wizard: Check Schema Drift — table of {0}', reference.name),
      placeHolder: vscode.l10n.t('Type to search tables'),
    },
  );
  if (!table) return;
  const ref = { schema: table.value.schema, name: table.value.name };

  const report = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Column Wizard: comparing {0}', `${ref.schema}.${ref.name}`) },
    async () => {
      const facts = await Promise.all(
        ordered.map(async (p) => {
          try {
            return await readDefinition(await ctx.connections.client(p), ref);
          } catch (err) {
            throw new Error(`${p.name}: ${describeError(err)}`, { cause: err });
          }
        }),
      );
      return compareDefinitions(ordered.map((p, i) => ({ label: p.name, facts: facts[i] ?? null })));
    },
  );
  const text = formatDrift(report);
  for (const line of text.split('\n')) ctx.log.info(LOG, line);
  const doc = await vscode.workspace.openTextDocument({ language: 'plaintext', content: `${text}\n` });
  await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside });
  const n = report.differences.length;
  const name = `${ref.schema}.${ref.name}`;
  if (n === 0)
    void vscode.window.showInformationMessage(
      vscode.l10n.t('Column Wizard: {0} is the same on {1}.', name, ordered.map((p) => p.name).join(', ')),
    );
  else if (n === 1)
    void vscode.window.showWarningMessage(
      vscode.l10n.t('Column Wizard: 1 difference in {0} across {1} connections; see the document and the log.', name, ordered.length),
    );
  else
    void vscode.window.showWarningMessage(
      vscode.l10n.t('Column Wizard: {0} differences in {1} across {2} connections; see the document and the log.', n, name, ordered.length),
    );
}
