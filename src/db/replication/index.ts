export * from './types';
export { postgresLagReader, standbyLockHolders, WalTimeline, type PostgresLagOptions } from './postgres';
export { mysqlLagReader, replicaLockHolders, replicaStatus, HEARTBEAT_TABLE, type MysqlLagOptions } from './mysql';
export {
  checkDrift,
  confirmColumnOnReplicas,
  readDefinition,
  resolveTable,
  type ColumnConfirmation,
  type ConfirmOptions,
} from './definitions';
export {
  lagReaderFor,
  lagSource,
  runPlanWithReplicas,
  standbyGuard,
  type LagSourceOptions,
  type ReplicaRunOptions,
  type ReplicaRunResult,
  type StandbyGuardOptions,
} from './run';
