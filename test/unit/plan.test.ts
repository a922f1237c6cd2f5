import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseColumnDefinition } from '../../src/core/columnSpec';
import { DEFAULT_CALIBRATION } from '../../src/core/impact';
import { OWN_COPIERS, planColumn, planSteps, type PlanOptions } from '../../src/core/plan';
import type { Dialect, Plan, TableFacts } from '../../src/core/types';

function facts(dialect: Dialect, over: Partial<TableFacts> = {}): TableFacts {
  return {
    table: { schema: dialect === 'postgres' ? 'public' : 'shop', name: 'users' },
    rows: 1_000_000,
    bytes: 500 * 1024 * 1024,
    primaryKey: ['id'],
    ...over,
  };
}
function plan(dialect: Dialect, version: string, definition: string, over: Partial<TableFacts> = {}, options?: PlanOptions): Plan {
  return planColumn(parseColumnDefinition(definition, dialect), facts(dialect, over), { dialect, version }, options);
}
/** `phase: sql` for every step, in order. */
function sql(p: Plan): string[] {
  return p.phases.flatMap((ph) => ph.steps.map((s) => `${ph.kind}: ${s.sql}`));
}
const codes = (p: Plan) => p.warnings.map((w) => w.code);

describe('PostgreSQL plans', () => {
  it('constant default + NOT NULL is one instant step on 11; add/set default/backfill on 10', () => {
    assert.deepEqual(sql(plan('postgres', '11.0', 'active boolean NOT NULL DEFAULT true')), [
      'expand: ALTER TABLE "public"."users" ADD COLUMN "active" boolean DEFAULT true NOT NULL',
    ]);
    assert.deepEqual(sql(plan('postgres', '10.23', 'active boolean NOT NULL DEFAULT true')), [
      'expand: ALTER TABLE "public"."users" ADD COLUMN "active" boolean',
      'expand: ALTER TABLE "public"."users" ALTER COLUMN "active" SET DEFAULT true',
      'backfill: UPDATE "public"."users" SET "active" = true WHERE "id" IN (SELECT "id" FROM "public"."users" WHERE "active" IS NULL LIMIT 1000)',
      'constrain: ALTER TABLE "public"."users" ADD CONSTRAINT "users_active_not_null" CHECK ("active" IS NOT NULL) NOT VALID',
      'constrain: ALTER TABLE "public"."users" VALIDATE CONSTRAINT "users_active_not_null"',
    ]);
  });
  it('stable now() stays one step; volatile clock_timestamp() takes the safe path', () => {
    assert.deepEqual(sql(plan('postgres', '15.4', 'created_at timestamptz NOT NULL DEFAULT now()')), [
      'expand: ALTER TABLE "public"."users" ADD COLUMN "created_at" timestamptz DEFAULT now() NOT NULL',
    ]);
    assert.deepEqual(sql(plan('postgres', '15.4', 'seen_at timestamptz NOT NULL DEFAULT clock_timestamp()')), [
      'expand: ALTER TABLE "public"."users" ADD COLUMN "seen_at" timestamptz',
      'expand: ALTER TABLE "public"."users" ALTER COLUMN "seen_at" SET DEFAULT clock_timestamp()',
      'backfill: UPDATE "public"."users" SET "seen_at" = clock_timestamp() WHERE "id" IN (SELECT "id" FROM "public"."users" WHERE "seen_at" IS NULL LIMIT 1000)',
      'constrain: ALTER TABLE "public"."users" ADD CONSTRAINT "users_seen_at_not_null" CHECK ("seen_at" IS NOT NULL) NOT VALID',
      'constrain: ALTER TABLE "public"."users" VALIDATE CONSTRAINT "users_seen_at_not_null"',
      'constrain: ALTER TABLE "public"."users" ALTER COLUMN "seen_at" SET NOT NULL',
      'constrain: ALTER TABLE "public"."users" DROP CONSTRAINT "users_seen_at_not_null"',
    ]);
  });
  it('NOT NULL path: CHECK kept on 11, SET NOT NULL + drop on 12–17, NOT NULL NOT VALID on 18', () => {
    const def = 'token uuid NOT NULL DEFAULT gen_random_uuid()';
    const constrain = (v: string) => sql(plan('postgres', v, def)).filter((s) => s.startsWith('constrain'));
    assert.deepEqual(constrain('11.22'), [
      'constrain: ALTER TABLE "public"."users" ADD CONSTRAINT "users_token_not_null" CHECK ("token" IS NOT NULL) NOT VALID',
      'constrain: ALTER TABLE "public"."users" VALIDATE CONSTRAINT "users_token_not_null"',
    ]);
    assert.ok(codes(plan('postgres', '11.22', def)).includes('not-null-kept-as-check'));
    assert.equal(constrain('12.0').length, 4);
    assert.deepEqual(constrain('17.6').slice(2), [
      'constrain: ALTER TABLE "public"."users" ALTER COLUMN "token" SET NOT NULL',
      'constrain: ALTER TABLE "public"."users" DROP CONSTRAINT "users_token_not_null"',
    ]);
    assert.deepEqual(constrain('18.0'), [
      'constrain: ALTER TABLE "public"."users" ADD CONSTRAINT "users_token_not_null" NOT NULL "token" NOT VALID',
      'constrain: ALTER TABLE "public"."users" VALIDATE CONSTRAINT "users_token_not_null"',
    ]);
    const setNotNull = planSteps(plan('postgres', '17.6', def)).find((s) => s.sql.endsWith('SET NOT NULL'))!;
    assert.match(setNotNull.why, /skips the scan/);
  });
  it('NOT NULL without default: nullable + constrain on a table with rows; inline on an empty one', () => {
    const p = plan('postgres', '16.1', 'code text NOT NULL');
    assert.deepEqual(sql(p)[0], 'expand: ALTER TABLE "public"."users" ADD COLUMN "code" text');
    assert.match(planSteps(p).find((s) => s.sql.includes('VALIDATE'))!.why, /fails while any row is still NULL/);
    assert.deepEqual(sql(plan('postgres', '16.1', 'code text NOT NULL', { rows: 0 })), [
      'expand: ALTER TABLE "public"."users" ADD COLUMN "code" text NOT NULL',
    ]);
  });
  it('index: named CREATE INDEX CONCURRENTLY in its own non-transactional phase', () => {
    const p = plan('postgres', '16.1', 'score integer', {}, undefined);
    assert.equal(p.phases.length, 1);
    const pi = planColumn({ ...parseColumnDefinition('score integer', 'postgres'), index: true }, facts('postgres'), {
      dialect: 'postgres',
      version: '16.1',
    });
    assert.deepEqual(sql(pi), [
      'expand: ALTER TABLE "public"."users" ADD COLUMN "score" integer',
      'index: CREATE INDEX CONCURRENTLY IF NOT EXISTS "users_score_idx" ON "public"."users" ("score")',
    ]);
    const index = pi.phases.find((ph) => ph.kind === 'index')!;
    assert.equal(index.transactional, false);
    assert.equal(index.steps[0]!.down, 'DROP INDEX CONCURRENTLY IF EXISTS "public"."users_score_idx"');
    assert.equal(index.steps[0]!.lock, 'SHARE UPDATE EXCLUSIVE');
  });
  it('CIC corruption warning on 14.0–14.3 only', () => {
    const spec = { ...parseColumnDefinition('score integer', 'postgres'), index: true };
    const warned = (v: string) =>
      codes(planColumn(spec, facts('postgres'), { dialect: 'postgres', version: v })).includes('cic-corruption-14');
    assert.equal(warned('13.20'), false);
    assert.equal(warned('14.0'), true);
    assert.equal(warned('14.3'), true);
    assert.equal(warned('14.4'), false);
  });
  it('unique: concurrent unique index, then ADD CONSTRAINT … USING INDEX', () => {
    assert.deepEqual(sql(plan('postgres', '16.1', 'ext_id uuid UNIQUE DEFAULT gen_random_uuid()')).slice(3), [
      'index: CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "users_ext_id_key" ON "public"."users" ("ext_id")',
      'constrain: ALTER TABLE "public"."users" ADD CONSTRAINT "users_ext_id_key" UNIQUE USING INDEX "users_ext_id_key"',
    ]);
  });
  it('foreign key: NOT VALID, VALIDATE on its own, and an index on the referencing column', () => {
    assert.deepEqual(sql(plan('postgres', '16.1', 'account_id bigint REFERENCES billing."Accounts"(id) ON DELETE SET NULL')), [
      'expand: ALTER TABLE "public"."users" ADD COLUMN "account_id" bigint',
      'index: CREATE INDEX CONCURRENTLY IF NOT EXISTS "users_account_id_idx" ON "public"."users" ("account_id")',
      'constrain: ALTER TABLE "public"."users" ADD CONSTRAINT "users_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "billing"."Accounts" ("id") ON DELETE SET NULL NOT VALID',
      'constrain: ALTER TABLE "public"."users" VALIDATE CONSTRAINT "users_account_id_fkey"',
    ]);
  });
  it('CHECK: NOT VALID then VALIDATE', () => {
    assert.deepEqual(sql(plan('postgres', '16.1', 'qty int DEFAULT 0 CHECK (qty >= 0)')), [
      'expand: ALTER TABLE "public"."users" ADD COLUMN "qty" int DEFAULT 0',
      'constrain: ALTER TABLE "public"."users" ADD CONSTRAINT "users_qty_check" CHECK (qty >= 0) NOT VALID',
      'constrain: ALTER TABLE "public"."users" VALIDATE CONSTRAINT "users_qty_check"',
    ]);
  });
  it('stored generated and identity columns are flagged unavoidable with the reason', () => {
    for (const def of ['total int GENERATED ALWAYS AS (a + b) STORED', 'n bigint GENERATED BY DEFAULT AS IDENTITY', 'n bigserial']) {
      const [step] = planSteps(plan('postgres', '16.1', def));
      assert.equal(step!.rewrite, true);
      assert.equal(step!.blocks.writes, true);
      assert.match(step!.unavoidable!, /rewriting the table/, def);
    }
    assert.equal(planSteps(plan('postgres', '16.1', 'n bigserial', { rows: 0 }))[0]!.unavoidable, undefined);
  });
  it('comments are a separate COMMENT ON step', () => {
    const p = planColumn({ ...parseColumnDefinition('x int', 'postgres'), comment: "it's" }, facts('postgres'), {
      dialect: 'postgres',
      version: '16',
    });
    assert.deepEqual(sql(p)[1], `expand: COMMENT ON COLUMN "public"."users"."x" IS 'it''s'`);
  });
  it('backfill without a primary key walks ctid', () => {
    const p = plan('postgres', '16.1', 'r float8 DEFAULT random()', { primaryKey: [] });
    const b = planSteps(p).find((s) => s.backfill)!;
    assert.equal(
      b.sql,
      'UPDATE "public"."users" SET "r" = random() WHERE ctid IN (SELECT ctid FROM "public"."users" WHERE "r" IS NULL LIMIT 1000)',
    );
    assert.deepEqual(b.backfill, {
      table: { schema: 'public', name: 'users' },
      column: 'r',
      valueSql: 'random()',
      batchSize: 1000,
      key: ['ctid'],
    });
    assert.equal(b.lockTimeoutSql, undefined);
  });
  it('lock timeout precedes every DDL step, configurable', () => {
    const steps = planSteps(plan('postgres', '16.1', 'v int NOT NULL DEFAULT random()::int', {}, { lockTimeoutMs: 750 }));
    for (const s of steps.filter((x) => !x.backfill)) assert.equal(s.lockTimeoutSql, "SET lock_timeout = '750ms'");
    assert.equal(planSteps(plan('postgres', '16.1', 'v int'))[0]!.lockTimeoutSql, "SET lock_timeout = '2s'");
  });
  it('hot standby warning for ACCESS EXCLUSIVE steps', () => {
    assert.ok(codes(plan('postgres', '16.1', 'v int', {}, { standbys: true })).includes('standby-replay'));
    assert.ok(
      codes(plan('postgres', '16.1', 'v int', { replication: { replicas: [{ name: 's1' }], maxStandbyStreamingDelayMs: 30000 } })).includes(
        'standby-replay',
      ),
    );
    assert.ok(!codes(plan('postgres', '16.1', 'v int')).includes('standby-replay'));
  });
  it('long names are shortened deterministically within 63 bytes', () => {
    const long = 'ü'.repeat(30);
    const p1 = planColumn(
      { ...parseColumnDefinition(`"${long}" int`, 'postgres'), index: true },
      facts('postgres', { table: { schema: 'public', name: 'ä'.repeat(20) } }),
      { dialect: 'postgres', version: '16' },
    );
    const idx = /INDEX CONCURRENTLY IF NOT EXISTS "([^"]+)"/.exec(planSteps(p1)[1]!.sql)![1]!;
    assert.ok(new TextEncoder().encode(idx).length <= 63, idx);
    assert.match(idx, /_[0-9a-f]{8}_idx$/);
    const p2 = planColumn(
      { ...parseColumnDefinition(`"${long}" int`, 'postgres'), index: true },
      facts('postgres', { table: { schema: 'public', name: 'ä'.repeat(20) } }),
      { dialect: 'postgres', version: '16' },
    );
    assert.equal(planSteps(p2)[1]!.sql, planSteps(p1)[1]!.sql);
  });
});

