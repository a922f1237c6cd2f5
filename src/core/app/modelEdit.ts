/**
 * The model side of a rollout phase: the edit that declares the new column in the ORM model found by `scanFile`.
 * `expand`: the field as the database has it while the backfill is pending (nullable, with its default);
 * `final`: the form after the constrain phase (NOT NULL when the column is). Pure: text in, one insertion out.
 * ActiveRecord reads columns from the database, so it has no edit.
 */
import { djangoField } from '../migrations/tools/django';
import { keptNotNullCheck, type NotNullCheck } from '../plan';
import type { ColumnSpec, Plan, TableFacts } from '../types';
import { drizzleChain, drizzleColumn } from './drizzle';
import { checkedForm, fieldDeclaration, requiredForm } from './fields';
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
  /** Further changes elsewhere in the same file (a missing import), applied with the edit. */
  readonly extra?: readonly { readonly offset: number; readonly replaces?: number; readonly text: string }[];
}

/** What the plan builds besides the column that the model declares too: the index on it (by the plan's name for it). */
export interface ModelExtras {
  readonly index?: string;
  /** The column is NOT NULL from its first migration (a constant default, no backfill): the expand edit declares it required. */
  readonly requiredAtOnce?: boolean;
  /**
   * The plan keeps NOT NULL as this validated CHECK (PostgreSQL before 12): the column stays nullable in the catalog, so
   * the final edit keeps the field optional and notes the CHECK (what introspection and the ORMs' diff tools see).
   */
  readonly notNullCheck?: NotNullCheck;
}

/** The plan's plain (non-unique) index on the new column, which a model that declares indexes (Prisma, Drizzle) must declare too. */
export function modelExtras(plan: Plan): ModelExtras {
  const steps = plan.phases.flatMap((ph) => ph.steps);
  const requiredAtOnce =
    !plan.column.nullable &&
    !plan.phases.some((ph) => ph.kind === 'constrain' || ph.kind === 'backfill') &&
    !steps.some((s) => s.done?.kind === 'not-null');
  const index = plan.column.index && !plan.column.unique ? steps.find((s) => s.done?.kind === 'index')?.done : undefined;
  const notNullCheck = keptNotNullCheck(plan);
  return {
    ...(index?.kind === 'index' ? { index: index.name } : {}),
    ...(requiredAtOnce ? { requiredAtOnce } : {}),
    ...(notNullCheck ? { notNullCheck } : {}),
  };
}

/**
 * Where the constrain phase stands in the catalog, for the final model edit outside the wizard: `not-null` (the column
 * is NOT NULL: the field becomes required), `check` (a validated CHECK (column IS NOT NULL) stands for it, PostgreSQL
 * before 12: the field stays optional, the CHECK noted), `pending` (neither yet: no final edit), `missing` (no such column).
 */
export type CatalogNotNull =
  | { readonly state: 'not-null' | 'missing' }
  | { readonly state: 'pending'; readonly notValid?: string }
  | { readonly state: 'check'; readonly check: NotNullCheck };

export function catalogNotNull(facts: TableFacts | null, column: string): CatalogNotNull {
  const col = facts?.columns?.find((c) => c.name === column);
  if (!facts || !col) return { state: 'missing' };
  if (!col.nullable) return { state: 'not-null' };
  const unquote = (id: string) => (/^".*"$/.test(id) ? id.slice(1, -1).replace(/""/g, '"') : id);
  let notValid: string | undefined;
  for (const c of facts.constraints ?? []) {
    // pg_get_constraintdef: CHECK ((ref IS NOT NULL)), CHECK (("Ref" IS NOT NULL)); MySQL/MariaDB: CHECK (`ref` is not null).
    const m = /^CHECK\s*\(\(?\s*(".+"|`.+`|\w+)\s+IS\s+NOT\s+NULL\s*\)?\)$/i.exec(c.definition.trim());
    if (c.kind !== 'check' || !m || unquote(m[1]!.replace(/^`(.*)`$/, '$1')) !== column) continue;
    if (c.validated) return { state: 'check', check: { name: c.name, expression: `${m[1]} IS NOT NULL` } };
    notValid = c.name;
  }
  return notValid ? { state: 'pending', notValid } : { state: 'pending' };
}

function nullable(spec: ColumnSpec, phase: ModelPhase): boolean {
  return phase === 'expand' ? true : spec.nullable;
}

const lineStart = (text: string, offset: number) => text.lastIndexOf('\n', offset - 1) + 1;
const indentOf = (text: string, offset: number) => /^[ \t]*/.exec(text.slice(lineStart(text, offset)))![0];

