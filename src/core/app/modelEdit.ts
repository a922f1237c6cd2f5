/**
 * The model side of a rollout phase: the edit that declares the new column in the ORM model found by `scanFile`.
 * `expand`: the field as the database has it while the backfill is pending (nullable, with its default);
 * `final`: the form after the constrain phase (NOT NULL when the column is). Pure: text in, one insertion out.
 * ActiveRecord reads columns from the database, so it has no edit.
 */
import { djangoField } from '../migrations/writers/django';
import type { ColumnSpec } from '../types';
import { fieldDeclaration, requiredForm } from './fields';
import { balanced, camelCase, type ModelMatch } from './scan';

export type ModelPhase = 'expand' | 'final';

export interface ModelEdit {
  readonly file: string;
  /** Character offset to insert at. */
  readonly offset: number;
  /** Characters after `offset` the text replaces (the final form rewrites the declaration the expand edit added); 0 or absent: an insertion. */
  readonly replaces?: number;
  readonly text: string;
  /** What the edit is, for the preview's label. */
  readonly label: string;
  /** When the edit is not applied because the model already declares the column. */
  readonly skipped?: string;
}

function nullable(spec: ColumnSpec, phase: ModelPhase): boolean {
  return phase === 'expand' ? true : spec.nullable;
}

const lineStart = (text: string, offset: number) => text.lastIndexOf('\n', offset - 1) + 1;
const indentOf = (text: string, offset: number) => /^[ \t]*/.exec(text.slice(lineStart(text, offset)))![0];

function prismaType(spec: ColumnSpec): string {
  const t = spec.type;
  const p = t.params;
  switch (t.name) {
    case 'uuid': return 'String @db.Uuid';
    case 'text': return 'String';
    case 'varchar': case 'character varying': return p[0] ? `String @db.VarChar(${p[0]})` : 'String';
    case 'char': case 'character': return `String @db.Char(${p[0] ?? 1})`;
    case 'int': case 'integer': case 'int4': return 'Int';
    case 'smallint': return 'Int @db.SmallInt';
    case 'bigint': case 'int8': return 'BigInt';
    case 'boolean': case 'bool': return 'Boolean';
    case 'timestamptz': case 'timestamp with time zone': return `DateTime @db.Timestamptz(${p[0] ?? 6})`;
    case 'timestamp': case 'timestamp without time zone': return `DateTime @db.Timestamp(${p[0] ?? 6})`;
    case 'datetime': return 'DateTime';
    case 'date': return 'DateTime @db.Date';
    case 'numeric': case 'decimal': return p.length === 2 ? `Decimal @db.Decimal(${p[0]}, ${p[1]})` : 'Decimal';
    case 'jsonb': case 'json': return 'Json';
    case 'double precision': case 'float8': case 'double': return 'Float';
    default: return `Unsupported("${t.name}${p.length ? `(${p.join(',')})` : ''}")`;
  }
}

function prismaDefault(spec: ColumnSpec): string {
  const d = spec.default;
  if (d.kind === 'literal') return ` @default(${/^'.*'$/s.test(d.value) ? JSON.stringify(d.value.slice(1, -1).replace(/''/g, "'")) : d.value})`;
  if (d.kind === 'expression') return ` @default(dbgenerated(${JSON.stringify(d.sql)}))`;
  return '';
}

function drizzleBuilder(spec: ColumnSpec, dialect: 'pg' | 'mysql'): { fn: string; args: string } {
  const t = spec.type;
  const p = t.params;
  const name = JSON.stringify(spec.name);
  const map: Record<string, string> = { uuid: 'uuid', text: 'text', integer: 'integer', int: dialect === 'pg' ? 'integer' : 'int', int4: 'integer', bigint: 'bigint', smallint: 'smallint', boolean: 'boolean', bool: 'boolean', date: 'date', jsonb: 'jsonb', json: 'json', timestamptz: 'timestamp', 'timestamp with time zone': 'timestamp', timestamp: 'timestamp', datetime: 'datetime', 'double precision': 'doublePrecision' };
  if (t.name === 'varchar' || t.name === 'character varying') return { fn: 'varchar', args: `${name}${p[0] ? `, { length: ${p[0]} }` : ''}` };
  if (t.name === 'char' || t.name === 'character') return { fn: 'char', args: `${name}, { length: ${p[0] ?? 1} }` };
  if (t.name === 'numeric' || t.name === 'decimal') return { fn: dialect === 'pg' ? 'numeric' : 'decimal', args: `${name}${p.length === 2 ? `, { precision: ${p[0]}, scale: ${p[1]} }` : ''}` };
  if (t.name === 'bigint') return { fn: 'bigint', args: `${name}, { mode: 'number' }` };
  if (t.name === 'timestamptz' || t.name === 'timestamp with time zone') return { fn: 'timestamp', args: `${name}, { withTimezone: true }` };
  return { fn: map[t.name] ?? 'customType', args: name };
}

