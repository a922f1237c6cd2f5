/**
 * column-wizard explain --url URL --sql "<statements>" [--format text|json] [--no-calibrate | --recalibrate]
 * For each ALTER TABLE / CREATE INDEX on an existing table: the lock the rules predict (`impactOf`, through the
 * linter's statement analysis), verified by a probe on an empty copy of the table; where they disagree the probe
 * wins and the disagreement is reported as a rules defect. Nothing runs on the user's tables.
 */
import type { Io } from '../cli';
import { formatSeconds } from '../core/format';
import { DEFAULT_CALIBRATION, describeBasis, estimateStep, formatEstimate, workKind } from '../core/impact';
import { lintSql, type AnalyzedStatement } from '../core/lint/analyze';
import type { NameRef } from '../core/lint/model';
import type { RuleId } from '../core/lint/ruleIds';
import { loadParsers } from '../core/lint/parsers';
import type { Impact } from '../core/rules';
import { standbyReplayFinding } from '../core/replicas';
import type {
  Calibration,
  Dialect,
  Estimate,
  Finding,
  LockLevel,
  MysqlAlgorithm,
  TableFacts,
  TableRef,
  Target,
  Verification,
} from '../core/types';
import type { DatabaseClient, ProbeResult } from '../db/client';
import { compare } from '../db/verify';
import { parse, requireString, textOrJson, UsageError, type Options } from './args';
import { CALIBRATION_OPTIONS, cliCalibration } from './calibration';

const OPTIONS: Options = {
  url: { type: 'string' },
  sql: { type: 'string' },
  format: { type: 'string' },
  'allow-probe': { type: 'boolean' },
  ...CALIBRATION_OPTIONS,
};

export interface ExplainedStatement {
  readonly sql: string;
  readonly table: TableRef;
  readonly lock: LockLevel;
  readonly algorithm?: MysqlAlgorithm;
  readonly blocks: { readonly reads: boolean; readonly writes: boolean };
  readonly rewrite: boolean;
  /** What the probe saw; absent when the statement could not be probed (then the rule's prediction stands). */
  readonly verified?: Verification;
  readonly estimate: Estimate;
  /** The rule's own prediction and reason. */
  readonly rule: {
    readonly lock: LockLevel;
    readonly algorithm?: MysqlAlgorithm;
    readonly rewrite: boolean;
    readonly why: string;
    readonly fails?: string;
  };
}

export interface ExplainResult {
  readonly target: Target;
  readonly statements: readonly ExplainedStatement[];
  readonly skipped: readonly { readonly sql: string; readonly reason: string }[];
  /** Disagreements between the rules and the server: defects in the rules. */
  readonly rulesDefects: readonly string[];
  /** E.g. `standby-replay` when the server has hot standbys and a statement takes ACCESS EXCLUSIVE. */
  readonly warnings?: readonly Finding[];
}

export async function run(argv: string[], io: Io): Promise<number> {
  const { values } = parse(argv, OPTIONS);
  const url = requireString(values, 'url');
  const sql = requireString(values, 'sql');
  const format = textOrJson(values);
  const { connect } = await import('../db/client');
  // Probes create and drop shadow tables: only on this machine's servers unless the user says otherwise.
  const { parseConnectionUrl } = await import('../db/connection');
  const { checkLocalHost } = await import('../db/hosts');
  const host = await checkLocalHost(parseConnectionUrl(url).host);
  if (!host.local && values['allow-probe'] !== true) {
    throw new UsageError(
      `explain probes each statement on an empty copy of its table (created and dropped on the server); ${host.reason ?? 'the host is not local'}. Add --allow-probe to probe on this server.`,
    );
  }
  const client = await connect(url);
  try {
    const { calibration } = await cliCalibration(client, values, io);
    const result = await explain(client, sql, calibration);
    io.out(format === 'json' ? JSON.stringify(result, null, 2) : renderText(result));
    for (const d of result.rulesDefects) io.err(`column-wizard explain: ${d}`);
    return 0;
  } finally {
    await client.close();
  }
}

