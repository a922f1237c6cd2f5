import * as l10n from '@vscode/l10n';
/**
 * What the editor shows over a linted file — CodeLens titles, hovers, the "Rewrite as safe phases" text — computed
 * from a LintResult without vscode, so it is unit-tested. The phases come from the planner (`planColumn`). Pure.
 */
import { formatSeconds } from '../format';
import { describeBasis } from '../impact';
import { defaultName, planUnits, sqlLines } from '../migrations/units';
import type { Impact } from '../rules';
import type { ColumnSpec, Plan, Step, TableFacts, TableRef, Target } from '../types';
import { serverName } from './rules/shared';
import type { AnalyzedStatement, LintFinding, LintResult } from './analyze';

/** The statement whose text range holds `offset` (ends inclusive, so a cursor right after `;` still counts). */
export function statementAt(result: LintResult, offset: number): AnalyzedStatement | undefined {
  return result.statements.find((s) => s.start <= offset && offset <= s.end + 1);
}

export function blocksText(b: Impact['blocks']): string {
  return b.reads && b.writes
    ? l10n.t('blocks reads+writes')
    : b.writes
      ? l10n.t('blocks writes')
      : b.reads
        ? l10n.t('blocks reads')
        : l10n.t('blocks nothing');
}

/** `ACCESS EXCLUSIVE · blocks reads+writes · rewrite · 20,000 rows`; undefined for statements with no lock impact. */
export function lensTitle(s: AnalyzedStatement): string | undefined {
  if (s.parsed.kind !== 'alter-table' && s.parsed.kind !== 'create-index') return undefined;
  const i = s.strongest;
  if (!i) return undefined;
  const parts = [i.algorithm ? `${i.algorithm}${i.lock === 'NONE' ? '' : ` · LOCK ${i.lock}`}` : i.lock, blocksText(i.blocks)];
  if (i.rewrite) parts.push(l10n.t('rewrite'));
  else if (i.scan) parts.push(l10n.t('scans'));
  if (s.newTable) parts.push(l10n.t('new table'));
  else if (s.rows !== undefined) parts.push(l10n.t('{0} rows', s.rows.toLocaleString('en-US')));
  if (s.lockSeconds !== undefined && (i.blocks.reads || i.blocks.writes))
    parts.push(s.lockSeconds < 0.1 ? '<0.1 s' : `~${formatSeconds(s.lockSeconds)}`);
  return parts.join(' · ');
}

/**
 * The CodeLens title the editor shows, with where a lock time comes from when it shows one:
 * `… · ~68 s (measured on this server 3 min ago)`, `(learned from 2 runs on this server)`, or `(<rough>)` — `rough` is the
 * editor's (translated) words for an estimate without a measurement of the server.
 */
export function lensTitleWithBasis(s: AnalyzedStatement, rough: string, now: number = Date.now()): string | undefined {
  const title = lensTitle(s);
  if (!title) return undefined;
  const timed = s.lockSeconds !== undefined && s.strongest && (s.strongest.blocks.reads || s.strongest.blocks.writes);
  if (!timed) return title;
  return `${title} (${!s.lockBasis || s.lockBasis.basis === 'default' ? rough : describeBasis(s.lockBasis, now)})`;
}

/** Markdown for a hover over a statement: each operation's lock and why, then the findings with their fixes. */
export function hoverMarkdown(s: AnalyzedStatement, findings: readonly LintFinding[]): string {
  const lines: string[] = [];
  for (const { op, impact } of s.operations) {
    lines.push(
      `**${op.op}** — ${impact.lock}${impact.algorithm ? ` (${impact.algorithm})` : ''}, ${blocksText(impact.blocks)}${impact.rewrite ? `, ${l10n.t('rewrites the table')}` : ''}`,
    );
    lines.push(`${impact.why}.`);
    if (impact.referencedLock) lines.push(l10n.t('The referenced table is locked {0}.', impact.referencedLock));
    lines.push('');
  }
  if (s.newTable) lines.push(l10n.t('The table is created earlier in this file, so these locks block nobody.'), '');
  for (const f of findings.filter((x) => x.statement === s.index)) {
    lines.push(`$(${f.severity === 'error' ? 'error' : f.severity === 'warning' ? 'warning' : 'info'}) \`${f.rule}\`: ${f.message}`);
    if (f.fix) lines.push(`  *${l10n.t('Safe alternative:')}* ${f.fix}`);
  }
  return lines.join('\n').trim();
}

export interface AddColumnStatement {
  readonly table: TableRef;
  readonly spec: ColumnSpec;
}

/** The table and column of an `ALTER TABLE … ADD COLUMN` with exactly one subcommand — the statements the planner can replace. */
export function addColumnOf(s: AnalyzedStatement, defaultSchema: string): AddColumnStatement | undefined {
  if (s.parsed.kind !== 'alter-table' || s.parsed.actions.length !== 1 || !s.parsed.table) return undefined;
  const a = s.parsed.actions[0]!;
  if (a.kind !== 'add-column') return undefined;
  return { table: { schema: s.parsed.table.schema ?? defaultSchema, name: s.parsed.table.name }, spec: a.spec };
}

