/**
 * Fault-injection soak (issue 14 item 8): `npm run bench:soak -- [--faults N] [--rows N]`. Rounds alternate the two
 * engines and cycle through the faults of test/db/soak.ts (killed runner process, terminated backend, a held ACCESS
 * EXCLUSIVE / LOCK TABLES WRITE, cancel, a failing VALIDATE/CHECK); each round checks rows, writability, state and the
 * exact resume. Prints one line per round and the totals; exits 1 on any violation. PG_URL / MYSQL_URL as the tests.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { connect, type DatabaseClient } from '../src/db/client';
import { databaseUrl, MYSQL_URL, PG_URL, type Engine } from '../test/db/helpers';
import { FAULTS, soakRound, type RoundResult } from '../test/db/soak';

async function main() {
  const { values } = parseArgs({ options: { faults: { type: 'string', default: '32' }, rows: { type: 'string', default: '3000' } } });
  const faults = Number(values.faults);
  const rows = Number(values.rows);
  if (!Number.isInteger(faults) || faults < 1 || !Number.isInteger(rows) || rows < 1000) throw new Error('--faults must be a positive integer and --rows at least 1000');
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
  try {
    for (let i = 0; i < faults; i++) {
      const d = dbs[i % 2]!;
      const fault = FAULTS[Math.floor(i / 2) % FAULTS.length]!;
      const r = await soakRound(d.client, d.url, () => connect(d.url), d.engine, d.engine === 'postgres' ? 'public' : d.name, i, fault, rows);
      results.push(r);
      console.log(`${String(i + 1).padStart(3)} ${d.engine.padEnd(8)} ${fault.padEnd(19)} injected=${r.injected ? 'yes' : 'NO '} invocations=${r.invocations} ${r.seconds.toFixed(1)} s ${r.violations.length ? `VIOLATIONS: ${r.violations.join(' | ')}` : 'ok'}`);
    }
  } finally {
    for (const d of dbs) {
      await d.client.close();
      const a = await connect(d.admin);
      await a.query(d.engine === 'postgres' ? `DROP DATABASE IF EXISTS "${d.name}" WITH (FORCE)` : `DROP DATABASE IF EXISTS \`${d.name}\``);
      await a.close();
    }
  }
  const injected = results.filter((r) => r.injected).length;
  const bad = results.filter((r) => r.violations.length);
  console.log(`\nrounds ${results.length}, faults injected ${injected} (postgres ${results.filter((r) => r.injected && r.engine === 'postgres').length}, mysql ${results.filter((r) => r.injected && r.engine === 'mysql').length}), rounds with violations ${bad.length}, total ${results.reduce((s, r) => s + r.seconds, 0).toFixed(0)} s`);
  for (const f of FAULTS) {
    const rs = results.filter((r) => r.fault === f);
    if (rs.length) console.log(`  ${f.padEnd(19)} ${rs.length} rounds, ${rs.filter((r) => r.injected).length} injected, ${rs.filter((r) => r.violations.length).length} with violations, mean ${(rs.reduce((s, r) => s + r.seconds, 0) / rs.length).toFixed(1)} s`);
  }
  process.exitCode = bad.length ? 1 : 0;
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
