import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  envCandidates,
  parseDotEnv,
  parseProfiles,
  profileIdentity,
  profilePermissions,
  profileToSetting,
  toConnectionOptions,
} from '../../src/extension/connections/profiles';
import type { TableFacts } from '../../src/core/types';
import { draftToSpec, literalSql, parseTypeText, planDraft, planScript } from '../../src/core/draft';
import { escapeHtml, nonceFrom, wizardHtml } from '../../src/extension/wizard/html';
import { draftWouldBeLost, WizardSession, type WizardBackend } from '../../src/extension/wizard/session';
import { EMPTY_DRAFT, type HostMessage, type WizardContext } from '../../src/protocol';
import { runSummary } from '../../src/extension/wizard/runSummary';
import { predictedTotalBytes } from '../../src/core/estimateReport';
import { checkRunSummary } from '../../src/protocolValidation';

describe('wizard draft → column spec', () => {
  it('reads types as typed', () => {
    assert.deepEqual(parseTypeText('varchar(40)'), { name: 'varchar', params: [40] });
    assert.deepEqual(parseTypeText(' Numeric( 10 , 2 ) '), { name: 'numeric', params: [10, 2] });
    assert.deepEqual(parseTypeText('int unsigned'), { name: 'int', params: [], unsigned: true });
    assert.deepEqual(parseTypeText('text[]'), { name: 'text', params: [], array: true });
    assert.deepEqual(parseTypeText('timestamp with time zone'), { name: 'timestamp with time zone', params: [] });
    assert.deepEqual(parseTypeText('double precision'), { name: 'double precision', params: [] });
    assert.deepEqual(parseTypeText("enum('a','it''s')"), { name: 'enum', params: [], values: ['a', "it's"] });
    assert.match(parseTypeText('varchar(x)') as string, /whole numbers/);
    assert.match(parseTypeText('enum') as string, /needs its values/);
    assert.match(parseTypeText('int; drop table t') as string, /not a type the wizard can read/);
  });

  it('quotes literal defaults per dialect and keeps numbers, booleans and NULL', () => {
    assert.equal(literalSql('42', 'postgres'), '42');
    assert.equal(literalSql('-1.5e3', 'mysql'), '-1.5e3');
    assert.equal(literalSql('TRUE', 'postgres'), 'true');
    assert.equal(literalSql('null', 'postgres'), 'NULL');
    assert.equal(literalSql("it's", 'postgres'), "'it''s'");
    assert.equal(literalSql("'already'", 'postgres'), "'already'");
    // A backslash: the same text whatever standard_conforming_strings / NO_BACKSLASH_ESCAPES say (checked on the
    // real servers in test/db/literalDefault.test.ts).
    assert.equal(literalSql('a\\b', 'postgres'), "E'a\\\\b'");
    assert.equal(literalSql('a\\b', 'mysql'), "_utf8mb4 X'615C62'");
  });

  it('puts a finding on each incomplete field and builds the spec once complete', () => {
    const empty = draftToSpec(EMPTY_DRAFT, 'postgres');
    assert.equal(empty.spec, null);
    assert.deepEqual(
      empty.findings.map((f) => f.field),
      ['name', 'type'],
    );
    const noDefault = draftToSpec({ ...EMPTY_DRAFT, name: 'a', type: 'int', defaultKind: 'expression', defaultText: ' ' }, 'postgres');
    assert.deepEqual(
      noDefault.findings.map((f) => [f.field, f.code]),
      [['default', 'draft.default-missing']],
    );
    const taken = draftToSpec({ ...EMPTY_DRAFT, name: 'ID', type: 'int' }, 'mysql', ['id']);
    // The same code and words as the planner's server-side check (column-exists), naming the column as the table has it.
    assert.deepEqual(
      taken.findings.map((f) => [f.code, f.field, f.message]),
      [['column-exists', 'name', 'The table already has a column "id". Choose another name.']],
    );
    assert.equal(
      draftToSpec({ ...EMPTY_DRAFT, name: 'ID', type: 'int' }, 'postgres', ['id']).findings.length,
      0,
      'PostgreSQL names are case-sensitive once quoted',
    );
    const full = draftToSpec(
      {
        ...EMPTY_DRAFT,
        name: ' status ',
        type: 'varchar(20)',
        nullable: false,
        defaultKind: 'literal',
        defaultText: 'new',
        unique: true,
        index: true,
        references: { table: 'statuses', column: 'code' },
        check: " status <> '' ",
        position: { kind: 'after', column: 'id' },
      },
      'mysql',
    );
    assert.deepEqual(full.findings, []);
    assert.deepEqual(full.spec, {
      name: 'status',
      type: { name: 'varchar', params: [20] },
      nullable: false,
      default: { kind: 'literal', value: "'new'" },
      unique: true,
      index: true,
      references: { table: 'statuses', column: 'code' },
      check: "status <> ''",
      position: { kind: 'after', column: 'id' },
    });
    const pg = draftToSpec({ ...EMPTY_DRAFT, name: 'a', type: 'int', position: { kind: 'first' } }, 'postgres');
    assert.equal(pg.spec?.position, undefined, 'PostgreSQL has no column position');
  });
});

