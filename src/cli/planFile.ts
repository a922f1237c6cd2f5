/**
 * `run --plan FILE`: a plan file is checked, not trusted.
 *  1. Its shape is validated (the protocol's plan validator, every executable field included) and a plan with no
 *     step, or a column spec that does not render and re-read to itself, is refused — each with its reason.
 *  2. Against the live server: the dialect, the server version (PostgreSQL major; MySQL/MariaDB major.minor) and the
 *     table must match; otherwise it is refused, or planned afresh from the file's column spec with `--replan`.
 *  3. It is planned again from the file's column spec on the live facts, and every statement the runner would
 *     execute (`sql`, `lockTimeoutSql`, `session`, `fallbackSql`, an online copy's tool and ALTER, the backfill's
 *     `valueSql`/table/column/key) is
 *     compared; any difference refuses the file, listing the differences, unless `--trust-plan-sql` is given.
 * An unfinished run of exactly this plan resumes without re-planning: the half-applied change would plan differently.
 */
import type { Calibration, ColumnSpec, Plan, Step } from '../core/types';
import { parseColumnDefinition, renderColumnDefinition } from '../core/columnSpec';
import { parseVersion } from '../core/version';
import type { DatabaseClient, ServerInfo } from '../db/client';
import { findResumableRun, planHash } from '../db/run';
import { checkPlan } from '../protocolValidation';
import { UsageError } from './args';
import { onlineCopyOption } from './livePlan';
import { planWithFacts } from './plan';
import type { PlanOptions } from '../core/plan';

export class PlanFileError extends UsageError {
  override readonly name = 'PlanFileError';
}

/** Parse and validate the text of a plan file; throws PlanFileError with every reason it found. */
export function parsePlanFile(text: string, source: string): Plan {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new PlanFileError(`--plan ${source} is not JSON: ${(err as Error).message}`);
  }
  const hint = 'Write one with: column-wizard plan … --format json > plan.json';
  let plan: Plan;
  try {
    plan = checkPlan(value, 'plan');
  } catch (err) {
    throw new PlanFileError(`--plan ${source} is not a Column Wizard plan: ${(err as Error).message}. ${hint}`);
  }
  const steps = plan.phases.reduce((n, p) => n + p.steps.length, 0);
  if (steps === 0)
    throw new PlanFileError(
      `--plan ${source} has no steps: there is nothing to run (an empty plan is never recorded as completed). ${hint}`,
    );
  const specProblem = columnSpecProblem(plan.column, plan);
  if (specProblem)
    throw new PlanFileError(`--plan ${source}: "column" is not a column definition Column Wizard wrote: ${specProblem}. ${hint}`);
  return plan;
}

/** The spec must render to a definition that reads back as the same spec (so no field rides along unseen). */
function columnSpecProblem(spec: ColumnSpec, plan: Plan): string | null {
  let text: string;
  try {
    text = renderColumnDefinition(plan.dialect, spec);
  } catch (err) {
    return (err as Error).message;
  }
  let reread: ColumnSpec;
  try {
    reread = parseColumnDefinition(text, plan.dialect);
  } catch (err) {
    return `it renders as "${text}", which does not read back (${(err as Error).message})`;
  }
  const a = JSON.stringify(normalize(spec));
  const b = JSON.stringify(normalize(reread));
  return a === b ? null : `it renders as "${text}", which reads back differently (${a} vs ${b})`;
}

function normalize(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(normalize);
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>)
        .filter(([, x]) => x !== undefined && x !== false)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, x]) => [k, normalize(x)]),
    );
  }
  return v;
}

/** The part of a version the plan's SQL depends on: PostgreSQL's major, MySQL/MariaDB's major.minor. */
export function versionFamily(dialect: Plan['dialect'], version: string): string {
  const [major, minor] = parseVersion(version);
  return dialect === 'postgres' ? String(major) : `${major}.${minor}`;
}