function prismaType(spec: ColumnSpec, dialect: 'postgres' | 'mysql' | 'mariadb'): string {
  const t = spec.type;
  const p = t.params;
  const my = dialect !== 'postgres';
  switch (t.name) {
    case 'uuid':
      return 'String @db.Uuid';
    // Prisma's String is text on PostgreSQL but varchar(191) on MySQL.
    case 'text':
      return my ? 'String @db.Text' : 'String';
    case 'varchar':
    case 'character varying':
      return p[0] ? `String @db.VarChar(${p[0]})` : 'String';
    case 'char':
    case 'character':
      return `String @db.Char(${p[0] ?? 1})`;
    case 'int':
    case 'integer':
    case 'int4':
      return 'Int';
    case 'smallint':
      return 'Int @db.SmallInt';
    case 'bigint':
    case 'int8':
      return 'BigInt';
    case 'boolean':
    case 'bool':
      return 'Boolean';
    case 'timestamptz':
    case 'timestamp with time zone':
      return `DateTime @db.Timestamptz(${p[0] ?? 6})`;
    case 'timestamp':
    case 'timestamp without time zone':
      return `DateTime @db.Timestamp(${p[0] ?? (my ? 0 : 6)})`;
    case 'datetime':
      return `DateTime @db.DateTime(${p[0] ?? 0})`;
    case 'date':
      return 'DateTime @db.Date';
    case 'numeric':
    case 'decimal':
      return p.length === 2 ? `Decimal @db.Decimal(${p[0]}, ${p[1]})` : 'Decimal';
    case 'jsonb':
    case 'json':
      return 'Json';
    case 'double precision':
    case 'float8':
    case 'double':
      return 'Float';
    default:
      return `Unsupported("${t.name}${p.length ? `(${p.join(',')})` : ''}")`;
  }
}

function prismaDefault(spec: ColumnSpec): string {
  const d = spec.default;
  if (d.kind === 'literal')
    return ` @default(${/^'.*'$/s.test(d.value) ? JSON.stringify(d.value.slice(1, -1).replace(/''/g, "'")) : d.value})`;
  if (d.kind === 'expression') return ` @default(dbgenerated(${JSON.stringify(d.sql)}))`;
  return '';
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
  const map: Record<string, string> = {
    uuid: 'Uuid',
    text: 'Text',
    integer: 'Integer',
    int: 'Integer',
    bigint: 'BigInteger',
    smallint: 'SmallInteger',
    boolean: 'Boolean',
    date: 'Date',
    jsonb: 'JSON',
    json: 'JSON',
    timestamptz: 'DateTime(timezone=True)',
    'timestamp with time zone': 'DateTime(timezone=True)',
    timestamp: 'DateTime',
    datetime: 'DateTime',
    'double precision': 'Float',
  };
  if (t.name === 'uuid') return 'postgresql.UUID(as_uuid=True)';
  if (t.name === 'varchar' || t.name === 'character varying' || t.name === 'char') return `String(${t.params[0] ?? ''})`;
  if (t.name === 'numeric' || t.name === 'decimal') return `Numeric(${t.params.join(', ')})`;
  return map[t.name] ?? `sqlalchemy.types.NullType()  # ${t.name}: declare the type by hand`;
}

/**
 * The default as TypeORM compares it with the database: a number, string or boolean literal as a value (TypeORM quotes
 * it the way PostgreSQL prints it), another expression as a function returning the SQL; a PostgreSQL uuid filled by
 * gen_random_uuid() / uuid_generate_v4() as `generated: "uuid"`, which is how TypeORM reads that column back.
 */
function typeormDefault(spec: ColumnSpec, dialect: string): string[] {
  const d = spec.default;
  if (d.kind === 'literal') {
    const v = d.value.trim();
    if (/^-?\d+(\.\d+)?$/.test(v) || /^(true|false)$/i.test(v)) return [`default: ${v.toLowerCase()}`];
    if (/^'.*'$/s.test(v)) return [`default: ${JSON.stringify(v.slice(1, -1).replace(/''/g, "'"))}`];
    return [`default: () => ${JSON.stringify(v)}`];
  }
  if (d.kind !== 'expression') return [];
  if (dialect === 'postgres' && spec.type.name === 'uuid' && /^(gen_random_uuid|uuid_generate_v\d)\(\)$/i.test(d.sql.trim()))
    return ['generated: "uuid"'];
  return [`default: () => ${JSON.stringify(d.sql)}`];
}

