/**
 * The editor's "Verify on server" path without an editor: ConnectionLintSource over a real connection (the settings
 * layer is plain data here) probes the statement on an empty copy and compares with the linter's claim.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type * as vscode from 'vscode';
import { lintSql } from '../../src/core/lint/analyze';
import { loadParsers } from '../../src/core/lint/parsers';
import type { DatabaseClient } from '../../src/db/client';
import type { Connections } from '../../src/extension/connections/manager';
import type { ConnectionProfile } from '../../src/extension/connections/profiles';
import { ConnectionLintSource } from '../../src/extension/lint/connectionSource';
import type { Log } from '../../src/extension/log';
import { dbTest, throwawayDatabase } from './helpers';

const pg = throwawayDatabase('postgres');

function source(client: DatabaseClient, database: string): ConnectionLintSource {
  const profile: ConnectionProfile = {
    name: 'local',
    dialect: 'postgres',
    host: '127.0.0.1',
    port: 5432,
    database,
    user: 'postgres',
    ssl: false,
    allowRun: true,
  };
  const connections = {
    list: () => [profile],
    client: async () => client,
    mayAutoConnect: async () => true,
    admitProbe: async () => true,
    onDidChange: () => ({ dispose() {} }),
  } as unknown as Connections;
  const state = { get: () => undefined } as unknown as vscode.Memento;
  const lines: string[] = [];
  const log = {
    info: (_c: string, m: string) => lines.push(m),
    warn: (_c: string, m: string) => lines.push(m),
    error: () => undefined,
  } as unknown as Log;
  return new ConnectionLintSource(connections, state, log);
}

describe('Verify on server (PostgreSQL)', () => {
  it(
    'a true claim is verified; a deliberately wrong one is reported with the difference',
    dbTest(async (t) => {
      const db = pg.get(t);
      await db.client.query('CREATE TABLE vt (id int PRIMARY KEY, email text)');
      await db.client.query("INSERT INTO vt SELECT g, 'e' || g FROM generate_series(1, 100) g");
      await db.client.query('ANALYZE vt');
      const src = source(db.client, db.name);
      const doc = { getText: () => 'CREATE INDEX vt_email_idx ON vt (email);' } as unknown as vscode.TextDocument;

      const bound = await src.targetFor(doc);
      assert.equal(bound?.target.dialect, 'postgres');
      assert.equal(bound?.facts({ name: 'vt' })?.rows, 100);

      const parsers = await loadParsers();
      const s = lintSql(doc.getText(), { target: bound!.target, facts: bound!.facts }, parsers).statements[0]!;
      const ok = await src.verify(doc, s.parsed.table!, s.text, s.strongest!);
      assert.deepEqual(ok, { profile: 'local', agrees: true, differences: [] });

      const wrong = await src.verify(doc, s.parsed.table!, s.text, { lock: 'ACCESS EXCLUSIVE', rewrite: true });
      assert.equal(wrong?.agrees, false);
      assert.deepEqual(wrong?.differences, ['lock: rule ACCESS EXCLUSIVE, server SHARE', 'rewrite: rule yes, server no']);
    }),
  );
});