/** Facts for planning when no connection says more: a populated table of unknown size (so no safety step is skipped). */
export function unknownSizeFacts(table: TableRef): TableFacts {
  return { table, rows: 1, bytes: 8192 };
}

/**
 * The plan as one SQL text to put in place of the statement, with each step's lock impact as comments and the parts that
 * must run outside a transaction called out: the statements the migration writers put in files (the same units:
 * batched backfill, lock-timeout retries, catalog guards; on PostgreSQL a backfill that commits with the migration, since
 * the file may run in one transaction; on MySQL/MariaDB the compound statements, `BEGIN NOT ATOMIC` or a procedure).
 * `delimiter`: the file is read by a client that splits on `;` (the mysql client, Flyway), so each compound statement is
 * wrapped in `DELIMITER $$` … `DELIMITER ;`; tools that send the file as one batch (dbmate) take it without.
 */
export function phasedSql(plan: Plan, sizeKnown: boolean, opts: { delimiter?: boolean } = {}): string {
  const out: string[] = [
    `-- Column Wizard: ${plan.column.name} on ${plan.table.schema ? `${plan.table.schema}.` : ''}${plan.table.name}, ${plan.dialect} ${plan.serverVersion}, in ${plan.phases.length} phase(s).`,
  ];
  if (!sizeKnown) out.push('-- Table size unknown (no connection): planned as a populated table; durations not estimated.');
  const outside = " — must run OUTSIDE a transaction: give it its own migration with the tool's no-transaction switch";
  const describe = (step: Step) => {
    const impact = `${step.lock}${step.algorithm ? ` (${step.algorithm})` : ''}, ${blocksText(step.blocks)}${step.rewrite ? ', rewrite' : ''}`;
    const time = sizeKnown ? `, ~${formatSeconds(step.estimate.lockSeconds)} locked` : '';
    out.push(`-- ${impact}${time}: ${step.why.replace(/[\r\n]+/g, ' ')}`);
    if (step.unavoidable) out.push(`-- unavoidable: ${step.unavoidable.replace(/[\r\n]+/g, ' ')}`);
  };
  const phaseOf = new Map(plan.phases.map((p, i) => [p.kind, i + 1]));
  for (const unit of planUnits(plan, defaultName(plan), { canRunOutside: false })) {
    out.push('', `-- Phase ${phaseOf.get(unit.kind)} (${unit.kind}): ${unit.title}${unit.nonTransactional ? outside : ''}`);
    unit.steps.forEach(describe);
    out.push(...sqlLines(unit.up, { delimiter: plan.dialect !== 'postgres' && !!opts.delimiter }));
  }
  for (const w of plan.warnings) out.push('', `-- ${w.severity}: ${w.message.replace(/[\r\n]+/g, ' ')}`);
  return out.join('\n');
}

/** The SQL lint's language status: the connection's server, or offline rules. */
export function lintStatusText(target: Target, profile: string | undefined): string {
  return profile ? `Column Wizard: ${serverName(target)} · ${profile}` : l10n.t('Column Wizard: offline, {0} rules', serverName(target));
}

/** A .sql file that looks like a migration: in a migrations-like folder or named like a versioned migration. */
export function isMigrationSqlPath(path: string): boolean {
  const parts = path.replace(/\\/g, '/').split('/');
  const name = parts[parts.length - 1] ?? '';
  if (!/\.sql$/i.test(name)) return false;
  if (/^(V\d+(\.\d+)*__|U\d+__|R__|\d{3,}|\d+[_-])/i.test(name)) return true;
  return parts
    .slice(0, -1)
    .some((p) =>
      /^(migrations?|migrate|schema|db|sql|changelogs?|changes|deploy|revert|flyway|liquibase|atlas|dbmate|goose|prisma|drizzle)$/i.test(p),
    );
}

/** PostgreSQL unless the text has MySQL-only syntax (backticks, AUTO_INCREMENT, ENGINE=, ALGORITHM=, LOCK=…). */
export function guessEngine(text: string): 'postgres' | 'mysql' {
  return /`|\bAUTO_INCREMENT\b|\bENGINE\s*=|\bALGORITHM\s*=|\bLOCK\s*=\s*(NONE|SHARED|EXCLUSIVE|DEFAULT)\b|\bUNSIGNED\b|\bMODIFY\s+(COLUMN\s+)?\w/i.test(
    text,
  )
    ? 'mysql'
    : 'postgres';
}

/** One table's catalog figures, as `DatabaseClient.listTables()` returns them (rows -1: never analysed). */
export interface TableRowEstimate {
  readonly schema: string;
  readonly name: string;
  readonly rows: number;
  readonly bytes: number;
}

/** Facts for the linter from a table list: unqualified names resolve in `defaultSchema` (`public`, or the MySQL database). */
export function factsLookup(
  tables: readonly TableRowEstimate[],
  defaultSchema: string,
): (t: { schema?: string; name: string }) => TableFacts | undefined {
  return (t) => {
    const schema = (t.schema ?? defaultSchema).toLowerCase();
    const row = tables.find((x) => x.name.toLowerCase() === t.name.toLowerCase() && x.schema.toLowerCase() === schema);
    return row && row.rows >= 0 ? { table: { schema: row.schema, name: row.name }, rows: row.rows, bytes: row.bytes } : undefined;
  };
}