function sequelizeType(spec: ColumnSpec): string {
  const t = spec.type;
  const map: Record<string, string> = {
    uuid: 'UUID',
    text: 'TEXT',
    integer: 'INTEGER',
    int: 'INTEGER',
    bigint: 'BIGINT',
    smallint: 'SMALLINT',
    boolean: 'BOOLEAN',
    date: 'DATEONLY',
    jsonb: 'JSONB',
    json: 'JSON',
    timestamptz: 'DATE',
    timestamp: 'DATE',
    datetime: 'DATE',
    'double precision': 'DOUBLE',
  };
  if (t.name === 'varchar' || t.name === 'character varying') return `STRING(${t.params[0] ?? 255})`;
  if (t.name === 'char') return `CHAR(${t.params[0] ?? 1})`;
  if (t.name === 'numeric' || t.name === 'decimal') return `DECIMAL(${t.params.join(', ')})`;
  return map[t.name] ?? 'STRING';
}

/** The insertion that declares `spec` in the model `m`, whose file reads `text`. */
export function modelEdit(
  m: ModelMatch,
  text: string,
  spec: ColumnSpec,
  phase: ModelPhase,
  dialect: 'postgres' | 'mysql' | 'mariadb',
  extras: ModelExtras = {},
): ModelEdit | null {
  const atOnce = phase === 'expand' && extras.requiredAtOnce === true;
  const check = phase === 'final' && !spec.nullable ? extras.notNullCheck : undefined;
  const label = `${m.kind} model ${m.name}: ${
    atOnce
      ? `add ${spec.name} (NOT NULL from its first migration: no backfill)`
      : phase === 'expand'
        ? `add ${spec.name} (nullable while the backfill runs)`
        : check
          ? `note that the CHECK ${check.name} enforces ${spec.name} NOT NULL (the column stays nullable in the catalog)`
          : `make ${spec.name} ${spec.nullable ? 'final' : 'NOT NULL'} (after the constrain phase)`
  }`;
  if (m.hasColumn && phase === 'expand')
    return { file: m.file, offset: 0, text: '', label, skipped: `${m.name} already declares ${spec.name}` };
  if (m.hasColumn && m.kind !== 'activerecord') return finalFromDeclared(m, text, spec, label, check);
  // The shape the field takes: required already in the expand edit when no backfill stands between; nullable, as the
  // catalog keeps it, when a CHECK stands for NOT NULL.
  const form: ModelPhase = atOnce ? 'final' : check ? 'expand' : phase;
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
      const [type, ...attrs] = prismaType(spec, dialect).split(' ');
      const decl = `\n  ${field} ${type}${nullable(spec, form) ? '?' : ''}${attrs.length ? ` ${attrs.join(' ')}` : ''}${prismaDefault(spec)}${mapped}`;
      if (!extras.index) return { file: m.file, offset: insertAt, text: decl, label };
      // The block attribute goes with the others (after the fields), so the field and it are one replacement.
      const indexAt = lineStart(text, close) - 1;
      const index = `\n  @@index([${field}], map: ${JSON.stringify(extras.index)})`;
      return indexAt >= insertAt
        ? {
            file: m.file,
            offset: insertAt,
            replaces: indexAt - insertAt,
            text: decl + text.slice(insertAt, indexAt) + index,
            label: `${label}, and its index ${extras.index}`,
          }
        : { file: m.file, offset: insertAt, text: decl + index, label: `${label}, and its index ${extras.index}` };
    }
    case 'drizzle':
      return drizzleEdit(m, text, spec, form, dialect, extras, label, open);
    case 'typeorm': {
      const classOpen = text.indexOf('{', text.indexOf(`class ${m.name}`, at));
      const body = balanced(text, classOpen);
      const close = classOpen + 1 + body.length;
      // What TypeORM's migration:generate compares with the database: type with its length/precision, default, index.
      // Checked with TypeORM's own schema builder against the real PostgreSQL in test/db/appTypeormRoundTrip.test.ts.
      const p = spec.type.params;
      const sized = /char/.test(spec.type.name)
        ? p[0] !== undefined
          ? [`length: ${p[0]}`]
          : []
        : /numeric|decimal/.test(spec.type.name)
          ? [...(p[0] !== undefined ? [`precision: ${p[0]}`] : []), ...(p[1] !== undefined ? [`scale: ${p[1]}`] : [])]
          : /time/.test(spec.type.name) && p[0] !== undefined
            ? [`precision: ${p[0]}`]
            : [];
      const def = typeormDefault(spec, dialect);
      const opts = [
        `name: ${JSON.stringify(spec.name)}`,
        `type: ${JSON.stringify(spec.type.name)}`,
        ...sized,
        `nullable: ${nullable(spec, form)}`,
        ...def,
      ];
      const index = extras.index ? `\n  @Index(${JSON.stringify(extras.index)})` : '';
      const decl = `\n\n  @Column({ ${opts.join(', ')} })${index}\n  ${field}${nullable(spec, form) ? '!: ' + tsType(spec) + ' | null' : '!: ' + tsType(spec)};`;
      return {
        file: m.file,
        offset: lineStart(text, close) - 1,
        text: decl,
        label: `${label}${extras.index ? ` (with @Index: import Index from typeorm if the file does not yet)` : ''}`,
      };
    }
    case 'sequelize': {
      const body = balanced(text, open);
      const indent = indentOf(text, open + 1 + body.replace(/\s*$/, '').length) || '    ';
      const trailing = /,\s*$/.test(body) || body.trim() === '' ? '' : ',';
      return {
        file: m.file,
        offset: open + 1 + body.replace(/\s*$/, '').length,
        text: `${trailing}\n${indent}${field}: { type: DataTypes.${sequelizeType(spec)}, allowNull: ${nullable(spec, form)}${field !== spec.name ? `, field: ${JSON.stringify(spec.name)}` : ''} },`,
        label,
      };
    }
    case 'kysely': {
      const iface = new RegExp(`(?:interface\\s+${m.name}\\s*\\{|type\\s+${m.name}\\s*=\\s*\\{)`).exec(text);
      if (!iface) return null;
      const o = iface.index + iface[0].length - 1;
      const body = balanced(text, o);
      const hasDefault = spec.default.kind !== 'none';
      const ty = `${tsType(spec)}${nullable(spec, form) ? ' | null' : ''}`;
      return {
        file: m.file,
        offset: o + 1 + body.replace(/\s*$/, '').length,
        text: `\n  ${spec.name}: ${hasDefault ? `ColumnType<${ty}, ${ty} | undefined, ${ty}>` : ty};`,
        label: `${label}${hasDefault ? ' (import ColumnType from kysely if the file does not yet)' : ''}`,
      };
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
      const decl =
        m.kind === 'django'
          ? `${indent}${spec.name} = ${djangoField(spec, { null: nullable(spec, form), ...(extras.index ? { index: true } : {}) }) ?? 'models.Field()  # no Django field for this type: declare it by hand'}`
          : `${indent}${spec.name} = Column(${sqlalchemyType(spec)}, nullable=${nullable(spec, form) ? 'True' : 'False'})`;
      const offset = lines.slice(0, insertLine).join('\n').length;
      return { file: m.file, offset, text: `\n${decl}`, label };
    }
    case 'activerecord':
      return { file: m.file, offset: 0, text: '', label, skipped: 'ActiveRecord reads the columns from the database: no model edit' };
  }
}

