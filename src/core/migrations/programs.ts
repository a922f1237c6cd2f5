/**
 * The server-side programs migration files run where one statement is not enough: the batched backfill (a keyset walk
 * over the primary key that commits each batch) and the lock-timeout retry around DDL. PostgreSQL gets `DO` blocks,
 * MariaDB `BEGIN NOT ATOMIC … END`, MySQL a temporary stored procedure created, called and dropped by the migration.
 * Pure: SQL text only; the writers decide how each tool sends it (see `Statement.compound`).
 */
import { qualifiedTable, quoteIdent, quoteLiteral } from '../sql';
import type { BackfillSpec, Dialect, Plan, StepDone, TableRef } from '../types';

/** Each batch aims at this many milliseconds (the runner's default target, `DEFAULT_TARGET_BATCH_MS`). */
export const FILE_BATCH_TARGET_MS = 50;
/**
 * MySQL/MariaDB files aim lower. A concurrent writer whose row is in the batch waits until the batch commits, so the
 * slowest batch is its worst stall. Measured with `bench/files.ts --batch-log` (MariaDB 10.11, 1,000,000 rows, growing
 * each row by a char(36)): at 50 ms, batch p50 42–52 ms but p99 121–174 ms and max 142–193 ms, and the worst stalls fell
 * inside those batches. Halving the target halves that tail.
 */
export const FILE_BATCH_TARGET_MS_MYSQL = 25;
const targetMs = (dialect: Dialect) => (dialect === 'postgres' ? FILE_BATCH_TARGET_MS : FILE_BATCH_TARGET_MS_MYSQL);
/**
 * Bounds of the adapted batch size, and how much it may grow from one batch to the next. A concurrent writer waits for
 * the batch that holds its row, so one batch that runs long is its worst stall: growing by at most half per batch keeps
 * one fast batch (pages already cached) from doubling the next one.
 */
export const FILE_BATCH_MIN = 100;
export const FILE_BATCH_MAX = 20_000;
export const FILE_BATCH_GROWTH = 1.5;
/** A DDL step that hits its lock timeout is tried this many times in all, waiting 1 s, 2 s, 3 s… between tries. */
export const DDL_ATTEMPTS = 5;
/** A batch that hits a lock wait timeout or a deadlock (MySQL/MariaDB) is tried this many times in all. */
export const BATCH_ATTEMPTS = 5;

export interface Program {
  /** The statements to run, in order, without trailing semicolons. */
  readonly statements: readonly string[];
  /** Indexes of `statements` that are compound (contain `;` inside): tools that split on `;` must be told. */
  readonly compound: readonly number[];
  /** What the program does, for the comment above it. Says only what the SQL does. */
  readonly comment: readonly string[];
}

const isPg = (d: Dialect) => d === 'postgres';

/** `(a, b)` or `a`. */
const tuple = (parts: readonly string[]) => (parts.length === 1 ? parts[0]! : `(${parts.join(', ')})`);

/**
 * MySQL/MariaDB `lhs op rhs` for a key tuple, expanded so the optimizer uses a range on the leading column
 * (row-value comparison is not a range on MariaDB).
 */
function myKeyCompare(lhs: readonly string[], op: '>=' | '<=' | '>', rhs: readonly string[]): string {
  if (lhs.length === 1) return `${lhs[0]} ${op} ${rhs[0]}`;
  const strict = op === '>=' || op === '>' ? '>' : '<';
  const lead = `${lhs[0]} ${op === '<=' ? '<=' : '>='} ${rhs[0]}`;
  const alts: string[] = [];
  for (let i = 0; i < lhs.length; i++) {
    const eqs = lhs.slice(0, i).map((l, j) => `${l} = ${rhs[j]}`);
    eqs.push(`${lhs[i]} ${i === lhs.length - 1 ? op : strict} ${rhs[i]}`);
    alts.push(`(${eqs.join(' AND ')})`);
  }
  return `(${lead} AND (${alts.join(' OR ')}))`;
}

