/**
 * column-wizard baseline --url URL --table T --column C [--query Q …] [--placeholder V] [--dir DIR]
 * column-wizard verify --url URL (--table T --column C | --baseline FILE) [--query Q …] [--node URL …]
 *                      [--unused-days N] [--sample N] [--markdown FILE] [--format text|json] [--dir DIR]
 *
 * `baseline` records how the table looks right after the column was added (whoever applied the migration);
 * `verify` compares now with it: index use, query plans, storage, whether the app writes the column, and the
 * column's definition on other nodes. Exit 0: checks out (warnings allowed); 1: an error finding; 2: usage.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Io } from '../cli';
import { compareDefinitions } from '../core/drift';
import {
  baselineFolder,
  baselinePath,
  BaselineFormatError,
  chooseBaselines,
  makeBaseline,
  parseBaseline,
  predictionOf,
} from '../core/rollout/baseline';
import { compareRollout, formatRolloutMarkdown, formatRolloutText } from '../core/rollout/compare';
import type { RolloutBaseline } from '../core/rollout/types';
import type { Plan, TableRef } from '../core/types';
import type { RunReport } from '../db/run/types';
import { connect, type DatabaseClient } from '../db/client';
import { ConnectionUrlError, describeTarget, parseConnectionUrl, redactUrl } from '../db/connection';
import { readDefinition } from '../db/replication/definitions';
import { checkQuery, observeRollout, RolloutQueryError } from '../db/rollout';
import { resolveTable as resolveUnqualified } from '../db/schema';
import { numberOption, parse, requireString, textOrJson, UsageError, type Options } from './args';
import { NodeFileSink } from './nodeFileSink';
import { parseTableName } from './plan';

const COMMON: Options = {
  url: { type: 'string' },
  table: { type: 'string' },
  column: { type: 'string' },
  query: { type: 'string', multiple: true },
  placeholder: { type: 'string' },
  dir: { type: 'string' },
  format: { type: 'string' },
  sample: { type: 'string' },
};

const MAX_QUERIES = 50;

function parseUrl(url: string) {
  try {
    return parseConnectionUrl(url);
  } catch (err) {
    if (err instanceof ConnectionUrlError) throw new UsageError(err.message);
    throw err;
  }
}

async function open(url: string): Promise<DatabaseClient> {
  const options = parseUrl(url);
  try {
    return await connect(options);
  } catch (err) {
    throw new Error(`${redactUrl(url)}: ${(err as Error).message}`, { cause: err });
  }
}

async function resolveTable(client: DatabaseClient, text: string): Promise<TableRef> {
  const t = parseTableName(text, client.options.engine === 'postgres' ? 'postgres' : 'mysql');
  return resolveUnqualified(client, t);
}

function sampleLimit(values: Record<string, unknown>): number | undefined {
  const n = numberOption(values, 'sample');
  if (n !== undefined && (!Number.isInteger(n) || n < 100 || n > 1_000_000))
    throw new UsageError(`--sample must be a whole number from 100 to 1000000, got ${n}`);
  return n;
}

function queriesOf(values: Record<string, unknown>, engine: 'postgres' | 'mysql'): string[] {
  const qs = (values.query as string[] | undefined) ?? [];
  if (qs.length > MAX_QUERIES) throw new UsageError(`--query is given ${qs.length} times; at most ${MAX_QUERIES}`);
  for (const q of qs) {
    try {
      checkQuery(engine, q);
    } catch (err) {
      if (err instanceof RolloutQueryError) throw new UsageError(`--query: ${err.message}`);
      throw err;
    }
  }
  return qs;
}

/** Save a baseline under DIR/.column-wizard/rollouts/<schema>.<table>.<column>/; never overwrites. Returns the path. */
export async function writeBaselineFile(dir: string, baseline: RolloutBaseline): Promise<string> {
  const rel = baselinePath(baseline);
  await new NodeFileSink(dir).createExclusive(rel, JSON.stringify(baseline, null, 2) + '\n');
  return join(dir, rel);
}

/** After `run`: observe the table and save a `run` baseline with the plan's estimates as the prediction. */
export async function saveRunBaseline(client: DatabaseClient, plan: Plan, report: RunReport, dir: string): Promise<string> {
  const table = { schema: report.table.schema, name: report.table.name };
  const observation = await observeRollout(client, table, plan.column.name);
  return writeBaselineFile(
    resolve(dir),
    makeBaseline({
      source: 'run',
      table,
      column: plan.column.name,
      expandAt: report.startedAt,
      observation,
      prediction: predictionOf(plan),
    }),
  );
}

async function readBaselines(dir: string, table: TableRef, column: string): Promise<RolloutBaseline[]> {
  const folder = join(dir, baselineFolder(table, column));
  let names: string[];
  try {
    names = (await readdir(folder)).filter((n) => n.endsWith('.json'));
  } catch {
    return [];
  }
  const out: RolloutBaseline[] = [];
  for (const n of names) {
    try {
      out.push(parseBaseline(await readFile(join(folder, n), 'utf8')));
    } catch (err) {
      if (err instanceof BaselineFormatError) throw new UsageError(`${join(folder, n)}: ${err.message}`);
      throw err;
    }
  }
  return out;
}

