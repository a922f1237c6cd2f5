/**
 * Liquibase cannot run here (Java): its XML and YAML changelogs are parsed back with real parsers and checked against
 * the plan, statement for statement, with runInTransaction only where the plan needs it and the master's include.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { XMLParser } from 'fast-xml-parser';
import { parse as parseYaml } from 'yaml';
import { WRITERS } from '../../../src/core/migrations';
import { planUnits } from '../../../src/core/migrations/units';
import { NOW, pgFull } from './plans';

const plan = pgFull();
const units = planUnits(plan, 'add_users_nickname');
const expected = units.map((u) => ({
  id: `20260901120000-${u.slug}`,
  noTx: u.nonTransactional,
  up: u.up.map((s) => s.sql),
  down: u.down.map((s) => s.sql),
}));
/** A change's SQL without the comment lines the writer puts before a statement and without the final semicolon. */
const bareSql = (text: string) =>
  text
    .replace(/^(--[^\n]*\n)+/, '')
    .replace(/;\s*$/, '')
    .trim();

function write(format: 'xml' | 'yaml' | 'json', master: string, masterText: string) {
  return WRITERS.liquibase.write(plan, {
    dir: 'db/changelog/changes',
    existing: [],
    now: NOW,
    name: 'add_users_nickname',
    contents: { [master]: masterText },
    versionScheme: { kind: 'timestamp', width: 14, format: 'datetime' },
    options: { liquibaseMaster: master, liquibaseFormat: format },
  });
}

