/**
 * column-wizard plan: a column definition becomes a phased plan, printed as text or as the Plan JSON.
 * Offline: --dialect/--server-version/--rows/--bytes describe the server and table. `planWithFacts` is the seam for a live
 * mode: give it facts read from a connection (and a measured calibration) instead.
 */
import type { Io } from '../cli';
import { ColumnSyntaxError, parseColumnDefinition } from '../core/columnSpec';
import { formatBytes, formatSeconds } from '../core/format';
import { describeBasis, formatEstimate } from '../core/impact';
import { planColumn, type PlanOptions } from '../core/plan';
import { isDialect } from '../core/dialects';
import { isNoopSql, quoteIdent, readQuotedName } from '../core/sql';
import {
  DIALECTS,
  type ColumnSpec,
  type Dialect,
  type Finding,
  type Plan,
  type TableFacts,
  type TableRef,
  type Target,
} from '../core/types';
import { numberOption, parse, requireString, textOrJson, UsageError, type Options } from './args';
import { CALIBRATION_OPTIONS } from './calibration';

/** The options `tableAndColumnFromOptions` reads; part of the plan, write and run options. */
export const TABLE_COLUMN_OPTIONS: Options = {
  table: { type: 'string' },
  column: { type: 'string' },
  index: { type: 'boolean' },
  unique: { type: 'boolean' },
};

export const PLAN_OPTIONS: Options = {
  url: { type: 'string' },
  dialect: { type: 'string' },
  'server-version': { type: 'string' },
  rows: { type: 'string' },
  bytes: { type: 'string' },
  ...TABLE_COLUMN_OPTIONS,
  format: { type: 'string' },
  'lock-timeout-ms': { type: 'string' },
  standbys: { type: 'boolean' },
  ...CALIBRATION_OPTIONS,
  node: { type: 'string', multiple: true },
  'galera-rsu': { type: 'boolean' },
};

/**
 * `[schema.]name`; a quoted part ("My Table") may contain dots. The default schema depends on the dialect. On
 * PostgreSQL an unquoted part is folded to lower case (ASCII letters, as the server does for UTF-8 databases and as
 * psql would read the same name); each folded part is pushed to `folded` when given. MySQL/MariaDB keep it as typed.
 */
export function parseTableName(text: string, dialect: Dialect, folded?: { typed: string; name: string }[]): TableRef {
  const parts: string[] = [];
  let i = 0;
  while (i <= text.length) {
    if (text[i] === '"' || text[i] === '`') {
      const quoted = readQuotedName(text, i);
      if (!quoted) throw new UsageError(`--table: unterminated quote in "${text}"`);
      parts.push(quoted.value);
      i = quoted.end;
    } else {
      let j = text.indexOf('.', i);
      if (j < 0) j = text.length;
      const typed = text.slice(i, j);
      const name = dialect === 'postgres' ? typed.replace(/[A-Z]+/g, (m) => m.toLowerCase()) : typed;
      if (name !== typed) folded?.push({ typed, name });
      parts.push(name);
      i = j;
    }
    if (i >= text.length) break;
    if (text[i] !== '.') throw new UsageError(`--table: expected "." after a quoted name in "${text}"`);
    i++;
  }
  if (parts.length > 2 || parts.some((p) => p === '')) throw new UsageError(`--table must be [schema.]name, got "${text}"`);
  if (parts.length === 2) return { schema: parts[0]!, name: parts[1]! };
  return { schema: dialect === 'postgres' ? 'public' : '', name: parts[0]! };
}

/** The column from --column plus --index / --unique. */
export function columnFromArgs(definition: string, dialect: Dialect, flags: { index?: boolean; unique?: boolean }): ColumnSpec {
  let spec: ColumnSpec;
  try {
    spec = parseColumnDefinition(definition, dialect);
  } catch (err) {
    if (err instanceof ColumnSyntaxError) {
      throw new UsageError(`--column: ${err.message}\n  ${definition}\n  ${' '.repeat(err.position)}^`);
    }
    throw err;
  }
  return { ...spec, ...(flags.index ? { index: true } : {}), ...(flags.unique ? { unique: true } : {}) };
}

