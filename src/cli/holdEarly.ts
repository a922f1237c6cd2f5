/**
 * `column-wizard run` on MySQL/MariaDB: pt-online-schema-change held (holdOnlineCopy) before dist/cli.js loads the CLI's
 * bundle, which takes 50–140 ms here, so Perl compiles the tool meanwhile. Only on a rough look at the arguments:
 * `--url` mysql:// or mariadb:// without TLS, a plain `--table` ([db.]name), a `--column` that says NOT NULL and DEFAULT,
 * `--no-own-copy` (else Column Wizard's own copy is chosen where the table allows it), no `--plan` and no `--no-online-copy`. The run keeps it only when the planner would copy that table
 * (holdOnlineCopyAhead, src/cli/livePlan.ts), else ends it; at this process's exit it is ended in any case.
 */
import { parseArgs } from 'node:util';
import { parseConnectionUrl } from '../db/connection';
import { discardHeldOnlineCopy, holdOnlineCopy } from '../db/mysql/onlineCopy';

export function holdEarly(argv: readonly string[]): void {
  try {
    const { values } = parseArgs({
      args: [...argv],
      strict: false,
      allowPositionals: true,
      options: {
        url: { type: 'string' },
        table: { type: 'string' },
        column: { type: 'string' },
        plan: { type: 'string' },
        'no-online-copy': { type: 'boolean' },
        'no-own-copy': { type: 'boolean' },
      },
    });
    const { url, table, column } = values;
    if (typeof url !== 'string' || typeof table !== 'string' || typeof column !== 'string') return;
    if (values.plan !== undefined || values['no-online-copy'] !== undefined || values['no-own-copy'] !== true) return;
    if (!/^[A-Za-z0-9_$]+(\.[A-Za-z0-9_$]+)?$/.test(table) || !/\bNOT\s+NULL\b/i.test(column) || !/\bDEFAULT\b/i.test(column)) return;
    const connection = parseConnectionUrl(url);
    if (connection.engine !== 'mysql' || connection.ssl) return;
    const [schema, name] = table.includes('.') ? table.split('.') : [connection.database, table];
    if (!schema || !name) return;
    process.once('exit', discardHeldOnlineCopy);
    holdOnlineCopy(connection, { schema, name });
  } catch {
    // the run reads its arguments itself and says what is wrong
  }
}
