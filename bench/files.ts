/**
 * Migration-file benchmark: the same change — a NOT NULL column with a volatile default (PostgreSQL
 * `token uuid NOT NULL DEFAULT gen_random_uuid()`, MariaDB `token char(36) NOT NULL DEFAULT (UUID())`) — on a
 * 1,000,000-row table with a concurrent single-row writer, side by side in one run per engine:
 *
 *   one UPDATE        ADD COLUMN (nullable), one UPDATE of every row, then DEFAULT + NOT NULL (the baseline)
 *   written file      the files `write --tool dbmate` writes for the plan, applied by the real `dbmate up`
 *   column-wizard run the runner (`column-wizard run --yes`): on MySQL/MariaDB it chooses one online copy, its own
 *                     (src/db/mysql/ownCopy.ts) where the table allows it (`--runner-args --no-own-copy`: by
 *                     pt-online-schema-change, installed); `--no-online-copy` is the runner's own batches and rebuild
 *   pt-osc            MariaDB only, when pt-online-schema-change (Debian percona-toolkit) is installed: the ADD COLUMN
 *                     done by copying the table
 *
 * Total time (× the baseline measured in the same run), and the writer's p50/p99/max latency and errors. Printed,
 * never asserted.
 *
 *   npx tsx bench/files.ts [--rows 1000000] [--engine postgres|mysql|both] [--writer-pause-ms 2 | --writer-rate 150] [--skip-runner] [--only ROW,…] [--runner-args '--batch-ms 200'] [--batch-log] [--pt-osc-first] [--warmup]
 * Then the five worst writer stalls of each row, with the migration the tool was applying when each began.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { NodeFileSink } from '../src/cli/nodeFileSink';
import { parseColumnDefinition } from '../src/core/columnSpec';
import { writeMigrations } from '../src/core/migrations';
import { planColumn } from '../src/core/plan';
import type { Dialect } from '../src/core/types';
import { connect, type DatabaseClient } from '../src/db/client';
import { parseConnectionUrl } from '../src/db/connection';

// `--runner-args '--batch-ms 200'` as two arguments: parseArgs refuses a separate value that starts with a dash (it
// reads as a forgotten value), and this option's value always does; it is read as `--runner-args='--batch-ms 200'`.
const args: string[] = [];
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i]!;
  args.push(a === '--runner-args' && i + 1 < process.argv.length ? `${a}=${process.argv[++i]}` : a);
}
const { values } = parseArgs({
  args,
  options: {
    rows: { type: 'string', default: '1000000' },
    engine: { type: 'string', default: 'both' },
    'writer-pause-ms': { type: 'string', default: '2' },
    /**
     * Writes per second instead of a pause after each write: the writer starts its i-th write at i/rate s, at once when
     * it is behind (after a stall it catches up), so every row gets about the same writes in the same time, and the
     * same trigger work when the tool copies by triggers.
     */
    'writer-rate': { type: 'string' },
    /** Leave out the `column-wizard run` row (the longest on a large table). */
    'skip-runner': { type: 'boolean', default: false },
    /** More arguments for the `column-wizard run` rows, e.g. `--runner-args '--batch-ms 200'`. */
    'runner-args': { type: 'string', default: '' },
    /** Only these rows, by name (`pt-osc` for any version), e.g. `--only 'one UPDATE,pt-osc'`; the first row is the baseline. */
    only: { type: 'string' },
    /**
     * MySQL/MariaDB: log each backfill batch of the written file (start, rows, ms) into a MEMORY table, and print the
     * slowest batches and the batch each worst writer stall overlapped (one INSERT per batch is added to the file).
     */
    'batch-log': { type: 'boolean', default: false },
    /** Measure the pt-osc row before the `column-wizard run` rows (alternate with the default order between runs). */
    'pt-osc-first': { type: 'boolean', default: false },
    /**
     * One unmeasured load and one-statement copy of the table before the measured rows: on this machine the first
     * measured row after the database is created ran 0.5–1.7 s slower than the same row measured later in the run.
     */
    warmup: { type: 'boolean', default: false },
  },
});
const ROWS = Number(values.rows);
const WRITER_PAUSE = Number(values['writer-pause-ms']);
const WRITER_RATE = values['writer-rate'] === undefined ? undefined : Number(values['writer-rate']);
if (WRITER_RATE !== undefined && !(WRITER_RATE > 0)) throw new Error('--writer-rate: writes per second, above 0');
const PG_URL = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const MYSQL_URL = process.env.MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
const ROOT = resolve(__dirname, '..');
const BIN = join(ROOT, 'node_modules/.bin');
type Engine = 'postgres' | 'mysql';
/** The built CLI (`npm run build`), as users run it; else the sources through tsx (which adds its compile time). */
const CLI: [string, string[]] = existsSync(join(ROOT, 'dist/cli.js'))
  ? [process.execPath, [join(ROOT, 'dist/cli.js')]]
  : [join(BIN, 'tsx'), [join(ROOT, 'src/cli.ts')]];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const qi = (e: Engine, n: string) => (e === 'postgres' ? `"${n}"` : `\`${n}\``);
