/** Server-side checks of a ColumnSpec on PostgreSQL: what only the server can answer. */
import { randomBytes } from 'node:crypto';
import { renderType, type RenderPart } from '../../core/columnSpec';
import { SERVER_REJECTED } from '../../core/findings';
import type { ColumnSpec, Finding, TableRef, Target } from '../../core/types';
import { blamedField, serverCheckDefinition, unwritableFindings } from '../columnSql';
import { qualifiedTable, quoteIdent } from '../../core/sql';
import { tokenize } from '../sqlText';
import { isSerialType } from '../../core/dialects/index';
import { tableOid, type Queryable } from './introspect';

const VOLATILITY: Record<string, string> = { i: 'IMMUTABLE', s: 'STABLE', v: 'VOLATILE' };

export async function validateColumn(db: Queryable, spec: ColumnSpec, table: TableRef, target: Target): Promise<Finding[]> {
  const findings = unwritableFindings(spec, target);
  if (findings.some((f) => f.severity === 'error')) return findings;
  const oid = await tableOid(db, table);

  if (Buffer.byteLength(spec.name, 'utf8') > 63) {
    findings.push({
      code: 'identifier-too-long',
      severity: 'error',
      field: 'name',
      message: `"${spec.name}" is longer than 63 bytes; PostgreSQL would truncate it. Choose a shorter name.`,
    });
  }
  const [taken] = await db.query<{ attname: string }>(
    'SELECT attname FROM pg_attribute WHERE attrelid = $1 AND attname = $2 AND attnum > 0 AND NOT attisdropped',
    [oid, spec.name],
  );
  if (taken)
    findings.push({
      code: 'column-exists',
      severity: 'error',
      field: 'name',
      message: `${table.schema}.${table.name} already has a column named "${spec.name}".`,
    });

  const serial = isSerialType(spec.type.name);
  const typeText = renderType('postgres', spec.type);
  if (!serial) {
    const [t] = await db.query<{ t: string | null }>('SELECT to_regtype($1)::text AS t', [typeText]);
    if (!t?.t) {
      findings.push({
        code: 'unknown-type',
        severity: 'error',
        field: 'type',
        message: `The server has no type "${typeText}". Check the spelling, or create the type/extension first.`,
      });
      return findings;
    }
  }

  if (spec.default.kind === 'expression') findings.push(...(await volatilityFindings(db, spec.default.sql)));

  // Let the server judge the whole definition on a private temporary copy, then roll back.
  const temp = `cw_check_${randomBytes(4).toString('hex')}`;
  await db.query('BEGIN');
  try {
    await db.query(`SET LOCAL lock_timeout = '1s'`);
    if (spec.default.kind !== 'none' && !serial) {
      const expr = spec.default.kind === 'literal' ? spec.default.value : spec.default.sql;
      try {
        await db.query('SAVEPOINT d');
        await db.query(`EXPLAIN SELECT CAST((${expr}) AS ${typeText})`);
      } catch (err) {
        await db.query('ROLLBACK TO SAVEPOINT d');
        findings.push({
          code: 'default-invalid',
          severity: 'error',
          field: 'default',
          message: `The default does not work as ${typeText}: ${(err as Error).message}.`,
        });
      }
    }
    await db.query(`CREATE TEMP TABLE ${quoteIdent('postgres', temp)} (LIKE ${qualifiedTable('postgres', table)})`);
    /** The server's objection to the definition less `omit`, or null when it accepts it; undone either way. */
    const rejection = async (omit: readonly RenderPart[] = []): Promise<string | null> => {
      await db.query('SAVEPOINT c');
      try {
        await db.query(`ALTER TABLE ${quoteIdent('postgres', temp)} ADD COLUMN ${serverCheckDefinition(spec, target, omit)}`);
        return null;
      } catch (err) {
        return (err as Error).message;
      } finally {
        await db.query('ROLLBACK TO SAVEPOINT c');
      }
    };
    const message = await rejection();
    if (message !== null && !findings.some((f) => f.code === 'default-invalid' || f.code === 'column-exists')) {
      const field = await blamedField(spec, async (omit) => (await rejection(omit)) !== null);
      findings.push({
        code: SERVER_REJECTED[field],
        severity: 'error',
        field,
        message: `The server rejects the column definition: ${message}.`,
      });
    }
  } finally {
    await db.query('ROLLBACK');
  }

  if (spec.references) findings.push(...(await referenceFindings(db, spec, table.schema)));
  return findings;
}

