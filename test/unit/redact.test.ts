import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { main } from '../../src/cli';
import { redactSecrets } from '../../src/core/redact';
import { redactUrl } from '../../src/db/connection';

// Each shape carries the secret "Zq9secret" (or a part of it) somewhere a careless printer would show it.
const SHAPES: readonly { text: string; keep: string }[] = [
  { text: 'postgres://app:Zq9secret@db.example.com:5432/shop', keep: 'postgres://app:***@db.example.com:5432/shop' },
  { text: 'postgres://app:Zq9/secret@db.example.com/shop', keep: 'postgres://app:***@db.example.com/shop' },
  { text: 'postgres://app:Zq9@secret@db.example.com/shop', keep: 'postgres://app:***@db.example.com/shop' },
  { text: 'postgres://app:Zq9:secret@db.example.com/shop', keep: 'postgres://app:***@db.example.com/shop' },
  { text: 'postgres://app:Zq9?secret@db.example.com/shop', keep: 'postgres://app:***@db.example.com/shop' },
  { text: 'postgres://app:Zq9#secret@db.example.com/shop', keep: 'postgres://app:***@db.example.com/shop' },
  { text: 'mysql://root:Zq9%40secret@127.0.0.1:3306/test', keep: 'mysql://root:***@127.0.0.1:3306/test' },
  { text: 'mariadb://root:Zq9secret@[::1]:3306/test', keep: 'mariadb://root:***@[::1]:3306/test' },
  {
    text: 'postgresql://db.example.com/shop?user=app&password=Zq9secret&sslmode=require',
    keep: 'postgresql://db.example.com/shop?user=app&password=***&sslmode=require',
  },
  { text: 'host=db.example.com user=app password=Zq9secret dbname=shop', keep: 'host=db.example.com user=app password=*** dbname=shop' },
  { text: "host=db.example.com password='Zq9 secret' dbname=shop", keep: 'host=db.example.com password=*** dbname=shop' },
  { text: 'PGPASSWORD=Zq9secret psql -h db', keep: 'PGPASSWORD=*** psql -h db' },
  { text: 'export MYSQL_PWD="Zq9 secret"', keep: 'export MYSQL_PWD=***' },
  { text: 'APP_DB_PASSWORD: Zq9secret', keep: 'APP_DB_PASSWORD: ***' },
  { text: 'failed: postgres://a:Zq9secret@h/d and mysql://b:Zq9secret@h2/e', keep: 'failed: postgres://a:***@h/d and mysql://b:***@h2/e' },
];

describe('redactSecrets: one rule for every credential form', () => {
  for (const { text, keep } of SHAPES) {
    it(text, () => {
      const out = redactSecrets(text);
      assert.equal(out, keep);
      assert.doesNotMatch(out, /Zq9|secret/);
    });
  }
  it('leaves what holds no credential alone', () => {
    for (const t of [
      'postgres://app@db.example.com:5432/shop',
      'mysql://root@127.0.0.1/test',
      'ALTER TABLE t ADD COLUMN c int',
      'postgres://h/db?email=a@b.example',
    ])
      assert.equal(redactSecrets(t), t);
  });
  it('known secret values are hidden wherever they appear verbatim', () => {
    assert.equal(redactSecrets('auth failed for "Zq9 s"', ['Zq9 s']), 'auth failed for "***"');
  });
  it('redactUrl is the same rule', () => {
    for (const { text } of SHAPES) assert.equal(redactUrl(text), redactSecrets(text));
  });
});

describe('the CLI never prints a password, for a table of URL shapes', () => {
  const urls = [
    'postgres://u:Zq9/sec@ret@127.0.0.1:1/db',
    'postgres://u@127.0.0.1:1/db?password=Zq9secret',
    'mysql://u:Zq9:secret@127.0.0.1:1/db',
    'postgres://u:Zq9 secret@127.0.0.1:1/db',
    'oracle://u:Zq9secret@h/db',
    'postgres://u:Zq9?secret@127.0.0.1:1/db',
    'postgres://u:Zq9%2Fsecret@127.0.0.1:1/db',
  ];
  for (const url of urls) {
    it(url, async () => {
      const printed: string[] = [];
      const code = await main(['plan', '--url', url, '--table', 't', '--column', 'c int'], {
        out: (t) => printed.push(t),
        err: (t) => printed.push(t),
      });
      assert.notEqual(code, 0);
      const all = printed.join('\n');
      assert.ok(all.length > 0);
      assert.doesNotMatch(all, /Zq9|secret/, all);
    });
  }
});