const DEF: Record<Engine, string> = {
  postgres: 'token uuid NOT NULL DEFAULT gen_random_uuid()',
  mysql: 'token char(36) NOT NULL DEFAULT (UUID())',
};

function withDb(url: string, db: string, params: Record<string, string> = {}): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.toString();
}

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Output lines of the tool being measured, each with the time it arrived (to tell which migration a stall fell in). */
const toolLines: { at: number; line: string }[] = [];

function exec(cmd: string, args: string[], env: Record<string, string> = {}): Promise<void> {
  return new Promise((ok, fail) => {
    const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      for (const line of d.toString().split('\n')) if (line.trim()) toolLines.push({ at: performance.now(), line: line.trim() });
    });
    child.stderr.on('data', (d: Buffer) => {
      out += d.toString();
      for (const line of d.toString().split('\n')) if (line.trim()) toolLines.push({ at: performance.now(), line: line.trim() });
    });
    child.on('close', (code) => (code === 0 ? ok() : fail(new Error(`${cmd} ${args.join(' ')} exited ${code}\n${out.slice(-3000)}`))));
  });
}

async function load(c: DatabaseClient, e: Engine): Promise<void> {
  await c.query(`DROP TABLE IF EXISTS ${qi(e, 'bench')}`);
  if (e === 'postgres') {
    await c.query('CREATE TABLE bench (id bigint PRIMARY KEY, v integer NOT NULL, pad text NOT NULL)');
    await c.query(`INSERT INTO bench SELECT g, g % 1000, md5(g::text) FROM generate_series(1, ${ROWS}) g`);
    await c.query('VACUUM ANALYZE bench');
    await c.query('CHECKPOINT');
  } else {
    await c.query('CREATE TABLE bench (id bigint PRIMARY KEY, v int NOT NULL, pad char(32) NOT NULL) ENGINE=InnoDB');
    await c.query(`INSERT INTO bench SELECT seq, seq MOD 1000, MD5(seq) FROM seq_1_to_${ROWS}`);
    await c.query('ANALYZE TABLE bench');
  }
}

interface Lat {
  start: number;
  ms: number;
}

/** Updates random rows in a loop on its own connection; latencies (ms) and errors recorded until stopped. */
function startWriter(c: DatabaseClient, e: Engine): { stop(since: number): Promise<{ lat: Lat[]; errors: number; messages: string[] }> } {
  const sql = `UPDATE bench SET v = v + 1 WHERE id = ${e === 'postgres' ? '$1' : '?'}`;
  const lat: Lat[] = [];
  const messages = new Set<string>();
  let errors = 0;
  let running = true;
  const loop = (async () => {
    const start = performance.now();
    for (let i = 1; running; i++) {
      const t0 = performance.now();
      try {
        await c.query(sql, [1 + Math.floor(Math.random() * ROWS)]);
      } catch (err) {
        errors++;
        messages.add(err instanceof Error ? err.message.slice(0, 160) : String(err));
      }
      lat.push({ start: t0, ms: performance.now() - t0 });
      if (WRITER_RATE) await sleep(Math.max(0, start + (i * 1000) / WRITER_RATE - performance.now()));
      else if (WRITER_PAUSE) await sleep(WRITER_PAUSE);
    }
  })();
  return {
    async stop(since) {
      running = false;
      await loop;
      return { lat: lat.filter((l) => l.start + l.ms >= since), errors, messages: [...messages] };
    },
  };
}

interface Result {
  mode: string;
  seconds: number;
  writes: number;
  errors: number;
  p50: number;
  p99: number;
  max: number;
  stalls: string[];
  errorMessages: string[];
  /** The 1-minute load average when the mode finished (2 shared cores: other work inflates the figures). */
  load: number;
  notes: string[];
}

const only = values.only?.split(',').map((x) => x.trim());
const BATCH_LOG = values['batch-log'];
const batchNotes: string[] = [];
/** The line of the MySQL/MariaDB backfill that takes a batch's time; `--batch-log` adds the log INSERT after it. */
const BATCH_MS_LINE = '      SET ms = (UNIX_TIMESTAMP(SYSDATE(6)) - t0) * 1000;';

