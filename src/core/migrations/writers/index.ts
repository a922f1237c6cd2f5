/** Every writer, by tool name, in the order of the `columnWizard.migrationsTool` setting. */
import type { MigrationTool, MigrationWriter } from '../types';
import { atlas } from './atlas';
import { dbmate } from './dbmate';
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
import { sequelize } from './sequelize';
import { sqitch } from './sqitch';
import { typeorm } from './typeorm';
import { rails } from './rails';
import { django } from './django';
import { alembic } from './alembic';

export const WRITERS: Readonly<Record<MigrationTool, MigrationWriter>> = {
  flyway,
  liquibase,
  'golang-migrate': golangMigrate,
  goose,
  dbmate,
  atlas,
  sqitch,
  prisma,
  drizzle,
  knex,
  'node-pg-migrate': nodePgMigrate,
  typeorm,
  sequelize,
  kysely,
  rails,
  django,
  alembic,
  'plain-sql': plainSql,
};
