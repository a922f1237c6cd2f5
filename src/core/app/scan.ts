/**
 * The application side of a rollout: where a table lives in the code. Pure — the caller walks the workspace and
 * hands each file's text to `scanFile`; this module finds
 *   - the model or schema that maps the table: Prisma `model` (and `@@map`), Drizzle `pgTable`/`mysqlTable`,
 *     TypeORM `@Entity`, Sequelize `define`/`init`, a Kysely `Database` interface, SQLAlchemy `__tablename__` /
 *     `Table(…)`, Django models (`Meta.db_table` or `<app>_<model>`), ActiveRecord classes (`table_name` or the
 *     pluralized class name);
 *   - call sites that write or read the whole row: raw SQL `INSERT INTO` / `UPDATE` / `SELECT *` in strings, Prisma
 *     `create`/`upsert`/`createMany`, Kysely `insertInto`, Drizzle `insert(…).values`, Sequelize / ActiveRecord
 *     `Model.create`, Django `Model.objects.create`;
 *   and, for writes, whether the new column is set there.
 * Every match carries a 1-based line so the editor can point at it.
 */
import { pascal } from '../migrations/common';
import { balanced, camelCase, esc } from './text';
import { declared } from './fields';

export { balanced, camelCase } from './text';

export type ModelKind = 'prisma' | 'drizzle' | 'typeorm' | 'sequelize' | 'kysely' | 'sqlalchemy' | 'django' | 'activerecord';
export type CallKind = 'insert' | 'upsert' | 'update' | 'select-star';

export interface ModelMatch {
  readonly kind: ModelKind;
  readonly file: string;
  readonly line: number;
  /** The model, class, variable or interface key the code uses for the table. */
  readonly name: string;
  /** Whether the model already declares the column (by its column name or the ORM's field name). */
  readonly hasColumn: boolean;
  /** When it declares the column: whether as required (NOT NULL). Absent when it does not, or for ActiveRecord. */
  readonly required?: boolean;
  /** When its declaration notes that a CHECK enforces NOT NULL (the final form where the plan keeps the CHECK): the CHECK's name. */
  readonly checkNoted?: string;
}

export interface CallSite {
  readonly kind: CallKind;
  /** `sql` for a raw statement in a string, else the ORM call's style. */
  readonly via: 'sql' | ModelKind;
  readonly file: string;
  readonly line: number;
  /** The matched text, trimmed to one line. */
  readonly text: string;
  /** For writes: the new column (or its field name) appears in the column list / data object. Null when unknown. */
  readonly setsColumn: boolean | null;
  /** For `SELECT *`: the code next to it that maps the row into a fixed shape (`row[1]`, `<Order[]>`, `.Scan(&`), when found. */
  readonly fixedShape?: string;
}

export interface ScanTarget {
  readonly table: string;
  readonly column: string;
}

/** An API schema (OpenAPI, JSON Schema, GraphQL) that exposes the table's model: it will need the field, later. */
export interface ApiSchemaHint {
  readonly file: string;
  readonly line: number;
  /** The type or schema name found. */
  readonly name: string;
  readonly format: 'openapi' | 'json-schema' | 'graphql';
  /** Whether the type already has the column's field (its name or camelCase). */
  readonly hasField?: boolean;
}

export interface FileScan {
  readonly models: ModelMatch[];
  readonly calls: CallSite[];
  readonly api?: ApiSchemaHint[];
}

const API_FILE = /(^|\/)([^/]*(openapi|swagger)[^/]*\.(ya?ml|json)|[^/]*\.schema\.json|[^/]*\.(graphqls?|gql))$/i;

/** File endings worth reading; everything else is skipped before it is read. */
export const SCANNED_EXTENSIONS = [
  'ts',
  'tsx',
  'js',
  'jsx',
  'mjs',
  'cjs',
  'mts',
  'cts',
  'prisma',
  'py',
  'rb',
  'sql',
  'go',
  'java',
  'kt',
  'cs',
  'php',
];