describe('connection profiles', () => {
  it('reads valid profiles with defaults and names what is wrong with the others', () => {
    const { profiles, problems } = parseProfiles([
      { name: 'local', dialect: 'postgres', host: '127.0.0.1', database: 'app' },
      { name: 'maria', dialect: 'mariadb', host: 'db', port: 3307, database: 'shop', user: 'u', ssl: true, allowRun: true, password: 'x' },
      { name: 'bad', dialect: 'oracle', host: 'h', database: 'd' },
      { name: 'local', dialect: 'mysql', host: 'h', database: 'd' },
      { dialect: 'mysql' },
      { name: 'p', dialect: 'mysql', host: 'h', database: 'd', port: 70000 },
      'nope',
    ]);
    assert.deepEqual(profiles, [
      { name: 'local', dialect: 'postgres', host: '127.0.0.1', port: 5432, database: 'app', user: 'postgres', ssl: false },
      { name: 'maria', dialect: 'mariadb', host: 'db', port: 3307, database: 'shop', user: 'u', ssl: true, allowRun: true },
    ]);
    assert.deepEqual(problems, [
      'columnWizard.connections[1] ("maria"): a "password" in settings is ignored; passwords live in the secret storage (Add Connection asks for it)',
      'columnWizard.connections[2] ("bad"): "dialect" must be one of postgres, mysql, mariadb',
      'columnWizard.connections[3]: a second profile named "local" is ignored',
      'columnWizard.connections[4] has no "name"',
      'columnWizard.connections[5] ("p"): "port" must be a whole number from 1 to 65535',
      'columnWizard.connections[6] is not an object',
    ]);
    assert.equal('password' in profileToSetting(profiles[1]!), false);
  });

  it("reads a profile's cluster nodes (names of other profiles) and galeraRsu, naming what is wrong", () => {
    const { profiles, problems } = parseProfiles([
      { name: 'n1', dialect: 'mariadb', host: '127.0.0.1', database: 'app', nodes: ['n2', 'n3', 'n2', 'n1'], galeraRsu: true },
      { name: 'pub', dialect: 'postgres', host: '127.0.0.1', database: 'app', nodes: 'sub1' },
      { name: 'pub2', dialect: 'postgres', host: '127.0.0.1', database: 'app', nodes: ['sub1', ''] },
    ]);
    assert.deepEqual(
      profiles.map((p) => [p.name, p.nodes, p.galeraRsu]),
      [
        ['n1', ['n2', 'n3'], true],
        ['pub', undefined, undefined],
        ['pub2', undefined, undefined],
      ],
    );
    assert.deepEqual(problems, [
      'columnWizard.connections[0] ("n1"): "nodes" names the profile itself; ignored',
      'columnWizard.connections[1] ("pub"): "nodes" must be an array of connection profile names; ignored',
      'columnWizard.connections[2] ("pub2"): "nodes" must be an array of connection profile names; ignored',
    ]);
    assert.deepEqual(profileToSetting(profiles[0]!).nodes, ['n2', 'n3']);
    assert.equal(profileToSetting(profiles[0]!).galeraRsu, true);
  });

  it('builds driver options with the password from secret storage, and allows running only locally or when asked', () => {
    const [local, maria] = parseProfiles([
      { name: 'local', dialect: 'postgres', host: 'localhost', database: 'app' },
      { name: 'maria', dialect: 'mariadb', host: 'db.example', database: 'shop' },
    ]).profiles;
    assert.deepEqual(toConnectionOptions(maria!, 's3cret', { lockTimeoutMs: 1500 }), {
      engine: 'mysql',
      host: 'db.example',
      port: 3306,
      database: 'shop',
      user: 'root',
      password: 's3cret',
      ssl: false,
      lockTimeoutMs: 1500,
    });
    assert.equal('password' in toConnectionOptions(local!, undefined), false);
    // Permissions: yes on a local host, no elsewhere, unless the profile says; production is read-only everywhere.
    assert.deepEqual(profilePermissions(local!, true), { probe: true, run: true, readOnly: false, lintAutoConnect: true });
    assert.deepEqual(profilePermissions(maria!, false), { probe: false, run: false, readOnly: false, lintAutoConnect: false });
    assert.deepEqual(profilePermissions({ ...maria!, allowRun: true, allowProbe: true, lintAutoConnect: true }, false), {
      probe: true,
      run: true,
      readOnly: false,
      lintAutoConnect: true,
    });
    assert.deepEqual(profilePermissions({ ...local!, allowRun: false }, true).run, false);
    assert.deepEqual(profilePermissions({ ...local!, production: true, allowRun: true, allowProbe: true }, true), {
      probe: false,
      run: false,
      readOnly: true,
      lintAutoConnect: true,
    });
    const prod = parseProfiles([
      { name: 'p', dialect: 'postgres', host: 'h', database: 'd', kind: 'production', allowProbe: true, lintAutoConnect: true },
    ]).profiles[0]!;
    assert.equal(prod.production, true);
    assert.deepEqual(profileToSetting(prod), {
      name: 'p',
      dialect: 'postgres',
      host: 'h',
      port: 5432,
      database: 'd',
      user: 'postgres',
      ssl: false,
      allowProbe: true,
      kind: 'production',
      lintAutoConnect: true,
    });
    // The identity binds a secret to the server: same name, another port or host or user → another identity.
    assert.equal(profileIdentity(local!), 'postgres://postgres@localhost:5432/app');
    assert.notEqual(profileIdentity(local!), profileIdentity({ ...local!, port: 5433 }));
    assert.notEqual(profileIdentity(local!), profileIdentity({ ...local!, user: 'other' }));
    assert.equal(
      profileIdentity(maria!),
      profileIdentity({ ...maria!, dialect: 'mysql', host: 'DB.example' }),
      'MySQL/MariaDB share the engine; host names are case-insensitive',
    );
    assert.equal(profileIdentity({ ...local!, host: '::1' }), 'postgres://postgres@[::1]:5432/app');
  });

  it('finds DATABASE_URL, PG* and MYSQL_* connections in a .env file, passwords kept apart', () => {
    const env = parseDotEnv(
      [
        '# comment',
        'export DATABASE_URL="postgres://app:p%40ss@db.local:6543/app_dev?sslmode=require"',
        "ANALYTICS_DATABASE_URL='mysql://root@127.0.0.1/analytics'",
        'REDIS_URL=redis://x',
        'PGHOST=pg.internal',
        'PGUSER=me # trailing comment',
        'PGPASSWORD=pw',
        'MYSQL_DATABASE=shop',
        'MYSQL_PORT=notaport',
        'BROKEN LINE',
      ].join('\n'),
    );
    assert.equal(env.get('PGUSER'), 'me');
    const { candidates, problems } = envCandidates(env, 'proj');
    assert.deepEqual(
      candidates.map((c) => [
        c.source,
        c.profile.name,
        c.profile.dialect,
        c.profile.host,
        c.profile.port,
        c.profile.database,
        c.profile.user,
        c.profile.ssl,
        c.password,
      ]),
      [
        ['DATABASE_URL', 'proj', 'postgres', 'db.local', 6543, 'app_dev', 'app', true, 'p@ss'],
        ['ANALYTICS_DATABASE_URL', 'proj analytics', 'mysql', '127.0.0.1', 3306, 'analytics', 'root', false, undefined],
        ['PG* variables', 'proj (PG*)', 'postgres', 'pg.internal', 5432, 'me', 'me', false, 'pw'],
      ],
    );
    assert.deepEqual(problems, ['MYSQL_PORT "notaport" is not a port']);
    for (const c of candidates) assert.equal(JSON.stringify(c.profile).includes('p@ss'), false, 'no password inside a profile');
  });

  it('reads .env with dotenv: multi-line values and ${VAR} expansion from the same file, the process environment untouched', () => {
    process.env.CW_H23C_OUTSIDE = 'from-the-host';
    const env = parseDotEnv(
      [
        'DB_HOST=db.internal',
        'DB_USER=app',
        'DATABASE_URL=postgres://${DB_USER}@${DB_HOST}:${DB_PORT:-5433}/shop',
        'LEAK=${CW_H23C_OUTSIDE}',
        'CERT="-----BEGIN CERTIFICATE-----',
        'abc',
        '-----END CERTIFICATE-----"',
      ].join('\n'),
    );
    assert.equal(env.get('DATABASE_URL'), 'postgres://app@db.internal:5433/shop');
    assert.equal(env.get('CERT'), '-----BEGIN CERTIFICATE-----\nabc\n-----END CERTIFICATE-----');
    assert.equal(env.get('LEAK'), '', 'only the file is read');
    assert.equal(process.env.DB_HOST, undefined, 'nothing is written to process.env');
    delete process.env.CW_H23C_OUTSIDE;
    const { candidates } = envCandidates(env, 'proj');
    assert.deepEqual(
      candidates.map((c) => [c.profile.host, c.profile.port, c.profile.user]),
      [['db.internal', 5433, 'app']],
    );
  });
});

