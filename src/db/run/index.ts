export { runPlan, findUnfinishedRun, findResumableRun, concurrentIndexName, DEFAULT_RUN_LOCK_TIMEOUT_MS } from './runner';
export {
  runBackfill,
  keyPredicate,
  DEFAULT_TARGET_BATCH_MS,
  type BackfillRun,
  type BackfillResult,
  type BackfillProgress,
} from './backfill';
export { findBatchKey, type BatchKey, type KeyColumn } from './keys';
export { postgresReplicationLag, mysqlReplicaLag, worstLag } from './lag';
export { assertRunAllowed } from './guard';
export { acquireMigrationLock, releaseMigrationLock, migrationLockName } from './migrationLock';
export { RunStore, STATE_TABLE, stateTableDdl, planHash } from './state';
export { buildReport, formatReport, sizeSnapshot } from './report';
export { withLockRetry, backoffDelay, resolvePolicy } from './retry';
export { findBlockers, describeBlockers, isLockTimeout, isConnectionLost } from './errors';
export * from './types';
export { previewAbandon, abandonRun, type AbandonPreview } from './abandon';
export { checkOutcome, madeBy, undoStatements } from './outcome';
