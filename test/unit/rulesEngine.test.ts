// Rules defect found by the database layer's probes (MariaDB 10.11): ADD COLUMN on a non-InnoDB table is a COPY.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { impactOf, instantAddProblem } from '../../src/core/rules';
import type { ColumnSpec, TableFacts, Target } from '../../src/core/types';

const spec: ColumnSpec = { name: 'c', type: { name: 'int', params: [] }, nullable: true, default: { kind: 'none' } };
const maria: Target = { dialect: 'mariadb', version: '10.11.19' };
const facts = (engine: string): TableFacts => ({ table: { schema: 'db', name: 't' }, rows: 10, bytes: 16384, engine });

describe('ADD COLUMN on a non-InnoDB table', () => {
  it('is not INSTANT on Aria or MyISAM, and is a COPY that blocks writes', () => {
    for (const engine of ['Aria', 'MyISAM']) {
      assert.match(instantAddProblem(spec, maria, facts(engine)) ?? '', new RegExp(`${engine} engine`));
      const i = impactOf({ op: 'add-column', spec }, maria, facts(engine));
      assert.deepEqual([i.algorithm, i.lock, i.rewrite, i.blocks], ['COPY', 'SHARED', true, { reads: false, writes: true }]);
    }
  });

  it('stays INSTANT on InnoDB', () => {
    const i = impactOf({ op: 'add-column', spec }, maria, facts('InnoDB'));
    assert.deepEqual([i.algorithm, i.lock, i.rewrite], ['INSTANT', 'NONE', false]);
  });
});

describe('an explicit ALGORITHM=INPLACE on an INSTANT-capable ADD COLUMN', () => {
  const mysql: Target = { dialect: 'mysql', version: '8.0.36' };
  const op = { op: 'add-column' as const, spec, mysql: { algorithm: 'INPLACE' as const, lock: 'NONE' as const } };
  it('runs instantly on MariaDB (ALGORITHM is the least efficient allowed): no rebuild', () => {
    const i = impactOf(op, maria, facts('InnoDB'));
    assert.deepEqual([i.algorithm, i.lock, i.rewrite, i.fails], ['INPLACE', 'NONE', false, undefined]);
  });
  it('rebuilds in place on MySQL', () => {
    const i = impactOf(op, mysql, facts('InnoDB'));
    assert.deepEqual([i.algorithm, i.lock, i.rewrite], ['INPLACE', 'NONE', true]);
  });
});

describe('ADD COLUMN … UNIQUE in one statement on MySQL/MariaDB', () => {
  it('is not INSTANT: INPLACE, LOCK=NONE with a rebuild', () => {
    const i = impactOf({ op: 'add-column', spec: { ...spec, unique: true } }, maria, facts('InnoDB'));
    assert.deepEqual([i.algorithm, i.lock, i.rewrite], ['INPLACE', 'NONE', true]);
  });
});