describe('MySQL / MariaDB plans', () => {
  it('INSTANT stated explicitly with an INPLACE fallback; INPLACE, LOCK=NONE below 8.0.12', () => {
    const p = plan('mysql', '8.0.12', "status varchar(20) NOT NULL DEFAULT 'new'");
    assert.deepEqual(sql(p), [
      "expand: ALTER TABLE `shop`.`users` ADD COLUMN `status` varchar(20) NOT NULL DEFAULT 'new', ALGORITHM=INSTANT",
    ]);
    assert.equal(
      planSteps(p)[0]!.fallbackSql,
      "ALTER TABLE `shop`.`users` ADD COLUMN `status` varchar(20) NOT NULL DEFAULT 'new', ALGORITHM=INPLACE, LOCK=NONE",
    );
    assert.equal(planSteps(p)[0]!.lockTimeoutSql, 'SET SESSION lock_wait_timeout = 2');
    assert.equal(planSteps(p)[0]!.down, 'ALTER TABLE `shop`.`users` DROP COLUMN `status`');
    const old = planSteps(plan('mysql', '8.0.11', "status varchar(20) NOT NULL DEFAULT 'new'"))[0]!;
    assert.equal(
      old.sql,
      "ALTER TABLE `shop`.`users` ADD COLUMN `status` varchar(20) NOT NULL DEFAULT 'new', ALGORITHM=INPLACE, LOCK=NONE",
    );
    assert.deepEqual([old.algorithm, old.rewrite, old.blocks.writes], ['INPLACE', true, false]);
  });
  it('AFTER/FIRST: INSTANT from 8.0.29 (MySQL) and 10.4 (MariaDB)', () => {
    const algo = (d: Dialect, v: string) => planSteps(plan(d, v, 'nick varchar(30) AFTER `name`'))[0]!.algorithm;
    assert.equal(algo('mysql', '8.0.28'), 'INPLACE');
    assert.equal(algo('mysql', '8.0.29'), 'INSTANT');
    assert.equal(algo('mariadb', '10.3.39'), 'INPLACE');
    assert.equal(algo('mariadb', '10.4.0'), 'INSTANT');
    assert.equal(algo('mariadb', '10.3.1'), 'INPLACE');
    assert.equal(planSteps(plan('mariadb', '10.3.2', 'nick varchar(30)'))[0]!.algorithm, 'INSTANT');
  });
  it('row-version limit and backup-risk warnings on MySQL', () => {
    const full = plan('mysql', '8.0.36', 'x int', { instantRowVersions: 64 });
    assert.equal(planSteps(full)[0]!.algorithm, 'INPLACE');
    assert.ok(codes(full).includes('row-versions'));
    assert.ok(codes(plan('mysql', '8.0.30', 'x int')).includes('instant-backup-risk'));
    assert.ok(!codes(plan('mysql', '8.0.32', 'x int')).includes('instant-backup-risk'));
  });
  it('volatile expression default: add nullable, set default, backfill, MODIFY NOT NULL', () => {
    assert.deepEqual(sql(plan('mariadb', '10.11.6', "token char(36) NOT NULL DEFAULT (UUID()) COMMENT 'api'")), [
      "expand: ALTER TABLE `shop`.`users` ADD COLUMN `token` char(36) NULL COMMENT 'api', ALGORITHM=INSTANT",
      'expand: ALTER TABLE `shop`.`users` ALTER COLUMN `token` SET DEFAULT (UUID()), ALGORITHM=INSTANT',
      'backfill: UPDATE `shop`.`users` SET `token` = UUID() WHERE `token` IS NULL ORDER BY `id` LIMIT 1000',
      "constrain: ALTER TABLE `shop`.`users` MODIFY COLUMN `token` char(36) NOT NULL DEFAULT (UUID()) COMMENT 'api', ALGORITHM=INPLACE, LOCK=NONE",
    ]);
  });
  it('MariaDB adds stable and constant expression defaults instantly (with a note); MySQL backfills any expression but CURRENT_TIMESTAMP', () => {
    const maria = plan('mariadb', '10.11.6', 'created datetime DEFAULT (now())');
    assert.deepEqual(sql(maria), [
      'expand: ALTER TABLE `shop`.`users` ADD COLUMN `created` datetime NULL DEFAULT (now()), ALGORITHM=INSTANT',
    ]);
    assert.ok(codes(maria).includes('instant-default-once'));
    assert.equal(sql(plan('mysql', '8.0.36', 'n int DEFAULT (1 + 1)')).length, 3);
    assert.deepEqual(sql(plan('mysql', '8.0.36', 'ts timestamp NULL DEFAULT CURRENT_TIMESTAMP')), [
      'expand: ALTER TABLE `shop`.`users` ADD COLUMN `ts` timestamp NULL DEFAULT CURRENT_TIMESTAMP, ALGORITHM=INSTANT',
    ]);
  });
  it('NOT NULL without default: the zero-value trap is avoided on a table with rows', () => {
    const p = plan('mariadb', '10.11.6', 'n int NOT NULL');
    assert.deepEqual(sql(p), [
      'expand: ALTER TABLE `shop`.`users` ADD COLUMN `n` int NULL, ALGORITHM=INSTANT',
      'constrain: ALTER TABLE `shop`.`users` MODIFY COLUMN `n` int NOT NULL, ALGORITHM=INPLACE, LOCK=NONE',
    ]);
    assert.ok(codes(p).includes('not-null-needs-values'));
    assert.deepEqual(sql(plan('mariadb', '10.11.6', 'n int NOT NULL', { rows: 0 })), [
      'expand: ALTER TABLE `shop`.`users` ADD COLUMN `n` int NOT NULL, ALGORITHM=INSTANT',
    ]);
  });
  it('foreign key: index, then the FK INPLACE with foreign_key_checks = 0 while the column is all NULL, then the default', () => {
    const p = plan('mysql', '8.0.36', 'account_id bigint NOT NULL DEFAULT 1 REFERENCES accounts(id)');
    assert.deepEqual(sql(p), [
      'expand: ALTER TABLE `shop`.`users` ADD COLUMN `account_id` bigint NULL, ALGORITHM=INSTANT',
      'expand: ALTER TABLE `shop`.`users` ADD INDEX `users_account_id_idx` (`account_id`), ALGORITHM=INPLACE, LOCK=NONE',
      'expand: ALTER TABLE `shop`.`users` ADD CONSTRAINT `users_account_id_fkey` FOREIGN KEY (`account_id`) REFERENCES `accounts` (`id`), ALGORITHM=INPLACE, LOCK=NONE',
      'expand: ALTER TABLE `shop`.`users` ALTER COLUMN `account_id` SET DEFAULT 1, ALGORITHM=INSTANT',
      'backfill: UPDATE `shop`.`users` SET `account_id` = 1 WHERE `account_id` IS NULL ORDER BY `id` LIMIT 1000',
      'constrain: ALTER TABLE `shop`.`users` MODIFY COLUMN `account_id` bigint NOT NULL DEFAULT 1, ALGORITHM=INPLACE, LOCK=NONE',
    ]);
    const fk = planSteps(p)[2]!;
    assert.deepEqual(fk.session, { before: ['SET SESSION foreign_key_checks = 0'], after: ['SET SESSION foreign_key_checks = 1'] });
    assert.deepEqual([fk.algorithm, fk.blocks.writes], ['INPLACE', false]);
  });
  it('index and unique: INPLACE, LOCK=NONE', () => {
    const p = planColumn({ ...parseColumnDefinition('email varchar(255)', 'mysql'), index: true }, facts('mysql'), {
      dialect: 'mysql',
      version: '8.0.36',
    });
    assert.deepEqual(sql(p)[1], 'index: ALTER TABLE `shop`.`users` ADD INDEX `users_email_idx` (`email`), ALGORITHM=INPLACE, LOCK=NONE');
    assert.deepEqual(
      sql(plan('mariadb', '10.11', 'email varchar(255) UNIQUE'))[1],
      'index: ALTER TABLE `shop`.`users` ADD UNIQUE INDEX `users_email_key` (`email`), ALGORITHM=INPLACE, LOCK=NONE',
    );
  });
  it('COPY steps are flagged unavoidable, with the online-tool advice on big tables', () => {
    const big = { bytes: 5 * 1024 ** 3 };
    const g = plan('mariadb', '10.11', 'total int AS (a + b) STORED', big);
    const step = planSteps(g)[0]!;
    assert.equal(
      step.sql,
      'ALTER TABLE `shop`.`users` ADD COLUMN `total` int GENERATED ALWAYS AS (a + b) STORED, ALGORITHM=COPY, LOCK=SHARED',
    );
    assert.match(step.unavoidable!, /gh-ost/);
    assert.ok(step.estimate.lockSeconds > 60);
    assert.ok(codes(g).includes('use-online-tool'));
    const ai = planSteps(plan('mysql', '8.0.36', 'seq bigint NOT NULL AUTO_INCREMENT'))[0]!;
    assert.equal(
      ai.sql,
      'ALTER TABLE `shop`.`users` ADD COLUMN `seq` bigint NOT NULL AUTO_INCREMENT, ADD UNIQUE KEY `users_seq_key` (`seq`), ALGORITHM=INPLACE, LOCK=SHARED',
    );
    assert.ok(ai.unavoidable);
    const ck = planSteps(plan('mysql', '8.0.36', 'qty int CHECK (qty >= 0)'));
    assert.equal(ck[1]!.sql, 'ALTER TABLE `shop`.`users` ADD CONSTRAINT `users_qty_check` CHECK (qty >= 0), ALGORITHM=COPY, LOCK=SHARED');
    assert.ok(ck[1]!.unavoidable);
  });
  it('FULLTEXT tables cannot add a column without blocking writes', () => {
    const s = planSteps(
      plan('mariadb', '10.11', 'x int', { indexes: [{ name: 'ft', columns: ['bio'], unique: false, primary: false, method: 'FULLTEXT' }] }),
    )[0]!;
    assert.equal(s.sql, 'ALTER TABLE `shop`.`users` ADD COLUMN `x` int NULL, ALGORITHM=INPLACE, LOCK=SHARED');
    assert.ok(s.unavoidable);
  });
  it('replica lag warning for long INPLACE/COPY steps', () => {
    const p = plan('mysql', '8.0.36', 'n int NOT NULL', { replication: { replicas: [{ name: 'r1' }] } });
    assert.ok(codes(p).includes('replica-lag'));
  });
});