export async function runBaseline(argv: string[], io: Io): Promise<number> {
  const { values } = parse(argv, COMMON);
  const url = requireString(values, 'url');
  const column = requireString(values, 'column');
  const format = textOrJson(values);
  const queries = queriesOf(values, parseUrl(url).engine);
  const limit = sampleLimit(values);
  const dir = resolve((values.dir as string | undefined) ?? '.');
  const client = await open(url);
  try {
    const table = await resolveTable(client, requireString(values, 'table'));
    const placeholder = (values.placeholder as string | undefined) ?? null;
    const observation = await observeRollout(client, table, column, {
      queries,
      placeholderDefault: placeholder,
      ...(limit ? { sampleLimit: limit } : {}),
    });
    if (!observation.columnDefinition) {
      io.err(
        `column-wizard baseline: column ${column} does not exist on ${table.schema}.${table.name} — take the baseline after the migration that adds it`,
      );
      return 1;
    }
    const baseline = makeBaseline({ source: 'baseline', table, column, observation, queries, placeholderDefault: placeholder });
    const path = await writeBaselineFile(dir, baseline);
    io.out(
      format === 'json'
        ? JSON.stringify({ path, baseline }, null, 2)
        : `Baseline for ${table.schema}.${table.name}.${column} saved to ${path}`,
    );
    return 0;
  } catch (err) {
    if (err instanceof RolloutQueryError) throw new UsageError(err.message);
    throw err;
  } finally {
    await client.close().catch(() => undefined);
  }
}

export async function runVerify(argv: string[], io: Io): Promise<number> {
  const { values } = parse(argv, {
    ...COMMON,
    baseline: { type: 'string' },
    node: { type: 'string', multiple: true },
    'unused-days': { type: 'string' },
    markdown: { type: 'string' },
  });
  const url = requireString(values, 'url');
  const format = textOrJson(values);
  const unused = numberOption(values, 'unused-days');
  if (unused !== undefined && unused > 3650) throw new UsageError(`--unused-days must be from 0 to 3650, got ${unused}`);
  const limit = sampleLimit(values);
  const dir = resolve((values.dir as string | undefined) ?? '.');
  const nodes = (values.node as string[] | undefined) ?? [];
  const client = await open(url);
  const others: DatabaseClient[] = [];
  try {
    let baselines: RolloutBaseline[];
    let table: TableRef;
    let column: string;
    if (values.baseline) {
      try {
        baselines = [parseBaseline(await readFile(values.baseline as string, 'utf8'))];
      } catch (err) {
        if (err instanceof BaselineFormatError || (err as NodeJS.ErrnoException).code === 'ENOENT')
          throw new UsageError(`--baseline ${values.baseline as string}: ${(err as Error).message}`);
        throw err;
      }
      table = baselines[0]!.table;
      column = baselines[0]!.column;
    } else {
      table = await resolveTable(client, requireString(values, 'table'));
      column = requireString(values, 'column');
      baselines = await readBaselines(dir, table, column);
    }
    const { observed, predicted } = chooseBaselines(baselines);
    if (!observed) {
      io.err(
        `column-wizard verify: no baseline with an observation for ${table.schema}.${table.name}.${column}` +
          (values.baseline ? '' : ` under ${join(dir, baselineFolder(table, column))}`) +
          `; take one with: column-wizard baseline --url … --table ${table.schema}.${table.name} --column ${column}`,
      );
      return 1;
    }
    const queries = [...new Set([...(observed.queries ?? []), ...queriesOf(values, client.options.engine)])];
    const now = await observeRollout(client, table, column, {
      queries,
      sinceKey: observed.observation!.key?.max ?? null,
      placeholderDefault: observed.placeholderDefault ?? null,
      ...(limit ? { sampleLimit: limit } : {}),
    });
    let drift = null;
    if (nodes.length) {
      for (const n of nodes) others.push(await open(n));
      const facts = await Promise.all([client, ...others].map((c) => readDefinition(c, table)));
      drift = compareDefinitions([client, ...others].map((c, i) => ({ label: describeTarget(c.options), facts: facts[i] ?? null })));
    }
    const report = compareRollout(observed, now, {
      ...(unused !== undefined ? { unusedAfterDays: unused } : {}),
      drift,
      prediction: predicted,
    });
    if (values.markdown) {
      const md = resolve(values.markdown as string);
      await new NodeFileSink('/').createExclusive(md.replace(/^\//, ''), formatRolloutMarkdown(report));
    }
    io.out(
      format === 'json' ? JSON.stringify({ ...report, topStatements: now.topStatements ?? null }, null, 2) : formatRolloutText(report),
    );
    return report.worst === 'error' ? 1 : 0;
  } catch (err) {
    if (err instanceof RolloutQueryError) throw new UsageError(err.message);
    throw err;
  } finally {
    await Promise.all([client, ...others].map((c) => c.close().catch(() => undefined)));
  }
}
