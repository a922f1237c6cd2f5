/** Server-side checks of a ColumnSpec on MySQL/MariaDB: the server itself judges the definition on a private temporary copy. */
import { randomBytes } from 'node:crypto';
import { renderType } from '../../core/columnSpec';
import { SERVER_REJECTED, type BlamedField } from '../../core/findings';
import type { ColumnSpec, Finding, TableRef, Target } from '../../core/types';
import { serverCheckDefinition, unwritableFindings } from '../columnSql';
import { qualifiedTable, quoteIdent } from '../../core/sql';
import { tableRow, type Queryable } from './introspect';

export async function validateColumn(db: Queryable, spec: ColumnSpec, table: TableRef, target: Target): Promise<Finding[]> {
  const findings = unwritableFindings(spec, target);
  if (findings.some((f) => f.severity === 'error')) return findings;
  await tableRow(db, table);
  if ([...spec.name].length > 64)
    findings.push({
      code: 'identifier-too-long',
      severity: 'error',
      field: 'name',
      message: `"${spec.name}" is longer than 64 characters, the MySQL/MariaDB limit.`,
    });
  // Column names are case-insensitive in MySQL/MariaDB.
  const [taken] = await db.query<{ n: string }>(
    'SELECT COLUMN_NAME AS n FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND LOWER(COLUMN_NAME) = LOWER(?)',
    [table.schema, table.name, spec.name],
  );
  if (taken)
    findings.push({
      code: 'column-exists',
      severity: 'error',
      field: 'name',
      message: `${table.schema}.${table.name} already has a column named "${taken.n}" (column names are case-insensitive here).`,
    });

  const temp = quoteIdent('mysql', `_cw_check_${randomBytes(4).toString('hex')}`);
  try {
    await db.query(`CREATE TEMPORARY TABLE ${temp} LIKE ${qualifiedTable('mysql', table)}`);
  } catch {
    // A temporary InnoDB table cannot have a FULLTEXT index or ROW_FORMAT=COMPRESSED: copy the columns only.
    await db.query(`CREATE TEMPORARY TABLE ${temp} ENGINE=InnoDB AS SELECT * FROM ${qualifiedTable('mysql', table)} WHERE 1 = 0`);
  }
  try {
    {
      // When the name is taken, still let the server judge the type and default under a stand-in name.
      const probeSpec = taken ? { ...spec, name: `${spec.name.slice(0, 50)}_cw_${randomBytes(3).toString('hex')}` } : spec;
      const keyForAutoIncrement = spec.autoIncrement ? `, ADD UNIQUE KEY (${quoteIdent('mysql', probeSpec.name)})` : '';
      try {
        await db.query(`ALTER TABLE ${temp} ADD COLUMN ${serverCheckDefinition(probeSpec, target)}${keyForAutoIncrement}`);
      } catch (err) {
        const message = (err as Error).message.replace(/ \(statement: .*\)$/s, '');
        const code = (err as { code?: string }).code ?? '';
        const field: BlamedField =
          /DEFAULT/i.test(code) || /default/i.test(message)
            ? 'default'
            : /generat|virtual|stored/i.test(message)
              ? 'generated'
              : /check/i.test(message)
                ? 'check'
                : 'type';
        findings.push({
          code: SERVER_REJECTED[field],
          severity: 'error',
          field,
          message: `The server rejects the column definition: ${message}.`,
        });
      }
    }
  } finally {
    await db.query(`DROP TEMPORARY TABLE IF EXISTS ${temp}`);
  }
  if (spec.references) findings.push(...(await referenceFindings(db, spec, table.schema, target)));
  return findings;
}

async function referenceFindings(db: Queryable, spec: ColumnSpec, defaultSchema: string, target: Target): Promise<Finding[]> {
  const ref = spec.references!;
  const schema = ref.schema ?? defaultSchema;
  const [t] = await db.query<{ e: string }>('SELECT ENGINE AS e FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?', [
    schema,
    ref.table,
  ]);
  if (!t)
    return [
      {
        code: 'reference-missing',
        severity: 'error',
        field: 'references',
        message: `The referenced table ${schema}.${ref.table} does not exist.`,
      },
    ];
  const [c] = await db.query<{ t: string }>(
    'SELECT COLUMN_TYPE AS t FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND COLUMN_NAME = ?',
    [schema, ref.table, ref.column],
  );
  if (!c)
    return [
      {
        code: 'reference-missing',
        severity: 'error',
        field: 'references',
        message: `${schema}.${ref.table} has no column "${ref.column}".`,
      },
    ];
  const out: Finding[] = [];
  const [k] = await db.query<{ n: string }>(
    'SELECT INDEX_NAME AS n FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND COLUMN_NAME = ? AND SEQ_IN_INDEX = 1 LIMIT 1',
    [schema, ref.table, ref.column],
  );
  if (!k)
    out.push({
      code: 'reference-not-indexed',
      severity: 'error',
      field: 'references',
      message: `${schema}.${ref.table}.${ref.column} is not the first column of any index; InnoDB needs one to reference it.`,
    });
  const mine = renderType(target.dialect, spec.type).toLowerCase().replace(/\s+/g, ' ');
  const theirs = c.t.toLowerCase().replace(/\(\d+\)/, (m) => (/^(tiny|small|medium|big)?int/.test(c.t) ? '' : m));
  if (mine.replace(/\(\d+\)/, '') !== theirs.replace(/\(\d+\)/, '').replace(/ zerofill/, '')) {
    out.push({
      code: 'reference-type-mismatch',
      severity: 'error',
      field: 'type',
      message: `The new column is ${mine} but ${ref.column} is ${c.t}; InnoDB requires the same type and sign for a foreign key.`,
    });
  }
  if (!/innodb/i.test(t.e))
    out.push({
      code: 'reference-engine',
      severity: 'warning',
      field: 'references',
      message: `${schema}.${ref.table} uses ${t.e}, which does not enforce foreign keys.`,
    });
  return out;
}