export interface PlanFileChecks {
  /** Plan afresh from the file's column spec when the dialect, version or SQL does not match. */
  readonly replan: boolean;
  /** Run the file's SQL even when planning again gives different statements (dialect, version and table still checked). */
  readonly trustPlanSql: boolean;
  /** The CLI's --lock-timeout-ms, when given. */
  readonly lockTimeoutMs?: number;
  readonly standbys?: boolean;
  /** This server's calibration, as `run` plans a live table with it. */
  readonly calibration?: Calibration;
}

/** One executable statement of a plan, labelled so a difference says where it is. */
function statements(plan: Plan): Map<string, string> {
  const out = new Map<string, string>();
  plan.phases.forEach((ph, pi) => {
    out.set(`phase ${pi + 1} kind`, `${ph.kind}${ph.transactional ? ' (transactional)' : ''}`);
    ph.steps.forEach((s: Step, si) => {
      const at = `phase ${pi + 1} step ${si + 1}`;
      // A backfill step's `sql` and `key` are for reading only: the runner finds the batch key on the live table
      // and executes UPDATE … SET column = (valueSql), so those three are what is compared.
      if (!s.backfill) out.set(`${at} sql`, s.sql);
      if (s.lockTimeoutSql) out.set(`${at} lockTimeoutSql`, s.lockTimeoutSql);
      if (s.fallbackSql) out.set(`${at} fallbackSql`, s.fallbackSql);
      s.session?.before.forEach((x, i) => out.set(`${at} session.before[${i}]`, x));
      s.session?.after.forEach((x, i) => out.set(`${at} session.after[${i}]`, x));
      // What an online copy runs: its tool, and the ALTER it applies to the copy verbatim.
      if (s.onlineCopy)
        out.set(
          `${at} onlineCopy`,
          `${s.onlineCopy.tool.name}${s.onlineCopy.copiers ? ` (${s.onlineCopy.copiers} connections)` : ''}: ${s.onlineCopy.alter}`,
        );
      if (s.backfill) {
        out.set(`${at} backfill.valueSql`, s.backfill.valueSql);
        out.set(`${at} backfill.table`, `${s.backfill.table.schema ?? ''}.${s.backfill.table.name}`);
        out.set(`${at} backfill.column`, s.backfill.column);
      }
    });
  });
  return out;
}

/** Every executable statement that differs between the file and a fresh plan, as "where: file … / fresh …" lines. */
export function planDifferences(file: Plan, fresh: Plan): string[] {
  const a = statements(file);
  const b = statements(fresh);
  const diffs: string[] = [];
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(key);
    const y = b.get(key);
    if (x === y) continue;
    diffs.push(`${key}:\n      file:   ${x === undefined ? '(absent)' : x}\n      server: ${y === undefined ? '(absent)' : y}`);
  }
  return diffs;
}

/** The lock timeout the file's plan was made with, read back from its first `lockTimeoutSql`. */
function fileLockTimeoutMs(plan: Plan): number | undefined {
  const sql = plan.phases.flatMap((p) => p.steps).find((s) => s.lockTimeoutSql)?.lockTimeoutSql;
  if (!sql) return undefined;
  const pg = /'(\d+)(ms|s)'/.exec(sql);
  if (pg) return Number(pg[1]) * (pg[2] === 's' ? 1000 : 1);
  const my = /=\s*(\d+)\s*$/.exec(sql);
  return my ? Number(my[1]) * 1000 : undefined;
}

/**
 * The plan to run for a plan file, after checking it against the live server. Throws PlanFileError with the reasons
 * when it is refused. `notes` receives what was decided (resumed, re-planned, trusted) for stderr.
 */
