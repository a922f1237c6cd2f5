/**
 * The Rails, Django and Alembic writers applied by the real frameworks (Debian's ruby-activerecord 6.1,
 * python3-django 3.2, python3-alembic 1.8 with SQLAlchemy 1.4) against the real PostgreSQL and MariaDB, then rolled
 * back. The frameworks run from /usr/bin (the system Ruby and Python, where Debian installs them). A missing framework
 * skips its test with the reason, except under CI=true.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { dbTest, IN_CI, throwawayDatabase } from './helpers';
import { applyEdit, modelEdit, modelExtras } from '../../src/core/app/modelEdit';
import { scanFile } from '../../src/core/app/scan';
import type { Plan } from '../../src/core/types';
import { planFor } from '../unit/migrations/plans';
import {
  assertMyApplied,
  assertMyGone,
  assertPgApplied,
  assertPgGone,
  myPlan,
  mySeed,
  pgPlan,
  pgSeed,
  runTool,
  workspacesForFile,
  writeInto,
} from './migrationTools';

const PY = '/usr/bin/python3';
const RUBY = '/usr/bin/ruby';
const TABLE = 'shop_order';
const newWorkspace = workspacesForFile();

function available(t: TestContext, what: string, cmd: string, args: string[]): boolean {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status === 0) return true;
  const why = `${what} is not installed (${cmd} ${args.join(' ')}: ${r.error ? String(r.error) : r.stderr.trim().split('\n').pop()}); .ci/run installs it`;
  if (IN_CI) throw new Error(why);
  t.skip(why);
  return false;
}

const write = (root: string, rel: string, text: string) => {
  mkdirSync(join(root, rel, '..'), { recursive: true });
  writeFileSync(join(root, rel), text);
};

for (const engine of ['postgres', 'mysql'] as const) {
  describe(`Rails, Django and Alembic migrations on ${engine}`, () => {
    const db = throwawayDatabase(engine);
    const pg = engine === 'postgres';
    const plan = (name: string) => (pg ? pgPlan(TABLE) : myPlan(name, TABLE));
    const applied = pg ? assertPgApplied : assertMyApplied;
    const gone = pg ? assertPgGone : assertMyGone;
    const seed = async (d: { client: import('../../src/db/client').DatabaseClient }) => {
      await d.client.query(pg ? `DROP TABLE IF EXISTS "${TABLE}"` : `DROP TABLE IF EXISTS \`${TABLE}\``);
      await (pg ? pgSeed : mySeed)(d.client, TABLE);
    };

    test(
      'ActiveRecord: db:migrate applies every phase, rollback undoes them',
      dbTest(async (t) => {
        const d = db.get(t);
        if (!available(t, 'ActiveRecord', RUBY, ['-e', `require 'active_record'; require '${pg ? 'pg' : 'mysql2'}'`])) return;
        await seed(d);
        const ws = newWorkspace('rails');
        write(ws.root, 'Gemfile', "source 'https://rubygems.org'\ngem 'activerecord', '~> 6.1'\n");
        const { created } = await writeInto(ws, plan(d.name), 'rails', 'db/migrate');
        assert.ok(created.length >= 3, created.join(', '));
        const u = new URL(d.url);
        const url = pg ? d.url : `mysql2://${u.username || 'root'}@${u.hostname}:${u.port || 3306}${u.pathname}`;
        const script = (action: string) =>
          `require 'active_record'\nActiveRecord::Base.establish_connection(ENV.fetch('DATABASE_URL'))\nctx = ActiveRecord::MigrationContext.new('db/migrate', ActiveRecord::SchemaMigration)\n${action}\n`;
        runTool(RUBY, ['-e', script('ctx.migrate')], { cwd: ws.root, env: { DATABASE_URL: url } });
        await applied(d.client, TABLE);
        runTool(RUBY, ['-e', script(`ctx.rollback(${created.length})`)], { cwd: ws.root, env: { DATABASE_URL: url } });
        await gone(d.client, TABLE);
      }),
    );

    /**
     * Django with the plan `p`: migrate applies every phase; models.py made by the wizard's model edits (expand, then
     * final) matches the last migration's state, so makemigrations --check finds nothing; migrating back undoes it.
     */
    const djangoRoundTrip = async (t: TestContext, p: (name: string) => Plan, column: 'applied' | 'kept-as-check') => {
      const d = db.get(t);
      if (!available(t, 'Django', PY, ['-c', `import django, ${pg ? 'psycopg2' : 'MySQLdb'}`])) return;
      await seed(d);
      const ws = newWorkspace('django');
      const u = new URL(d.url);
      write(ws.root, 'manage.py', '');
      write(
        ws.root,
        'settings.py',
        [
          'SECRET_KEY = "test"',
          'INSTALLED_APPS = ["shop"]',
          `DATABASES = {"default": {"ENGINE": "django.db.backends.${pg ? 'postgresql' : 'mysql'}", "NAME": ${JSON.stringify(d.name)}, "USER": ${JSON.stringify(decodeURIComponent(u.username) || (pg ? 'postgres' : 'root'))}, "HOST": ${JSON.stringify(u.hostname)}, "PORT": ${JSON.stringify(u.port || (pg ? '5432' : '3306'))}}}`,
          'DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"',
          'USE_TZ = True',
          '',
        ].join('\n'),
      );
      write(ws.root, 'shop/__init__.py', '');
      write(ws.root, 'shop/migrations/__init__.py', '');
      // The table predates Django's history here: the initial migration only records its state.
      write(
        ws.root,
        'shop/migrations/0001_initial.py',
        [
          'from django.db import migrations, models',
          '',
          'class Migration(migrations.Migration):',
          '    initial = True',
          '    dependencies = []',
          '    operations = [migrations.SeparateDatabaseAndState(state_operations=[',
          '        migrations.CreateModel(name="Order", fields=[("id", models.BigIntegerField(primary_key=True)), ("name", models.TextField(null=True))]),',
          '    ])]',
          '',
        ].join('\n'),
      );
      const thePlan = p(d.name);
      const { created, result } = await writeInto(ws, thePlan, 'django', 'shop/migrations');
      assert.deepEqual(result.warnings, [], 'the table is shop_order: the state is kept');
      const env = { DJANGO_SETTINGS_MODULE: 'settings', PYTHONPATH: ws.root };
      runTool(PY, ['-m', 'django', 'migrate', 'shop', '--noinput'], { cwd: ws.root, env });
      if (column === 'applied') await applied(d.client, TABLE);
      // models.py as the wizard's model edits leave it (expand, then the final form).
      let models =
        'from django.db import models\n\n\nclass Order(models.Model):\n    id = models.BigIntegerField(primary_key=True)\n    name = models.TextField(null=True)\n';
      for (const phase of ['expand', 'final'] as const) {
        const [m] = scanFile('shop/models.py', models, { table: TABLE, column: 'token' }).models;
        assert.ok(m, 'the scan finds the model');
        const e = modelEdit(m, models, thePlan.column, phase, thePlan.dialect, modelExtras(thePlan))!;
        models = applyEdit(models, e);
      }
      write(ws.root, 'shop/models.py', models);
      const check = runTool(PY, ['-m', 'django', 'makemigrations', 'shop', '--check', '--dry-run', '-v', '3'], {
        cwd: ws.root,
        env,
        allowFailure: true,
      });
      assert.equal(check.status, 0, `makemigrations --check with models.py\n${models}\n${check.stdout}${check.stderr}`);
      runTool(PY, ['-m', 'django', 'migrate', 'shop', '0001', '--noinput'], { cwd: ws.root, env });
      await gone(d.client, TABLE);
      assert.ok(created.length >= 3);
      return models;
    };

    test(
      'Django: migrate applies every phase; models.py from the model edits matches the migration state; migrating back undoes them',
      dbTest(async (t) => {
        await djangoRoundTrip(t, plan, 'applied');
      }),
    );

    if (pg)
      test(
        'Django, plan for PostgreSQL 11 (NOT NULL kept as a CHECK): the state and the final model edit both keep null=True',
        dbTest(async (t) => {
          const models = await djangoRoundTrip(
            t,
            () => planFor('postgres', '11.22', 'token uuid NOT NULL DEFAULT gen_random_uuid()', { index: true, table: TABLE, rows: 2500 }),
            'kept-as-check',
          );
          assert.match(models ?? '', /token = models\.UUIDField\(null=True.*\) {2}# NOT NULL enforced by CHECK shop_order_token_not_null;/);
        }),
      );

    test(
      'Alembic: upgrade head applies every revision in the chain, downgrade base undoes them',
      dbTest(async (t) => {
        const d = db.get(t);
        if (!available(t, 'Alembic', PY, ['-c', `import alembic, sqlalchemy, ${pg ? 'psycopg2' : 'MySQLdb'}`])) return;
        await seed(d);
        const ws = newWorkspace('alembic');
        write(ws.root, 'alembic.ini', '[alembic]\nscript_location = alembic\n');
        write(ws.root, 'alembic/script.py.mako', '');
        write(
          ws.root,
          'alembic/env.py',
          [
            'import os',
            'from alembic import context',
            'from sqlalchemy import create_engine',
            '',
            'engine = create_engine(os.environ["DATABASE_URL"])',
            'with engine.connect() as connection:',
            '    context.configure(connection=connection, target_metadata=None)',
            '    with context.begin_transaction():',
            '        context.run_migrations()',
            '',
          ].join('\n'),
        );
        // An earlier revision, so the new ones chain from the current head.
        write(
          ws.root,
          'alembic/versions/0a1b2c3d4e5f_baseline.py',
          'revision = "0a1b2c3d4e5f"\ndown_revision = None\nbranch_labels = None\ndepends_on = None\n\n\ndef upgrade():\n    pass\n\n\ndef downgrade():\n    pass\n',
        );
        const { created } = await writeInto(ws, plan(d.name), 'alembic', 'alembic/versions');
        const u = new URL(d.url);
        const url = pg
          ? d.url.replace(/^postgres(ql)?:/, 'postgresql+psycopg2:')
          : `mysql+mysqldb://${u.username || 'root'}@${u.hostname}:${u.port || 3306}${u.pathname}`;
        runTool(PY, ['-m', 'alembic', 'upgrade', 'head'], { cwd: ws.root, env: { DATABASE_URL: url } });
        await applied(d.client, TABLE);
        const history = runTool(PY, ['-m', 'alembic', 'history'], { cwd: ws.root, env: { DATABASE_URL: url } }).stdout;
        assert.match(history, /0a1b2c3d4e5f -> /, 'the first new revision chains from the existing head');
        runTool(PY, ['-m', 'alembic', 'downgrade', '0a1b2c3d4e5f'], { cwd: ws.root, env: { DATABASE_URL: url } });
        await gone(d.client, TABLE);
        assert.ok(created.length >= 3);
      }),
    );
  });
}
