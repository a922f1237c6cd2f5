/**
 * Django: `<app>/migrations/NNNN_name.py`, each depending on the one before. The SQL runs through
 * `migrations.RunSQL` (a list, so Django sends each statement whole and never splits a compound one); a phase that
 * must run outside a transaction sets `atomic = False`. `SeparateDatabaseAndState` keeps the migration state in step
 * with the model (the field added nullable, then made NOT NULL, then indexed), so `makemigrations` has nothing to add
 * once models.py has the same field.
 */
import { build, dirname, HEADER, nonTxNote, result } from '../common';
import { commentLines, type Statement } from '../units';
import type { MigrationToolModule } from '../types';
import { keptNotNullCheck } from '../../plan';
import type { ColumnSpec, PhaseKind } from '../../types';

/** A Python string literal (JSON's escapes are Python's). */
const py = (s: string) => JSON.stringify(s);

const NO_TX = 'atomic = False';

/** The Django field for a column, as models.py would declare it. Null when there is no faithful field class. */
export function djangoField(spec: ColumnSpec, opts: { null: boolean; index?: boolean; unique?: boolean }): string | null {
  const t = spec.type;
  const p = t.params;
  const base: Record<string, string> = {
    uuid: 'models.UUIDField(',
    text: 'models.TextField(',
    boolean: 'models.BooleanField(',
    bool: 'models.BooleanField(',
    integer: 'models.IntegerField(',
    int: 'models.IntegerField(',
    int4: 'models.IntegerField(',
    bigint: 'models.BigIntegerField(',
    int8: 'models.BigIntegerField(',
    smallint: 'models.SmallIntegerField(',
    date: 'models.DateField(',
    'timestamp with time zone': 'models.DateTimeField(',
    timestamptz: 'models.DateTimeField(',
    'timestamp without time zone': 'models.DateTimeField(',
    timestamp: 'models.DateTimeField(',
    datetime: 'models.DateTimeField(',
    jsonb: 'models.JSONField(',
    json: 'models.JSONField(',
    'double precision': 'models.FloatField(',
    float8: 'models.FloatField(',
    double: 'models.FloatField(',
  };
  let head: string | undefined;
  const args: string[] = [];
  if ((t.name === 'varchar' || t.name === 'character varying' || t.name === 'char' || t.name === 'character') && p[0] !== undefined) {
    head = 'models.CharField(';
    args.push(`max_length=${p[0]}`);
  } else if ((t.name === 'numeric' || t.name === 'decimal') && p.length === 2) {
    head = 'models.DecimalField(';
    args.push(`max_digits=${p[0]}`, `decimal_places=${p[1]}`);
  } else head = t.array ? undefined : base[t.name];
  if (!head) return null;
  if (opts.null) args.push('null=True');
  if (opts.unique) args.push('unique=True');
  else if (opts.index) args.push('db_index=True');
  return `${head}${args.join(', ')})`;
}

function runSql(stmts: readonly Statement[]): string[] {
  return stmts.flatMap((s) => [...commentLines(s).map((l) => `            # ${l}`), `            ${py(s.sql)},`]);
}