describe('wizard page and host session', () => {
  it('serves a CSP with default-src none, the nonce on the script, and escapes the URIs', () => {
    const nonce = nonceFrom(new Uint8Array(16).fill(171));
    assert.equal(nonce, 'ab'.repeat(16));
    const html = wizardHtml({
      cspSource: 'https://x.vscode-cdn.net',
      nonce,
      scriptUri: 'https://x/dist/webview.js?a=1&b="2"',
      styleUri: 'https://x/media/wizard.css',
    });
    assert.match(
      html,
      /content="default-src 'none'; img-src https:\/\/x\.vscode-cdn\.net data:; font-src https:\/\/x\.vscode-cdn\.net; style-src https:\/\/x\.vscode-cdn\.net; script-src 'nonce-(ab){16}'"/,
    );
    assert.match(html, /<script nonce="(ab){16}" src="https:\/\/x\/dist\/webview\.js\?a=1&amp;b=&quot;2&quot;"><\/script>/);
    assert.doesNotMatch(html, /unsafe-inline|unsafe-eval/);
    assert.equal((html.match(/<script/g) ?? []).length, 1);
    assert.throws(() => wizardHtml({ cspSource: 'x', nonce: 'short', scriptUri: 's', styleUri: 's' }), /nonce/);
    assert.equal(escapeHtml(`<a href='x'>&</a>`), '&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;');
  });

  it('posts nothing before ready, answers each request once with its id, and turns a backend error into an error response', async () => {
    const context: WizardContext = {
      connection: { name: 'c', dialect: 'postgres', serverVersion: '15', allowRun: false },
      table: { schema: 'public', name: 't', rows: 0, bytes: 0 },
      columns: [],
      tables: [],
      migrationsTool: 'plain-sql',
    };
    const backend: WizardBackend = {
      context: async () => context,
      computePlan: async () => ({ findings: [], plan: null }),
      listColumns: async () => ['id'],
      writeMigration: async () => {
        throw new Error('db/migrations/1.sql already exists');
      },
      runMigration: async () => ({ started: false, message: 'no' }),
      openRunReport: async () => false,
      recordApplied: async () => {
        throw new Error('no migration files of run r to record');
      },
      copySql: async () => 3,
      scanCode: async () => {
        throw new Error('not in this test');
      },
      previewModelEdit: async () => 0,
      openPlace: async () => false,
    };
    const posted: HostMessage[] = [];
    const errors: string[] = [];
    const s = new WizardSession(
      backend,
      (m) => {
        posted.push(m);
      },
      { info: () => undefined, error: (_c, m) => errors.push(m) },
    );
    await s.receive({ type: 'request', id: 1, method: 'copySql', params: { draft: EMPTY_DRAFT } });
    assert.deepEqual(posted, []);
    assert.match(errors[0] ?? '', /rejected "request" before the webview said ready/);
    await s.receive({ type: 'ready' });
    assert.deepEqual(posted[0], { type: 'init', context, draft: null });
    await s.receive({ type: 'request', id: 7, method: 'computePlan', params: { draft: EMPTY_DRAFT, revision: 4 } });
    assert.deepEqual(posted[1], {
      type: 'response',
      id: 7,
      method: 'computePlan',
      ok: true,
      result: { findings: [], plan: null, revision: 4 },
    });
    await s.receive({ type: 'request', id: 8, method: 'writeMigration', params: { draft: EMPTY_DRAFT } });
    assert.deepEqual(posted[2], {
      type: 'response',
      id: 8,
      method: 'writeMigration',
      ok: false,
      error: 'db/migrations/1.sql already exists',
    });
    await s.receive({ type: 'request', id: 9, method: 'eval', params: {} });
    assert.equal(posted.length, 3, 'a malformed request gets no answer');
    assert.match(errors.at(-1) ?? '', /rejected a webview message: request\.method must be one of/);
    await s.receive({ type: 'didChangeDraft', draft: { ...EMPTY_DRAFT, name: 'kept' } });
    assert.equal(s.currentDraft?.name, 'kept');

    // A draft handed over (Add Column (Quick) on the same table) goes to the page at once…
    const quick = { ...EMPTY_DRAFT, name: 'quick', type: 'integer' };
    s.useDraft(quick);
    assert.deepEqual(posted.at(-1), { type: 'useDraft', draft: quick });
    assert.equal(s.currentDraft, quick);
    // …or, when the page was discarded (hidden panel), right after the init of its next ready.
    const later = { ...EMPTY_DRAFT, name: 'later', type: 'text' };
    const all = (): readonly HostMessage[] => posted;
    const n = all().length;
    s.reset();
    s.useDraft(later);
    assert.equal(all().length, n, 'nothing posted to a discarded page');
    await s.receive({ type: 'ready' });
    assert.deepEqual(
      all()
        .slice(n)
        .map((m) => m.type),
      ['init', 'useDraft'],
    );
    assert.deepEqual(all().at(-1), { type: 'useDraft', draft: later });
    await s.receive({ type: 'ready' });
    assert.equal(all().at(-1)?.type, 'init', 'handed over once');
  });

  it('asks before a handed-over draft replaces one the user typed', () => {
    const quick = { ...EMPTY_DRAFT, name: 'quick', type: 'integer' };
    assert.equal(draftWouldBeLost(null, quick), false, 'no draft reported yet');
    assert.equal(draftWouldBeLost(EMPTY_DRAFT, quick), false, 'an empty form, or the form after a run');
    assert.equal(draftWouldBeLost({ ...quick }, quick), false, 'the same draft');
    assert.equal(draftWouldBeLost({ ...EMPTY_DRAFT, name: 'typed' }, quick), true);
    assert.equal(draftWouldBeLost({ ...quick, index: true }, quick), true);
  });
});

