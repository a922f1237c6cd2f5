/**
 * Golden files: every writer's output for real plans, compared byte for byte with test/unit/migrations/golden/.
 * After an intended change in a writer or the planner, regenerate with UPDATE_GOLDEN=1 and review the diff.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MIGRATION_TOOLS, WRITERS, WriterError } from '../../../src/core/migrations';
import type { Plan } from '../../../src/core/types';
import { mariaFull, NOW, pgFull, pgIndexed } from './plans';
import { renderResult, writeFor } from './setup';

const GOLDEN = join(__dirname, 'golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

function checkGolden(name: string, actual: string): void {
  const path = join(GOLDEN, `${name}.txt`);
  if (UPDATE || !existsSync(path)) {
    if (!UPDATE) assert.fail(`golden file ${path} is missing; run with UPDATE_GOLDEN=1 to create it`);
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  assert.equal(actual, readFileSync(path, 'utf8'), `${name} differs from ${path} (UPDATE_GOLDEN=1 regenerates it)`);
}

const SCENARIOS: [string, () => Plan][] = [
  ['pg10-full', pgFull],
  ['pg15-indexed', pgIndexed],
  ['mariadb-full', mariaFull],
];

describe('golden migration files', () => {
  for (const tool of MIGRATION_TOOLS) {
    for (const [scenario, make] of SCENARIOS) {
      it(`${tool} × ${scenario}`, () => {
        let text: string;
        try {
          text = renderResult(writeFor(tool, make()));
        } catch (err) {
          if (!(err instanceof WriterError)) throw err;
          text = `=== refused\n${err.message}\n`;
        }
        checkGolden(`${tool}.${scenario}`, text);
      });
    }
  }
  it('TypeORM and Kysely write the concurrent index when the runner allows non-transactional migrations', () => {
    for (const tool of ['typeorm', 'kysely'] as const)
      checkGolden(`${tool}.pg15-indexed.no-tx-runner`, renderResult(writeFor(tool, pgIndexed(), { nonTransactionalRunner: true })));
  });
  it('Liquibase XML changelog with the include added to an XML master', () => {
    const plan = pgIndexed();
    const r = WRITERS.liquibase.write(plan, {
      dir: 'src/main/resources/db/changelog',
      existing: ['db.changelog-master.xml'],
      now: NOW,
      name: 'add_users_nickname',
      contents: {
        'src/main/resources/db/changelog/db.changelog-master.xml':
          '<?xml version="1.0" encoding="UTF-8"?>\n<databaseChangeLog xmlns="http://www.liquibase.org/xml/ns/dbchangelog">\n    <include file="init.xml" relativeToChangelogFile="true"/>\n</databaseChangeLog>\n',
      },
      versionScheme: { kind: 'timestamp', width: 14, format: 'datetime' },
      options: { liquibaseMaster: 'src/main/resources/db/changelog/db.changelog-master.xml' },
    });
    checkGolden('liquibase.pg15-indexed.xml', renderResult(r));
  });
  it('Liquibase formatted SQL', () => {
    const r = writeFor('liquibase', pgFull(), { liquibaseFormat: 'sql' });
    checkGolden('liquibase.pg10-full.sql', renderResult(r));
  });
});