export async function checkPlanFile(
  client: DatabaseClient,
  file: Plan,
  checks: PlanFileChecks,
  notes: (line: string) => void,
): Promise<Plan> {
  const info: ServerInfo = await client.serverInfo();
  const resumable = await findResumableRun(client, file.table, file.column.name);
  if (resumable && planHash(resumable.plan) === planHash(file)) {
    notes(`The file is the plan of unfinished run ${resumable.state.runId}, checked when that run started; resuming it.`);
    return file;
  }
  const mismatches: string[] = [];
  if (file.dialect !== info.dialect) mismatches.push(`the file is for ${file.dialect}, the server is ${info.dialect} ${info.version}`);
  else if (versionFamily(file.dialect, file.serverVersion) !== versionFamily(info.dialect, info.version)) {
    mismatches.push(`the file was planned for ${file.dialect} ${file.serverVersion}, the server is ${info.version}`);
  }
  const facts = await client.tableFacts({ schema: file.table.schema, name: file.table.name }).catch((err: Error) => {
    throw new PlanFileError(
      `--plan: the file's table ${file.table.schema}.${file.table.name} cannot be read on this server: ${err.message}`,
    );
  });
  const lockTimeoutMs = checks.lockTimeoutMs ?? fileLockTimeoutMs(file);
  const batchSize = file.phases.flatMap((p) => p.steps).find((s) => s.backfill?.batchSize)?.backfill?.batchSize;
  const target = { dialect: info.dialect, version: info.version };
  const fresh = (standbys: boolean, copy: Pick<PlanOptions, 'onlineCopyTool' | 'ownCopy'>) =>
    planWithFacts(file.column, facts, target, {
      ...(lockTimeoutMs ? { lockTimeoutMs } : {}),
      ...(batchSize ? { batchSize } : {}),
      ...(checks.calibration ? { calibration: checks.calibration } : {}),
      standbys,
      ...copy,
    });
  // The file may have been planned with --standbys, and (MySQL/MariaDB) with the online copies this server offers
  // (`plan --url`), with only pt-online-schema-change (--no-own-copy) or with none (--no-online-copy): take whichever
  // reading reproduces it (fewer differences).
  const offered = await onlineCopyOption(client, target, file.table, {});
  const copies: Pick<PlanOptions, 'onlineCopyTool' | 'ownCopy'>[] = [
    {},
    ...(offered.ownCopy || offered.onlineCopyTool ? [offered] : []),
    ...(offered.ownCopy && offered.onlineCopyTool ? [{ onlineCopyTool: offered.onlineCopyTool }] : []),
  ];
  const candidates = (checks.standbys ? [true] : [false, true]).flatMap((standbys) => copies.map((copy) => fresh(standbys, copy)));
  const best = candidates.map((p) => ({ p, d: planDifferences(file, p) })).sort((x, y) => x.d.length - y.d.length)[0]!;
  if (mismatches.length) {
    if (checks.replan) {
      notes(`Planned afresh from the file's column spec: ${mismatches.join('; ')}.`);
      return best.p;
    }
    throw new PlanFileError(
      `--plan: refused: ${mismatches.join('; ')}. Plan again against this server, or add --replan to plan from the file's column spec here.`,
    );
  }
  if (best.d.length === 0) return file;
  if (checks.replan) {
    notes(`Planned afresh from the file's column spec: ${best.d.length} statement(s) differ from the file.`);
    return best.p;
  }
  const list = best.d.map((d) => `  - ${d}`).join('\n');
  if (checks.trustPlanSql) {
    notes(`--trust-plan-sql: running the file's SQL although planning again here gives different statements:\n${list}`);
    return file;
  }
  throw new PlanFileError(
    `--plan: refused: the file's SQL is not what Column Wizard plans for its column on this server (${best.d.length} difference${best.d.length === 1 ? '' : 's'}):\n${list}\n` +
      'Review the file. Add --replan to run the plan made here instead, or --trust-plan-sql to run the file as written.',
  );
}

/** What the runner executes beyond the plan text's SQL lines: each backfill's value expression and each fallback. */
export function executedExtras(plan: Plan): string {
  const lines: string[] = [];
  plan.phases.forEach((ph, pi) =>
    ph.steps.forEach((s, si) => {
      const at = `step ${pi + 1}.${si + 1}`;
      if (s.backfill)
        lines.push(
          `-- ${at} backfill: UPDATE ${s.backfill.table.schema ? `${s.backfill.table.schema}.` : ''}${s.backfill.table.name} SET ${s.backfill.column} = (${s.backfill.valueSql}) in batches over the key the runner finds on the table`,
        );
      if (s.fallbackSql) lines.push(`-- ${at} if the server refuses it: ${s.fallbackSql}`);
    }),
  );
  return lines.length ? `Also executed:\n${lines.join('\n')}` : '';
}
