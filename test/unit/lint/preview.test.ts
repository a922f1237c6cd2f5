import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { lintSql, type LintOptions } from '../../../src/core/lint/analyze';
import { loadParsers, type Parsers } from '../../../src/core/lint/parsers';
import {
  addColumnOf,
  hoverMarkdown,
  lensTitle,
  lintStatusText,
  phasedSql,
  statementAt,
  unknownSizeFacts,
} from '../../../src/core/lint/preview';
import { defaultName, planUnits } from '../../../src/core/migrations/units';
import { planColumn } from '../../../src/core/plan';

let parsers: Parsers;
before(async () => {
  parsers = await loadParsers();
});
const pg15: LintOptions = { target: { dialect: 'postgres', version: '15' } };

describe('editor previews', () => {
  it('CodeLens titles show the lock, what it blocks, rewrite and rows', () => {
    const sql =
      "SET lock_timeout = '2s';\nALTER TABLE users ADD COLUMN t uuid DEFAULT gen_random_uuid();\nCREATE INDEX CONCURRENTLY i ON users (t);\nCREATE TABLE n (id int);\nCREATE INDEX j ON n (id);";
    const r = lintSql(
      sql,
      { ...pg15, facts: (t) => (t.name === 'users' ? { table: { schema: 'public', name: 'users' }, rows: 20000, bytes: 1e6 } : undefined) },
      parsers,
    );
    assert.deepEqual(r.statements.map(lensTitle), [
      undefined,
      'ACCESS EXCLUSIVE · blocks reads+writes · rewrite · 20,000 rows · <0.1 s',
      'SHARE UPDATE EXCLUSIVE · blocks nothing · scans · 20,000 rows',
      undefined,
      'SHARE · blocks writes · scans · new table',
    ]);
    const big = lintSql(
      'CREATE INDEX i ON users (email);',
      { ...pg15, facts: () => ({ table: { schema: 'public', name: 'users' }, rows: 50_000_000, bytes: 10 * 1024 ** 3 }) },
      parsers,
    );
    // 10 GiB scanned at the default 200 MiB/s plus 50M × 16-byte keys at 40 MiB/s: about 70 s of blocked writes.
    assert.equal(lensTitle(big.statements[0]!), 'SHARE · blocks writes · scans · 50,000,000 rows · ~57 s');
    const my = lintSql('ALTER TABLE o ADD COLUMN c int, ALGORITHM=INSTANT;', { target: { dialect: 'mysql', version: '8.0.36' } }, parsers);
    assert.equal(lensTitle(my.statements[0]!), 'INSTANT · blocks nothing');
  });

  it('finds the statement under the cursor and explains it in a hover', () => {
    const sql = 'SELECT 1;\nCREATE INDEX i ON t (c);';
    const r = lintSql(sql, pg15, parsers);
    const s = statementAt(r, sql.indexOf('INDEX'))!;
    assert.equal(s.index, 1);
    assert.equal(statementAt(r, sql.length)?.index, 1, 'the end of the statement still counts');
    const md = hoverMarkdown(s, r.findings);
    assert.match(md, /\*\*create-index\*\* — SHARE, blocks writes/);
    assert.match(md, /`index-not-concurrent`/);
    assert.match(md, /Safe alternative:\* CREATE INDEX CONCURRENTLY i ON/);
  });

  it('"Rewrite as safe phases" replaces a rewriting ADD COLUMN with the planner\'s phases, which lint clean of that rule', () => {
    const r = lintSql('ALTER TABLE users ADD COLUMN token uuid NOT NULL DEFAULT gen_random_uuid();', pg15, parsers);
    const a = addColumnOf(r.statements[0]!, '')!;
    assert.deepEqual(a.table, { schema: '', name: 'users' });
    const text = phasedSql(planColumn(a.spec, unknownSizeFacts(a.table), pg15.target), false);
    assert.match(text, /Table size unknown/);
    assert.match(text, /ALTER TABLE "users" ADD COLUMN "token" uuid;/);
    assert.match(text, /UPDATE "users" SET "token" = gen_random_uuid\(\)/);
    assert.match(text, /VALIDATE CONSTRAINT/);
    const again = lintSql(text, pg15, parsers);
    const rules = new Set(again.findings.map((f) => f.rule));
    for (const bad of [
      'add-column-rewrite',
      'add-column-required',
      'set-not-null-scan',
      'constraint-not-valid-missing',
      'missing-lock-timeout',
      'syntax-error',
    ]) {
      assert.ok(!rules.has(bad as never), `the rewrite still triggers ${bad}: ${again.findings.map((f) => f.message).join(' | ')}`);
    }
  });

  it('PostgreSQL: the rewrite holds the statements the migration writers put in files (batched backfill, retries, guards)', () => {
    const r = lintSql('ALTER TABLE users ADD COLUMN token uuid NOT NULL DEFAULT gen_random_uuid();', pg15, parsers);
    const plan = planColumn(
      addColumnOf(r.statements[0]!, 'public')!.spec,
      { table: { schema: 'public', name: 'users' }, rows: 50_000, bytes: 4e6, primaryKey: ['id'] },
      pg15.target,
    );
    const text = phasedSql(plan, true);
    let at = 0;
    for (const unit of planUnits(plan, defaultName(plan), { canRunOutside: false })) {
      for (const s of unit.up) {
        const i = text.indexOf(s.sql, at);
        assert.ok(i >= 0, `missing or out of order: ${s.sql.slice(0, 80)}`);
        at = i + s.sql.length;
      }
    }
    assert.match(text, /Walks the primary key \(id\)/);
    assert.doesNotMatch(text, /repeat this batch/);
  });

  for (const [dialect, version] of [
    ['mariadb', '10.11.6-MariaDB'],
    ['mysql', '8.0.36'],
  ] as const) {
    it(`${dialect}: the rewrite holds the writers' statements (keyed batches in a compound statement), with and without DELIMITER, and lints without unparsed statements`, () => {
      const target = { dialect, version } as const;
      const r = lintSql('ALTER TABLE users ADD COLUMN token varchar(40) NOT NULL DEFAULT (UUID());', { target }, parsers);
      const plan = planColumn(
        addColumnOf(r.statements[0]!, 'app')!.spec,
        { table: { schema: 'app', name: 'users' }, rows: 50_000, bytes: 4e6, primaryKey: ['id'] },
        target,
      );
      for (const delimiter of [false, true]) {
        const text = phasedSql(plan, true, { delimiter });
        let at = 0;
        for (const unit of planUnits(plan, defaultName(plan), { canRunOutside: false })) {
          for (const s of unit.up) {
            const i = text.indexOf(s.sql, at);
            assert.ok(i >= 0, `missing or out of order: ${s.sql.slice(0, 80)}`);
            at = i + s.sql.length;
          }
        }
        assert.match(text, /Walks the primary key \(id\)/);
        assert.doesNotMatch(text, /repeat this batch/);
        assert.equal(/^DELIMITER \$\$$/m.test(text), delimiter);
        const again = lintSql(text, { target }, parsers);
        assert.deepEqual(
          again.findings
            .filter((f) => f.rule === 'unparsed-statement' || f.rule === 'syntax-error')
            .map((f) => text.slice(f.start, f.end).slice(0, 80)),
          [],
        );
        assert.ok(again.statements.length >= 3 && again.statements.length <= 20, `${again.statements.length} statements`);
      }
    });
  }

  it('only single ADD COLUMN statements can be rewritten', () => {
    const r = lintSql('ALTER TABLE t ADD COLUMN a int, ADD COLUMN b int; CREATE INDEX i ON t (a);', pg15, parsers);
    assert.equal(addColumnOf(r.statements[0]!, 'public'), undefined);
    assert.equal(addColumnOf(r.statements[1]!, 'public'), undefined);
  });
});