/** Explain every statement of `sql` against the connected server. */
export async function explain(client: DatabaseClient, sql: string, calibration: Calibration = DEFAULT_CALIBRATION): Promise<ExplainResult> {
  const info = await client.serverInfo();
  const target: Target = { dialect: info.dialect, version: info.version };
  const defaultSchema =
    info.dialect === 'postgres'
      ? ((await client.query<{ s: string }>('SELECT current_schema() AS s'))[0]?.s ?? 'public')
      : client.options.database;
  const parsers = await loadParsers();
  const ref = (t: NameRef): TableRef => ({ schema: t.schema ?? defaultSchema, name: t.name });
  const key = (t: TableRef) => `${t.schema}\u0000${t.name}`;

  // First pass finds the tables; their live facts then refine the rules (row counts, engine, indexes).
  const existing = new Set((await client.listTables()).map(key));
  const facts = new Map<string, TableFacts>();
  for (const s of lintSql(sql, { target }, parsers).statements) {
    if (!s.parsed.table) continue;
    const t = ref(s.parsed.table);
    if (existing.has(key(t)) && !facts.has(key(t))) facts.set(key(t), await client.tableFacts(t));
  }
  const analysis = lintSql(sql, { target, facts: (t) => facts.get(key(ref(t))) }, parsers);

  const statements: ExplainedStatement[] = [];
  const skipped: { sql: string; reason: string }[] = [];
  const rulesDefects: string[] = [];
  const applied = new Map<string, string[]>();
  for (const s of analysis.statements) {
    const impact = s.strongest;
    if (!s.parsed.table || !impact || (s.parsed.kind !== 'alter-table' && s.parsed.kind !== 'create-index')) {
      if (s.parsed.kind !== 'begin' && s.parsed.kind !== 'commit' && s.parsed.kind !== 'set') {
        skipped.push({
          sql: s.text,
          reason: s.parsed.kind === 'unparsed' ? 'the statement could not be parsed' : 'not an ALTER TABLE or CREATE INDEX on a table',
        });
      }
      continue;
    }
    const table = ref(s.parsed.table);
    const tableFacts = facts.get(key(table));
    if (!tableFacts || s.newTable) {
      skipped.push({ sql: s.text, reason: `${table.schema}.${table.name} does not exist on the server yet` });
      continue;
    }
    const setup = applied.get(key(table)) ?? [];
    const probe = await client.probe(table, s.text, { setup });
    if (!probe.error) applied.set(key(table), [...setup, s.text]);
    const verdict = compare(
      { lock: impact.lock, rewrite: impact.rewrite, ...(impact.algorithm ? { algorithm: impact.algorithm } : {}) },
      probe,
    );
    if (!verdict.agrees && !(probe.error && impact.fails))
      rulesDefects.push(`rules defect: ${verdict.differences.join('; ')} for ${oneLine(s.text)}`);
    statements.push(explained(s, table, impact, probe, verdict, tableFacts, calibration, target.dialect));
  }
  const replication = [...facts.values()][0]?.replication;
  const warnings: Finding[] =
    target.dialect === 'postgres' && (replication?.replicas.length ?? 0) > 0 && statements.some((s) => s.lock === 'ACCESS EXCLUSIVE')
      ? [standbyReplayFinding(replication?.maxStandbyStreamingDelayMs)]
      : [];
  // Server behaviour a lock cannot show (the probe runs on an empty copy, so it cannot see it either).
  for (const f of analysis.findings) {
    if (TRAP_RULES.has(f.rule)) warnings.push({ code: f.rule, severity: f.severity, message: f.message, ...(f.fix ? { fix: f.fix } : {}) });
  }
  return { target, statements, skipped, rulesDefects, ...(warnings.length ? { warnings } : {}) };
}