/** --table and --column (with --index / --unique) read for `dialect`: the same for `plan`, `plan --url`, `write` and `run`. */
export function tableAndColumnFromOptions(
  values: Record<string, unknown>,
  dialect: Dialect,
): { table: TableRef; spec: ColumnSpec; notes: Finding[] } {
  const folded: { typed: string; name: string }[] = [];
  const table = parseTableName(requireString(values, 'table'), dialect, folded);
  const spec = columnFromArgs(requireString(values, 'column'), dialect, { index: values.index === true, unique: values.unique === true });
  return { table, spec, notes: folded.map(tableNameFolded) };
}

/** The note for a --table part PostgreSQL folded: what it became, and how to keep the case. */
function tableNameFolded(f: { typed: string; name: string }): Finding {
  return {
    code: 'name-folded',
    severity: 'info',
    message: `--table: the unquoted name ${f.typed} is ${f.name} to PostgreSQL, as in psql: unquoted names are folded to lower case. To keep the case, quote it: --table '${quoteIdent('postgres', f.typed)}'.`,
  };
}

/** The planner options of the plan options: --lock-timeout-ms (at least 1) and --standbys. */
export function planOptionsFromValues(values: Record<string, unknown>): PlanOptions {
  const lockTimeoutMs = numberOption(values, 'lock-timeout-ms');
  if (lockTimeoutMs === 0) throw new UsageError('--lock-timeout-ms must be at least 1');
  return { ...(lockTimeoutMs ? { lockTimeoutMs } : {}), standbys: values.standbys === true };
}

/** The seam for live mode: plan with facts from wherever they came (a connection, or the offline flags). */
export function planWithFacts(spec: ColumnSpec, facts: TableFacts, target: Target, options: PlanOptions = {}): Plan {
  return planColumn(spec, facts, target, options);
}

function yesNo(b: boolean): string {
  return b ? 'yes' : 'no';
}

/** A readable plan: phases, SQL, one lock line per step, then warnings and the rollout. */
export function renderPlanText(plan: Plan): string {
  const lines: string[] = [];
  const t = plan.table;
  lines.push(
    `Plan: add column ${plan.column.name} to ${t.schema ? `${t.schema}.` : ''}${t.name} on ${plan.dialect} ${plan.serverVersion} (${t.rows >= 0 ? `${t.rows} rows` : 'unknown row count'}, ${t.bytes} bytes)`,
  );
  let n = 0;
  for (const phase of plan.phases) {
    lines.push('');
    lines.push(
      `== ${phase.kind}: ${phase.title}${phase.transactional ? ' (may run as one transaction)' : ' (each step on its own, outside a transaction)'}`,
    );
    for (const s of phase.steps) {
      n++;
      lines.push('');
      if (s.lockTimeoutSql) lines.push(`  ${s.lockTimeoutSql};`);
      for (const sql of s.session?.before ?? []) lines.push(`  ${sql};`);
      lines.push(`  ${s.sql};`);
      for (const sql of s.session?.after ?? []) lines.push(`  ${sql};`);
      const blocks = s.blocks.reads ? 'reads and writes' : s.blocks.writes ? 'writes' : 'nothing';
      lines.push(
        `  -- step ${n}: lock ${s.lock}${s.algorithm ? ` (ALGORITHM=${s.algorithm})` : ''}; blocks ${blocks}; rewrite ${yesNo(s.rewrite)}; ` +
          `blocking ~${formatSeconds(s.estimate.lockSeconds)}, total ${formatEstimate(s.estimate)} (${describeBasis(s.estimate)})`,
      );
      if (s.storage)
        lines.push(
          `  -- size after: table ${formatBytes(s.storage.tableBytes)}, indexes ${formatBytes(s.storage.indexBytes)} (${s.storage.growthBytes >= 0 ? '+' : '−'}${formatBytes(Math.abs(s.storage.growthBytes))})${s.storage.tempBytes ? `; needs about ${formatBytes(s.storage.tempBytes)} free while it runs` : ''}`,
        );
      lines.push(`  -- why: ${s.why}`);
      if (s.unavoidable) lines.push(`  -- UNAVOIDABLE: ${s.unavoidable}`);
      if (s.verified)
        lines.push(
          `  -- verified on the server: ${s.verified.agrees ? 'agrees' : 'DISAGREES with the rules; the server wins'} (${s.verified.detail})`,
        );
      if (s.fallbackSql) lines.push(`  -- if the server refuses INSTANT: ${s.fallbackSql};`);
      if (s.down && !isNoopSql(s.down)) lines.push(`  -- down: ${s.down};`);
    }
  }
  if (plan.warnings.length) {
    lines.push('', 'Warnings:');
    for (const w of plan.warnings) lines.push(`  [${w.severity}] ${w.code}: ${w.message}${w.fix ? ` (fix: ${w.fix})` : ''}`);
  }
  lines.push('', 'Rollout:');
  plan.rollout.forEach((r, i) => lines.push(`  ${i + 1}. ${r}`));
  return lines.join('\n');
}

