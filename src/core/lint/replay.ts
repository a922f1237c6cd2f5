/**
 * What the earlier migrations of a folder leave behind: replay their CREATE TABLE / ALTER TABLE / DROP TABLE in file
 * order to know each table's columns (type, nullability), its CHECKs (validated or NOT VALID) and indexes. Row counts
 * stay unknown (`rows: -1`). Pure: the caller reads the files in its migration tool's order.
 *
 * MySQL/MariaDB: a text column's character set is the one its definition names (CHARACTER SET, or COLLATE's), else the
 * table's default from CREATE TABLE (`DEFAULT CHARSET=`), as the server does for ADD COLUMN and MODIFY; CONVERT TO
 * CHARACTER SET changes them all. With neither written the server's default applies, which the files do not tell:
 * the charset stays unknown, and so do the VARCHAR byte-length verdicts that need it.
 */
import type { ColumnFacts, ConstraintFacts, IndexFacts, TableFacts, Target } from '../types';
import type { LintAction, NameRef } from './model';
import { readMysql } from './mysql';
import type { Parsers } from './parsers';
import { readPostgres } from './postgres';
import { splitStatements } from './text';

interface Table {
  schema: string;
  name: string;
  columns: ColumnFacts[];
  constraints: ConstraintFacts[];
  indexes: IndexFacts[];
  /** From a PRIMARY KEY (…) constraint. */
  primaryKey?: readonly string[];
  /** MySQL/MariaDB: the table's default character set, when CREATE TABLE named it. */
  charset?: string;
}

/** Types that carry a character set on MySQL/MariaDB. */
const TEXT_TYPE = /^(var)?char\b|^(tiny|medium|long)?text\b|^enum\b|^set\b/i;

const key = (t: NameRef): string => t.name.toLowerCase();

export interface SchemaReplay {
  /** Replay one more migration (the next in order). */
  add(text: string): void;
  /** The tables so far, by lower-case name. */
  tables(): Map<string, TableFacts>;
}

/** The tables the texts (migrations, oldest first) create and alter, by lower-case name. */
export function replayMigrations(texts: readonly string[], target: Target, parsers: Parsers): Map<string, TableFacts> {
  const r = newReplay(target, parsers);
  for (const t of texts) r.add(t);
  return r.tables();
}