/** The batch's key columns, or none when the table has no usable key (PostgreSQL `ctid`, MySQL none). */
export function batchKey(spec: BackfillSpec): readonly string[] {
  const key = spec.key ?? [];
  return key.length === 1 && key[0] === 'ctid' ? [] : key;
}

/** MySQL: name of the temporary procedure, in the table's schema, at most 64 characters. */
export function procedureName(spec: BackfillSpec, purpose: string): string {
  return `cw_${purpose}_${spec.table.name}_${spec.column}`.replace(/[^A-Za-z0-9_$]/g, '_').slice(0, 64);
}

function describeBatches(key: readonly string[], commit: boolean, dialect: Dialect): string[] {
  const keyText = key.join(', ');
  const walk = key.length
    ? `Walks the primary key (${keyText}) in ranges, starting at the first row still NULL, so a rerun continues where a failed run stopped`
    : dialect === 'postgres'
      ? 'The table has no primary key: each batch picks rows still NULL by ctid, which rescans the table from its start (slower on a large table; add a primary key to walk it once)'
      : 'The table has no primary key: each batch updates up to N rows still NULL with LIMIT, which rescans the table from its start (slow on a large table; add a primary key to walk it once)';
  return [
    `${walk}.`,
    `Batch size adapts toward ${targetMs(dialect)} ms per batch (${FILE_BATCH_MIN}–${FILE_BATCH_MAX} rows, first batch 1000, growing at most ${FILE_BATCH_GROWTH}× per batch)${commit ? `, each batch committed${dialect === 'postgres' ? '' : ", then a pause of a tenth of the batch's time"}` : '; this tool runs it inside one transaction, so all rows commit together'}.`,
    ...(commit && dialect === 'postgres'
      ? [
          'Batches commit with synchronous_commit off (not waiting for the disk): a crash can lose the last batches, which applying the file again fills; the block ends with a commit that waits for all of them.',
        ]
      : []),
    ...(dialect === 'postgres' ? [] : [`A batch that hits a lock wait timeout or a deadlock is retried (${BATCH_ATTEMPTS} tries in all).`]),
    'Stops with an error if a batch leaves rows NULL (the new value is NULL for them).',
  ];
}

