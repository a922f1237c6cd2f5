/**
 * The storage side of a plan: how big the table gets after each phase and the free space the work needs, with the
 * advice that goes with it (VACUUM and fillfactor on PostgreSQL, free disk space for MySQL/MariaDB rebuilds). Pure.
 */
import { formatBytes } from './format';
import type { Finding, Plan, Step } from './types';

/** The table's predicted total size (table + indexes) after each phase that changes it. */
export function sizeAfterPhases(
  plan: Pick<Plan, 'phases'>,
): { phase: string; tableBytes: number; indexBytes: number; tempBytes: number }[] {
  const out: { phase: string; tableBytes: number; indexBytes: number; tempBytes: number }[] = [];
  for (const p of plan.phases) {
    const sized = p.steps.filter((s): s is Step & { storage: NonNullable<Step['storage']> } => s.storage !== undefined);
    const last = sized[sized.length - 1];
    if (!last) continue;
    out.push({
      phase: p.kind,
      tableBytes: last.storage.tableBytes,
      indexBytes: last.storage.indexBytes,
      tempBytes: Math.max(0, ...sized.map((s) => s.storage.tempBytes ?? 0)),
    });
  }
  return out;
}

/**
 * Where concurrent writes go while an in-place rebuild runs (INPLACE on MySQL/MariaDB): InnoDB's online log, which needs
 * room too. PostgreSQL's rewrites and ALGORITHM=COPY block writes; pt-online-schema-change's triggers write them into
 * its new table, which the copy's size already counts.
 */
const ONLINE_LOG = ' (plus the online log of concurrent writes, innodb_online_alter_log_max_size)';

/** Advice for the storage the plan uses, when it is worth saying (the table grows by more than a tenth, or a copy needs space). */
export function storageFindings(plan: Pick<Plan, 'dialect' | 'phases' | 'table'>, beforeBytes: number): Finding[] {
  const steps = plan.phases.flatMap((p) => p.steps);
  const out: Finding[] = [];
  const backfill = steps.find((s) => s.backfill && s.storage);
  if (backfill?.storage && plan.dialect === 'postgres' && backfill.storage.growthBytes > beforeBytes * 0.1) {
    const after = backfill.storage.tableBytes + backfill.storage.indexBytes;
    out.push({
      code: 'backfill-bloat',
      severity: 'info',
      message:
        `The backfill writes a new version of every row: the table with its indexes grows from about ${formatBytes(beforeBytes)} to about ${formatBytes(after)} (the old versions stay until VACUUM). ` +
        'Autovacuum makes the space reusable but does not shrink the files; run VACUUM (ANALYZE) on the table after the backfill, and keep that much free disk space. ' +
        'A table with a fillfactor below 100 leaves room on each page, so more of the updates stay on their page (HOT) and the indexes grow less.',
    });
  }
  const copy = steps.filter(
    (s) => (s.storage?.tempBytes ?? 0) > 0 && ['rewrite', 'copy', 'online-copy', 'own-copy'].includes(s.estimate.kind ?? ''),
  );
  const biggest = copy.reduce<Step | undefined>((m, s) => (!m || s.storage!.tempBytes! > m.storage!.tempBytes! ? s : m), undefined);
  if (biggest?.storage?.tempBytes) {
    out.push({
      code: 'rebuild-space',
      severity: 'info',
      message: `"${biggest.sql.slice(0, 60)}…" ${biggest.estimate.kind === 'online-copy' || biggest.estimate.kind === 'own-copy' ? 'copies' : 'rebuilds'} the table: it needs about ${formatBytes(biggest.storage.tempBytes)} of free disk space for the copy while it runs${plan.dialect !== 'postgres' && biggest.estimate.kind === 'rewrite' ? ONLINE_LOG : ''}.`,
    });
  }
  return out;
}
