/** Flyway: `V<version>__<description>.sql`; a non-transactional script gets `<script>.conf` with `executeInTransaction=false`. */
import { build, HEADER, nonTxNote, result } from '../common';
import { sqlLines } from '../units';
import type { MigrationToolModule } from '../types';
import { createIfAbsent, insertAbsent } from '../history';
import { qualifiedTable } from '../../sql';
import type { Dialect } from '../../types';
import type { WrittenMigration } from '../types';

const NO_TX = 'executeInTransaction=false';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/**
 * Flyway's checksum of a SQL script: CRC-32 (java.util.zip.CRC32) over the UTF-8 bytes of each line without its line
 * break (a leading BOM dropped), as a signed 32-bit int — so it does not depend on line endings.
 */
export function flywayChecksum(text: string): number {
  let crc = 0xffffffff;
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop(); // readLine() gives no line after the last break
  for (const line of lines) for (const b of new TextEncoder().encode(line)) crc = CRC_TABLE[(crc ^ b) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) | 0;
}

/**
 * Flyway's `flyway_schema_history`, as `flyway migrate` creates it, with a successful SQL row per script: the next
 * installed_rank, the version and description from the file name, the script's checksum. Not run with the real Flyway
 * here (it is not installed on this machine); the checksum is CRC-32 as above.
 */
function recordSql(dialect: Dialect, table: string, written: readonly WrittenMigration[]): string[] {
  const pg = dialect === 'postgres';
  const t = qualifiedTable(dialect, { schema: '', name: table });
  const create = createIfAbsent(
    dialect,
    table,
    [
      'installed_rank INT NOT NULL',
      'version VARCHAR(50)',
      'description VARCHAR(200) NOT NULL',
      'type VARCHAR(20) NOT NULL',
      'script VARCHAR(1000) NOT NULL',
      'checksum INT',
      'installed_by VARCHAR(100) NOT NULL',
      `installed_on TIMESTAMP NOT NULL DEFAULT ${pg ? 'now()' : 'CURRENT_TIMESTAMP'}`,
      'execution_time INT NOT NULL',
      `success ${pg ? 'BOOLEAN' : 'BOOL'} NOT NULL`,
      `CONSTRAINT ${qualifiedTable(dialect, { schema: '', name: `${table}_pk` })} PRIMARY KEY (installed_rank)`,
    ].join(', '),
    pg ? '' : ' ENGINE=InnoDB',
  );
  const rows = written.map((w) => ({
    installed_rank: { sql: `(SELECT COALESCE(MAX(installed_rank), 0) FROM ${t}) + v.o` },
    version: w.version,
    description: w.file
      .replace(/^V[^_]*__/, '')
      .replace(/\.sql$/, '')
      .replace(/_/g, ' '),
    type: 'SQL',
    script: w.file,
    checksum: flywayChecksum(w.content),
    installed_by: { sql: pg ? 'current_user' : "SUBSTRING_INDEX(CURRENT_USER(), '@', 1)" },
    execution_time: 0,
    success: true,
  }));
  return [create, insertAbsent(dialect, table, ['version'], rows)];
}

export const flyway: MigrationToolModule = {
  tool: 'flyway',
  label: 'Flyway',
  transactions: {
    wrapsSqlFile: () => true, // executeInTransaction defaults to true
    optOut: { marker: NO_TX, where: 'in `<script>.sql.conf` beside the script' },
    sqlSidecar: {
      path: (sqlFile) => `${sqlFile}.conf`,
      says: (text) => {
        const v = /^\s*executeInTransaction\s*=\s*(true|false)\s*$/im.exec(text)?.[1]?.toLowerCase();
        return v === undefined ? undefined : v === 'true';
      },
    },
  },
  history: { table: 'flyway_schema_history', nameOf: (m) => m.file, recordSql },
  detect(ctx) {
    const conf = ctx.has(/(^|\/)(flyway\.toml|flyway\.user\.toml|flyway\.conf)$/).length > 0;
    const dirs = ctx.foldersWith(/^V\d+(?:[._]\d+)*__[^/]*\.sql$/);
    for (const d of dirs) ctx.add(d, conf ? 9 : 6, `V<version>__<name>.sql files in ${d || '.'}${conf ? ' and a Flyway config file' : ''}`);
    if (conf && !dirs.length) ctx.add('db/migration', 6, 'Flyway config file');
  },
  defaultDir: 'db/migration',
  defaultScheme: { kind: 'timestamp', width: 14, format: 'datetime' },
  // Dotted versions (V1.2__) are ordered by their first number here; ours is a single number above it.
  versionOf: (file) => /^V(\d+)(?:[._]\d+)*__[^/]*\.sql$/.exec(file)?.[1],
  reads: () => [],
  write(plan, ctx) {
    const { files, units } = build(this, plan, ctx, {
      order: 'numeric',
      render: (u, v) => {
        const name = `V${v}__${u.slug}.sql`;
        const undo = u.down.length
          ? [
              '',
              '-- Undo (Flyway Teams: save as U' + v + '__' + u.slug + '.sql):',
              ...sqlLines(u.down, { delimiter: plan.dialect !== 'postgres' }).flatMap((l) => l.split('\n').map((x) => `--   ${x}`)),
            ]
          : [];
        // Flyway's MySQL parser honours DELIMITER, which a compound statement needs.
        const content = [`-- ${HEADER}: ${u.title}`, ...sqlLines(u.up, { delimiter: plan.dialect !== 'postgres' }), ...undo, ''].join('\n');
        const conf = u.nonTransactional ? [{ name: `${name}.conf`, content: `${NO_TX}\n` }] : [];
        return { files: [{ name, content }, ...conf] };
      },
    });
    return result('flyway', {
      files,
      notes: [
        'Apply with `flyway migrate`. Flyway has no down in its free editions: the undo SQL is in a comment at the end of each file.',
        ...nonTxNote(units, `a \`.sql.conf\` beside the script with \`${NO_TX}\``),
      ],
    });
  },
};