describe('MySQL / MariaDB: one online copy when pt-online-schema-change is installed', () => {
  const tool = { name: 'pt-online-schema-change', version: '3.2.1' } as const;
  it('a NOT NULL column with a per-row default: one copy step instead of add, backfill and the NOT NULL rebuild, and says why', () => {
    const p = plan('mariadb', '10.11.6', 'token char(36) NOT NULL DEFAULT (UUID())', {}, { onlineCopyTool: tool });
    assert.deepEqual(sql(p), ['expand: ALTER TABLE `shop`.`users` ADD COLUMN `token` char(36) NOT NULL DEFAULT (UUID())']);
    const [step] = planSteps(p);
    assert.deepEqual(step!.onlineCopy, { tool, alter: 'ADD COLUMN `token` char(36) NOT NULL DEFAULT (UUID())' });
    assert.deepEqual(step!.blocks, { reads: false, writes: false });
    const why = p.warnings.find((w) => w.code === 'online-copy');
    assert.match(
      why?.message ?? '',
      /pt-online-schema-change 3\.2\.1.*DEFAULT \(UUID\(\)\).*two passes over the table where the copy makes one/,
    );
  });
  it('keeps the batched plan when the tool is absent, the column is nullable or keyed, or the table has no primary key', () => {
    const batched = (p: Plan) => planSteps(p).some((s) => s.backfill) && !planSteps(p).some((s) => s.onlineCopy);
    assert.ok(batched(plan('mariadb', '10.11.6', 'token char(36) NOT NULL DEFAULT (UUID())')));
    assert.ok(batched(plan('mariadb', '10.11.6', 'token char(36) DEFAULT (UUID())', {}, { onlineCopyTool: tool })));
    assert.ok(batched(plan('mariadb', '10.11.6', 'token char(36) NOT NULL DEFAULT (UUID()) UNIQUE', {}, { onlineCopyTool: tool })));
    assert.ok(
      batched(plan('mariadb', '10.11.6', 'token char(36) NOT NULL DEFAULT (UUID())', { primaryKey: [] }, { onlineCopyTool: tool })),
    );
  });
});