/** PostgreSQL: the backfill as one `DO` block; `commit` only where the tool runs it outside a transaction. */
function pgBackfill(spec: BackfillSpec, commit: boolean): string {
  const t = qualifiedTable('postgres', spec.table);
  const c = quoteIdent('postgres', spec.column);
  const v = spec.valueSql;
  const key = batchKey(spec);
  const adapt = [
    '    ms := extract(epoch FROM clock_timestamp() - t0) * 1000;',
    `    size := least(${FILE_BATCH_MAX}, greatest(${FILE_BATCH_MIN}, (size * least(${FILE_BATCH_GROWTH}, greatest(0.5, ${FILE_BATCH_TARGET_MS} / greatest(ms, 1))))::bigint));`,
  ];
  // No pause between batches (as the runner by default): on 2 busy cores a pg_sleep of a tenth of the batch cost 15–20%
  // of the loop's time (3M rows, load 9: 21.4 s and 28.8 s with it, 18.0 s and 23.5 s without), as the backend waits
  // to be scheduled again after each one.
  // A committed batch does not wait for its WAL to reach disk: a crash loses at most the last batches, which a rerun
  // fills again (it starts at the first row still NULL). The block's last transaction gets a transaction id, so its
  // commit is written and waited for, which flushes every batch's WAL before the tool records the file as applied.
  const asyncCommit = commit ? ["    PERFORM set_config('synchronous_commit', 'off', true);"] : [];
  const syncEnd = commit ? ['  PERFORM txid_current();'] : [];
  if (!key.length) {
    return [
      'DO $cw$',
      'DECLARE n bigint; total bigint := 0; todo bigint; size bigint := 1000; t0 timestamptz; ms numeric;',
      'BEGIN',
      `  SELECT count(*) INTO todo FROM ${t} WHERE ${c} IS NULL;`,
      '  LOOP',
      '    t0 := clock_timestamp();',
      ...asyncCommit,
      `    UPDATE ${t} SET ${c} = ${v} WHERE ctid IN (SELECT ctid FROM ${t} WHERE ${c} IS NULL LIMIT size);`,
      '    GET DIAGNOSTICS n = ROW_COUNT;',
      '    EXIT WHEN n = 0;',
      '    total := total + n;',
      '    IF total > todo + size THEN',
      "      RAISE EXCEPTION 'backfill made no progress: % rows updated, more than the % that were NULL (the new value is NULL for some rows)', total, todo;",
      '    END IF;',
      ...(commit ? ['    COMMIT;'] : []),
      ...adapt,
      '  END LOOP;',
      ...syncEnd,
      'END',
      '$cw$',
    ].join('\n');
  }
  const k = key.map((n) => quoteIdent('postgres', n));
  const lo = key.map((_, i) => `lo${i}`);
  const hi = key.map((_, i) => `hi${i}`);
  const order = k.join(', ');
  const range = `${tuple(k)} >= ${tuple(lo)} AND ${tuple(k)} <= ${tuple(hi)}`;
  const decl = key.map((n, i) => `  lo${i} ${t}.${quoteIdent('postgres', n)}%TYPE; hi${i} ${t}.${quoteIdent('postgres', n)}%TYPE;`);
  return [
    'DO $cw$',
    'DECLARE',
    ...decl,
    '  more boolean; left_null bigint; size bigint := 1000; t0 timestamptz; ms numeric;',
    'BEGIN',
    `  SELECT ${order} INTO ${lo.join(', ')} FROM ${t} WHERE ${c} IS NULL ORDER BY ${order} LIMIT 1;`,
    '  more := FOUND;',
    '  WHILE more LOOP',
    `    SELECT ${order} INTO ${hi.join(', ')} FROM ${t} WHERE ${tuple(k)} >= ${tuple(lo)} ORDER BY ${order} OFFSET size - 1 LIMIT 1;`,
    `    IF NOT FOUND THEN SELECT ${order} INTO ${hi.join(', ')} FROM ${t} ORDER BY ${k.map((x) => `${x} DESC`).join(', ')} LIMIT 1; END IF;`,
    '    t0 := clock_timestamp();',
    ...asyncCommit,
    // The guard reads the new values the UPDATE returns rather than scanning the range again.
    `    WITH done AS (UPDATE ${t} SET ${c} = ${v} WHERE ${range} AND ${c} IS NULL RETURNING ${c})`,
    `    SELECT count(*) INTO left_null FROM done WHERE ${c} IS NULL;`,
    '    IF left_null > 0 THEN',
    `      RAISE EXCEPTION 'backfill made no progress: the new value is NULL for some rows from % to %', ${tuple(lo)}, ${tuple(hi)};`,
    '    END IF;',
    ...(commit ? ['    COMMIT;'] : []),
    ...adapt,
    `    SELECT ${order} INTO ${lo.join(', ')} FROM ${t} WHERE ${tuple(k)} > ${tuple(hi)} ORDER BY ${order} LIMIT 1;`,
    '    more := FOUND;',
    '  END LOOP;',
    ...syncEnd,
    'END',
    '$cw$',
  ].join('\n');
}

