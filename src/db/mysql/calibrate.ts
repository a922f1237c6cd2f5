/**
 * Throughput of this server, measured on a private sample table (~100k rows, a few seconds) in the connection's
 * database, for the planner's estimates. The sample is dropped afterwards; no user table is touched.
 */
import { randomBytes } from 'node:crypto';
import { qualifiedTable } from '../../core/sql';
import type { Calibration } from '../../core/types';
import type { CalibrateOptions } from '../client';
import { measureSample } from '../calibrate';
import type { Queryable } from './introspect';

export async function calibrate(db: Queryable, options: CalibrateOptions = {}): Promise<Calibration> {
  const rows = Math.max(1000, Math.floor(options.rows ?? 100_000));
  const [{ d } = { d: null }] = await db.query<{ d: string | null }>('SELECT DATABASE() AS d');
  if (!d) throw new Error('Calibration needs a database in the connection URL (mysql://user@host/db).');
  const name = `_cw_calib_${randomBytes(4).toString('hex')}`;
  const t = qualifiedTable('mysql', { schema: d, name });
  try {
    await db.query(`CREATE TABLE ${t} (id bigint NOT NULL AUTO_INCREMENT PRIMARY KEY, a int NOT NULL, b varchar(64) NOT NULL, c datetime NOT NULL) ENGINE=InnoDB`);
    await db.query(`INSERT INTO ${t} (a, b, c) VALUES (1, MD5('1'), NOW())`);
    for (let n = 1; n < rows; n *= 2) {
      await db.query(`INSERT INTO ${t} (a, b, c) SELECT id % 1000, MD5(RAND()), c FROM ${t} LIMIT ${Math.min(n, rows - n)}`);
    }
    await db.query(`ANALYZE TABLE ${t}`);
    const [{ b } = { b: 0 }] = await db.query<{ b: number }>('SELECT DATA_LENGTH AS b FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?', [d, name]);
    return await measureSample(db, t, rows, Number(b), {
      scan: `SELECT COUNT(*), SUM(LENGTH(b)) FROM ${t}`,
      index: `CREATE INDEX b_idx ON ${t} (b) ALGORITHM=INPLACE`,
      rewrite: `ALTER TABLE ${t} FORCE, ALGORITHM=INPLACE`,
      addColumn: `ALTER TABLE ${t} ADD COLUMN d int NULL`,
    });
  } finally {
    await db.query(`DROP TABLE IF EXISTS ${t}`).catch(() => undefined);
  }
}