/** The plan the plan options describe (shared with `write`, which takes the same options). */
export function planFromOptions(values: Record<string, unknown>): Plan {
  if (values.url !== undefined)
    throw new UsageError('--url (live mode) is not available yet; use --dialect, --server-version, --rows and --bytes');
  const dialect = requireString(values, 'dialect');
  if (!isDialect(dialect)) throw new UsageError(`--dialect must be one of ${DIALECTS.join(', ')}, got "${dialect}"`);
  const version = requireString(values, 'server-version');
  if (!/^\d+(\.\d+){0,2}/.test(version)) throw new UsageError(`--server-version must look like 15.4, 8.0.36 or 10.11, got "${version}"`);
  const { table, spec, notes } = tableAndColumnFromOptions(values, dialect);
  // Without --rows the size is unknown: -1 plans as if the table had rows (never the empty-table shortcuts).
  const rows = numberOption(values, 'rows') ?? -1;
  const bytes = numberOption(values, 'bytes') ?? 0;
  const options = planOptionsFromValues(values);
  // `write --primary-key a,b`: the key the backfill walks (offline there is no catalog to read it from).
  const primaryKey = typeof values['primary-key'] === 'string' ? values['primary-key'].split(',').map((c) => c.trim()) : undefined;
  if (primaryKey?.some((c) => !c))
    throw new UsageError(`--primary-key must be column names separated by commas, got "${String(values['primary-key'])}"`);
  const facts: TableFacts = { table, rows: Math.floor(rows), bytes: Math.floor(bytes), ...(primaryKey ? { primaryKey } : {}) };
  const plan = planWithFacts(spec, facts, { dialect, version }, options);
  return notes.length ? { ...plan, warnings: [...notes, ...plan.warnings] } : plan;
}

export async function run(argv: string[], io: Io): Promise<number> {
  const { values } = parse(argv, { ...PLAN_OPTIONS, 'no-online-copy': { type: 'boolean' }, 'no-own-copy': { type: 'boolean' } });
  for (const flag of ['no-online-copy', 'no-own-copy'] as const)
    if (values[flag] !== undefined && values.url === undefined)
      throw new UsageError(`--${flag} goes with --url (the online copy is offered only when planning from the server)`);
  const format = textOrJson(values);
  const single = values.url !== undefined ? await (await import('./livePlan')).planLive(values, io) : planFromOptions(values);
  if (values.url === undefined && (values.node !== undefined || values['galera-rsu'] !== undefined))
    throw new UsageError('--node and --galera-rsu need --url');
  // A Galera cluster or logical replication (with --node subscribers) changes the plan: src/cli/cluster.ts.
  const cluster = values.url !== undefined ? await (await import('./cluster')).clusterPlanLive(values.url as string, single, values) : null;
  const plan = cluster?.plan ?? single;
  io.out(
    format === 'json'
      ? JSON.stringify(plan, null, 2)
      : `${renderPlanText(plan)}${cluster ? (await import('./cluster')).renderCluster(cluster) : ''}`,
  );
  return plan.warnings.some((w) => w.severity === 'error') ? 1 : 0;
}
