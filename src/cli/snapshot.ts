/**
 * column-wizard snapshot --url URL [--out FILE] [--tables a,b …] [--schema S]
 * Writes the schema/statistics snapshot (src/core/lint/snapshot.ts) of the database's tables, or of the named ones, to
 * FILE (never overwriting one) or stdout. `column-wizard lint --schema FILE` reads it. Exit 0, or 2 on a usage error.
 */
import { writeFileSync } from 'node:fs';
import type { Io } from '../cli';
import { makeSnapshot, renderSnapshot } from '../core/lint/snapshot';
import type { TableFacts, TableRef } from '../core/types';
import { connect } from '../db/client';
import { parse, requireString, UsageError } from './args';
import { parseTableName } from './plan';

export async function run(argv: string[], io: Io): Promise<number> {
  const { values } = parse(argv, {
    url: { type: 'string' },
    out: { type: 'string' },
    tables: { type: 'string', multiple: true },
    schema: { type: 'string' },
  });
  const url = requireString(values, 'url');
  const names = ((values.tables as string[] | undefined) ?? []).flatMap((t) => t.split(',')).map((t) => t.trim());
  if (names.some((n) => n === '')) throw new UsageError('--tables: an empty table name');
  if (names.length && values.schema !== undefined) throw new UsageError('give --tables or --schema, not both');
  const client = await connect(url);
  try {
    const info = await client.serverInfo();
    const engine = info.dialect === 'postgres' ? 'postgres' : 'mysql';
    const defaultSchema = engine === 'postgres' ? 'public' : client.options.database;
    if (engine === 'mysql' && !defaultSchema && !names.length)
      throw new UsageError('the URL names no database: give one (mysql://…/db) or --tables db.table');
    let refs: TableRef[];
    if (names.length) {
      refs = names.map((n) => {
        const r = parseTableName(n, info.dialect);
        return r.schema === '' ? { schema: defaultSchema, name: r.name } : r;
      });
    } else {
      const schema = (values.schema as string | undefined) ?? (engine === 'mysql' ? defaultSchema : undefined);
      refs = (await client.listTables(schema)).map((t) => ({ schema: t.schema, name: t.name }));
    }
    const tables: TableFacts[] = [];
    for (const r of refs) tables.push(await client.tableFacts(r));
    const text = renderSnapshot(makeSnapshot(info, defaultSchema, tables));
    const out = values.out as string | undefined;
    if (out === undefined) {
      io.out(text.trimEnd());
      return 0;
    }
    try {
      writeFileSync(out, text, { flag: 'wx' });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST')
        throw new UsageError(`${out} exists: it is not overwritten (remove it first, or omit --out and redirect stdout)`);
      throw new UsageError(`cannot write ${out}: ${code ?? (err as Error).message}`);
    }
    io.err(`column-wizard snapshot: ${tables.length} table${tables.length === 1 ? '' : 's'} of ${info.dialect} ${info.version} → ${out}`);
    return 0;
  } finally {
    await client.close();
  }
}