/** The logged batches (`--batch-log`), start as epoch ms. */
async function batchLog(c: DatabaseClient): Promise<{ start: number; rows: number; ms: number }[]> {
  const rows = await c.query<{ t0: string; size: number; ms: string }>('SELECT t0, size, ms FROM cw_batch_log ORDER BY t0');
  return rows.map((r) => ({ start: Number(r.t0) * 1000, rows: Number(r.size), ms: Number(r.ms) }));
}

async function measure(
  mode: string,
  e: Engine,
  url: string,
  body: (c: DatabaseClient) => Promise<void>,
  warmup = false,
): Promise<Result | null> {
  if (!warmup && only && !only.some((o) => mode === o || (mode.startsWith(`${o} `) && !mode.startsWith(`${o} --`)))) return null;
  const admin = await connect({ ...parseConnectionUrl(url), statementTimeoutMs: 0 });
  await load(admin, e);
  await admin.close();
  const runner = await connect({ ...parseConnectionUrl(url), statementTimeoutMs: 0 });
  const writerConn = await connect({ ...parseConnectionUrl(url), statementTimeoutMs: 0 });
  // An application session: it waits as long as it takes (its latency is what is measured).
  if (e === 'postgres') await writerConn.query('SET lock_timeout = 0');
  else await writerConn.query('SET SESSION innodb_lock_wait_timeout = 3600, SESSION lock_wait_timeout = 3600');
  const writer = startWriter(writerConn, e);
  await sleep(300);
  toolLines.length = 0;
  const t0 = performance.now();
  await body(runner);
  const seconds = (performance.now() - t0) / 1000;
  const { lat: timed, errors, messages } = await writer.stop(t0);
  // The stalls over 100 ms: when they started, and the last line the tool had printed by then (dbmate: "Applying: <file>").
  const batches = BATCH_LOG && e === 'mysql' && mode.startsWith('written file') ? await batchLog(runner) : [];
  const stalls = timed
    .filter((l) => l.ms > 100)
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 5)
    .map((l) => {
      const last = toolLines.filter((x) => x.at <= l.start).at(-1);
      // The batches that ran while the writer waited (epoch ms on both sides: same machine).
      const from = performance.timeOrigin + l.start;
      const during = batches.filter((b) => b.start < from + l.ms && b.start + b.ms > from);
      const batchNote = during.length ? ` [batches: ${during.map((b) => `${b.rows} rows ${b.ms.toFixed(0)} ms`).join(', ')}]` : '';
      return `${l.ms.toFixed(0)} ms at +${((l.start - t0) / 1000).toFixed(1)} s${last ? ` (after "${last.line.slice(0, 80)}")` : ''}${batchNote}`;
    });
  if (batches.length) {
    const ms = batches.map((b) => b.ms).sort((a, b) => a - b);
    const slow = [...batches].sort((a, b) => b.ms - a.ms).slice(0, 5);
    batchNotes.push(
      `backfill batches: ${batches.length}, ms p50 ${pct(ms, 50).toFixed(1)} p99 ${pct(ms, 99).toFixed(1)} max ${ms.at(-1)!.toFixed(1)}; slowest: ${slow.map((b) => `${b.rows} rows ${b.ms.toFixed(0)} ms (#${batches.indexOf(b) + 1})`).join(', ')}`,
    );
  }
  const lat = timed.map((l) => l.ms).sort((a, b) => a - b);
  const [row] = await runner.query<{ n: number | string }>('SELECT count(*) AS n FROM bench WHERE token IS NULL');
  if (Number(row!.n) !== 0) throw new Error(`${mode}: ${row!.n} rows left NULL`);
  const [d] = await runner.query<{ n: number | string }>('SELECT count(DISTINCT token) AS n FROM bench');
  if (Number(d!.n) !== ROWS) throw new Error(`${mode}: ${d!.n} distinct values for ${ROWS} rows`);
  // PostgreSQL: autovacuum runs on the table while committed batches leave dead rows (one UPDATE leaves them for later).
  const vacuums =
    e === 'postgres'
      ? Number(
          (
            await runner.query<{ n: number }>(
              `SELECT autovacuum_count + autoanalyze_count AS n FROM pg_stat_user_tables WHERE relname = 'bench'`,
            )
          )[0]?.n ?? 0,
        )
      : undefined;
  // The online copy (pt-osc's own row, or the runner's copy by pt-osc or its own): the time before, in and after it.
  const copyFrom = toolLines.find((l) => /Copying approximately|column-wizard: copying about/.test(l.line))?.at;
  const copyTo = toolLines.find((l) => /Copied rows OK|column-wizard: copied the rows/.test(l.line))?.at;
  const phases =
    copyFrom !== undefined && copyTo !== undefined
      ? [
          `before the copy ${((copyFrom - t0) / 1000).toFixed(2)} s, copy ${((copyTo - copyFrom) / 1000).toFixed(2)} s, after ${(seconds - (copyTo - t0) / 1000).toFixed(2)} s`,
        ]
      : [];
  // dbmate's "Applied: <file> in <time>" lines: where the file's time went.
  const applied = toolLines.filter((l) => /^Applied: /.test(l.line)).map((l) => l.line.replace(/^Applied: \d+_/, ''));
  await runner.close();
  await writerConn.close();
  return {
    mode,
    seconds,
    writes: lat.length,
    errors,
    p50: pct(lat, 50),
    p99: pct(lat, 99),
    max: lat.at(-1) ?? NaN,
    stalls,
    errorMessages: messages,
    load: loadavg()[0]!,
    notes: [
      ...phases,
      ...applied,
      ...batchNotes.splice(0),
      ...(vacuums ? [`autovacuum/autoanalyze runs on the table meanwhile: ${vacuums}`] : []),
    ],
  };
}