describe('planning a draft', () => {
  const facts: TableFacts = {
    table: { schema: 'public', name: 'orders' },
    rows: 1_000_000,
    bytes: 200 * 1024 * 1024,
    primaryKey: ['id'],
    columns: [{ name: 'id', type: 'bigint', nullable: false, default: null }],
  };
  const target = { dialect: 'postgres' as const, version: '15.4' };

  it("returns no plan while the draft is incomplete, and the planner's field findings next to their fields", () => {
    assert.deepEqual(planDraft({ ...EMPTY_DRAFT, name: 'x' }, facts, target).plan, null);
    const taken = planDraft({ ...EMPTY_DRAFT, name: 'id', type: 'int' }, facts, target);
    assert.deepEqual(
      taken.findings.map((f) => [f.field, f.code, f.severity]),
      [['name', 'column-exists', 'error']],
    );
    const notNull = planDraft({ ...EMPTY_DRAFT, name: 'flag', type: 'boolean', nullable: false }, facts, target);
    assert.ok(notNull.plan);
    assert.ok(
      notNull.findings.some((f) => f.field === 'default' && f.code === 'not-null-without-default'),
      JSON.stringify(notNull.findings),
    );
    assert.ok(
      notNull.findings.every((f) => f.field !== undefined),
      'only field findings go next to fields',
    );
  });

  it('writes Copy SQL as one script: lock timeouts, statements ending in ";", phases labelled', () => {
    const { plan } = planDraft(
      { ...EMPTY_DRAFT, name: 'flag', type: 'boolean', nullable: false, defaultKind: 'literal', defaultText: 'false', index: true },
      facts,
      target,
    );
    assert.ok(plan);
    const script = planScript(plan);
    assert.match(
      script,
      /^-- Phase 1: .+\nSET lock_timeout = '2s';\nALTER TABLE "public"\."orders" ADD COLUMN "flag" boolean DEFAULT false NOT NULL;\n/,
    );
    assert.match(
      script,
      /\n\n-- Phase 2: .+\(outside a transaction\)\n[\s\S]*CREATE INDEX CONCURRENTLY IF NOT EXISTS "orders_flag_idx" ON "public"\."orders" \("flag"\);\n$/,
    );
    assert.doesNotMatch(script, /;;/);
  });

  it("summarizes a completed run for the result view: each step with its estimate, skipped steps, the size, the problems after the caller's warnings", () => {
    const { plan } = planDraft(
      { ...EMPTY_DRAFT, name: 'flag', type: 'boolean', nullable: false, defaultKind: 'literal', defaultText: 'false', index: true },
      facts,
      target,
    );
    assert.ok(plan);
    const index = plan.phases[1]!.steps[0]!;
    const report = {
      runId: 'r-7',
      dialect: 'postgres',
      table: { schema: 'public', name: 'orders' },
      column: 'flag',
      status: 'completed' as const,
      startedAt: '',
      finishedAt: '',
      before: null,
      after: { tableBytes: 10, indexBytes: 5, totalBytes: 15, indexes: [] },
      growthBytes: null,
      columnDefinition: null,
      indexes: [],
      analyzed: true,
      explain: null,
      resumed: true,
      checked: [],
      problems: ['the index is invalid'],
      warnings: [],
      steps: [
        { phaseIndex: 0, stepIndex: 0, sql: plan.phases[0]!.steps[0]!.sql, attempts: 1, seconds: 0, skipped: 'already applied' },
        { phaseIndex: 1, stepIndex: 0, sql: index.sql, attempts: 2, seconds: 3.5, note: 'retried after a lock timeout' },
      ],
    };
    const run = runSummary(plan, report, ['not confirmed on n2']);
    assert.equal(run.runId, 'r-7');
    assert.deepEqual(
      run.steps.map((st) => [st.phase, st.seconds, st.estimateSeconds, st.skipped, st.note]),
      [
        [plan.phases[0]!.title, 0, plan.phases[0]!.steps[0]!.estimate.totalSeconds, 'already applied', undefined],
        [plan.phases[1]!.title, 3.5, index.estimate.totalSeconds, undefined, 'retried after a lock timeout'],
      ],
    );
    assert.deepEqual(run.size, { predictedBytes: predictedTotalBytes(plan), measuredBytes: 15 });
    assert.deepEqual(run.warnings, ['not confirmed on n2', 'the index is invalid']);
    // What crosses to the webview passes its validator unchanged.
    assert.deepEqual(checkRunSummary(JSON.parse(JSON.stringify(run))), run);
  });

  it("a run's pending migrations cross to the webview as names in a workspace-relative folder; recordApplied takes a run id and answers with a count and a table", async () => {
    const { parseWebviewMessage, parseHostMessage } = await import('../../src/protocolValidation');
    const run = {
      runId: 'r-7',
      table: { schema: 'public', name: 'orders' },
      column: 'flag',
      steps: [],
      warnings: [],
      migrations: { tool: 'dbmate', folder: 'db/migrations', files: ['20261207000000_add_flag.sql'], history: 'schema_migrations' },
    };
    assert.deepEqual(checkRunSummary(run), run);
    assert.deepEqual(checkRunSummary({ ...run, migrations: { ...run.migrations, folder: '', recorded: 1 } }).migrations, {
      ...run.migrations,
      folder: '',
      recorded: 1,
    });
    const { history: _, ...noHistory } = run.migrations;
    assert.deepEqual(checkRunSummary({ ...run, migrations: noHistory }).migrations, noHistory);
    // Prisma's migrations are folders: `<version>_<name>/migration.sql`.
    const prisma = { ...run.migrations, tool: 'Prisma', folder: 'prisma/migrations', files: ['20261207000000_add_flag/migration.sql'] };
    assert.deepEqual(checkRunSummary({ ...run, migrations: prisma }).migrations, prisma);
    for (const bad of [
      { files: ['../x.sql'] },
      { files: ['a/../../x.sql'] },
      { files: ['/etc/passwd'] },
      { files: [''] },
      { folder: '/etc' },
      { folder: '../up' },
      { recorded: 1.5 },
      { tool: 3 },
    ])
      assert.throws(() => checkRunSummary({ ...run, migrations: { ...run.migrations, ...bad } }), /migrations/, JSON.stringify(bad));
    assert.equal(parseWebviewMessage({ type: 'request', id: 2, method: 'recordApplied', params: { runId: 'r-7' } }).ok, true);
    assert.equal(parseWebviewMessage({ type: 'request', id: 2, method: 'recordApplied', params: {} }).ok, false);
    const answer = (result: unknown) => parseHostMessage({ type: 'response', id: 2, method: 'recordApplied', ok: true, result });
    assert.equal(answer({ recorded: 2, table: 'schema_migrations' }).ok, true);
    assert.equal(answer({ recorded: '2', table: 'schema_migrations' }).ok, false);
    assert.equal(answer({ recorded: 2 }).ok, false);
  });
});