/** Lint findings about what the server does to the data, carried into explain's warnings. */
const TRAP_RULES: ReadonlySet<RuleId> = new Set(['instant-default-evaluated-once']);

function explained(
  s: AnalyzedStatement,
  table: TableRef,
  impact: Impact,
  probe: ProbeResult,
  verdict: { agrees: boolean; differences: string[] },
  facts: TableFacts,
  calibration: Calibration,
  dialect: Dialect,
): ExplainedStatement {
  const measured: Impact = probe.error
    ? impact
    : {
        ...impact,
        lock: probe.lock,
        blocks: probe.blocks,
        rewrite: probe.rewrite,
        ...(probe.algorithm ? { algorithm: probe.algorithm } : {}),
      };
  const index = s.parsed.kind === 'create-index' || s.parsed.actions.some((a) => a.kind === 'add-index');
  const estimate = estimateStep(
    measured,
    workKind(measured, { index, concurrent: s.parsed.index?.concurrent === true }),
    facts,
    calibration,
    undefined,
    { dialect },
  );
  const verified: Verification = {
    lock: probe.lock,
    rewrite: probe.rewrite,
    ...(probe.algorithm ? { algorithm: probe.algorithm } : {}),
    agrees: verdict.agrees,
    detail: probe.error
      ? `failed on an empty copy of the table: ${probe.error}`
      : verdict.agrees
        ? probe.detail
        : `${verdict.differences.join('; ')} (${probe.detail})`,
  };
  return {
    sql: s.text,
    table,
    lock: measured.lock,
    ...(measured.algorithm ? { algorithm: measured.algorithm } : {}),
    blocks: measured.blocks,
    rewrite: measured.rewrite,
    verified,
    estimate,
    rule: {
      lock: impact.lock,
      ...(impact.algorithm ? { algorithm: impact.algorithm } : {}),
      rewrite: impact.rewrite,
      why: impact.why,
      ...(impact.fails ? { fails: impact.fails } : {}),
    },
  };
}

function oneLine(sql: string): string {
  const t = sql.replace(/\s+/g, ' ').trim();
  return t.length > 120 ? `${t.slice(0, 117)}...` : t;
}

function blocksText(b: { reads: boolean; writes: boolean }): string {
  return b.reads ? 'blocks reads and writes' : b.writes ? 'blocks writes (reads continue)' : 'blocks neither reads nor writes';
}

export function renderText(r: ExplainResult): string {
  const lines: string[] = [`Server: ${r.target.dialect} ${r.target.version}`];
  r.statements.forEach((s, i) => {
    lines.push('', `${i + 1}. ${oneLine(s.sql)}`);
    lines.push(
      `   lock: ${s.lock}${s.algorithm ? ` (ALGORITHM=${s.algorithm})` : ''}; ${blocksText(s.blocks)}; ${s.rewrite ? 'rewrites the table' : 'no rewrite'}`,
    );
    const v = s.verified;
    if (v) lines.push(`   verified on the server: ${v.agrees ? 'agrees with the rules' : 'DISAGREES with the rules'} — ${v.detail}`);
    lines.push(`   rule: ${s.rule.why}${s.rule.fails ? ` (fails: ${s.rule.fails})` : ''}`);
    lines.push(
      `   estimate: holds the lock ~${formatSeconds(s.estimate.lockSeconds)}, work ${formatEstimate(s.estimate)} (${describeBasis(s.estimate)})`,
    );
  });
  for (const k of r.skipped) lines.push('', `skipped: ${oneLine(k.sql)} — ${k.reason}`);
  if (r.statements.length === 0 && r.skipped.length === 0) lines.push('', 'No statements.');
  for (const w of r.warnings ?? [])
    lines.push('', `${w.severity} ${w.code}: ${w.message}${w.fix ? ` Fix: ${w.fix.replace(/\.$/, '')}.` : ''}`);
  return lines.join('\n');
}
