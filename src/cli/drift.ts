/**
 * column-wizard drift --url A --url B … --table [schema.]name [--format text|json]
 * Compares the table's definition (columns and their order, types, defaults, nullability, indexes, constraints,
 * foreign keys, engine) on every connection with the first one's. Exit 0: no differences; 1: differences (or an
 * error); 2: usage.
 */
import type { Io } from '../cli';
import { compareDefinitions, DriftInputError, formatDrift } from '../core/drift';
import { connect, type DatabaseClient } from '../db/client';
import { ConnectionUrlError, describeTarget, parseConnectionUrl, redactUrl } from '../db/connection';
import { readDefinition } from '../db/replication/definitions';
import { parse, requireString, textOrJson, UsageError, type Options } from './args';
import { parseTableName } from './plan';

const OPTIONS: Options = {
  url: { type: 'string', multiple: true },
  table: { type: 'string' },
  format: { type: 'string' },
};

export async function run(argv: string[], io: Io): Promise<number> {
  const { values } = parse(argv, OPTIONS);
  const urls = (values.url as string[] | undefined) ?? [];
  if (urls.length < 2)
    throw new UsageError(
      `--url is needed at least twice (the reference first, then each connection to compare with it); got ${urls.length}`,
    );
  const format = textOrJson(values);
  const tableText = requireString(values, 'table');
  const targets = urls.map((url) => {
    try {
      const options = parseConnectionUrl(url);
      return { url, options, label: describeTarget(options) };
    } catch (err) {
      if (err instanceof ConnectionUrlError) throw new UsageError(err.message);
      throw err;
    }
  });
  const engines = new Set(targets.map((t) => t.options.engine));
  if (engines.size > 1) throw new UsageError('the URLs mix PostgreSQL and MySQL/MariaDB; drift compares connections of one engine');
  const seen = new Set<string>();
  for (const t of targets) {
    if (seen.has(t.label)) throw new UsageError(`${t.label} is given twice`);
    seen.add(t.label);
  }
  const table = parseTableName(tableText, targets[0]!.options.engine === 'postgres' ? 'postgres' : 'mysql');

  const clients: DatabaseClient[] = [];
  try {
    const facts = await Promise.all(
      targets.map(async (t) => {
        let client: DatabaseClient;
        try {
          client = await connect(t.options);
        } catch (err) {
          throw new Error(`${redactUrl(t.url)}: ${(err as Error).message}`, { cause: err });
        }
        clients.push(client);
        return readDefinition(client, table);
      }),
    );
    let report;
    try {
      report = compareDefinitions(targets.map((t, i) => ({ label: t.label, facts: facts[i] ?? null })));
    } catch (err) {
      if (err instanceof DriftInputError) {
        io.err(`column-wizard drift: ${err.message}`);
        return 1;
      }
      throw err;
    }
    io.out(format === 'json' ? JSON.stringify(report, null, 2) : formatDrift(report));
    return report.differences.length === 0 ? 0 : 1;
  } finally {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
  }
}