/** MySQL/MariaDB: the body (between BEGIN and END) of the backfill compound statement. */
function myBackfillBody(dialect: Dialect, spec: BackfillSpec): string[] {
  const t = qualifiedTable(dialect, spec.table);
  const c = quoteIdent(dialect, spec.column);
  const v = spec.valueSql;
  const key = batchKey(spec);
  const decl = [
    '  DECLARE size INT DEFAULT 1000;',
    '  DECLARE skip INT DEFAULT 999;',
    '  DECLARE n BIGINT DEFAULT 0;',
    '  DECLARE t0 DECIMAL(20,6);',
    '  DECLARE ms DECIMAL(20,6) DEFAULT 0;',
    '  DECLARE tries INT DEFAULT 0;',
    '  DECLARE redo INT DEFAULT 0;',
  ];
  const adapt = [
    '      SET ms = (UNIX_TIMESTAMP(SYSDATE(6)) - t0) * 1000;',
    `      SET size = LEAST(${FILE_BATCH_MAX}, GREATEST(${FILE_BATCH_MIN}, ROUND(size * LEAST(${FILE_BATCH_GROWTH}, GREATEST(0.5, ${targetMs(dialect)} / GREATEST(ms, 1))))));`,
    '      SET skip = size - 1;',
  ];
  const retry = (indent: string) => [
    `${indent}DECLARE EXIT HANDLER FOR 1205, 1213`,
    `${indent}BEGIN`,
    `${indent}  ROLLBACK;`,
    `${indent}  SET tries = tries + 1, redo = 1;`,
    `${indent}  IF tries >= ${BATCH_ATTEMPTS} THEN RESIGNAL; END IF;`,
    `${indent}  DO SLEEP(tries * 0.5);`,
    `${indent}END;`,
  ];
  const noProgress =
    "SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'backfill made no progress: the new value is NULL for some rows of a batch'";
  if (!key.length) {
    return [
      ...decl,
      '  REPEAT',
      '    SET t0 = UNIX_TIMESTAMP(SYSDATE(6)), redo = 0;',
      '    BEGIN',
      ...retry('      '),
      `      UPDATE ${t} SET ${c} = ${v} WHERE ${c} IS NULL LIMIT size;`,
      '      SET n = ROW_COUNT();',
      '      COMMIT;',
      '    END;',
      '    IF redo = 0 THEN',
      '      SET tries = 0;',
      ...adapt,
      '      DO SLEEP(ms / 10000);',
      '    END IF;',
      '  UNTIL redo = 0 AND n = 0 END REPEAT;',
      `  IF EXISTS (SELECT 1 FROM ${t} WHERE ${c} IS NULL) THEN ${noProgress}; END IF;`,
    ];
  }
  const k = key.map((n) => quoteIdent(dialect, n));
  const lo = key.map((_, i) => `@cw_lo${i}`);
  const hi = key.map((_, i) => `@cw_hi${i}`);
  const order = k.join(', ');
  const range = `${myKeyCompare(k, '>=', lo)} AND ${myKeyCompare(k, '<=', hi)}`;
  const clear = (vars: readonly string[]) => `SET ${vars.map((x) => `${x} = NULL`).join(', ')};`;
  return [
    ...decl,
    `  ${clear(lo)}`,
    `  SELECT ${order} INTO ${lo.join(', ')} FROM ${t} WHERE ${c} IS NULL ORDER BY ${order} LIMIT 1;`,
    `  WHILE ${lo[0]} IS NOT NULL DO`,
    `    ${clear(hi)}`,
    `    SELECT ${order} INTO ${hi.join(', ')} FROM ${t} WHERE ${myKeyCompare(k, '>=', lo)} ORDER BY ${order} LIMIT skip, 1;`,
    `    IF ${hi[0]} IS NULL THEN SELECT ${order} INTO ${hi.join(', ')} FROM ${t} ORDER BY ${k.map((x) => `${x} DESC`).join(', ')} LIMIT 1; END IF;`,
    '    SET t0 = UNIX_TIMESTAMP(SYSDATE(6)), redo = 0;',
    '    BEGIN',
    ...retry('      '),
    `      UPDATE ${t} SET ${c} = ${v} WHERE ${range} AND ${c} IS NULL;`,
    `      IF EXISTS (SELECT 1 FROM ${t} WHERE ${range} AND ${c} IS NULL) THEN ${noProgress}; END IF;`,
    '      COMMIT;',
    '    END;',
    '    IF redo = 0 THEN',
    '      SET tries = 0;',
    ...adapt,
    `      ${clear(lo)}`,
    `      SELECT ${order} INTO ${lo.join(', ')} FROM ${t} WHERE ${myKeyCompare(k, '>', hi)} ORDER BY ${order} LIMIT 1;`,
    '      DO SLEEP(ms / 10000);',
    '    END IF;',
    '  END WHILE;',
  ];
}