export function isScannedFile(path: string): boolean {
  if (API_FILE.test(path)) return true;
  const dot = path.lastIndexOf('.');
  return dot > 0 && SCANNED_EXTENSIONS.includes(path.slice(dot + 1).toLowerCase());
}

/** `orders` → `order`, `categories` → `category`, `boxes` → `box`: the inverse of `pluralize` for the common cases. */
export function singularize(word: string): string {
  return word
    .replace(/ies$/, 'y')
    .replace(/(ch|sh|s|x|z)es$/, '$1')
    .replace(/s$/, '');
}

/** `OrderItem` → `order_item`. */
export function snakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}

/** English plural as ActiveRecord's and Sequelize's inflectors make it for the common cases. */
export function pluralize(word: string): string {
  if (/(s|x|z|ch|sh)$/i.test(word)) return `${word}es`;
  if (/[^aeiou]y$/i.test(word)) return `${word.slice(0, -1)}ies`;
  return `${word}s`;
}

function lineAt(text: string, index: number): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function firstLine(s: string): string {
  const l = s.trim().split('\n')[0]!.trim();
  return l.length > 120 ? `${l.slice(0, 117)}…` : l;
}

function mentions(body: string, names: readonly string[]): boolean {
  return names.some((n) => new RegExp(`(^|[^A-Za-z0-9_.$])["'\`]?${esc(n)}["'\`]?[?!]?(?=\\s*([:=,)\\]}]|$))`).test(body));
}

/** Identifiers of the table as SQL may write them: `orders`, `"orders"`, `` `orders` ``, `public.orders`. */
function sqlTable(table: string): string {
  const t = esc(table);
  return `(?:[A-Za-z_][A-Za-z0-9_]*\\.|"[^"]+"\\.|\`[^\`]+\`\\.)?(?:${t}|"${t}"|\`${t}\`)(?![A-Za-z0-9_])`;
}

