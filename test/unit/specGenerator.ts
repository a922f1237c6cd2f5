/**
 * A small seeded generator of column specs, tables and servers for property tests and bench/plan.ts.
 * Not a test file itself (no `.test.ts`): the test runner does not pick it up.
 */
import type { ColumnDefault, ColumnSpec, ColumnType, Dialect, TableFacts, Target } from '../../src/core/types';

/** mulberry32: tiny, fast, good enough to explore shapes reproducibly. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Case {
  readonly spec: ColumnSpec;
  readonly facts: TableFacts;
  readonly target: Target;
}

/** Versions on both sides of every threshold the rules know. */
const VERSIONS: Record<Dialect, string[]> = {
  postgres: ['10.23', '11.0', '11.22', '12.0', '13.20', '14.0', '14.3', '14.4', '15.4', '16.1', '17.6', '18.0'],
  mysql: ['8.0.11', '8.0.12', '8.0.13', '8.0.16', '8.0.28', '8.0.29', '8.0.31', '8.0.32', '8.0.36', '8.4.0'],
  mariadb: ['10.3.1', '10.3.2', '10.3.39', '10.4.0', '10.5.20', '10.6.16', '10.11.19', '11.4.2'],
};

/** Names that must survive quoting: quotes, backticks, unicode, spaces, reserved words. */
const NAMES = [
  'email',
  'order',
  'select',
  'user',
  'Mixed Case',
  'say "hi"',
  'back`tick',
  'ünïcødé',
  '名前',
  'emoji 😀',
  'a;b',
  "it's",
  'x--y',
  'col/*c*/',
  'group',
  'key',
];
const TABLES = ['users', 'Order Items', 'tab"le', 'back`tab', 'größe', 'select'];

interface TypeChoice {
  readonly type: ColumnType;
  readonly literals: readonly string[];
  readonly expressions: readonly string[];
}

function typesFor(dialect: Dialect): TypeChoice[] {
  const pg = dialect === 'postgres';
  const common: TypeChoice[] = [
    {
      type: { name: pg ? 'integer' : 'int', params: [] },
      literals: ['0', '42', '-7'],
      expressions: pg ? ['(random() * 100)::int', 'my_counter()', "length('abc')"] : ['(FLOOR(RAND() * 100))', '(1 + 1)'],
    },
    { type: { name: 'bigint', params: [] }, literals: ['1', '9000000000'], expressions: pg ? ["nextval('s')"] : ['(UUID_SHORT())'] },
    {
      type: { name: 'varchar', params: [40] },
      literals: ["'new'", "'it''s'", "''"],
      expressions: pg ? ['gen_random_uuid()::text', "md5('x')"] : ['(UUID())', "(concat('a','b'))"],
    },
    { type: { name: 'boolean', params: [] }, literals: ['true', 'false'], expressions: [] },
    {
      type: { name: pg ? 'timestamptz' : 'datetime', params: [] },
      literals: [],
      expressions: pg ? ['now()', 'clock_timestamp()', 'CURRENT_TIMESTAMP'] : ['CURRENT_TIMESTAMP', '(now())', '(SYSDATE())'],
    },
    { type: { name: 'numeric', params: [10, 2] }, literals: ['0', '1.50'], expressions: pg ? ['random()::numeric(10,2)'] : ['(RAND())'] },
  ];
  if (pg)
    common.push(
      { type: { name: 'jsonb', params: [] }, literals: ["'{}'::jsonb"], expressions: ["jsonb_build_object('a', 1)"] },
      { type: { name: 'text', params: [], array: true }, literals: ["'{}'"], expressions: [] },
    );
  else
    common.push(
      { type: { name: 'int', params: [], unsigned: true }, literals: ['5'], expressions: [] },
      { type: { name: 'enum', params: [], values: ['a', "b'c"] }, literals: ["'a'"], expressions: [] },
    );
  return common;
}

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)]!;
}

