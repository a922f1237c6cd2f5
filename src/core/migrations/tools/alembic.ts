/**
 * Alembic: `<versions>/<revision>_name.py`, chained by `down_revision` from the folder's current head. Statements go
 * to the driver as written (`exec_driver_sql` with `no_parameters`: no bind-parameter or `%` parsing); a phase that
 * must run outside a transaction runs inside `op.get_context().autocommit_block()`.
 */
import { dirname, HEADER, joinPath, result } from '../common';
import { commentLines, planUnits, type Statement } from '../units';
import { WriterError, type MigrationToolModule } from '../types';

const py = (s: string) => JSON.stringify(s);

const NO_TX = 'autocommit_block()';

/** A 12-hex-digit revision id, a pure function of the time and the name (Alembic's own are random). */
export function alembicRevision(seed: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < seed.length; i++) {
    h1 = Math.imul(h1 ^ seed.charCodeAt(i), 16777619) >>> 0;
    h2 = Math.imul(h2 ^ seed.charCodeAt(i), 2246822519) >>> 0;
  }
  return (h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0')).slice(0, 12);
}

/** Revision and down_revision of an existing revision file, from its module-level assignments. */
export function revisionOf(text: string): { revision: string; down: string[] } | undefined {
  const rev = /^revision\s*(?::\s*str\s*)?=\s*["']([^"']+)["']/m.exec(text)?.[1];
  if (!rev) return undefined;
  const downText = /^down_revision\s*(?::[^=]+)?=\s*(.+)$/m.exec(text)?.[1] ?? 'None';
  return { revision: rev, down: [...downText.matchAll(/["']([^"']+)["']/g)].map((m) => m[1]!) };
}

function body(stmts: readonly Statement[], indent: string): string[] {
  if (!stmts.length) return [`${indent}pass  # nothing to undo in this phase`];
  return stmts.flatMap((s) => [...commentLines(s).map((l) => `${indent}# ${l}`), `${indent}_sql(${py(s.sql)})`]);
}

export const alembic: MigrationToolModule = {
  tool: 'alembic',
  label: 'Alembic',
  transactions: {
    wrapsSqlFile: () => true, // transactional DDL on PostgreSQL
    optOut: { marker: NO_TX, where: '`with op.get_context().autocommit_block():` around the statements' },
  },
  detect(ctx) {
    // alembic.ini (or env.py + script.py.mako) beside a versions/ folder.
    const ini = ctx.has(/(^|\/)alembic\.ini$/).length > 0;
    for (const env of ctx.has(/(^|\/)env\.py$/).filter((e) => ctx.files.includes(joinPath(dirname(e), 'script.py.mako')))) {
      ctx.add(joinPath(dirname(env), 'versions'), ini ? 9 : 7, `Alembic environment ${dirname(env) || '.'}`);
    }
  },
  defaultDir: 'alembic/versions',
  defaultScheme: { kind: 'sequential', width: 4 },
  versionOf: (file) => (/\.py$/.test(file) && !file.includes('/') ? file.replace(/\.py$/, '') : undefined),
  reads: (ctx) => ctx.existing.filter((f) => /\.py$/.test(f) && !f.includes('/')).map((f) => joinPath(ctx.dir, f)),
  write(plan, ctx) {
    const revisions = ctx.existing
      .filter((f) => /\.py$/.test(f) && !f.includes('/'))
      .flatMap((f) => {
        const r = revisionOf(ctx.contents[joinPath(ctx.dir, f)] ?? '');
        return r ? [r] : [];
      });
    const referenced = new Set(revisions.flatMap((r) => r.down));
    const heads = revisions.filter((r) => !referenced.has(r.revision)).map((r) => r.revision);
    if (heads.length > 1)
      throw new WriterError(
        `the Alembic history has ${heads.length} heads (${heads.join(', ')}): merge them first (\`alembic merge heads\`), then write the migration`,
      );
    const units = planUnits(plan, ctx.name, { canRunOutside: true });
    if (units.length === 0) throw new WriterError('the plan has no steps to write');
    let down: string | null = heads[0] ?? null;
    const stamp = ctx.now.toISOString();
    const files = units.map((u) => {
      const rev = alembicRevision(`${stamp}:${u.slug}`);
      if (revisions.some((r) => r.revision === rev)) throw new WriterError(`revision ${rev} exists already`);
      const up = u.nonTransactional ? [`    with op.get_context().${NO_TX}:`, ...body(u.up, '        ')] : body(u.up, '    ');
      const dn =
        u.nonTransactional && u.down.length ? [`    with op.get_context().${NO_TX}:`, ...body(u.down, '        ')] : body(u.down, '    ');
      const content = [
        `"""${u.title.replace(/"""/g, "'''")}`,
        '',
        `Revision ID: ${rev}`,
        `Revises: ${down ?? ''}`,
        `Create Date: ${stamp}`,
        '',
        `${HEADER}.`,
        '"""',
        'from alembic import op',
        '',
        `revision = ${py(rev)}`,
        `down_revision = ${down === null ? 'None' : py(down)}`,
        'branch_labels = None',
        'depends_on = None',
        '',
        '',
        'def _sql(statement):',
        '    # Sent to the driver as written: no bind-parameter or % parsing.',
        '    op.get_bind().execution_options(no_parameters=True).exec_driver_sql(statement)',
        '',
        '',
        'def upgrade():',
        ...up,
        '',
        '',
        'def downgrade():',
        ...dn,
        '',
      ].join('\n');
      down = rev;
      return { path: joinPath(ctx.dir, `${rev}_${u.slug}.py`), content };
    });
    return result('alembic', {
      files,
      notes: [
        'Apply with `alembic upgrade head`; `alembic downgrade -1` undoes one revision. Each phase is its own revision, chained from the previous head.',
        ...(units.some((u) => u.nonTransactional)
          ? [
              'Phases that must run outside a transaction use `' +
                NO_TX +
                '`, which commits the migration transaction so far: run them as their own `alembic upgrade +1`.',
            ]
          : []),
      ],
    });
  },
};