describe("MySQL / MariaDB: Column Wizard's own online copy where the table allows it", () => {
  const tool = { name: 'pt-online-schema-change', version: '3.2.1' } as const;
  const own = { version: '0.1.0' };
  const COLUMN = 'token char(36) NOT NULL DEFAULT (UUID())';
  const intKey: Partial<TableFacts> = { columns: [{ name: 'id', type: 'bigint(20)', nullable: false, default: null }] };
  const copyOf = (p: Plan) => planSteps(p).find((s) => s.onlineCopy);
  const strategy = (p: Plan) => p.warnings.find((w) => w.code === 'online-copy')?.message ?? '';
  it('is chosen over pt-online-schema-change: one copy step by column-wizard with its connections, estimated as its own kind of work', () => {
    const p = plan('mariadb', '10.11.6', COLUMN, intKey, { onlineCopyTool: tool, ownCopy: own });
    assert.deepEqual(sql(p), ['expand: ALTER TABLE `shop`.`users` ADD COLUMN `token` char(36) NOT NULL DEFAULT (UUID())']);
    const step = copyOf(p)!;
    assert.deepEqual(step.onlineCopy, {
      tool: { name: 'column-wizard', version: '0.1.0' },
      alter: 'ADD COLUMN `token` char(36) NOT NULL DEFAULT (UUID())',
      copiers: OWN_COPIERS,
    });
    assert.equal(step.estimate.kind, 'own-copy');
    // No calibration with the own copy's figures: its rates are the rough defaults, and the estimate says so.
    assert.equal(step.estimate.basis, 'default');
    assert.match(strategy(p), /by Column Wizard itself, 2 connections copying at once.*two passes over the table where the copy makes one/);
    // The copy needs room for a second table while it runs, as pt-online-schema-change's does.
    assert.match(
      p.warnings.find((w) => w.code === 'rebuild-space')?.message ?? '',
      /copies the table: it needs about .* of free disk space/,
    );
  });
  it('with its own figures in the calibration, the estimate is measured and follows them', () => {
    const cal = { ...DEFAULT_CALIBRATION, basis: 'measured' as const };
    const slow = planSteps(
      plan('mariadb', '10.11.6', COLUMN, intKey, {
        ownCopy: own,
        calibration: { ...cal, ownCopy: { fixedSeconds: 0.1, rowsPerSecond: 100_000, rowBytes: 90, indexes: 1 } },
      }),
    );
    const fast = planSteps(
      plan('mariadb', '10.11.6', COLUMN, intKey, {
        ownCopy: own,
        calibration: { ...cal, ownCopy: { fixedSeconds: 0.1, rowsPerSecond: 400_000, rowBytes: 90, indexes: 1 } },
      }),
    );
    assert.equal(slow[0]!.estimate.basis, 'measured');
    assert.ok(
      slow[0]!.estimate.totalSeconds > 3 * fast[0]!.estimate.totalSeconds,
      `${slow[0]!.estimate.totalSeconds} vs ${fast[0]!.estimate.totalSeconds}`,
    );
  });
  it('is not chosen where the table or the server does not allow it: pt-online-schema-change then, or the batched plan, and the plan says why', () => {
    const cases: [Partial<TableFacts>, PlanOptions['ownCopy'], RegExp][] = [
      [{ primaryKey: ['a', 'b'] }, own, /primary key is not one integer column/],
      [{ columns: [{ name: 'id', type: 'char(36)', nullable: false, default: null }] }, own, /primary key is not one integer column/],
      [
        {
          ...intKey,
          foreignKeysIn: [{ name: 'fk', columns: ['user_id'], refTable: { schema: 'shop', name: 'orders' }, refColumns: ['id'] }],
        },
        own,
        /foreign keys/,
      ],
      [{ ...intKey, replication: { replicas: [{ name: 'r1' }] } }, own, /replicas follow this server/],
      [{ ...intKey, partitioned: true }, own, /partitioned/],
      [intKey, { ...own, refused: 'the table has triggers of its own' }, /triggers of its own/],
    ];
    for (const [over, offer, why] of cases) {
      const withTool = plan('mariadb', '10.11.6', COLUMN, over, { onlineCopyTool: tool, ownCopy: offer });
      assert.equal(copyOf(withTool)?.onlineCopy?.tool.name, 'pt-online-schema-change', String(why));
      assert.match(strategy(withTool), new RegExp(`own copy cannot copy this table: .*${why.source}`));
      const without = plan('mariadb', '10.11.6', COLUMN, over, { ownCopy: offer });
      assert.equal(copyOf(without), undefined, String(why));
      assert.ok(
        planSteps(without).some((s) => s.backfill),
        String(why),
      );
      assert.match(strategy(without), new RegExp(`batched UPDATE.*cannot copy this table: .*${why.source}`));
    }
    // --standbys: replicas said to be there.
    const standbys = plan('mariadb', '10.11.6', COLUMN, intKey, { ownCopy: own, standbys: true });
    assert.equal(copyOf(standbys), undefined);
  });
});