export const django: MigrationToolModule = {
  tool: 'django',
  label: 'Django',
  transactions: {
    wrapsSqlFile: () => true, // atomic = True by default on PostgreSQL
    optOut: { marker: NO_TX, where: 'in the Migration class' },
  },
  detect(ctx) {
    // manage.py and <app>/migrations/ with __init__.py or NNNN_*.py
    if (!ctx.has(/(^|\/)manage\.py$/).length) return;
    const dirs = [...new Set(ctx.files.filter((f) => /(^|\/)migrations\/(__init__|\d{4}_[^/]*)\.py$/.test(f)).map(dirname))];
    for (const d of dirs) ctx.add(d, 8, `manage.py and ${d}`);
  },
  defaultDir: 'app/migrations',
  defaultScheme: { kind: 'sequential', width: 4 },
  versionOf: (file) => /^(\d{4})_[^/]*\.py$/.exec(file)?.[1],
  reads: () => [],
  write(plan, ctx) {
    const app = ctx.dir.split('/').filter(Boolean).slice(-2, -1)[0] ?? 'app';
    const previous = ctx.existing
      .filter((f) => /^\d{4}_[^/]*\.py$/.test(f))
      .sort()
      .pop()
      ?.replace(/\.py$/, '');
    // Django names a model's table <app>_<model>; a table named otherwise has a Meta.db_table we cannot see here.
    const model = plan.table.name.startsWith(`${app}_`) ? plan.table.name.slice(app.length + 1) : null;
    const warnings: string[] = [];
    let stateDone = false;
    const keptCheck = keptNotNullCheck(plan) !== undefined;
    let last = previous;
    const stateFor = (kind: PhaseKind): string[] => {
      if (!model) return [];
      const spec = plan.column;
      // Where a CHECK stands for NOT NULL (PostgreSQL before 12) the column stays nullable in the catalog, and so in the state.
      const nullable = spec.nullable || kind === 'expand' || kind === 'backfill' || keptCheck;
      if (kind === 'expand' || kind === 'backfill' || kind === 'constrain' || kind === 'index') {
        // The index from the first state on, as the expand model edit declares it (db_index=True): models.py as the wizard
        // edits it then matches the state after every phase but in null (the final edit), and makemigrations stays clean.
        const idx = plan.phases.some((p) => p.kind === 'index');
        const field = djangoField(spec, {
          null: kind === 'constrain' || kind === 'index' ? spec.nullable || keptCheck : nullable,
          ...(idx ? { index: true } : {}),
        });
        if (!field) return [];
        const op = stateDone ? 'AlterField' : 'AddField';
        stateDone = true;
        return [
          `            migrations.${op}(model_name=${py(model)}, name=${py(spec.name)}, field=${field.replace(/^models\./, 'models.')}),`,
        ];
      }
      return [];
    };
    const { files, units } = build(this, plan, ctx, {
      order: 'numeric',
      render: (u, v) => {
        const name = `${v}_${u.slug}`;
        const deps = last ? [`        (${py(app)}, ${py(last)}),`] : [];
        last = name;
        const state = stateFor(u.kind);
        const sqlOp = [
          '        migrations.RunSQL(',
          '            sql=[',
          ...runSql(u.up).map((l) => `    ${l}`),
          '            ],',
          ...(u.down.length
            ? ['            reverse_sql=[', ...runSql(u.down).map((l) => `    ${l}`), '            ],']
            : ['            reverse_sql=migrations.RunSQL.noop,']),
          '        ),',
        ];
        const ops = state.length
          ? [
              '        migrations.SeparateDatabaseAndState(',
              '            database_operations=[',
              ...sqlOp.map((l) => `        ${l}`),
              '            ],',
              '            state_operations=[',
              ...state.map((l) => `    ${l}`),
              '            ],',
              '        ),',
            ]
          : sqlOp;
        return {
          files: [
            {
              name: `${name}.py`,
              content: [
                `# ${HEADER}: ${u.title}`,
                'from django.db import migrations, models',
                '',
                '',
                'class Migration(migrations.Migration):',
                ...(u.nonTransactional
                  ? [
                      '    # CREATE INDEX CONCURRENTLY and batched backfills commit on their own: no surrounding transaction.',
                      `    ${NO_TX}`,
                      '',
                    ]
                  : []),
                '    dependencies = [',
                ...deps,
                '    ]',
                '',
                '    operations = [',
                ...ops,
                '    ]',
                '',
              ].join('\n'),
            },
          ],
        };
      },
    });
    if (!model)
      warnings.push(
        `${plan.table.name} is not named <app>_<model> for app "${app}", so the migration state is not updated: add the field to the model with its Meta.db_table and run \`makemigrations --check\`; if it proposes an AddField, wrap it in SeparateDatabaseAndState(state_operations=…) instead of applying it.`,
      );
    else if (!stateDone || !djangoField(plan.column, { null: true }))
      warnings.push(
        `The column's type has no Django field the writer can name: add the field to the ${model} model by hand and keep the migration state in step (SeparateDatabaseAndState).`,
      );
    return result('django', {
      files,
      warnings,
      notes: [
        `Apply with \`python manage.py migrate ${app}\`; \`python manage.py migrate ${app} ${previous ?? 'zero'}\` undoes them.`,
        ...(model
          ? [
              `Add the field to the ${model} model as the last migration states it (nullable until the constrain phase), so \`makemigrations --check\` stays clean.`,
            ]
          : []),
        ...nonTxNote(units, '`atomic = False`'),
      ],
    });
  },
};
