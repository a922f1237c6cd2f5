/**
 * Whether a migration tool runs a hand-written .sql file inside one transaction (on PostgreSQL), before the file's
 * own annotations (`-- migrate:up transaction:false`, `-- +goose NO TRANSACTION`, `-- atlas:txmode none`) say otherwise.
 * Sources: the field guide §b-3 and each tool's documentation.
 */
import type { MigrationTool } from '../migrations/types';

const WRAPS: Readonly<Record<MigrationTool, boolean>> = {
  flyway: true, // executeInTransaction defaults to true
  liquibase: true, // runInTransaction defaults to true
  'golang-migrate': true, // a multi-statement file is sent as one query: PostgreSQL runs it as one implicit transaction
  goose: true,
  dbmate: true,
  atlas: true, // txmode file
  sqitch: false, // deploy scripts carry their own BEGIN/COMMIT
  prisma: true,
  drizzle: true, // all pending migrations in one transaction, no opt-out
  knex: true,
  'node-pg-migrate': true,
  typeorm: true,
  sequelize: false,
  kysely: true,
  rails: true, // a migration runs in a transaction unless it says disable_ddl_transaction!
  django: true, // atomic = True by default on PostgreSQL
  alembic: true, // transactional DDL on PostgreSQL unless autocommit_block()
  'plain-sql': false,
};

/** `statements`: how many statements the file holds (golang-migrate sends one statement without a transaction). */
export function toolWrapsSqlFile(tool: MigrationTool, statements: number): boolean {
  if (tool === 'golang-migrate') return statements > 1;
  return WRAPS[tool];
}