/**
 * Drizzle: the property in the table's column object, the index in the table's third argument (added when the call has
 * none, or appended to its array / object), and the builders it uses added to the file's `drizzle-orm` imports.
 */
function drizzleEdit(
  m: ModelMatch,
  text: string,
  spec: ColumnSpec,
  phase: ModelPhase,
  dialect: string,
  extras: ModelExtras,
  label: string,
  open: number,
): ModelEdit {
  const d = dialect === 'postgres' ? 'pg' : 'mysql';
  const body = balanced(text, open);
  const close = open + 1 + body.length;
  const field = camelCase(spec.name);
  const b = drizzleColumn(spec, d);
  const chain = drizzleChain(spec, d, nullable(spec, phase));
  const trailing = /,\s*$/.test(body) || body.trim() === '' ? '' : ',';
  const indent = indentOf(text, lineStart(text, close) - 1) || '  ';
  const offset = open + 1 + body.replace(/\s*$/, '').length;
  const decl = `${trailing}\n${indent}${field}: ${b.fn}(${b.args})${chain},`;
  const names = [b.fn, ...(chain.includes('sql`') ? ['sql'] : [])];
  let replaces = 0;
  let textOut = decl;
  let indexNote = '';
  if (extras.index) {
    const idx = `index(${JSON.stringify(extras.index)}).on(t.${field})`;
    const after = text.slice(close + 1);
    const third = /^\s*,\s*\(?\s*(\w+)\s*\)?\s*=>\s*(\[|\(\s*\{)/.exec(after);
    const none = /^\s*,?\s*\)/.exec(after);
    let at = -1;
    let insert = '';
    if (third) {
      const o = close + 1 + third.index + third[0].length - 1;
      const inner = balanced(text, o);
      const key = third[2] === '[' ? '' : `${field}Idx: `;
      const sep = /,\s*$/.test(inner) || inner.trim() === '' ? '' : ',';
      at = o + 1 + inner.replace(/\s*$/, '').length;
      insert = `${sep} ${key}${idx.replace(/\bt\./, `${third[1]}.`)}`;
    } else if (none) {
      at = close + 1;
      insert = `, (t) => [${idx}]`;
    }
    if (at > offset) {
      replaces = at - offset;
      textOut = decl + text.slice(offset, at) + insert;
      names.push('index');
      indexNote = `, and its index ${extras.index}`;
    } else indexNote = ` (declare its index ${extras.index} by hand: the table's third argument is not a plain array or object)`;
  }
  return { file: m.file, offset, replaces, text: textOut, label: `${label}${indexNote}`, extra: drizzleImports(text, d, names, offset) };
}

/** Names missing from the file's `drizzle-orm/<dialect>-core` (builders) and `drizzle-orm` (`sql`) imports, added to them. */
function drizzleImports(text: string, d: 'pg' | 'mysql', names: readonly string[], before: number): { offset: number; text: string }[] {
  return [
    ...addNamedImports(text, `drizzle-orm/${d}-core`, [...new Set(names.filter((n) => n !== 'sql' && n !== 'customType'))], before),
    ...addNamedImports(
      text,
      'drizzle-orm',
      names.filter((n) => n === 'sql'),
      before,
    ),
  ];
}

/** `wanted` names missing from the file's `import { … } from '<from>'` (before `before`), added to it, or a new import line. */
function addNamedImports(text: string, from: string, wanted: readonly string[], before: number): { offset: number; text: string }[] {
  if (!wanted.length) return [];
  const source = from.replace(/[/-]/g, '\\$&');
  const hit = new RegExp(`import\\s*\\{([^}]*)\\}\\s*from\\s*['"]${source}['"]`).exec(text);
  if (hit && hit.index < before) {
    const have = new Set(hit[1]!.split(',').map((x) => x.trim().split(/\s+as\s+/)[0]));
    const missing = wanted.filter((n) => !have.has(n));
    if (!missing.length) return [];
    const at = hit.index + hit[0].indexOf('}');
    const sep = /,\s*$/.test(hit[1]!) ? ' ' : ', ';
    return [{ offset: at - (hit[1]!.length - hit[1]!.replace(/\s*$/, '').length), text: `${sep}${missing.join(', ')}` }];
  }
  if (new RegExp(`\\b(?:${wanted.join('|')})\\b[^;]*from\\s*['"]${source}`).test(text)) return [];
  return [{ offset: 0, text: `import { ${wanted.join(', ')} } from '${from}';\n` }];
}

/**
 * The final form of a field the model already declares (usually the expand edit's): its declaration made required, the
 * rest kept; or, where a CHECK stands for NOT NULL, kept optional with the CHECK noted.
 */
function finalFromDeclared(m: ModelMatch, text: string, spec: ColumnSpec, label: string, check?: NotNullCheck): ModelEdit {
  const skip = (skipped: string): ModelEdit => ({ file: m.file, offset: 0, text: '', label, skipped });
  if (spec.nullable) return skip(`${spec.name} stays nullable: the declaration in ${m.name} is already final`);
  const span = fieldDeclaration(m, text, spec.name);
  if (!span) return skip(`the declaration of ${spec.name} in ${m.name} was not found: make it required by hand`);
  const decl = text.slice(span.start, span.end);
  const form = requiredForm(m.kind, decl);
  if (check) {
    if (form.required)
      return skip(
        `${m.name} declares ${spec.name} required, but the column stays nullable in the catalog (the CHECK ${check.name} enforces NOT NULL): make it optional by hand`,
      );
    const noted = checkedForm(m.kind, decl, check);
    if (noted.noted) return skip(`${m.name} already notes that the CHECK ${check.name} enforces ${spec.name}`);
    const extra = m.kind === 'typeorm' ? addNamedImports(text, 'typeorm', ['Check'], span.start) : [];
    return { file: m.file, offset: span.start, replaces: decl.length, text: noted.text, label, ...(extra.length ? { extra } : {}) };
  }
  if (form.required) return skip(`${m.name} already declares ${spec.name} as required`);
  return { file: m.file, offset: span.start, replaces: decl.length, text: form.text, label };
}

/** Apply an edit to text (for previews and tests). */
export function applyEdit(text: string, e: ModelEdit): string {
  if (e.skipped) return text;
  const all = [{ offset: e.offset, replaces: e.replaces, text: e.text }, ...(e.extra ?? [])].sort((a, b) => b.offset - a.offset);
  return all.reduce((t, x) => t.slice(0, x.offset) + x.text + t.slice(x.offset + (x.replaces ?? 0)), text);
}