/** Worst volatility of the functions a default calls, from pg_proc.provolatile. A volatile default rewrites the table. */
export async function volatilityFindings(db: Queryable, expr: string): Promise<Finding[]> {
  const tokens = tokenize(expr, 'postgres').filter((t) => t.kind !== 'space' && t.kind !== 'comment');
  const names = [...new Set(tokens.flatMap((t, i) => (t.kind === 'word' && tokens[i + 1]?.text === '(' ? [t.text.toLowerCase()] : [])))];
  if (names.length === 0) return [];
  const rows = await db.query<{ proname: string; v: string }>(
    `SELECT proname, max(provolatile::text) AS v FROM pg_proc WHERE proname = ANY($1) AND pg_function_is_visible(oid) GROUP BY proname`,
    [names],
  );
  const volatile = rows.filter((r) => r.v === 'v').map((r) => `${r.proname}()`);
  if (volatile.length) {
    return [
      {
        code: 'default-volatile',
        severity: 'warning',
        field: 'default',
        message: `${volatile.join(', ')} ${volatile.length > 1 ? 'are' : 'is'} VOLATILE (pg_proc.provolatile = 'v'): adding the column with this default rewrites the whole table under ACCESS EXCLUSIVE.`,
        fix: 'Add the column without a default, then SET DEFAULT, then backfill existing rows in batches.',
      },
    ];
  }
  const known = rows.map((r) => `${r.proname}() is ${VOLATILITY[r.v] ?? r.v}`);
  return known.length
    ? [
        {
          code: 'default-not-volatile',
          severity: 'info',
          field: 'default',
          message: `${known.join(', ')}: evaluated once when the column is added, no rewrite.`,
        },
      ]
    : [];
}

async function referenceFindings(db: Queryable, spec: ColumnSpec, defaultSchema: string): Promise<Finding[]> {
  const ref = spec.references!;
  const refTable = { schema: ref.schema ?? defaultSchema, name: ref.table };
  const [t] = await db.query<{ oid: number }>(
    `SELECT c.oid::int AS oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')`,
    [refTable.schema, refTable.name],
  );
  if (!t)
    return [
      {
        code: 'reference-missing',
        severity: 'error',
        field: 'references',
        message: `The referenced table ${refTable.schema}.${refTable.name} does not exist.`,
      },
    ];
  const [col] = await db.query<{ type: string; keyed: boolean }>(
    `SELECT format_type(a.atttypid, a.atttypmod) AS type,
            EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = a.attrelid AND i.indisunique AND i.indpred IS NULL AND i.indnkeyatts = 1 AND i.indkey[0] = a.attnum) AS keyed
       FROM pg_attribute a WHERE a.attrelid = $1 AND a.attname = $2 AND a.attnum > 0 AND NOT a.attisdropped`,
    [t.oid, ref.column],
  );
  if (!col)
    return [
      {
        code: 'reference-missing',
        severity: 'error',
        field: 'references',
        message: `${refTable.schema}.${refTable.name} has no column "${ref.column}".`,
      },
    ];
  const out: Finding[] = [];
  if (!col.keyed)
    out.push({
      code: 'reference-not-unique',
      severity: 'error',
      field: 'references',
      message: `${refTable.schema}.${refTable.name}.${ref.column} has no primary key or unique constraint of its own; a foreign key needs one.`,
    });
  const [mine] = await db.query<{ t: string | null }>('SELECT format_type(to_regtype($1), NULL) AS t', [renderType('postgres', spec.type)]);
  if (mine?.t && col.type.replace(/\(.*\)/, '') !== mine.t.replace(/\(.*\)/, '')) {
    out.push({
      code: 'reference-type-mismatch',
      severity: 'warning',
      field: 'type',
      message: `The new column is ${mine.t} but ${ref.column} is ${col.type}; comparisons will need casts and the key may be slow.`,
    });
  }
  return out;
}
