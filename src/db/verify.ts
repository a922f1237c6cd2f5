/**
 * Verify a plan's DDL steps with probes on the real server. Each step is probed on an empty copy of the table
 * with the earlier steps applied first. Where the probe disagrees with the rule, the probe wins: the step's lock,
 * blocks, rewrite and algorithm become what the server did, and the disagreement is returned as a rules defect.
 */
import { splitStatements } from '../core/lint/text';
import { ALGO_RANK, MY_LOCK_RANK } from '../core/rules';
import type { LockLevel, MysqlAlgorithm, Plan, Step, TableRef, Verification } from '../core/types';
import type { DatabaseClient, ProbeResult } from './client';

export interface RulesDefect {
  readonly sql: string;
  readonly rule: { readonly lock: LockLevel; readonly rewrite: boolean; readonly algorithm?: MysqlAlgorithm };
  readonly probe: { readonly lock: LockLevel; readonly rewrite: boolean; readonly algorithm?: MysqlAlgorithm; readonly error?: string };
  readonly message: string;
}

export interface Prediction {
  readonly lock: LockLevel;
  readonly rewrite: boolean;
  readonly algorithm?: MysqlAlgorithm;
}

/** Compare a rule's prediction with a probe. NOCOPY counts as INPLACE (the rebuild shows in `rewrite`). */
export function compare(rule: Prediction, probe: ProbeResult): { agrees: boolean; differences: string[] } {
  if (probe.error) return { agrees: false, differences: [`the statement failed on the server: ${probe.error}`] };
  const d: string[] = [];
  if (rule.lock !== probe.lock) d.push(`lock: rule ${rule.lock}, server ${probe.lock}`);
  if (rule.rewrite !== probe.rewrite) d.push(`rewrite: rule ${rule.rewrite ? 'yes' : 'no'}, server ${probe.rewrite ? 'yes' : 'no'}`);
  const norm = (a?: MysqlAlgorithm) => (a === 'NOCOPY' ? 'INPLACE' : a);
  if (probe.algorithm && rule.algorithm && norm(rule.algorithm) !== norm(probe.algorithm))
    d.push(`algorithm: rule ${rule.algorithm}, server ${probe.algorithm}`);
  return { agrees: d.length === 0, differences: d };
}

/** Probe every statement of `sql` in order (earlier ones become setup), and combine into the worst of them. */
export async function probeStatements(
  client: DatabaseClient,
  table: TableRef,
  sql: string,
  setup: readonly string[],
): Promise<ProbeResult> {
  const engine = client.options.engine;
  const statements = engine === 'postgres' ? [sql] : splitStatements(sql, 'mysql').statements.map((s) => s.text);
  let worst: ProbeResult | undefined;
  const before = [...setup];
  for (const s of statements) {
    const r = await client.probe(table, s, { setup: before });
    if (r.error) return r;
    before.push(s);
    worst =
      worst === undefined
        ? r
        : {
            ...r,
            sql,
            lock: (MY_LOCK_RANK[r.lock] ?? 0) > (MY_LOCK_RANK[worst.lock] ?? 0) ? r.lock : worst.lock,
            rewrite: r.rewrite || worst.rewrite,
            ...(r.algorithm && worst.algorithm
              ? { algorithm: ALGO_RANK[r.algorithm] > ALGO_RANK[worst.algorithm] ? r.algorithm : worst.algorithm }
              : {}),
            blocks: { reads: r.blocks.reads || worst.blocks.reads, writes: r.blocks.writes || worst.blocks.writes },
            detail: `${worst.detail}; ${r.detail}`,
          };
  }
  return worst!;
}

function isDdl(step: Step): boolean {
  // An online copy is not the server's ALTER: the probe would report the server's own (write-blocking) copy.
  if (step.backfill || step.onlineCopy) return false;
  const text = step.sql.replace(/--[^\n]*\n?/g, ' ').trim();
  return /^(ALTER\s+TABLE|CREATE\s+(UNIQUE\s+|FULLTEXT\s+|SPATIAL\s+)?INDEX)\b/i.test(text);
}

/**
 * Fill `verified` for every DDL step of the plan; returns the verified plan and the rules defects found.
 * `log` receives one line per defect.
 */
export async function verifyPlan(
  client: DatabaseClient,
  plan: Plan,
  log?: (line: string) => void,
): Promise<{ plan: Plan; defects: RulesDefect[] }> {
  const table: TableRef = { schema: plan.table.schema, name: plan.table.name };
  const defects: RulesDefect[] = [];
  const applied: string[] = [];
  const phases = [];
  for (const phase of plan.phases) {
    const steps: Step[] = [];
    for (const step of phase.steps) {
      if (!isDdl(step)) {
        steps.push(step);
        continue;
      }
      for (const s of step.session?.before ?? []) await client.query(s);
      let probe: ProbeResult;
      let usedFallback = false;
      try {
        probe = await probeStatements(client, table, step.sql, applied);
        if (probe.error && step.fallbackSql) {
          const fb = await probeStatements(client, table, step.fallbackSql, applied);
          if (!fb.error) {
            probe = { ...fb, detail: `as written: ${probe.error}; the fallback ran: ${fb.detail}` };
            usedFallback = true;
          }
        }
      } finally {
        for (const s of step.session?.after ?? []) await client.query(s).catch(() => undefined);
      }
      const rule: Prediction = { lock: step.lock, rewrite: step.rewrite, ...(step.algorithm ? { algorithm: step.algorithm } : {}) };
      const { agrees, differences } = compare(rule, probe);
      const verified: Verification = {
        lock: probe.lock,
        rewrite: probe.rewrite,
        ...(probe.algorithm ? { algorithm: probe.algorithm } : {}),
        agrees,
        detail: agrees ? probe.detail : `${differences.join('; ')} (${probe.detail})`,
      };
      if (!agrees) {
        const d: RulesDefect = {
          sql: step.sql,
          rule,
          probe: {
            lock: probe.lock,
            rewrite: probe.rewrite,
            ...(probe.algorithm ? { algorithm: probe.algorithm } : {}),
            ...(probe.error ? { error: probe.error } : {}),
          },
          message: `rules defect: ${differences.join('; ')} for ${step.sql.replace(/\s+/g, ' ').slice(0, 160)}`,
        };
        defects.push(d);
        log?.(d.message);
      }
      // The probe wins: a step whose statement ran on the server carries what the server did.
      steps.push(
        probe.error
          ? { ...step, verified }
          : {
              ...step,
              verified,
              lock: probe.lock,
              rewrite: probe.rewrite,
              blocks: probe.blocks,
              ...(probe.algorithm ? { algorithm: probe.algorithm } : {}),
            },
      );
      if (!probe.error) applied.push(usedFallback ? step.fallbackSql! : step.sql);
    }
    phases.push({ ...phase, steps });
  }
  return { plan: { ...plan, phases }, defects };
}