/** MySQL/MariaDB: a compound body as statements: MariaDB `BEGIN NOT ATOMIC`, MySQL a procedure created, called, dropped. */
function myCompound(dialect: Dialect, schema: string, name: string, body: readonly string[]): { statements: string[]; compound: number[] } {
  if (dialect === 'mariadb') return { statements: [['BEGIN NOT ATOMIC', ...body, 'END'].join('\n')], compound: [0] };
  const proc = `${quoteIdent(dialect, schema)}.${quoteIdent(dialect, name)}`;
  return {
    statements: [
      `DROP PROCEDURE IF EXISTS ${proc}`,
      [`CREATE PROCEDURE ${proc}()`, 'BEGIN', ...body, 'END'].join('\n'),
      `CALL ${proc}()`,
      `DROP PROCEDURE ${proc}`,
    ],
    compound: [1],
  };
}

/** The backfill program. `commit`: the tool runs it outside a transaction (PostgreSQL); MySQL/MariaDB always commit each batch (their DDL already ended any surrounding transaction). */
export function backfillProgram(plan: Plan, spec: BackfillSpec, commit: boolean): Program {
  const key = batchKey(spec);
  if (isPg(plan.dialect)) {
    return { statements: [pgBackfill(spec, commit)], compound: [0], comment: describeBatches(key, commit, plan.dialect) };
  }
  const { statements, compound } = myCompound(
    plan.dialect,
    spec.table.schema,
    procedureName(spec, 'fill'),
    myBackfillBody(plan.dialect, spec),
  );
  const how =
    plan.dialect === 'mysql'
      ? [
          'MySQL runs it as a temporary stored procedure, created, called and dropped here (needs the CREATE ROUTINE and ALTER ROUTINE privileges).',
        ]
      : [];
  return { statements, compound, comment: [...describeBatches(key, true, plan.dialect), ...how] };
}

/**
 * A condition that is true once a step has been applied, read from the catalog: PostgreSQL `pg_catalog`, MySQL/MariaDB
 * `information_schema` (the same on both; MySQL 8 has no `ADD COLUMN IF NOT EXISTS`).
 */
export function doneCondition(dialect: Dialect, table: TableRef, done: StepDone): string {
  const lit = (v: string) => quoteLiteral(dialect, v);
  if (isPg(dialect)) {
    const rel = `${lit(qualifiedTable(dialect, table))}::regclass`;
    const constraint = (name: string) =>
      `EXISTS (SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = ${rel} AND conname = ${lit(name)})`;
    switch (done.kind) {
      case 'column':
        return `EXISTS (SELECT 1 FROM pg_catalog.pg_attribute WHERE attrelid = ${rel} AND attname = ${lit(done.column)} AND NOT attisdropped)`;
      case 'not-null':
        return `EXISTS (SELECT 1 FROM pg_catalog.pg_attribute WHERE attrelid = ${rel} AND attname = ${lit(done.column)} AND attnotnull)`;
      case 'index':
        return `to_regclass(${lit(table.schema ? `${quoteIdent(dialect, table.schema)}.${quoteIdent(dialect, done.name)}` : quoteIdent(dialect, done.name))}) IS NOT NULL`;
      case 'constraint':
        return constraint(done.name);
      case 'no-constraint':
        return `NOT ${constraint(done.name)}`;
    }
  }
  const where = `TABLE_SCHEMA = ${table.schema ? lit(table.schema) : 'DATABASE()'} AND TABLE_NAME = ${lit(table.name)}`;
  switch (done.kind) {
    case 'column':
      return `EXISTS (SELECT 1 FROM information_schema.COLUMNS WHERE ${where} AND COLUMN_NAME = ${lit(done.column)})`;
    case 'not-null':
      return `EXISTS (SELECT 1 FROM information_schema.COLUMNS WHERE ${where} AND COLUMN_NAME = ${lit(done.column)} AND IS_NULLABLE = 'NO')`;
    case 'index':
      return `EXISTS (SELECT 1 FROM information_schema.STATISTICS WHERE ${where} AND INDEX_NAME = ${lit(done.name)})`;
    case 'constraint':
      return `EXISTS (SELECT 1 FROM information_schema.TABLE_CONSTRAINTS WHERE ${where} AND CONSTRAINT_NAME = ${lit(done.name)})`;
    case 'no-constraint':
      return `NOT EXISTS (SELECT 1 FROM information_schema.TABLE_CONSTRAINTS WHERE ${where} AND CONSTRAINT_NAME = ${lit(done.name)})`;
  }
}