export function generateCase(r: () => number): Case {
  const dialect = pick(r, ['postgres', 'mysql', 'mariadb'] as const);
  const version = pick(r, VERSIONS[dialect]);
  const choice = pick(r, typesFor(dialect));
  const name = pick(r, NAMES);
  let def: ColumnDefault = { kind: 'none' };
  const dr = r();
  if (dr < 0.35 && choice.literals.length) def = { kind: 'literal', value: pick(r, choice.literals) };
  else if (dr < 0.65 && choice.expressions.length) def = { kind: 'expression', sql: pick(r, choice.expressions) };
  const spec: { -readonly [K in keyof ColumnSpec]?: ColumnSpec[K] } = {
    name,
    type: choice.type,
    nullable: r() < 0.5,
    default: def,
  };
  if (r() < 0.15) spec.unique = true;
  if (r() < 0.2) spec.index = true;
  if (r() < 0.15)
    spec.references = {
      table: pick(r, TABLES),
      column: pick(r, ['id', 'Key "x"', 'back`id']),
      ...(r() < 0.5 ? { onDelete: 'CASCADE' as const } : {}),
    };
  if (r() < 0.1)
    spec.check = `${dialect === 'postgres' ? '"' + name.replace(/"/g, '""') + '"' : '`' + name.replace(/`/g, '``') + '`'} IS NOT NULL`;
  if (r() < 0.06) {
    spec.generated = { expression: dialect === 'postgres' ? 'id * 2' : '`id` * 2', stored: r() < 0.6 };
    spec.type = { name: dialect === 'postgres' ? 'integer' : 'int', params: [] };
    spec.default = { kind: 'none' };
  } else if (r() < 0.05 && choice.type.name.includes('int')) {
    spec.autoIncrement = true;
    spec.default = { kind: 'none' };
    spec.nullable = false;
  }
  if (dialect !== 'postgres' && r() < 0.25) spec.position = r() < 0.5 ? { kind: 'first' } : { kind: 'after', column: pick(r, NAMES) };
  if (r() < 0.15) spec.comment = pick(r, ["it's new", 'back\\slash', 'plain']);
  const rows = r() < 0.15 ? 0 : r() < 0.05 ? -1 : Math.floor(10 ** (1 + r() * 8));
  const facts: TableFacts = {
    table: { schema: pick(r, dialect === 'postgres' ? ['public', 'App Schema'] : ['shop', 'we`ird']), name: pick(r, TABLES) },
    rows,
    bytes: Math.max(0, rows) * (50 + Math.floor(r() * 500)),
    indexBytes: Math.max(0, rows) * 20,
    ...(r() < 0.7 ? { primaryKey: r() < 0.8 ? ['id'] : ['tenant id', 'id'] } : {}),
    ...(dialect !== 'postgres' && r() < 0.1
      ? { indexes: [{ name: 'ft', columns: ['bio'], unique: false, primary: false, method: 'FULLTEXT' }] }
      : {}),
    ...(dialect !== 'postgres' && r() < 0.1 ? { rowFormat: 'COMPRESSED' } : {}),
    ...(dialect !== 'postgres' && r() < 0.05 ? { engine: pick(r, ['Aria', 'MyISAM']) } : {}),
    ...(dialect === 'mysql' && r() < 0.1 ? { instantRowVersions: 64 } : {}),
    ...(r() < 0.2
      ? {
          replication: {
            replicas: [{ name: 'r1', lagSeconds: 0 }],
            ...(dialect !== 'postgres' ? { binlogFormat: pick(r, ['ROW', 'STATEMENT', 'MIXED']) } : {}),
          },
        }
      : {}),
    ...(r() < 0.1
      ? {
          columns: [
            { name: 'id', type: 'int', nullable: false, default: null },
            { name: 'g', type: 'int', nullable: true, default: null, generated: 'stored' as const },
          ],
        }
      : {}),
    ...(r() < 0.2 ? { writesPerSecond: Math.floor(r() * 2000) } : {}),
  };
  return { spec: spec as ColumnSpec, facts, target: { dialect, version } };
}