describe('plan shape', () => {
  it('is frozen, JSON-serializable plain data with the table and column', () => {
    const p = plan('postgres', '16.1', 'x int NOT NULL DEFAULT random()::int UNIQUE');
    assert.ok(Object.isFrozen(p) && Object.isFrozen(p.phases) && Object.isFrozen(p.phases[0]!.steps[0]!.blocks));
    assert.deepEqual(JSON.parse(JSON.stringify(p)), p);
    assert.deepEqual(p.table, { schema: 'public', name: 'users', rows: 1_000_000, bytes: 500 * 1024 * 1024 });
    assert.equal(p.column.name, 'x');
    assert.equal(p.dialect, 'postgres');
    assert.equal(p.serverVersion, '16.1');
    assert.ok(p.rollout.length >= 5);
    assert.match(p.rollout[0]!, /tolerates the new column/);
  });
  it('estimates say their basis and scale with the table', () => {
    const small = planSteps(plan('postgres', '16.1', 'x int DEFAULT random()::int', { rows: 1000, bytes: 1e5 })).find((s) => s.backfill)!;
    const large = planSteps(plan('postgres', '16.1', 'x int DEFAULT random()::int', { rows: 1e7, bytes: 1e9 })).find((s) => s.backfill)!;
    assert.equal(small.estimate.basis, 'default');
    assert.ok(large.estimate.totalSeconds > small.estimate.totalSeconds * 1000);
    const measured = planColumn(
      parseColumnDefinition('x int', 'postgres'),
      facts('postgres'),
      { dialect: 'postgres', version: '16' },
      { calibration: { ...DEFAULT_CALIBRATION, basis: 'measured' } },
    );
    assert.equal(planSteps(measured)[0]!.estimate.basis, 'measured');
  });
});