/**
 * DDL statements with a bounded retry on lock timeout. PostgreSQL: one `DO` block whose sub-transaction is rolled back
 * (releasing its locks) on `lock_not_available` before it waits and tries again — sound inside a surrounding
 * transaction too, as long as the statements are the first to lock the table in it. MySQL/MariaDB: each DDL statement in
 * its own retry loop (their DDL commits as it goes, so a later statement must not redo an earlier one), handler for 1205.
 * `ddl` holds the statements in order; `session` statements (SET …) run as they are. A statement with `done` is skipped
 * when the catalog shows it applied (`doneCondition`), so a rerun after a partial failure goes on; a down statement with
 * `undoes` (the fact its up step made) runs only while the catalog still shows that fact.
 */
export function retryProgram(
  plan: Plan,
  spec: { table: TableRef; column: string },
  stmts: readonly { sql: string; ddl: boolean; done?: StepDone; undoes?: StepDone }[],
): Program {
  const comment = [
    `Retries the DDL when it hits the lock timeout: ${DDL_ATTEMPTS} tries in all, waiting 1 s, 2 s, … between them.`,
    ...(stmts.some((s) => s.done)
      ? ['Skips a step the catalog shows already applied, so applying it again after a partial failure goes on.']
      : []),
    ...(stmts.some((s) => s.undoes)
      ? ['Skips a step the catalog shows already undone, so applying it again after a partial failure goes on.']
      : []),
  ];
  const guarded = (s: { sql: string; done?: StepDone; undoes?: StepDone }, indent: string, lines: readonly string[]) =>
    s.done
      ? [`${indent}IF NOT ${doneCondition(plan.dialect, spec.table, s.done)} THEN`, ...lines.map((l) => `  ${l}`), `${indent}END IF;`]
      : s.undoes
        ? [`${indent}IF ${doneCondition(plan.dialect, spec.table, s.undoes)} THEN`, ...lines.map((l) => `  ${l}`), `${indent}END IF;`]
        : [...lines];
  if (isPg(plan.dialect)) {
    const body = stmts.flatMap((s) => guarded(s, '      ', [`      ${s.sql};`]));
    const sql = [
      'DO $cw$',
      'DECLARE tries int := 0;',
      'BEGIN',
      '  LOOP',
      '    BEGIN',
      ...body,
      '      EXIT;',
      '    EXCEPTION WHEN lock_not_available THEN',
      '      tries := tries + 1;',
      `      IF tries >= ${DDL_ATTEMPTS} THEN RAISE; END IF;`,
      '      PERFORM pg_sleep(tries);',
      '    END;',
      '  END LOOP;',
      'END',
      '$cw$',
    ].join('\n');
    return { statements: [sql], compound: [0], comment };
  }
  const body: string[] = ['  DECLARE tries INT DEFAULT 0;', '  DECLARE done INT DEFAULT 0;'];
  stmts.forEach((s, i) => {
    if (!s.ddl) {
      body.push(`  ${s.sql};`);
      return;
    }
    body.push(
      ...guarded(s, '  ', [
        `  SET tries = 0, done = 0;`,
        `  step${i}: WHILE done = 0 DO`,
        '    BEGIN',
        '      DECLARE EXIT HANDLER FOR 1205',
        '      BEGIN',
        '        SET tries = tries + 1;',
        `        IF tries >= ${DDL_ATTEMPTS} THEN RESIGNAL; END IF;`,
        '        DO SLEEP(tries);',
        '      END;',
        `      ${s.sql.split('\n').join('\n      ')};`,
        '      SET done = 1;',
        '    END;',
        `  END WHILE step${i};`,
      ]),
    );
  });
  const { statements, compound } = myCompound(
    plan.dialect,
    spec.table.schema,
    `cw_ddl_${spec.table.name}_${spec.column}`.replace(/[^A-Za-z0-9_$]/g, '_').slice(0, 64),
    body,
  );
  return { statements, compound, comment };
}