describe('Liquibase changelogs parse back to the plan', () => {
  it('YAML: one changeSet per unit, sql and rollback statement for statement, include appended to the master', () => {
    const r = write(
      'yaml',
      'db/changelog/db.changelog-master.yaml',
      'databaseChangeLog:\n  - include:\n      file: changes/init.yaml\n      relativeToChangelogFile: true\n',
    );
    type Change = { sql: { sql: string; splitStatements?: boolean } };
    const doc = parseYaml(r.files[0]!.content) as {
      databaseChangeLog: { changeSet: { id: string; runInTransaction?: boolean; changes: Change[]; rollback?: Change[] } }[];
    };
    const sets = doc.databaseChangeLog.map((e) => e.changeSet);
    assert.deepEqual(
      sets.map((s) => ({
        id: s.id,
        noTx: s.runInTransaction === false,
        up: s.changes.map((c) => bareSql(c.sql.sql)),
        down: (s.rollback ?? []).map((c) => bareSql(c.sql.sql)),
      })),
      expected,
    );
    const changes = sets.flatMap((s) => [...s.changes, ...(s.rollback ?? [])]);
    assert.deepEqual(
      changes.filter((c) => c.sql.splitStatements === false).map((c) => bareSql(c.sql.sql)),
      changes.map((c) => bareSql(c.sql.sql)).filter((x) => x.startsWith('DO $cw$')),
      'only the DO blocks are not split',
    );
    assert.ok(changes.some((c) => c.sql.splitStatements === false));
    const master = parseYaml(r.edits[0]!.after) as { databaseChangeLog: { include: { file: string; relativeToChangelogFile: boolean } }[] };
    assert.deepEqual(
      master.databaseChangeLog.map((e) => e.include.file),
      ['changes/init.yaml', `changes/${r.files[0]!.path.split('/').pop()}`],
    );
  });

  it('XML: the same, with runInTransaction="false" attributes and an <include> before </databaseChangeLog>', () => {
    const r = write(
      'xml',
      'db/changelog/db.changelog-master.xml',
      '<?xml version="1.0" encoding="UTF-8"?>\n<databaseChangeLog>\n    <include file="changes/init.xml" relativeToChangelogFile="true"/>\n</databaseChangeLog>\n',
    );
    const parser = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '@',
      textNodeName: '#text',
      alwaysCreateTextNode: true,
      isArray: (name) => ['changeSet', 'include', 'sql'].includes(name),
    });
    type Sql = { '#text': string; '@splitStatements'?: string };
    const doc = parser.parse(r.files[0]!.content) as {
      databaseChangeLog: { changeSet: { '@id': string; '@runInTransaction'?: string; sql: Sql[]; rollback?: { sql: Sql[] } }[] };
    };
    assert.deepEqual(
      doc.databaseChangeLog.changeSet.map((s) => ({
        id: s['@id'],
        noTx: s['@runInTransaction'] === 'false',
        up: s.sql.map((x) => bareSql(x['#text'])),
        down: (s.rollback?.sql ?? []).map((x) => bareSql(x['#text'])),
      })),
      expected,
    );
    const all = doc.databaseChangeLog.changeSet.flatMap((s) => [...s.sql, ...(s.rollback?.sql ?? [])]);
    assert.deepEqual(
      all.filter((x) => x['@splitStatements'] === 'false').map((x) => bareSql(x['#text'])),
      all.map((x) => bareSql(x['#text'])).filter((x) => x.startsWith('DO $cw$')),
    );
    assert.ok(all.some((x) => x['@splitStatements'] === 'false'));
    const master = parser.parse(r.edits[0]!.after) as { databaseChangeLog: { include: { '@file': string }[] } };
    assert.deepEqual(
      master.databaseChangeLog.include.map((i) => i['@file']),
      ['changes/init.xml', `changes/${r.files[0]!.path.split('/').pop()}`],
    );
  });

  // Each master edited through a real parser and read back: the include is the last entry and nothing else changed.
  const newFile = (r: ReturnType<typeof write>) => `changes/${r.files[0]!.path.split('/').pop()}`;
  for (const [label, text, before] of [
    ['an empty flow sequence', 'databaseChangeLog: []\n', []],
    ['a flow sequence with an entry', 'databaseChangeLog: [{include: {file: changes/init.yaml}}]\n', ['changes/init.yaml']],
    ['no entries yet (null)', '# the master\ndatabaseChangeLog:\n', []],
    ['an empty file', '', []],
    [
      'comments and a property',
      '# keep me\ndatabaseChangeLog:\n  - property:\n      name: x\n      value: y\n  # trailing comment\n  - include:\n      file: changes/init.yaml\n',
      [undefined, 'changes/init.yaml'],
    ],
  ] as const) {
    it(`YAML master with ${label}: stays valid YAML with the include appended`, () => {
      const r = write('yaml', 'db/changelog/db.changelog-master.yaml', text);
      const after = r.edits[0]!.after;
      const doc = parseYaml(after) as { databaseChangeLog: { include?: { file: string; relativeToChangelogFile?: boolean } }[] };
      assert.deepEqual(
        doc.databaseChangeLog.map((e) => e.include?.file),
        [...before, newFile(r)],
        after,
      );
      assert.equal(doc.databaseChangeLog.at(-1)!.include!.relativeToChangelogFile, true);
      if (text.includes('# keep me')) assert.match(after, /# keep me/);
    });
  }

  it('YAML master that is not a changelog map: left alone with a warning, nothing invalid written', () => {
    const r = write('yaml', 'db/changelog/db.changelog-master.yaml', '- just a list\n');
    assert.deepEqual(r.edits, []);
    assert.match(r.warnings.join('\n'), /cannot be edited automatically/);
  });

  it('JSON master: JSON changelog written, include appended through JSON.parse, indentation kept', () => {
    const r = write('json', 'db/changelog/db.changelog-master.json', '{\n    "databaseChangeLog": []\n}\n');
    const doc = JSON.parse(r.files[0]!.content) as {
      databaseChangeLog: { changeSet: { id: string; runInTransaction?: boolean; changes: { sql: { sql: string } }[] } }[];
    };
    assert.deepEqual(
      doc.databaseChangeLog.map((e) => ({
        id: e.changeSet.id,
        noTx: e.changeSet.runInTransaction === false,
        up: e.changeSet.changes.map((c) => bareSql(c.sql.sql)),
      })),
      expected.map((e) => ({ id: e.id, noTx: e.noTx, up: e.up })),
    );
    assert.match(r.files[0]!.path, /\.json$/);
    const master = JSON.parse(r.edits[0]!.after) as { databaseChangeLog: { include: { file: string } }[] };
    assert.deepEqual(
      master.databaseChangeLog.map((e) => e.include.file),
      [newFile(r)],
    );
    assert.match(r.edits[0]!.after, /^\{\n {4}"databaseChangeLog"/);
  });
});