/** An incremental replay: a folder's files added one by one as the linter reaches them. */
export function newReplay(target: Target, parsers: Parsers, defaultSchema = target.dialect === 'postgres' ? 'public' : ''): SchemaReplay {
  const engine = target.dialect === 'postgres' ? 'postgres' : 'mysql';
  const tables = new Map<string, Table>();
  const typeText = (a: Extract<LintAction, { kind: 'add-column' }>): string => {
    const t = a.spec.type;
    return `${t.name}${t.params.length ? `(${t.params.join(',')})` : ''}${t.unsigned ? ' unsigned' : ''}${t.array ? '[]' : ''}`;
  };
  const apply = (t: Table, a: LintAction): void => {
    const col = (name: string) => t.columns.find((c) => c.name.toLowerCase() === name.toLowerCase());
    const charsetOf = (type: string, written: string | undefined) =>
      engine === 'mysql' && TEXT_TYPE.test(type) && (written ?? t.charset) ? { charset: written ?? t.charset } : {};
    switch (a.kind) {
      case 'add-column':
        t.columns = t.columns.filter((c) => c.name.toLowerCase() !== a.spec.name.toLowerCase());
        t.columns.push({
          name: a.spec.name,
          type: typeText(a),
          ...charsetOf(typeText(a), a.charset),
          nullable: a.spec.nullable,
          default: a.defaultText ?? null,
          generated: a.spec.generated ? (a.spec.generated.stored ? 'stored' : 'virtual') : null,
          ...(a.spec.autoIncrement ? { autoIncrement: true } : {}),
        });
        break;
      case 'drop-column':
        t.columns = t.columns.filter((c) => c.name.toLowerCase() !== a.column.toLowerCase());
        break;
      case 'alter-type': {
        const c = col(a.column);
        if (!c) break;
        const notNull = / NOT NULL$/.test(a.type);
        const type = a.type.replace(/ NOT NULL$/, '');
        // MySQL's MODIFY/CHANGE restates the whole column: what it does not write (NOT NULL, CHARACTER SET) goes back to the default.
        t.columns = t.columns.map((x) => {
          if (x !== c) return x;
          if (engine !== 'mysql') return { ...x, type };
          const { charset: _old, ...rest } = x;
          const lost = a.restated
            ? { ...(a.restated.default ? {} : { default: null }), ...(a.restated.autoIncrement ? {} : { autoIncrement: false }) }
            : {};
          return { ...rest, ...(a.renameTo ? { name: a.renameTo } : {}), type, nullable: !notNull, ...charsetOf(type, a.charset), ...lost };
        });
        break;
      }
      case 'drop-primary-key':
        delete t.primaryKey;
        break;
      case 'convert-charset':
        t.charset = a.charset;
        t.columns = t.columns.map((x) => (x.charset ? { ...x, charset: a.charset } : x));
        break;
      case 'set-not-null':
      case 'drop-not-null': {
        const c = col(a.column);
        if (c) t.columns = t.columns.map((x) => (x === c ? { ...x, nullable: a.kind === 'drop-not-null' } : x));
        break;
      }
      case 'add-constraint':
        if (a.constraint === 'primary' && a.columns.length) t.primaryKey = a.columns;
        if (a.constraint === 'check' && a.provesNotNull)
          t.constraints.push({
            name: a.name ?? '',
            kind: 'check',
            definition: `CHECK (${a.provesNotNull} IS NOT NULL)`,
            validated: !a.notValid,
          });
        else
          t.constraints.push({
            name: a.name ?? '',
            kind: a.constraint === 'not-null' ? 'not-null' : a.constraint,
            definition: '',
            validated: !a.notValid,
          });
        break;
      case 'validate-constraint':
        t.constraints = t.constraints.map((c) => (c.name.toLowerCase() === a.name.toLowerCase() ? { ...c, validated: true } : c));
        break;
      case 'drop-constraint':
        t.constraints = t.constraints.filter((c) => c.name.toLowerCase() !== a.name.toLowerCase());
        break;
      case 'add-index':
        t.indexes.push({
          name: a.name ?? '',
          columns: a.columns,
          unique: a.unique,
          primary: false,
          method: a.fulltext ? 'FULLTEXT' : 'BTREE',
        });
        break;
      default:
        break;
    }
  };
  const add = (text: string): void => {
    for (const raw of splitStatements(text, engine).statements) {
      const p =
        engine === 'postgres'
          ? readPostgres(raw.text, parsers.postgres)
          : readMysql(raw.text, target.dialect === 'mariadb' ? parsers.mariadb : parsers.mysql);
      if (!p.table) continue;
      if (p.kind === 'create-table') {
        const t: Table = {
          schema: p.table.schema ?? defaultSchema,
          name: p.table.name,
          columns: [],
          constraints: [],
          indexes: [],
          ...(p.charset ? { charset: p.charset } : {}),
        };
        for (const a of p.definition ?? []) apply(t, a);
        tables.set(key(p.table), t);
      } else if (p.kind === 'alter-table') {
        const t = tables.get(key(p.table));
        if (t) for (const a of p.actions) apply(t, a);
      } else if (p.kind === 'create-index' && p.index) {
        tables
          .get(key(p.table))
          ?.indexes.push({ name: p.index.name ?? '', columns: p.index.columns, unique: p.index.unique, primary: false, method: 'btree' });
      } else if (p.statementOp?.op === 'drop-table') {
        tables.delete(key(p.table));
      } else if (p.statementOp?.op === 'rename' && p.statementOp.to) {
        const t = tables.get(key(p.table));
        const { object, from, to } = p.statementOp;
        if (t && object === 'table') {
          tables.delete(key(p.table));
          t.name = to;
          tables.set(key({ name: to }), t);
        } else if (t && object === 'column' && from)
          t.columns = t.columns.map((c) => (c.name.toLowerCase() === from.toLowerCase() ? { ...c, name: to } : c));
      }
    }
  };
  const snapshot = (): Map<string, TableFacts> => {
    const out = new Map<string, TableFacts>();
    for (const [k, t] of tables) {
      out.set(k, {
        table: { schema: t.schema, name: t.name },
        rows: -1,
        bytes: -1,
        columns: [...t.columns],
        ...(t.primaryKey ? { primaryKey: t.primaryKey } : {}),
        constraints: [...t.constraints],
        indexes: [...t.indexes],
      });
    }
    return out;
  };
  return { add, tables: snapshot };
}
