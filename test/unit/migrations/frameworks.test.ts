/** The Rails, Django and Alembic writers' own rules (the files themselves are pinned by the golden tests). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WRITERS, WriterError } from '../../../src/core/migrations';
import { alembicRevision, revisionOf } from '../../../src/core/migrations/tools/alembic';
import { djangoField } from '../../../src/core/migrations/tools/django';
import { NOW, pgFull, planFor } from './plans';

const ctx = (dir: string, existing: string[], contents: Record<string, string> = {}) => ({
  dir,
  existing,
  contents,
  now: NOW,
  name: 'add_orders_token',
  versionScheme: { kind: 'sequential' as const, width: 4 },
  options: {},
});

describe('Alembic', () => {
  it('chains from the single head; two heads are refused with the merge command', () => {
    assert.deepEqual(revisionOf('revision = "b"\ndown_revision = ("a", "c")\n'), { revision: 'b', down: ['a', 'c'] });
    assert.deepEqual(revisionOf("revision: str = 'a'\ndown_revision: Union[str, None] = None\n"), { revision: 'a', down: [] });
    const one = WRITERS.alembic.write(
      pgFull(),
      ctx('v', ['a.py', 'b.py'], { 'v/a.py': 'revision = "a"\ndown_revision = None\n', 'v/b.py': 'revision = "b"\ndown_revision = "a"\n' }),
    );
    assert.match(one.files[0]!.content, /\ndown_revision = "b"\n/);
    assert.match(
      one.files[1]!.content,
      new RegExp(`\\ndown_revision = "${alembicRevision(`${NOW.toISOString()}:add_orders_token_expand`)}"\\n`),
    );
    assert.throws(
      () =>
        WRITERS.alembic.write(
          pgFull(),
          ctx('v', ['a.py', 'c.py'], {
            'v/a.py': 'revision = "a"\ndown_revision = None\n',
            'v/c.py': 'revision = "c"\ndown_revision = None\n',
          }),
        ),
      (e: unknown) => e instanceof WriterError && /2 heads \(a, c\).*alembic merge heads/.test(e.message),
    );
  });
});

describe('Django', () => {
  it('PostgreSQL 11 keeps NOT NULL as a CHECK: the state keeps the field null=True, as the catalog and the final model edit have it', () => {
    const text = WRITERS.django
      .write(
        planFor('postgres', '11.22', 'token uuid NOT NULL DEFAULT gen_random_uuid()', { table: 'shop_order', index: true }),
        ctx('shop/migrations', ['0001_initial.py']),
      )
      .files.map((f) => f.content)
      .join('\n');
    assert.match(text, /ADD CONSTRAINT \\"shop_order_token_not_null\\" CHECK/);
    assert.doesNotMatch(text, /SET NOT NULL/);
    assert.match(text, /migrations\.AlterField\(model_name="order", name="token", field=models\.UUIDField\(null=True, db_index=True\)\)/);
    assert.doesNotMatch(text, /field=models\.UUIDField\(db_index=True\)/);
  });

  it('keeps the model state only for <app>_<model> tables, and says what to do otherwise', () => {
    const kept = WRITERS.django.write(
      planFor('postgres', '15.4', 'token uuid NOT NULL DEFAULT gen_random_uuid()', { table: 'shop_order', index: true }),
      ctx('shop/migrations', ['0001_initial.py']),
    );
    assert.deepEqual(kept.warnings, []);
    const text = kept.files.map((f) => f.content).join('\n');
    assert.match(text, /migrations\.AddField\(model_name="order", name="token", field=models\.UUIDField\(null=True, db_index=True\)\)/);
    assert.match(text, /migrations\.AlterField\(model_name="order", name="token", field=models\.UUIDField\(db_index=True\)\)/);
    assert.match(kept.files[0]!.content, /\("shop", "0001_initial"\)/);
    const other = WRITERS.django.write(pgFull(), ctx('shop/migrations', ['0001_initial.py']));
    assert.match(other.warnings[0]!, /users is not named <app>_<model> for app "shop"/);
    assert.equal(
      djangoField({ name: 'p', type: { name: 'numeric', params: [10, 2] }, nullable: true, default: { kind: 'none' } }, { null: true }),
      'models.DecimalField(max_digits=10, decimal_places=2, null=True)',
    );
    assert.equal(
      djangoField({ name: 'p', type: { name: 'int', params: [], array: true }, nullable: true, default: { kind: 'none' } }, { null: true }),
      null,
    );
  });
});

describe('Rails', () => {
  it('wraps statements in safety_assured only when strong_migrations is in the Gemfile', () => {
    const plain = WRITERS.rails.write(pgFull(), {
      ...ctx('db/migrate', []),
      versionScheme: { kind: 'timestamp', width: 14, format: 'datetime' },
      contents: { Gemfile: "gem 'rails'\n" },
    });
    assert.doesNotMatch(plain.files.map((f) => f.content).join(''), /safety_assured/);
    const strong = WRITERS.rails.write(pgFull(), {
      ...ctx('db/migrate', []),
      versionScheme: { kind: 'timestamp', width: 14, format: 'datetime' },
      contents: { Gemfile: "gem 'rails'\ngem 'strong_migrations'\n" },
    });
    assert.match(strong.files[0]!.content, / {4}safety_assured do\n {6}execute\(<<~'COLUMN_WIZARD_SQL'\)/);
    assert.match(strong.files[0]!.content, /^class AddOrdersTokenExpand < ActiveRecord::Migration\[6\.1\]$/m);
  });
});
