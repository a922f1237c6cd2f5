/** dbmate: `YYYYMMDDHHMMSS_name.sql` with `-- migrate:up` / `-- migrate:down`; `transaction:false` on both markers. */
import { build, HEADER, nonTxNote, result } from '../common';
import { sqlLines } from '../units';
import type { MigrationWriter } from '../types';

export const dbmate: MigrationWriter = {
  tool: 'dbmate',
  label: 'dbmate',
  defaultDir: 'db/migrations',
  defaultScheme: { kind: 'timestamp', width: 14, format: 'datetime' },
  versionOf: (file) => /^(\d+)[^/]*\.sql$/.exec(file)?.[1],
  reads: () => [],
  write(plan, ctx) {
    const { files, units } = build(this, plan, ctx, {
      order: 'numeric',
      
      render: (u, v) => {
        const opt = u.nonTransactional ? ' transaction:false' : '';
        // PostgreSQL runs a multi-statement file as one implicit transaction: a non-transactional file holds one statement.
        const single = u.nonTransactional && plan.dialect === 'postgres';
        const down = u.down.length ? sqlLines(u.down, { lockTimeoutAsComment: single }) : ['-- nothing to undo in this phase'];
        const content = [
          `-- migrate:up${opt}`,
          `-- ${HEADER}: ${u.title}`,
          ...sqlLines(u.up, { lockTimeoutAsComment: single }),
          '',
          `-- migrate:down${opt}`,
          ...down,
          '',
        ].join('\n');
        return { files: [{ name: `${v}_${u.slug}.sql`, content }] };
      },
    });
    return result('dbmate', {
      files,
      notes: ['Apply with `dbmate up`; `dbmate rollback` undoes one migration at a time.', ...nonTxNote(units, '`transaction:false`')],
    });
  },
};
