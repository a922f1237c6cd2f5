/**
 * The engines, and per engine the adapters that hold everything it does differently (Kysely's per-dialect layout):
 * each lives in the engine's folder, src/db/<engine>/, and this table is where the rest of src/db looks an engine
 * up. (The driver itself is loaded on first use by `connect()` in src/db/client.ts.)
 */
import type { ConnectionOptions } from './connection';
import type { DriverErrorCodes } from './errors';
import { driverErrors as mysqlErrors } from './mysql/errors';
import { runner as mysqlRunner } from './mysql/run';
import { driverErrors as postgresErrors } from './postgres/errors';
import { runner as postgresRunner } from './postgres/run';
import type { RunnerDialect } from './run/dialect';

export type Engine = ConnectionOptions['engine'];

export interface EngineAdapters {
  /** The runner's SQL and behaviour: src/db/<engine>/run.ts. */
  readonly runner: RunnerDialect;
  /** What the driver's error codes mean: src/db/<engine>/errors.ts. */
  readonly driverErrors: DriverErrorCodes;
}

export const ENGINES: Readonly<Record<Engine, EngineAdapters>> = {
  postgres: { runner: postgresRunner, driverErrors: postgresErrors },
  mysql: { runner: mysqlRunner, driverErrors: mysqlErrors },
};
