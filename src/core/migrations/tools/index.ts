/**
 * The registry of migration tools: one module per tool (detection, transaction facts, file naming, writer), in the
 * order of the `columnWizard.migrationsTool` setting. Detection runs them in this order (plain-sql last: it takes the
 * folders nobody claimed) and breaks score ties by it.
 */
import type { MigrationTool, MigrationToolModule } from '../types';
import { alembic } from './alembic';
import { atlas } from './atlas';
import { dbmate } from './dbmate';
import { django } from './django';
import { drizzle } from './drizzle';
import { flyway } from './flyway';
import { golangMigrate } from './golangMigrate';
import { goose } from './goose';
import { knex } from './knex';
import { kysely } from './kysely';
import { liquibase } from './liquibase';
import { nodePgMigrate } from './nodePgMigrate';
import { plainSql } from './plainSql';
import { prisma } from './prisma';
import { rails } from './rails';
import { sequelize } from './sequelize';
import { sqitch } from './sqitch';
import { typeorm } from './typeorm';

export const TOOLS: readonly MigrationToolModule[] = [
  flyway,
  liquibase,
  golangMigrate,
  goose,
  dbmate,
  atlas,
  sqitch,
  prisma,
  drizzle,
  knex,
  nodePgMigrate,
  typeorm,
  sequelize,
  kysely,
  rails,
  django,
  alembic,
  plainSql,
];

/** The registry by id. */
export const WRITERS = Object.fromEntries(TOOLS.map((t) => [t.tool, t])) as Readonly<Record<MigrationTool, MigrationToolModule>>;

/** How a migration of `tool` opts out of the transaction, as a user reads it: the name and the marker in backquotes. */
export function optOutHint(tool: MigrationTool): string {
  const t = WRITERS[tool];
  return t.transactions.optOut.marker === undefined
    ? `${t.label}: ${t.transactions.optOut.how}`
    : `${t.label} \`${t.transactions.optOut.marker}\``;
}