describe('which files and which engine', async () => {
  const { isMigrationSqlPath, guessEngine } = await import('../../../src/core/lint/preview');
  it('recognises migration folders and versioned names', () => {
    for (const p of [
      'db/migrations/20240101_add.sql',
      'src/main/resources/db/migration/V2__x.sql',
      'migrations/0001_init.sql',
      '/w/schema/x.sql',
      'C:\\app\\migrate\\1_a.sql',
      'sql/V3.1__y.sql',
    ])
      assert.ok(isMigrationSqlPath(p), p);
    for (const p of ['queries/report.sql', 'src/app.ts', 'notes/todo.sql']) assert.ok(!isMigrationSqlPath(p), p);
  });
  it('guesses the engine from MySQL-only syntax', () => {
    assert.equal(guessEngine('ALTER TABLE `t` ADD COLUMN c int;'), 'mysql');
    assert.equal(guessEngine('ALTER TABLE t ADD INDEX i (c), ALGORITHM=INPLACE, LOCK=NONE;'), 'mysql');
    assert.equal(guessEngine('ALTER TABLE t ADD COLUMN c timestamptz DEFAULT now();'), 'postgres');
  });
});

describe('facts from a table list', async () => {
  const { factsLookup } = await import('../../../src/core/lint/preview');
  it('resolves unqualified names in the default schema, case-insensitively, and skips never-analysed tables', () => {
    const facts = factsLookup(
      [
        { schema: 'public', name: 'Users', rows: 42, bytes: 8192 },
        { schema: 'app', name: 'users', rows: 7, bytes: 8192 },
        { schema: 'public', name: 'fresh', rows: -1, bytes: 0 },
      ],
      'public',
    );
    assert.equal(facts({ name: 'users' })?.rows, 42);
    assert.equal(facts({ schema: 'APP', name: 'users' })?.rows, 7);
    assert.equal(facts({ name: 'fresh' }), undefined);
    assert.equal(facts({ name: 'missing' }), undefined);
  });
});

describe('the bound connection for lint', async () => {
  const { boundProfile } = await import('../../../src/extension/lint/connectionSource');
  const p = (name: string, dialect: 'postgres' | 'mysql' | 'mariadb') => ({
    name,
    dialect,
    host: 'h',
    port: 1,
    database: 'd',
    user: 'u',
    ssl: false,
    allowRun: false,
  });
  it('prefers the last used connection when its engine fits the file, else the only one that fits', () => {
    const all = [p('pg-a', 'postgres'), p('pg-b', 'postgres'), p('maria', 'mariadb')];
    assert.equal(boundProfile(all, 'pg-b', 'postgres')?.name, 'pg-b');
    assert.equal(boundProfile(all, 'pg-b', 'mysql')?.name, 'maria');
    assert.equal(boundProfile(all, undefined, 'postgres'), undefined, 'two PostgreSQL connections and no last one: offline');
    assert.equal(boundProfile([p('my', 'mysql')], undefined, 'postgres'), undefined);
  });
});

describe('the lint status item', () => {
  it("names the connection's server, or the offline rules", () => {
    assert.equal(lintStatusText({ dialect: 'postgres', version: '15' }, 'demo'), 'Column Wizard: PostgreSQL 15 · demo');
    assert.equal(lintStatusText({ dialect: 'postgres', version: '16' }, undefined), 'Column Wizard: offline, PostgreSQL 16 rules');
    assert.equal(lintStatusText({ dialect: 'mariadb', version: '10.11' }, undefined), 'Column Wizard: offline, MariaDB 10.11 rules');
  });
});