function tsType(spec: ColumnSpec): string {
  const n = spec.type.name;
  if (/int|serial|numeric|decimal|double|float|real/.test(n) && n !== 'bigint') return 'number';
  if (n === 'boolean' || n === 'bool') return 'boolean';
  if (/timestamp|date/.test(n)) return 'Date';
  if (/json/.test(n)) return 'unknown';
  return 'string';
}

function sqlalchemyType(spec: ColumnSpec): string {
  const t = spec.type;
  const map: Record<string, string> = { uuid: 'Uuid', text: 'Text', integer: 'Integer', int: 'Integer', bigint: 'BigInteger', smallint: 'SmallInteger', boolean: 'Boolean', date: 'Date', jsonb: 'JSON', json: 'JSON', timestamptz: 'DateTime(timezone=True)', 'timestamp with time zone': 'DateTime(timezone=True)', timestamp: 'DateTime', datetime: 'DateTime', 'double precision': 'Float' };
  if (t.name === 'uuid') return 'postgresql.UUID(as_uuid=True)';
  if (t.name === 'varchar' || t.name === 'character varying' || t.name === 'char') return `String(${t.params[0] ?? ''})`;
  if (t.name === 'numeric' || t.name === 'decimal') return `Numeric(${t.params.join(', ')})`;
  return map[t.name] ?? `sqlalchemy.types.NullType()  # ${t.name}: declare the type by hand`;
}

function sequelizeType(spec: ColumnSpec): string {
  const t = spec.type;
  const map: Record<string, string> = { uuid: 'UUID', text: 'TEXT', integer: 'INTEGER', int: 'INTEGER', bigint: 'BIGINT', smallint: 'SMALLINT', boolean: 'BOOLEAN', date: 'DATEONLY', jsonb: 'JSONB', json: 'JSON', timestamptz: 'DATE', timestamp: 'DATE', datetime: 'DATE', 'double precision': 'DOUBLE' };
  if (t.name === 'varchar' || t.name === 'character varying') return `STRING(${t.params[0] ?? 255})`;
  if (t.name === 'char') return `CHAR(${t.params[0] ?? 1})`;
  if (t.name === 'numeric' || t.name === 'decimal') return `DECIMAL(${t.params.join(', ')})`;
  return map[t.name] ?? 'STRING';
}