async function benchEngine(e: Engine): Promise<void> {
  const adminUrl = e === 'postgres' ? PG_URL : MYSQL_URL;
  const name = `cw_bench_${randomBytes(3).toString('hex')}`;
  const admin = await connect({ ...parseConnectionUrl(adminUrl), statementTimeoutMs: 0 });
  await admin.query(`CREATE DATABASE ${qi(e, name)}`);
  const url = withDb(adminUrl, name);
  const info = await admin.serverInfo();
  const dialect: Dialect = info.dialect;
  const schema = e === 'postgres' ? 'public' : name;
  const results: (Result | null)[] = [];
  const ws = mkdtempSync(join(tmpdir(), 'cw-bench-files-'));
  try {
    if (values.warmup) {
      const w = await measure(
        'warm-up (not measured)',
        e,
        url,
        async (c) => {
          await c.query(e === 'postgres' ? 'ALTER TABLE bench ADD COLUMN token uuid' : 'ALTER TABLE bench ADD COLUMN token char(36) NULL');
          await c.query(e === 'postgres' ? 'UPDATE bench SET token = gen_random_uuid()' : 'UPDATE bench SET token = UUID()');
        },
        true,
      );
      console.log(`warm-up (not measured): ${w!.seconds.toFixed(2)} s, load ${w!.load.toFixed(2)}`);
    }
    results.push(
      await measure('one UPDATE', e, url, async (c) => {
        if (e === 'postgres') {
          await c.query('ALTER TABLE bench ADD COLUMN token uuid');
          await c.query('UPDATE bench SET token = gen_random_uuid()');
          await c.query('ALTER TABLE bench ALTER COLUMN token SET DEFAULT gen_random_uuid(), ALTER COLUMN token SET NOT NULL');
        } else {
          await c.query('ALTER TABLE bench ADD COLUMN token char(36) NULL');
          await c.query('UPDATE bench SET token = UUID()');
          await c.query('ALTER TABLE bench MODIFY COLUMN token char(36) NOT NULL DEFAULT (UUID()), ALGORITHM=INPLACE, LOCK=NONE');
        }
      }),
    );
    results.push(
      await measure('written file (dbmate up)', e, url, async () => {
        const plan = planColumn(
          parseColumnDefinition(DEF[e], dialect),
          { table: { schema, name: 'bench' }, rows: ROWS, bytes: ROWS * 80, primaryKey: ['id'] },
          { dialect, version: info.version },
        );
        const dir = `db/${randomBytes(3).toString('hex')}`;
        const { outcome } = await writeMigrations(new NodeFileSink(ws), plan, { tool: 'dbmate', dir, now: new Date() });
        if (!outcome.ok) throw new Error(outcome.message);
        if (BATCH_LOG && e === 'mysql') {
          const file = outcome.created.find((f) => f.endsWith('_backfill.sql'));
          const text = file ? readFileSync(join(ws, file), 'utf8') : '';
          if (!text.includes(BATCH_MS_LINE)) throw new Error(`--batch-log: no batch timing line in ${file ?? 'the files'}`);
          writeFileSync(
            join(ws, file!),
            text.replace(BATCH_MS_LINE, `${BATCH_MS_LINE}\n      INSERT INTO cw_batch_log VALUES (t0, size, ms);`),
          );
          await admin.query(`CREATE TABLE ${qi(e, name)}.cw_batch_log (t0 DECIMAL(20,6), size INT, ms DECIMAL(20,6)) ENGINE=MEMORY`);
        }
        const dbmateUrl = e === 'postgres' ? withDb(adminUrl, name, { sslmode: 'disable' }) : url;
        await exec(join(BIN, 'dbmate'), ['--no-dump-schema', '--migrations-dir', join(ws, dir), 'up'], { DATABASE_URL: dbmateUrl });
      }),
    );
    const ptosc = spawnSync('pt-online-schema-change', ['--version'], { encoding: 'utf8' });
    // On MySQL/MariaDB with pt-online-schema-change installed, `run` chooses one online copy by it; the batched form too.
    const runnerModes: [string, string[]][] = [['column-wizard run', []]];
    if (e === 'mysql' && ptosc.status === 0) runnerModes.push(['column-wizard run --no-online-copy', ['--no-online-copy']]);
    const runners = async () => {
      if (!values['skip-runner'])
        for (const [mode, extra] of runnerModes)
          results.push(
            await measure(mode, e, url, async () => {
              await exec(CLI[0], [
                ...CLI[1],
                'run',
                '--url',
                url,
                '--table',
                'bench',
                '--column',
                DEF[e],
                '--yes',
                '--no-calibrate',
                '--no-baseline',
                ...extra,
                ...values['runner-args']!.split(' ').filter(Boolean),
              ]);
            }),
          );
    };
    const ptOscRow = async () => {
      if (e === 'mysql' && ptosc.status === 0) {
        results.push(
          await measure(`pt-osc ${ptosc.stdout.trim().split(/\s+/).pop()}`, e, url, async () => {
            const u = new URL(url);
            await exec('pt-online-schema-change', [
              '--alter',
              `ADD COLUMN ${DEF[e]}`,
              `h=${u.hostname},P=${u.port || 3306},u=${decodeURIComponent(u.username)},D=${name},t=bench`,
              ...(u.password ? [`--password=${decodeURIComponent(u.password)}`] : []),
              '--execute',
              '--no-check-replication-filters',
              '--recursion-method=none',
            ]);
          }),
        );
      } else if (e === 'mysql') {
        console.log('pt-online-schema-change not installed (Debian package percona-toolkit): its row is left out');
      }
    };
    if (values['pt-osc-first']) {
      await ptOscRow();
      await runners();
    } else {
      await runners();
      await ptOscRow();
    }
  } finally {
    rmSync(ws, { recursive: true, force: true });
    await admin.query(e === 'postgres' ? `DROP DATABASE IF EXISTS ${qi(e, name)} WITH (FORCE)` : `DROP DATABASE IF EXISTS ${qi(e, name)}`);
    await admin.close();
  }
  const rows = results.filter((r): r is Result => r !== null);
  if (!rows.length) return;
  const floor = rows[0]!.seconds;
  console.log(
    `\n${info.banner.split(' on ')[0]} — ${ROWS.toLocaleString('en')} rows, ${DEF[e]}, ${WRITER_RATE ? `writer at ${WRITER_RATE} writes/s` : `writer pause ${WRITER_PAUSE} ms`}`,
  );
  console.log(
    `column-wizard runs as ${CLI[1][0]!.endsWith('.js') ? 'the built dist/cli.js' : 'src/cli.ts through tsx (npm run build first to leave its compile time out)'}`,
  );
  console.log('mode                          total s  ×UPDATE   writes  errors  writer p50 ms  p99 ms  max ms  load 1m');
  for (const r of rows) {
    console.log(
      `${r.mode.padEnd(29)} ${r.seconds.toFixed(2).padStart(7)}  ${(r.seconds / floor).toFixed(2).padStart(7)}  ${String(r.writes).padStart(7)}  ${String(r.errors).padStart(6)}  ${r.p50.toFixed(2).padStart(13)}  ${r.p99.toFixed(1).padStart(6)}  ${r.max.toFixed(0).padStart(6)}  ${r.load.toFixed(2).padStart(7)}`,
    );
  }
  for (const r of rows) if (r.stalls.length) console.log(`worst writer stalls, ${r.mode}: ${r.stalls.join('; ')}`);
  for (const r of rows) if (r.notes.length) console.log(`${r.mode}: ${r.notes.join('; ')}`);
  for (const r of rows) if (r.errorMessages.length) console.log(`writer errors, ${r.mode}: ${r.errorMessages.join(' | ')}`);
}

async function main() {
  const engines: Engine[] = values.engine === 'both' ? ['postgres', 'mysql'] : [values.engine as Engine];
  for (const e of engines) await benchEngine(e);
}
main().catch((err) => {
  console.error(err);
  process.exit(1);
});