describe('the code checklist over the protocol', () => {
  it('openPlace takes workspace-relative paths only; a step carries at most MAX_PLACES places, the host cuts the rest', async () => {
    const { parseWebviewMessage, parseHostMessage } = await import('../../src/protocolValidation');
    const { MAX_PLACES } = await import('../../src/protocol');
    const open = (file: string) => parseWebviewMessage({ type: 'request', id: 1, method: 'openPlace', params: { file, line: 3 } });
    assert.equal(open('src/orders/repo.ts').ok, true);
    for (const bad of ['/etc/passwd', '../secrets.ts', 'src/../../x.ts', 'C:\\x.ts', 'file:///x', ''])
      assert.equal(open(bad).ok, false, bad);
    const place = { file: 'a.ts', line: 1, text: 'x', done: false };
    const checklist = (n: number) => ({
      table: 't',
      column: 'c',
      summary: '',
      filesRead: 1,
      modelEdits: { expand: 0, final: 0 },
      items: [{ kind: 'write', text: 'w', state: 'todo', places: Array.from({ length: n }, () => place) }],
    });
    const response = (n: number) => parseHostMessage({ type: 'response', id: 1, method: 'scanCode', ok: true, result: checklist(n) });
    assert.equal(response(MAX_PLACES).ok, true);
    assert.match((response(MAX_PLACES + 1) as { error: string }).error, /places has 201 items; at most 200/);
    const posted: HostMessage[] = [];
    const s = new WizardSession(
      { scanCode: async () => checklist(450) } as unknown as WizardBackend,
      (m) => {
        posted.push(m);
      },
      { info: () => undefined, error: () => undefined },
    );
    await s.receive({ type: 'ready' }).catch(() => undefined);
    await s.receive({ type: 'request', id: 2, method: 'scanCode', params: { draft: EMPTY_DRAFT } });
    const sent = posted.find((m) => m.type === 'response') as unknown as { result: { items: { places: { text: string }[] }[] } };
    assert.equal(sent.result.items[0]!.places.length, MAX_PLACES);
    assert.match(sent.result.items[0]!.places.at(-1)!.text, /and 251 more places/);
    assert.equal(parseHostMessage(JSON.parse(JSON.stringify(posted.find((m) => m.type === 'response')))).ok, true);
    // The CHECK the plan keeps for NOT NULL (PostgreSQL before 12) crosses as a string, or not at all.
    const withCheck = (v: unknown) =>
      parseHostMessage({ type: 'response', id: 1, method: 'scanCode', ok: true, result: { ...checklist(1), notNullCheck: v } });
    assert.deepEqual(
      (withCheck('t_c_not_null') as { value: { result: { notNullCheck?: string } } }).value.result.notNullCheck,
      't_c_not_null',
    );
    assert.equal(withCheck(42).ok, false);
  });
});