/** The insertion that declares `spec` in the model `m`, whose file reads `text`. */
export function modelEdit(m: ModelMatch, text: string, spec: ColumnSpec, phase: ModelPhase, dialect: 'postgres' | 'mysql' | 'mariadb'): ModelEdit | null {
  const label = `${m.kind} model ${m.name}: ${phase === 'expand' ? `add ${spec.name} (nullable while the backfill runs)` : `make ${spec.name} ${spec.nullable ? 'final' : 'NOT NULL'} (after the constrain phase)`}`;
  if (m.hasColumn && phase === 'expand') return { file: m.file, offset: 0, text: '', label, skipped: `${m.name} already declares ${spec.name}` };
  if (m.hasColumn && m.kind !== 'activerecord') return finalFromDeclared(m, text, spec, label);
  const lines = text.split('\n');
  const at = lines.slice(0, m.line - 1).join('\n').length + (m.line > 1 ? 1 : 0);
  const field = camelCase(spec.name);
  const open = text.indexOf('{', at);
  switch (m.kind) {
    case 'prisma': {
      const body = balanced(text, open);
      const close = open + 1 + body.length;
      const mapLine = body.search(/\n[ \t]*@@/);
      const insertAt = mapLine >= 0 ? open + 1 + mapLine : lineStart(text, close) - 1;
      const mapped = field !== spec.name ? ` @map(${JSON.stringify(spec.name)})` : '';
      const [type, ...attrs] = prismaType(spec).split(' ');
      return { file: m.file, offset: insertAt, text: `\n  ${field} ${type}${nullable(spec, phase) ? '?' : ''}${attrs.length ? ` ${attrs.join(' ')}` : ''}${prismaDefault(spec)}${mapped}`, label };
    }
    case 'drizzle': {
      const body = balanced(text, open);
      const close = open + 1 + body.length;
      const b = drizzleBuilder(spec, dialect === 'postgres' ? 'pg' : 'mysql');
      const chain = `${nullable(spec, phase) ? '' : '.notNull()'}${spec.default.kind === 'literal' ? `.default(sql\`${spec.default.value}\`)` : spec.default.kind === 'expression' ? `.default(sql\`${spec.default.sql}\`)` : ''}`;
      const trailing = /,\s*$/.test(body) || body.trim() === '' ? '' : ',';
      const indent = indentOf(text, lineStart(text, close) - 1) || '  ';
      return { file: m.file, offset: open + 1 + body.replace(/\s*$/, '').length, text: `${trailing}\n${indent}${field}: ${b.fn}(${b.args})${chain},`, label: `${label} (import ${b.fn}${chain.includes('sql`') ? ' and sql' : ''} if the file does not yet)` };
    }
    case 'typeorm': {
      const classOpen = text.indexOf('{', text.indexOf(`class ${m.name}`, at));
      const body = balanced(text, classOpen);
      const close = classOpen + 1 + body.length;
      const opts = [`name: ${JSON.stringify(spec.name)}`, `type: ${JSON.stringify(spec.type.name)}`, `nullable: ${nullable(spec, phase)}`];
      return { file: m.file, offset: lineStart(text, close) - 1, text: `\n\n  @Column({ ${opts.join(', ')} })\n  ${field}${nullable(spec, phase) ? '!: ' + tsType(spec) + ' | null' : '!: ' + tsType(spec)};`, label };
    }
    case 'sequelize': {
      const body = balanced(text, open);
      const indent = indentOf(text, open + 1 + body.replace(/\s*$/, '').length) || '    ';
      const trailing = /,\s*$/.test(body) || body.trim() === '' ? '' : ',';
      return { file: m.file, offset: open + 1 + body.replace(/\s*$/, '').length, text: `${trailing}\n${indent}${field}: { type: DataTypes.${sequelizeType(spec)}, allowNull: ${nullable(spec, phase)}${field !== spec.name ? `, field: ${JSON.stringify(spec.name)}` : ''} },`, label };
    }
    case 'kysely': {
      const iface = new RegExp(`(?:interface\\s+${m.name}\\s*\\{|type\\s+${m.name}\\s*=\\s*\\{)`).exec(text);
      if (!iface) return null;
      const o = iface.index + iface[0].length - 1;
      const body = balanced(text, o);
      const hasDefault = spec.default.kind !== 'none';
      const ty = `${tsType(spec)}${nullable(spec, phase) ? ' | null' : ''}`;
      return { file: m.file, offset: o + 1 + body.replace(/\s*$/, '').length, text: `\n  ${spec.name}: ${hasDefault ? `ColumnType<${ty}, ${ty} | undefined, ${ty}>` : ty};`, label: `${label}${hasDefault ? ' (import ColumnType from kysely if the file does not yet)' : ''}` };
    }
    case 'sqlalchemy':
    case 'django': {
      let end = m.line;
      while (end < lines.length && (lines[end]!.trim() === '' || /^\s/.test(lines[end]!))) end++;
      while (end > m.line && lines[end - 1]!.trim() === '') end--;
      // Before an inner `class Meta:` when there is one, else after the last line of the class body.
      const meta = lines.slice(m.line, end).findIndex((l) => /^\s+class\s+Meta\b/.test(l));
      const insertLine = meta >= 0 ? m.line + meta : end;
      const indent = /^(\s+)/.exec(lines[m.line] ?? '')?.[1] ?? '    ';
      const decl = m.kind === 'django'
        ? `${indent}${spec.name} = ${djangoField(spec, { null: nullable(spec, phase) }) ?? 'models.Field()  # no Django field for this type: declare it by hand'}`
        : `${indent}${spec.name} = Column(${sqlalchemyType(spec)}, nullable=${nullable(spec, phase) ? 'True' : 'False'})`;
      const offset = lines.slice(0, insertLine).join('\n').length;
      return { file: m.file, offset, text: `\n${decl}`, label };
    }
    case 'activerecord':
      return { file: m.file, offset: 0, text: '', label, skipped: 'ActiveRecord reads the columns from the database: no model edit' };
  }
}

/** The final form of a field the model already declares (usually the expand edit's): its declaration made required, the rest kept. */
function finalFromDeclared(m: ModelMatch, text: string, spec: ColumnSpec, label: string): ModelEdit {
  const skip = (skipped: string): ModelEdit => ({ file: m.file, offset: 0, text: '', label, skipped });
  if (spec.nullable) return skip(`${spec.name} stays nullable: the declaration in ${m.name} is already final`);
  const span = fieldDeclaration(m, text, spec.name);
  if (!span) return skip(`the declaration of ${spec.name} in ${m.name} was not found: make it required by hand`);
  const decl = text.slice(span.start, span.end);
  const form = requiredForm(m.kind, decl);
  if (form.required) return skip(`${m.name} already declares ${spec.name} as required`);
  return { file: m.file, offset: span.start, replaces: decl.length, text: form.text, label };
}

/** Apply an edit to text (for previews and tests). */
export function applyEdit(text: string, e: ModelEdit): string {
  return e.skipped ? text : text.slice(0, e.offset) + e.text + text.slice(e.offset + (e.replaces ?? 0));
}