function scanSql(file: string, text: string, t: ScanTarget, out: CallSite[]): void {
  const table = sqlTable(t.table);
  const col = new RegExp(`(^|[^A-Za-z0-9_])["\`]?${esc(t.column)}["\`]?(?![A-Za-z0-9_])`, 'i');
  const insert = new RegExp(`\\b(INSERT|REPLACE)\\s+(?:IGNORE\\s+)?INTO\\s+${table}\\s*(\\(([^)]*)\\))?`, 'gi');
  for (let m; (m = insert.exec(text));) {
    const rest = text.slice(m.index, m.index + 2000);
    const upsert = /\bON\s+(CONFLICT|DUPLICATE\s+KEY)\b/i.test(rest.split(/;|`|"""|'''/)[0] ?? '');
    out.push({
      kind: upsert ? 'upsert' : 'insert',
      via: 'sql',
      file,
      line: lineAt(text, m.index),
      text: firstLine(m[0]),
      setsColumn: m[3] !== undefined ? col.test(m[3]) : null,
    });
  }
  const update = new RegExp(`\\bUPDATE\\s+${table}\\s+SET\\b`, 'gi');
  for (let m; (m = update.exec(text));) {
    const stmt = text.slice(m.index, m.index + 2000).split(/\bWHERE\b|;|`|"""|'''/i)[0]!;
    out.push({
      kind: 'update',
      via: 'sql',
      file,
      line: lineAt(text, m.index),
      text: firstLine(m[0]),
      setsColumn: col.test(stmt.slice(m[0].length)),
    });
  }
  const star = new RegExp(`\\bSELECT\\s+\\*\\s+FROM\\s+${table}`, 'gi');
  for (let m; (m = star.exec(text));) {
    const shape = fixedShape(text, m.index);
    out.push({
      kind: 'select-star',
      via: 'sql',
      file,
      line: lineAt(text, m.index),
      text: firstLine(m[0]),
      setsColumn: null,
      ...(shape ? { fixedShape: shape } : {}),
    });
  }
}

/**
 * Code that maps a whole row into a fixed shape, which a new column breaks or silently shifts: positional access
 * (`row[1]`, tuple unpacking, Go's `Scan(&…)`, JDBC `getString(1)`, `rowMode: 'array'`, `Order(*row)`) or a strict
 * type on the query (`query<Order>(`, `as Order[]`).
 */
const FIXED_SHAPES: readonly RegExp[] = [
  /(?:\$queryRaw(?:Unsafe)?|\b(?:query|execute|queryRaw|raw|one|many|any|oneOrNone|manyOrNone|all|get|select))\s*<\s*[A-Z][\w.]*(?:\[\])?\s*>/,
  /\bas\s+[A-Z]\w*(?:\[\])?(?![\w.])/,
  /\b(?:row|rec|record|tuple|tup|r|fields?)\s*\[\s*\d+\s*\]/,
  /\]\s*\[\s*\d+\s*\]/,
  /\bfor\s+\(?\w+\s*,\s*\w+(?:\s*,\s*\w+)*\)?\s+in\b/,
  /\b\w+\s*,\s*\w+(?:\s*,\s*\w+)*\s*=\s*[\w.()]*\.(?:fetchone|first|one)\(/,
  /\b[A-Z]\w*\(\s*\*\s*\w+\s*\)|\._make\(/,
  /\.Scan\(\s*&/,
  /\.get(?:String|Int|Long|Object|Boolean|Double|Float|Timestamp|Date|BigDecimal)\(\s*\d+\s*\)/,
  /rowMode\s*:\s*["']array["']/,
];

/** The first fixed-shape mapping in the line before a `SELECT *` through the five lines after it. */
export function fixedShape(text: string, index: number): string | undefined {
  const start = text.lastIndexOf('\n', Math.max(0, text.lastIndexOf('\n', index - 1) - 1)) + 1;
  let end = index;
  for (let k = 0; k < 6 && end !== -1; k++) end = text.indexOf('\n', end + 1);
  const window = text.slice(start, end === -1 ? text.length : end);
  for (const re of FIXED_SHAPES) {
    const m = re.exec(window);
    if (m) return m[0].replace(/\s+/g, ' ').slice(0, 60);
  }
  return undefined;
}

function fieldNames(column: string): string[] {
  return [...new Set([column, camelCase(column)])];
}

function model(kind: ModelKind, file: string, text: string, index: number, name: string, body: string, column: string): ModelMatch {
  return {
    kind,
    file,
    line: lineAt(text, index),
    name,
    hasColumn: mentions(body, fieldNames(column)) || new RegExp(`["'\`]${esc(column)}["'\`]`).test(body),
  };
}

let cachedFilter: { table: string; re: RegExp } | null = null;

/**
 * One case-insensitive test for the names a file must contain to match the table (the table, its singular, without
 * underscores, without a prefix). A regex, not `toLowerCase()` + `includes`: copying every file's text in lower case
 * was most of a large scan's time (garbage collection).
 */
function prefilter(table: string): RegExp {
  if (cachedFilter?.table !== table) {
    const singular = singularize(table);
    const needles = [
      ...new Set([table, singular, singular.replace(/_/g, ''), table.slice(table.indexOf('_') + 1)].filter((n) => n.length > 1)),
    ];
    cachedFilter = { table, re: new RegExp(needles.map(esc).join('|'), 'i') };
  }
  return cachedFilter.re;
}

/** Scan one file. `path` is workspace-relative with `/`. */
export function scanFile(path: string, text: string, target: ScanTarget): FileScan {
  const models: ModelMatch[] = [];
  const calls: CallSite[] = [];
  const t = target.table;
  const singular = singularize(t);
  // Cheap filter: a file that names neither the table nor its singular cannot match.
  if (!prefilter(t).test(text)) return { models, calls };
  const ext = path.slice(path.lastIndexOf('.') + 1).toLowerCase();
  const fields = fieldNames(target.column);
  if (API_FILE.test(path)) return { models, calls, api: apiHints(path, text, t, target.column) };

  if (ext === 'prisma') {
    for (const m of text.matchAll(/^[ \t]*model\s+([A-Za-z_][A-Za-z0-9_]*)\s*\{/gm)) {
      const body = balanced(text, m.index! + m[0].length - 1);
      const mapped = /@@map\(\s*(?:name\s*:\s*)?"([^"]+)"\s*\)/.exec(body)?.[1];
      if ((mapped ?? m[1]) === t) {
        const hasColumn =
          new RegExp(`^\\s*(${fields.map(esc).join('|')})\\s`, 'm').test(body) ||
          new RegExp(`@map\\(\\s*"${esc(target.column)}"\\s*\\)`).test(body);
        models.push({ kind: 'prisma', file: path, line: lineAt(text, m.index!), name: m[1]!, hasColumn });
      }
    }
    return { models: withRequired(models, text, target.column), calls };
  }

  if (['ts', 'tsx', 'js', 'jsx', 'mjs', 'cjs', 'mts', 'cts'].includes(ext)) {
    // Drizzle
    for (const m of text.matchAll(
      new RegExp(
        `(?:export\\s+)?const\\s+([A-Za-z_$][\\w$]*)\\s*=\\s*(?:pg|mysql|sqlite)Table\\(\\s*["'\`]${esc(t)}["'\`]\\s*,\\s*\\{`,
        'g',
      ),
    )) {
      models.push(model('drizzle', path, text, m.index!, m[1]!, balanced(text, m.index! + m[0].length - 1), target.column));
    }
    // Drizzle inserts name the table's variable, usually imported from the schema: the table's own name in camelCase.
    const vars = new Set([camelCase(t), singularCamel(t), ...models.filter((x) => x.kind === 'drizzle').map((x) => x.name)]);
    for (const c of text.matchAll(/\.insert\(\s*([A-Za-z_$][\w$]*)\s*\)\s*\.values\(/g)) {
      if (!vars.has(c[1]!)) continue;
      calls.push({
        kind: 'insert',
        via: 'drizzle',
        file: path,
        line: lineAt(text, c.index!),
        text: firstLine(c[0]),
        setsColumn: mentions(balanced(text, c.index! + c[0].length - 1), fields),
      });
    }
    // TypeORM
    for (const m of text.matchAll(
      /@Entity\(\s*(?:["'`]([^"'`]+)["'`]|\{[^}]*?name\s*:\s*["'`]([^"'`]+)["'`][^}]*\})?\s*\)\s*(?:export\s+)?(?:default\s+)?class\s+([A-Za-z_$][\w$]*)[^{]*\{/g,
    )) {
      const name = m[1] ?? m[2] ?? snakeCase(m[3]!);
      if (name === t) models.push(model('typeorm', path, text, m.index!, m[3]!, balanced(text, m.index! + m[0].length - 1), target.column));
    }
    // Sequelize: define('Name', {...}, { tableName }) / X.init({...}, { tableName })
    for (const m of text.matchAll(/\.define\(\s*["'`]([^"'`]+)["'`]\s*,\s*\{/g)) {
      const attrs = balanced(text, m.index! + m[0].length - 1);
      const after = text.slice(m.index! + m[0].length + attrs.length, m.index! + m[0].length + attrs.length + 400);
      const table =
        /tableName\s*:\s*["'`]([^"'`]+)["'`]/.exec(after)?.[1] ?? (/freezeTableName\s*:\s*true/.test(after) ? m[1]! : pluralize(m[1]!));
      if (table === t) models.push(model('sequelize', path, text, m.index!, m[1]!, attrs, target.column));
    }
    for (const m of text.matchAll(/\b([A-Z][\w$]*)\.init\(\s*\{/g)) {
      const attrs = balanced(text, m.index! + m[0].length - 1);
      const after = text.slice(m.index! + m[0].length + attrs.length, m.index! + m[0].length + attrs.length + 400);
      const table = /tableName\s*:\s*["'`]([^"'`]+)["'`]/.exec(after)?.[1] ?? pluralize(m[1]!);
      if (table === t) models.push(model('sequelize', path, text, m.index!, m[1]!, attrs, target.column));
    }
    // Kysely: interface Database { orders: OrdersTable }
    for (const m of text.matchAll(/interface\s+([A-Za-z_$][\w$]*)\s*(?:extends[^{]*)?\{/g)) {
      const body = balanced(text, m.index! + m[0].length - 1);
      const key = new RegExp(`^[ \\t]*["']?${esc(t)}["']?\\??\\s*:\\s*([A-Za-z_$][\\w$]*)`, 'm').exec(body);
      if (!key || !/Database|DB|Schema/i.test(m[1]!)) continue;
      const iface = new RegExp(`(?:interface\\s+${esc(key[1]!)}\\s*\\{|type\\s+${esc(key[1]!)}\\s*=\\s*\\{)`).exec(text);
      const shape = iface ? balanced(text, iface.index + iface[0].length - 1) : '';
      models.push({
        kind: 'kysely',
        file: path,
        line: lineAt(text, m.index! + m[0].length + key.index),
        name: key[1]!,
        hasColumn: mentions(shape, fields),
      });
    }
    for (const m of text.matchAll(new RegExp(`\\.insertInto\\(\\s*["'\`]${esc(t)}["'\`]\\s*\\)\\s*\\.values\\(`, 'g'))) {
      calls.push({
        kind: 'insert',
        via: 'kysely',
        file: path,
        line: lineAt(text, m.index!),
        text: firstLine(m[0]),
        setsColumn: mentions(balanced(text, m.index! + m[0].length - 1), fields),
      });
    }
  }

  if (ext === 'py') {
    for (const m of text.matchAll(/^class\s+([A-Za-z_]\w*)\s*\(([^)]*)\)\s*:/gm)) {
      const start = m.index! + m[0].length;
      const next = /^\S/m.exec(text.slice(start));
      const body = text.slice(start, next ? start + next.index : text.length);
      const explicit = /__tablename__\s*=\s*["']([^"']+)["']/.exec(body)?.[1];
      if (explicit !== undefined) {
        if (explicit === t)
          models.push({
            kind: 'sqlalchemy',
            file: path,
            line: lineAt(text, m.index!),
            name: m[1]!,
            hasColumn: new RegExp(`^\\s+${esc(target.column)}\\s*[:=]`, 'm').test(body),
          });
        continue;
      }
      if (/models\.Model|Model\b/.test(m[2]!) && /models\./.test(body + m[2]!)) {
        const dbTable = /db_table\s*=\s*["']([^"']+)["']/.exec(body)?.[1];
        const app = path.split('/').slice(-2, -1)[0] ?? '';
        const name = dbTable ?? `${app}_${m[1]!.toLowerCase()}`;
        if (name === t)
          models.push({
            kind: 'django',
            file: path,
            line: lineAt(text, m.index!),
            name: m[1]!,
            hasColumn: new RegExp(`^\\s+${esc(target.column)}\\s*=`, 'm').test(body),
          });
      }
    }
    for (const m of text.matchAll(new RegExp(`\\bTable\\(\\s*["']${esc(t)}["']\\s*,`, 'g'))) {
      models.push({
        kind: 'sqlalchemy',
        file: path,
        line: lineAt(text, m.index!),
        name: t,
        hasColumn: new RegExp(`Column\\(\\s*["']${esc(target.column)}["']`).test(balanced(text, text.indexOf('(', m.index!))),
      });
    }
    for (const m of text.matchAll(/\b([A-Z]\w*)\.objects\.(create|update_or_create|get_or_create|bulk_create)\(/g)) {
      const owner = models.find((x) => x.kind === 'django' && x.name === m[1]);
      if (!owner && !new RegExp(`\\b${esc(m[1]!)}\\b`).test(text.slice(0, m.index!))) continue;
      calls.push({
        kind: m[2] === 'update_or_create' ? 'upsert' : 'insert',
        via: 'django',
        file: path,
        line: lineAt(text, m.index!),
        text: firstLine(m[0]),
        setsColumn: mentions(balanced(text, m.index! + m[0].length - 1), [target.column]),
      });
    }
  }

  if (ext === 'rb') {
    for (const m of text.matchAll(/^[ \t]*class\s+([A-Z]\w*(?:::[A-Z]\w*)*)\s*<\s*(ApplicationRecord|ActiveRecord::Base)\b/gm)) {
      const cls = m[1]!.split('::').pop()!;
      const explicit = /self\.table_name\s*=\s*["']([^"']+)["']/.exec(text.slice(m.index!))?.[1];
      if ((explicit ?? pluralize(snakeCase(cls))) === t)
        models.push({
          kind: 'activerecord',
          file: path,
          line: lineAt(text, m.index!),
          name: cls,
          hasColumn: new RegExp(`\\b${esc(target.column)}\\b`).test(text),
        });
    }
  }

  // ORM create calls whose model maps the table (Prisma client: prisma.<model>.create; Sequelize/ActiveRecord: Model.create).
  if (['ts', 'tsx', 'js', 'jsx', 'mjs', 'cjs', 'mts', 'cts', 'rb'].includes(ext)) {
    const prismaName = singularCamel(t);
    for (const m of text.matchAll(new RegExp(`\\.(${esc(prismaName)}|${esc(camelCase(t))})\\.(create|createMany|upsert)\\(\\s*\\{`, 'g'))) {
      const arg = balanced(text, m.index! + m[0].length - 1);
      const data = /\b(data|create)\s*:\s*[{[]/.exec(arg);
      calls.push({
        kind: m[2] === 'upsert' ? 'upsert' : 'insert',
        via: 'prisma',
        file: path,
        line: lineAt(text, m.index!),
        text: firstLine(m[0]),
        setsColumn: data ? mentions(balanced(arg, data.index + data[0].length - 1), fields) : null,
      });
    }
    const cls = pascal(singular);
    for (const m of text.matchAll(new RegExp(`\\b${esc(cls)}\\.(create|create!|insert|upsert)[(\\s]`, 'g'))) {
      const open = text.indexOf('(', m.index! + m[0].length - 1);
      const arg =
        open === m.index! + m[0].length - 1 ? balanced(text, open) : text.slice(m.index! + m[0].length, text.indexOf('\n', m.index!));
      calls.push({
        kind: m[1] === 'upsert' ? 'upsert' : 'insert',
        via: ext === 'rb' ? 'activerecord' : 'sequelize',
        file: path,
        line: lineAt(text, m.index!),
        text: firstLine(m[0]),
        setsColumn: mentions(arg, fields) || new RegExp(`\\b${esc(target.column)}:`).test(arg),
      });
    }
  }

  if (ext !== 'prisma') scanSql(path, text, target, calls);
  return { models: withRequired(models, text, target.column), calls };
}

function withRequired(models: ModelMatch[], text: string, column: string): ModelMatch[] {
  return models.map((m) => {
    const d = m.hasColumn ? declared(m, text, column) : undefined;
    return d === undefined ? m : { ...m, ...d };
  });
}

function singularCamel(table: string): string {
  return camelCase(singularize(table)).replace(/^./, (c) => c.toLowerCase());
}

/** Model names an API schema would use for the table: `Order` for `orders`, `ShopOrder`/`Order` for `shop_order`. */
function apiHints(file: string, text: string, table: string, column: string): ApiSchemaHint[] {
  const single = singularize(table);
  const names = [...new Set([pascal(single), pascal(single.slice(single.indexOf('_') + 1))])];
  const out: ApiSchemaHint[] = [];
  const format: ApiSchemaHint['format'] = /\.(graphqls?|gql)$/i.test(file)
    ? 'graphql'
    : /openapi|swagger/i.test(file)
      ? 'openapi'
      : 'json-schema';
  for (const n of names) {
    const re =
      format === 'graphql'
        ? new RegExp(`^\\s*(?:type|input)\\s+${esc(n)}\\b`, 'gm')
        : new RegExp(`^\\s*["']?${esc(n)}["']?\\s*:\\s*(?:\\{|$)|"title"\\s*:\\s*"${esc(n)}"`, 'gm');
    for (const m of text.matchAll(re)) {
      const at = m.index! + (m[0].length - m[0].trimStart().length);
      out.push({ file, line: lineAt(text, at), name: n, format, hasField: apiFieldIn(apiBody(text, at, m[0]), column) });
    }
  }
  return out;
}

/** The text of the type that starts at `at`: its `{…}` (GraphQL, JSON), its more-indented lines (YAML), or the whole file (a JSON Schema's title). */
function apiBody(text: string, at: number, matched: string): string {
  if (/"title"/.test(matched)) return text;
  const eol = text.indexOf('\n', at);
  const line = text.slice(at, eol === -1 ? text.length : eol);
  const brace = line.indexOf('{');
  if (brace >= 0) return balanced(text, at + brace);
  const indent = /^[ \t]*/.exec(text.slice(text.lastIndexOf('\n', at - 1) + 1))![0].length;
  const rest = eol === -1 ? [] : text.slice(eol + 1).split('\n');
  const end = rest.findIndex((l) => l.trim() !== '' && /^[ \t]*/.exec(l)![0].length <= indent);
  return (end === -1 ? rest : rest.slice(0, end)).join('\n');
}

function apiFieldIn(body: string, column: string): boolean {
  return new RegExp(`(^|[\\s{,])["']?(?:${fieldNames(column).map(esc).join('|')})["']?\\s*:`, 'm').test(body);
}

export interface WorkspaceScan {
  readonly target: ScanTarget;
  readonly models: readonly ModelMatch[];
  readonly calls: readonly CallSite[];
  /** API schemas exposing the model: add the field there only after the backfill (the cut-over step). */
  readonly api: readonly ApiSchemaHint[];
  readonly filesRead: number;
  /** Files skipped because they are larger than the scan reads. */
  readonly skippedLarge: number;
}

export function mergeScans(target: ScanTarget, scans: readonly FileScan[], filesRead: number, skippedLarge: number): WorkspaceScan {
  return {
    target,
    models: scans.flatMap((s) => s.models),
    calls: scans.flatMap((s) => s.calls),
    api: scans.flatMap((s) => s.api ?? []),
    filesRead,
    skippedLarge,
  };
}

/** "model in prisma/schema.prisma:42; 3 INSERTs in src/orders/repo.ts" — what the wizard shows. */
export function summarizeScan(scan: WorkspaceScan): string {
  const parts: string[] = [];
  for (const m of scan.models)
    parts.push(`${m.kind} model ${m.name} in ${m.file}:${m.line}${m.hasColumn ? ` (has ${scan.target.column})` : ''}`);
  const byFile = new Map<string, CallSite[]>();
  for (const c of scan.calls) byFile.set(c.file, [...(byFile.get(c.file) ?? []), c]);
  for (const [file, cs] of byFile) {
    const counts = new Map<string, number>();
    for (const c of cs) counts.set(c.kind, (counts.get(c.kind) ?? 0) + 1);
    parts.push(
      `${[...counts].map(([k, n]) => `${n} ${k === 'select-star' ? 'SELECT *' : k.toUpperCase()}${n === 1 ? '' : 's'}`).join(', ')} in ${file}`,
    );
  }
  for (const a of scan.api)
    parts.push(
      `${a.format} schema ${a.file}:${a.line} exposes ${a.name}: add ${scan.target.column} there after the backfill (cut-over step), not before`,
    );
  return parts.length ? parts.join('; ') : `no model or query of ${scan.target.table} found in ${scan.filesRead} files`;
}

/** `SELECT *` of the table mapped into a fixed shape: to change before the expand step adds a column. */
export function fixedShapeReads(scan: WorkspaceScan): CallSite[] {
  return scan.calls.filter((c) => c.kind === 'select-star' && c.fixedShape !== undefined);
}

/** Writes that do not set the column: the dual-write call sites still to change. */
export function writesWithoutColumn(scan: WorkspaceScan): CallSite[] {
  return scan.calls.filter((c) => (c.kind === 'insert' || c.kind === 'upsert') && c.setsColumn === false);
}