describe('MySQL / MariaDB plans: interactions', () => {
  it('AUTO_INCREMENT + UNIQUE gets one key, in the same statement', () => {
    const steps = planSteps(plan('mysql', '8.0.36', 'seq bigint NOT NULL AUTO_INCREMENT UNIQUE'));
    assert.deepEqual(
      steps.map((s) => s.sql),
      [
        'ALTER TABLE `shop`.`users` ADD COLUMN `seq` bigint NOT NULL AUTO_INCREMENT, ADD UNIQUE KEY `users_seq_key` (`seq`), ALGORITHM=INPLACE, LOCK=SHARED',
      ],
    );
  });
  it('AUTO_INCREMENT: exactly one key, inline (the server refuses the column without one), whatever the index flags say', () => {
    const withFlags = (definition: string, flags: { unique?: boolean; index?: boolean }) =>
      sql(
        planColumn({ ...parseColumnDefinition(definition, 'mariadb'), ...flags }, facts('mariadb'), {
          dialect: 'mariadb',
          version: '10.11',
        }),
      );
    const uniqueKey = [
      'expand: ALTER TABLE `shop`.`users` ADD COLUMN `seq` int NULL AUTO_INCREMENT, ADD UNIQUE KEY `users_seq_key` (`seq`), ALGORITHM=INPLACE, LOCK=SHARED',
    ];
    assert.deepEqual(withFlags('seq int AUTO_INCREMENT UNIQUE', { index: true }), uniqueKey);
    assert.deepEqual(withFlags('seq int AUTO_INCREMENT', { unique: true, index: true }), uniqueKey);
    assert.deepEqual(withFlags('seq int AUTO_INCREMENT UNIQUE', {}), uniqueKey);
    assert.deepEqual(withFlags('seq int AUTO_INCREMENT', {}), uniqueKey, 'no key asked for: the unique one');
    // A plain index asked for is the key: no unique key besides it.
    assert.deepEqual(withFlags('seq int AUTO_INCREMENT', { index: true }), [
      'expand: ALTER TABLE `shop`.`users` ADD COLUMN `seq` int NULL AUTO_INCREMENT, ADD INDEX `users_seq_idx` (`seq`), ALGORITHM=INPLACE, LOCK=SHARED',
    ]);
    // Without AUTO_INCREMENT the index is still its own online step.
    assert.deepEqual(withFlags('seq int UNIQUE', { index: true }), [
      'expand: ALTER TABLE `shop`.`users` ADD COLUMN `seq` int NULL, ALGORITHM=INSTANT',
      'index: ALTER TABLE `shop`.`users` ADD UNIQUE INDEX `users_seq_key` (`seq`), ALGORITHM=INPLACE, LOCK=NONE',
    ]);
  });
  it('UNIQUE + REFERENCES builds one unique index before the key', () => {
    const s = sql(plan('mariadb', '10.11', 'acct bigint UNIQUE REFERENCES accounts(id)'));
    assert.deepEqual(s, [
      'expand: ALTER TABLE `shop`.`users` ADD COLUMN `acct` bigint NULL, ALGORITHM=INSTANT',
      'expand: ALTER TABLE `shop`.`users` ADD UNIQUE INDEX `users_acct_key` (`acct`), ALGORITHM=INPLACE, LOCK=NONE',
      'expand: ALTER TABLE `shop`.`users` ADD CONSTRAINT `users_acct_fkey` FOREIGN KEY (`acct`) REFERENCES `accounts` (`id`), ALGORITHM=INPLACE, LOCK=NONE',
    ]);
  });
  it('a foreign key on a column that already has values is checked with a (flagged) copy', () => {
    const steps = planSteps(plan('mysql', '8.0.36', 'seq bigint NOT NULL AUTO_INCREMENT REFERENCES other(id)'));
    const fk = steps.find((s) => s.sql.includes('FOREIGN KEY'))!;
    assert.equal(
      fk.sql,
      'ALTER TABLE `shop`.`users` ADD CONSTRAINT `users_seq_fkey` FOREIGN KEY (`seq`) REFERENCES `other` (`id`), ALGORITHM=COPY, LOCK=SHARED',
    );
    assert.match(fk.unavoidable!, /already has a value/);
  });
  it('MariaDB: NOT NULL on a table with a STORED generated column needs a flagged copy', () => {
    const columns = [{ name: 'g', type: 'int(11)', nullable: true, default: null, generated: 'stored' as const }];
    const step = planSteps(plan('mariadb', '10.11', 'n int NOT NULL', { columns })).find((s) => s.sql.includes('MODIFY'))!;
    assert.equal(step.sql, 'ALTER TABLE `shop`.`users` MODIFY COLUMN `n` int NOT NULL, ALGORITHM=COPY, LOCK=SHARED');
    assert.deepEqual([step.algorithm, step.blocks.writes], ['COPY', true]);
    assert.ok(step.unavoidable);
  });
  it('a sampled write rate says how many writes queue behind a blocking step', () => {
    const p = plan('postgres', '16.1', 'x int', { writesPerSecond: 500 });
    assert.match(planSteps(p)[0]!.why, /About 5 writes \(at 500\/s\) wait behind it/);
    assert.doesNotMatch(planSteps(plan('postgres', '16.1', 'x int'))[0]!.why, /writes \(at/);
  });
});

describe('replication-aware warnings', () => {
  it('a volatile backfill under statement-based binlogs is warned about', () => {
    const repl = (binlogFormat: string) => ({ replication: { replicas: [{ name: 'r1' }], binlogFormat } });
    assert.ok(codes(plan('mysql', '8.0.36', 'token char(36) DEFAULT (UUID())', repl('STATEMENT'))).includes('statement-binlog-backfill'));
    assert.ok(!codes(plan('mysql', '8.0.36', 'token char(36) DEFAULT (UUID())', repl('ROW'))).includes('statement-binlog-backfill'));
  });
  it('MySQL: NOT NULL DATETIME without a default is not INSTANT even on an empty table', () => {
    assert.equal(planSteps(plan('mysql', '8.0.36', 'due datetime NOT NULL', { rows: 0 }))[0]!.algorithm, 'INPLACE');
    assert.equal(
      planSteps(plan('mysql', '8.0.36', "due datetime NOT NULL DEFAULT '2020-01-01 00:00:00'", { rows: 0 }))[0]!.algorithm,
      'INSTANT',
    );
  });
});

describe('object names', () => {
  it('a name already taken by an index or constraint is numbered, so IF NOT EXISTS cannot keep the old object', () => {
    const spec = { ...parseColumnDefinition('score int', 'postgres'), index: true };
    const taken = facts('postgres', {
      indexes: [{ name: 'users_score_idx', columns: ['old'], unique: false, primary: false, method: 'btree' }],
      constraints: [{ name: 'users_score_idx2', kind: 'check', definition: '', validated: true }],
    });
    assert.equal(
      planSteps(planColumn(spec, taken, { dialect: 'postgres', version: '16' }))[1]!.sql,
      'CREATE INDEX CONCURRENTLY IF NOT EXISTS "users_score_idx3" ON "public"."users" ("score")',
    );
    const my = facts('mysql', { indexes: [{ name: 'USERS_SCORE_IDX', columns: ['old'], unique: false, primary: false, method: 'BTREE' }] });
    assert.match(
      planSteps(
        planColumn({ ...parseColumnDefinition('score int', 'mysql'), index: true }, my, { dialect: 'mysql', version: '8.0.36' }),
      )[1]!.sql,
      /ADD INDEX `users_score_idx2`/,
    );
  });
});

describe('non-InnoDB tables (probed on MariaDB 10.11 with Aria)', () => {
  it('add, index and NOT NULL copy the table and are flagged; foreign keys are left out with an error finding', () => {
    const p = planColumn(
      { ...parseColumnDefinition('n int NOT NULL REFERENCES a(id)', 'mariadb'), index: true },
      facts('mariadb', { engine: 'Aria' }),
      { dialect: 'mariadb', version: '10.11' },
    );
    assert.deepEqual(sql(p), [
      'expand: ALTER TABLE `shop`.`users` ADD COLUMN `n` int NULL, ALGORITHM=COPY, LOCK=SHARED',
      'index: ALTER TABLE `shop`.`users` ADD INDEX `users_n_idx` (`n`), ALGORITHM=COPY, LOCK=SHARED',
      'constrain: ALTER TABLE `shop`.`users` MODIFY COLUMN `n` int NOT NULL, ALGORITHM=COPY, LOCK=SHARED',
    ]);
    for (const s of planSteps(p)) assert.ok(s.unavoidable && s.blocks.writes, s.sql);
    assert.ok(codes(p).includes('fk-engine'));
  });
});

describe('servers without the INSTANT keyword', () => {
  it('MySQL 8.0.11 and MariaDB 10.3.1 set defaults with INPLACE (metadata only), never ALGORITHM=INSTANT', () => {
    for (const [d, v] of [
      ['mysql', '8.0.11'],
      ['mariadb', '10.3.1'],
    ] as const) {
      const steps = planSteps(plan(d, v, 'acct bigint NOT NULL DEFAULT 1 REFERENCES accounts(id)'));
      const set = steps.find((s) => s.sql.includes('SET DEFAULT'))!;
      assert.equal(set.sql, 'ALTER TABLE `shop`.`users` ALTER COLUMN `acct` SET DEFAULT 1, ALGORITHM=INPLACE, LOCK=NONE');
      assert.equal(set.fallbackSql, undefined);
      assert.deepEqual([set.algorithm, set.rewrite], ['INPLACE', false]);
      for (const s of steps) assert.doesNotMatch(`${s.sql} ${s.down}`, /INSTANT/);
    }
  });
});

describe('generated columns on MySQL/MariaDB', () => {
  it('NOT NULL goes in the ADD itself on MySQL; MariaDB refuses it with a finding', () => {
    assert.deepEqual(sql(plan('mysql', '8.0.36', 'g int AS (a * 2) VIRTUAL NOT NULL')), [
      'expand: ALTER TABLE `shop`.`users` ADD COLUMN `g` int GENERATED ALWAYS AS (a * 2) VIRTUAL NOT NULL, ALGORITHM=INSTANT',
    ]);
    const maria = plan('mariadb', '10.11', 'g int AS (a * 2) VIRTUAL NOT NULL');
    assert.equal(sql(maria).length, 1);
    assert.ok(codes(maria).includes('generated-not-null'));
    assert.ok(codes(plan('mysql', '8.0.36', 'g int AS (a * 2) VIRTUAL REFERENCES p(id)')).includes('fk-on-virtual'));
  });
});

describe('tables without a row estimate', () => {
  it('are treated as having rows (no NOT NULL trap), with a warning', () => {
    const p = plan('mariadb', '10.11', 'n int NOT NULL', { rows: -1 });
    assert.equal(sql(p)[0], 'expand: ALTER TABLE `shop`.`users` ADD COLUMN `n` int NULL, ALGORITHM=INSTANT');
    assert.ok(codes(p).includes('rows-unknown'));
    assert.match(p.warnings.find((w) => w.code === 'not-null-without-default')!.message, /an unknown number of rows/);
    assert.ok(planSteps(plan('postgres', '16', 'n bigserial', { rows: -1 }))[0]!.unavoidable);
  });
});

describe('specs that cannot be written as SQL', () => {
  it('give a plan without steps and an error finding instead of throwing', () => {
    const bad = {
      name: 'x',
      type: { name: 'int', params: [] },
      nullable: true,
      default: { kind: 'literal' as const, value: '1; DROP TABLE users' },
    };
    const p = planColumn(bad, facts('postgres'), { dialect: 'postgres', version: '16' });
    assert.deepEqual(p.phases, []);
    assert.match(p.warnings.find((w) => w.code === 'spec-unwritable')!.message, /not a SQL literal/);
    const empty = planColumn({ ...bad, name: '', default: { kind: 'none' } }, facts('mysql'), { dialect: 'mysql', version: '8.0.36' });
    assert.deepEqual(empty.phases, []);
    assert.ok(codes(empty).includes('identifier-empty'));
  });
});

describe('lock queue note', () => {
  it('says that queries queue behind a DDL step waiting for a conflicting lock, bounded by the timeout', () => {
    const steps = planSteps(plan('postgres', '16.1', 'x int REFERENCES a(id)', {}, { lockTimeoutMs: 1500 }));
    assert.match(steps[0]!.why, /every query on the table queue behind it — for at most the lock timeout \(1500 ms\)/);
    assert.match(steps.find((s) => s.lock === 'SHARE ROW EXCLUSIVE')!.why, /writes to the table queue behind it/);
    assert.doesNotMatch(steps.find((s) => s.sql.includes('CONCURRENTLY'))!.why, /queue behind it/);
    assert.match(
      planSteps(plan('mysql', '8.0.36', 'x int'))[0]!.why,
      /metadata lock\) queue behind it — for at most the lock timeout \(2 s\)/,
    );
  });
});

describe('rollout', () => {
  it('write-both for ordinary columns; server-filled columns are never written by the application', () => {
    assert.match(plan('postgres', '16', 'x int DEFAULT random()::int').rollout.join('\n'), /write both[\s\S]*Run the backfill phase/);
    const g = plan('mysql', '8.0.36', 'g int AS (a + 1) VIRTUAL').rollout;
    assert.match(g[2]!, /The server fills the column \(generated\)/);
    assert.ok(!g.some((r) => /write both/.test(r)));
  });
});

describe('partitioned PostgreSQL tables', () => {
  it('warn that CONCURRENTLY needs the per-partition recipe', () => {
    const spec = { ...parseColumnDefinition('x int', 'postgres'), index: true };
    assert.ok(
      codes(planColumn(spec, facts('postgres', { partitioned: true }), { dialect: 'postgres', version: '16' })).includes(
        'partitioned-index',
      ),
    );
    assert.ok(!codes(planColumn(spec, facts('postgres'), { dialect: 'postgres', version: '16' })).includes('partitioned-index'));
  });
});
