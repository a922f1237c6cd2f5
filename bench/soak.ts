/**
 * Fault-injection soak (issue 14 item 8): `npm run bench:soak -- [--faults N] [--rows N]`. Rounds alternate the two
 * engines and cycle through the faults of test/db/soak.ts (killed runner process, terminated backend, a held ACCESS
 * EXCLUSIVE / LOCK TABLES WRITE, cancel, a failing VALIDATE/CHECK, a server restart); each round checks rows,
 * writability, state and the exact resume. Server-restart rounds run on private servers this script starts and removes
 * (PostgreSQL cluster on port 5462, mariadbd on 3352; needs root, postgresql-common, mariadb-server) — never on the
 * shared PG_URL / MYSQL_URL servers, which the other rounds use. Prints one line per round and the totals; exits 1 on any violation. PG_URL / MYSQL_URL as the tests.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { connect, type DatabaseClient } from '../src/db/client';
import { databaseUrl, MYSQL_URL, PG_URL, type Engine } from '../test/db/helpers';
import { startPrivateMariadb, startPrivatePostgres, type PrivateServer } from '../test/db/privateServers';
import { FAULTS, soakRound, type RoundResult } from '../test/db/soak';

async function main() {
  const { values } = parseArgs({ options: { faults: { type: 'string', default: '36' }, rows: { type: 'string', default: '3000' } } });
  const faults = Number(values.faults);
  const rows = Number(values.rows);
  if (!Number.isInteger(faults) || faults < 1 || !Number.isInteger(rows) || rows < 1000)
    throw new Error('--faults must be a positive integer and --rows at least 1000');
  const results: RoundResult[] = [];
  const dbs: { engine: Engine; admin: string; name: string; url: string; client: DatabaseClient; opened: DatabaseClient[] }[] = [];
  for (const engine of ['postgres', 'mysql'] as const) {
    const admin = engine === 'postgres' ? PG_URL : MYSQL_URL;
    const name = `cw_soak_${randomBytes(4).toString('hex')}`;
    const a = await connect(admin);
    await a.query(engine === 'postgres' ? `CREATE DATABASE "${name}"` : `CREATE DATABASE \`${name}\``);
    await a.close();
    const url = databaseUrl(admin, name);
    dbs.push({ engine, admin, name, url, client: await connect(url), opened: [] });
  }
  const privateServers = new Map<Engine, PrivateServer>();
  try {
    for (let i = 0; i < faults; i++) {
      const d = dbs[i % 2]!;
      const fault = FAULTS[Math.floor(i / 2) % FAULTS.length]!;
      let r: RoundResult;
      if (fault === 'server-restart') {
        let server = privateServers.get(d.engine);
        if (!server) {
          server = d.engine === 'postgres' ? await startPrivatePostgres(5462, 'cw_soak_bench') : await startPrivateMariadb(3352);
          privateServers.set(d.engine, server);
          const a = await connect(server.url);
          await a.query('CREATE DATABASE cw_soak');
          await a.close();
        }
        const url = databaseUrl(server.url, 'cw_soak');
        const client = await connect(url);
        const restart = server.restart.bind(server);
        r = await soakRound(
          client,
          url,
          () => connect(url),
          d.engine,
          d.engine === 'postgres' ? 'public' : 'cw_soak',
          i,
          fault,
          rows,
          restart,
        );
        await client.close().catch(() => undefined);
      } else {
        r = await soakRound(d.client, d.url, () => connect(d.url), d.engine, d.engine === 'postgres' ? 'public' : d.name, i, fault, rows);
      }
      results.push(r);
      console.log(
        `${String(i + 1).padStart(3)} ${d.engine.padEnd(8)} ${fault.padEnd(19)} injected=${r.injected ? 'yes' : 'NO '} invocations=${r.invocations} ${r.seconds.toFixed(1)} s ${r.violations.length ? `VIOLATIONS: ${r.violations.join(' | ')}` : 'ok'}`,
      );
    }
  } finally {
    for (const server of privateServers.values()) await server.stop().catch(() => undefined);
    for (const d of dbs) {
      await d.client.close();
      const a = await connect(d.admin);
      await a.query(d.engine === 'postgres' ? `DROP DATABASE IF EXISTS "${d.name}" WITH (FORCE)` : `DROP DATABASE IF EXISTS \`${d.name}\``);
      await a.close();
    }
  }
  const injected = results.filter((r) => r.injected).length;
  const bad = results.filter((r) => r.violations.length);
  console.log(
    `\nrounds ${results.length}, faults injected ${injected} (postgres ${results.filter((r) => r.injected && r.engine === 'postgres').length}, mysql ${results.filter((r) => r.injected && r.engine === 'mysql').length}), rounds with violations ${bad.length}, total ${results.reduce((s, r) => s + r.seconds, 0).toFixed(0)} s`,
  );
  for (const f of FAULTS) {
    const rs = results.filter((r) => r.fault === f);
    if (rs.length)
      console.log(
        `  ${f.padEnd(19)} ${rs.length} rounds, ${rs.filter((r) => r.injected).length} injected, ${rs.filter((r) => r.violations.length).length} with violations, mean ${(rs.reduce((s, r) => s + r.seconds, 0) / rs.length).toFixed(1)} s`,
      );
  }
  process.exitCode = bad.length ? 1 : 0;
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
