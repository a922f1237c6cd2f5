/** Planning for a topology (src/core/topology.ts) and the per-node runbook (src/core/runbook.ts), offline. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { columnFromArgs } from '../../src/cli/plan';
import { planColumn } from '../../src/core/plan';
import { renderRunbook } from '../../src/core/runbook';
import { planForGalera, planForLogical, type GaleraTopology, type LogicalTopology } from '../../src/core/topology';

const galera: GaleraTopology = {
  kind: 'galera',
  clusterSize: 3,
  clusterStatus: 'Primary',
  localState: 'Synced',
  osuMethod: 'TOI',
  maxWsRows: 0,
  maxWsSize: 2147483647,
  nodes: [
    { address: '10.0.0.1:3306', local: true },
    { address: '10.0.0.2:3306', local: false },
    { address: '10.0.0.3:3306', local: false },
  ],
  flowControlPaused: 0,
  localRecvQueue: 0,
};
const logical: LogicalTopology = {
  kind: 'logical',
  publications: [{ name: 'p', publishesInsert: true, publishesUpdate: true, publishesDelete: true, allTables: false }],
  replicaIdentity: 'default',
  identityUsable: true,
  slots: [{ name: 's1', active: true, lagBytes: 0 }],
  subscribers: [{ name: 'sub1', hasTable: true, subscriptions: [{ name: 's1', enabled: true, publications: ['p'], tableState: 'r' }] }],
};
const facts = (schema: string) => ({ table: { schema, name: 't' }, rows: 1_000_000, bytes: 200 * 1024 * 1024 });

describe('topology plans', () => {
  it('Galera: the index build blocks writes cluster-wide under TOI; RSU stages it node by node; backfill batches capped', () => {
    const plan = planColumn(columnFromArgs('ref int NOT NULL DEFAULT 0', 'mariadb', { index: true }), facts('db'), {
      dialect: 'mariadb',
      version: '10.11.6-MariaDB',
    });
    const toi = planForGalera(plan, galera);
    const idx = toi.plan.phases.flatMap((p) => p.steps).find((s) => /ADD INDEX/.test(s.sql))!;
    assert.equal(idx.blocks.writes, true);
    assert.equal(idx.estimate.lockSeconds, idx.estimate.totalSeconds);
    assert.ok(toi.plan.warnings.some((w) => w.code === 'galera-toi-stall'));
    const rsu = planForGalera(plan, galera, { rsu: true });
    assert.deepEqual(
      rsu.stages.map((s) => s.mode),
      ['toi', 'rsu'],
    );
    assert.equal(rsu.plan.phases.flatMap((p) => p.steps).find((s) => /ADD INDEX/.test(s.sql))!.blocks.writes, false);
    const again = planForGalera(toi.plan, galera);
    assert.equal(
      again.plan.warnings.filter((w) => w.code === 'galera-toi-stall').length,
      1,
      'planning a plan file again does not repeat findings',
    );
    const book = renderRunbook(rsu);
    assert.match(book, /## 2\. On EACH node in turn[\s\S]*SET SESSION wsrep_OSU_method = 'RSU';\nALTER TABLE `db`.`t` ADD INDEX/);
    assert.ok(
      !rsu.plan.warnings.some((w) => /^galera-rsu-(constraint|incompatible)$/.test(w.code)),
      'a plain index is replication-compatible',
    );
    const uniq = planForGalera(
      planColumn(columnFromArgs('ref int NOT NULL DEFAULT 0', 'mariadb', { unique: true }), facts('db'), {
        dialect: 'mariadb',
        version: '10.11.6-MariaDB',
      }),
      galera,
      { rsu: true },
    );
    assert.ok(
      uniq.plan.warnings.some(
        (w) => w.code === 'galera-rsu-constraint' && /UNIQUE/.test(w.message) && /leaves the cluster/.test(w.message),
      ),
      JSON.stringify(uniq.plan.warnings.map((w) => w.code)),
    );
    const vol = planColumn(columnFromArgs('ref char(36) NOT NULL DEFAULT (UUID())', 'mariadb', {}), facts('db'), {
      dialect: 'mariadb',
      version: '10.11.6-MariaDB',
    });
    const volRsu = planForGalera(vol, galera, { rsu: true });
    assert.ok(
      volRsu.plan.warnings.some((w) => w.code === 'galera-rsu-constraint' && /NOT NULL/i.test(w.message)),
      JSON.stringify(volRsu.plan.warnings.map((w) => [w.code, w.message])),
    );
    assert.equal(
      planForGalera(volRsu.plan, galera, { rsu: true }).plan.warnings.filter((w) => w.code === 'galera-rsu-constraint').length,
      1,
      'not repeated when planned again',
    );
    const bf = planForGalera(vol, { ...galera, maxWsRows: 200 })
      .plan.phases.flatMap((p) => p.steps)
      .find((s) => s.backfill)!;
    assert.equal(bf.backfill!.batchSize, 100);
    assert.match(bf.sql, /LIMIT 100\b/);
  });

  it('logical: subscribers first, publisher, constraints on subscribers last; no replica identity is an error', () => {
    const plan = planColumn(columnFromArgs('ref uuid NOT NULL DEFAULT gen_random_uuid()', 'postgres', {}), facts('public'), {
      dialect: 'postgres',
      version: '15.4',
    });
    const tp = planForLogical(plan, logical, { publisherName: 'pub' });
    assert.deepEqual(
      tp.stages.map((s) => `${s.role}:${s.node}`),
      ['subscriber:sub1', 'publisher:pub', 'subscriber:sub1'],
    );
    const kinds = (i: number) => tp.stages[i]!.steps.map((x) => tp.plan.phases[x.phaseIndex]!.kind);
    assert.ok(kinds(0).every((k) => k === 'expand'));
    assert.ok(kinds(2).every((k) => k === 'constrain'));
    assert.ok(!kinds(0).includes('backfill') && !kinds(2).includes('backfill'));
    const bad = planForLogical(plan, { ...logical, identityUsable: false });
    assert.equal(bad.plan.warnings.find((w) => w.code === 'logical-no-replica-identity')?.severity, 'error');
    const book = renderRunbook(tp);
    assert.ok(book.indexOf('## 1. On subscriber sub1') < book.indexOf('## 2. On publisher pub'));
    assert.match(book, /## 3\. On subscriber sub1[\s\S]*VALIDATE CONSTRAINT/);
  });
});
