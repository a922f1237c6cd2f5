/**
 * A ColumnSpec rendered back as SQL for ADD COLUMN, every identifier quoted and every literal and expression checked
 * (SqlTextError) because a spec may come from outside the parser (a plan file, the wizard). Pure.
 */
import { isSerialType } from '../dialects/index';
import { expressionProblem, isPostgres, quoteIdent, quotePlainString, SqlTextError } from '../sql';
import type { ColumnDefault, ColumnSpec, ColumnType, Dialect, IdentitySpec } from '../types';

export type RenderPart = 'default' | 'notNull' | 'unique' | 'check' | 'references' | 'comment' | 'position' | 'generated' | 'autoIncrement';

const TYPE_NAME = /^[a-z_][a-z0-9_]*(?: [a-z_][a-z0-9_]*)*(?:\.[a-z_][a-z0-9_]*)?$/;
const LITERAL =
  /^(?:[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|[bB]'[01]*'|[xX]'[0-9a-fA-F]*'|0x[0-9a-fA-F]+|0b[01]+|true|false|null|'(?:[^'\\]|'')*'|E'(?:[^'\\]|''|\\.)*'|_utf8mb4 X'[0-9A-F]*')(?:::[a-z_][a-z0-9_ ]*(?:\[\])?)?$/i;

/** `varchar(255)`, `timestamp(3) with time zone`, `int[]`, `int unsigned`, `enum('a','b')`. Throws SqlTextError on a name that is not a plain type name. */
export function renderType(dialect: Dialect, type: ColumnType): string {
  if (!TYPE_NAME.test(type.name))
    throw new SqlTextError(`"${type.name}" is not a type name this tool can write (letters, digits, _ and spaces only)`);
  if (type.params.some((p) => !Number.isInteger(p) || p < 0))
    throw new SqlTextError(`type parameters must be whole numbers, got (${type.params.join(', ')})`);
  const args = type.values
    ? `(${type.values.map((v) => quotePlainString(dialect, v)).join(',')})`
    : type.params.length
      ? `(${type.params.join(',')})`
      : '';
  const zone = /^(timestamp|time) (with|without) time zone$/.exec(type.name);
  let out = zone && args ? `${zone[1]}${args} ${zone[2]} time zone` : `${type.name}${args}`;
  if (type.array && isPostgres(dialect)) out += '[]';
  if (type.unsigned && !isPostgres(dialect)) out += ' unsigned';
  return out;
}

/** The DEFAULT value as SQL, checking literal text and expression text from outside the parser. */
export function renderDefault(dialect: Dialect, def: ColumnDefault): string | null {
  if (def.kind === 'none') return null;
  if (def.kind === 'literal') {
    if (!LITERAL.test(def.value))
      throw new SqlTextError(
        `the DEFAULT ${JSON.stringify(def.value)} is not a SQL literal; quote strings, e.g. '${def.value.replace(/'/g, "''")}'`,
      );
    return def.value;
  }
  const problem = expressionProblem(dialect, def.sql);
  if (problem) throw new SqlTextError(`the DEFAULT expression ${JSON.stringify(def.sql)} cannot be used: ${problem}`);
  const sql = def.sql.trim();
  if (isPostgres(dialect) || sql.startsWith('(') || /^(current_timestamp|now|localtime|localtimestamp)(\s*\(\s*\d*\s*\))?$/i.test(sql))
    return sql;
  return `(${sql})`;
}

/** `GENERATED ALWAYS|BY DEFAULT AS IDENTITY [(options)]`; BY DEFAULT when the spec says only `autoIncrement`. */
export function renderIdentity(identity: IdentitySpec | undefined): string {
  const generation = `GENERATED ${identity?.always ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY`;
  if (!identity) return generation;
  const whole = (option: string, v: string): string => {
    if (!/^-?\d+$/.test(v)) throw new SqlTextError(`the identity option ${option} ${JSON.stringify(v)} is not a whole number`);
    return `${option} ${v}`;
  };
  const options = [
    identity.start !== undefined ? whole('START WITH', identity.start) : '',
    identity.increment !== undefined ? whole('INCREMENT BY', identity.increment) : '',
    identity.minValue !== undefined ? whole('MINVALUE', identity.minValue) : '',
    identity.maxValue !== undefined ? whole('MAXVALUE', identity.maxValue) : '',
    identity.cache !== undefined ? whole('CACHE', identity.cache) : '',
    identity.cycle ? 'CYCLE' : '',
  ].filter((o) => o !== '');
  return options.length > 0 ? `${generation} (${options.join(' ')})` : generation;
}

export function checkedExpression(dialect: Dialect, what: string, sql: string): string {
  const problem = expressionProblem(dialect, sql);
  if (problem) throw new SqlTextError(`the ${what} expression ${JSON.stringify(sql)} cannot be used: ${problem}`);
  return sql.trim();
}

/** The column definition as SQL for `ADD COLUMN`, every identifier quoted; `omit` leaves parts out (the planner adds them as separate steps). */
export function renderColumnDefinition(dialect: Dialect, spec: ColumnSpec, opts: { omit?: readonly RenderPart[] } = {}): string {
  const omit = new Set(opts.omit ?? []);
  const pg = isPostgres(dialect);
  const parts: string[] = [quoteIdent(dialect, spec.name), renderType(dialect, spec.type)];
  if (spec.collation) parts.push(`COLLATE ${quoteIdent(dialect, spec.collation)}`);
  if (spec.generated && !omit.has('generated')) {
    parts.push(
      `GENERATED ALWAYS AS (${checkedExpression(dialect, 'generated', spec.generated.expression)}) ${spec.generated.stored ? 'STORED' : 'VIRTUAL'}`,
    );
  }
  const serial = pg && isSerialType(spec.type.name);
  if (pg && spec.autoIncrement && !serial && !omit.has('autoIncrement')) parts.push(renderIdentity(spec.identity));
  const notNull = !spec.nullable && !omit.has('notNull');
  // MariaDB refuses NULL/NOT NULL on a generated column; MySQL accepts NOT NULL there.
  if (!pg && (!spec.generated || omit.has('generated'))) parts.push(notNull ? 'NOT NULL' : 'NULL');
  else if (dialect === 'mysql' && notNull) parts.push('NOT NULL');
  const def = omit.has('default') ? null : renderDefault(dialect, spec.default);
  if (def !== null) parts.push(`DEFAULT ${def}`);
  if (pg && notNull) parts.push('NOT NULL');
  if (!pg && spec.autoIncrement && !omit.has('autoIncrement')) parts.push('AUTO_INCREMENT');
  if (spec.unique && !omit.has('unique')) parts.push('UNIQUE');
  if (spec.check && !omit.has('check')) parts.push(`CHECK (${checkedExpression(dialect, 'CHECK', spec.check)})`);
  // MySQL/MariaDB ignore an inline REFERENCES in a column definition, so it is only written for PostgreSQL.
  if (pg && spec.references && !omit.has('references')) {
    const r = spec.references;
    parts.push(
      `REFERENCES ${r.schema ? `${quoteIdent(dialect, r.schema)}.` : ''}${quoteIdent(dialect, r.table)} (${quoteIdent(dialect, r.column)})${r.onDelete ? ` ON DELETE ${r.onDelete}` : ''}`,
    );
  }
  if (!pg && spec.comment !== undefined && !omit.has('comment')) parts.push(`COMMENT ${quotePlainString(dialect, spec.comment)}`);
  if (!pg && spec.position && spec.position.kind !== 'last' && !omit.has('position')) {
    parts.push(spec.position.kind === 'first' ? 'FIRST' : `AFTER ${quoteIdent(dialect, spec.position.column)}`);
  }
  return parts.join(' ');
}
