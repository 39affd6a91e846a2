/**
 * `dragon-desk audit verify`: walks the configured store's audit hash chain without changing
 * anything. Opening the store would run pending migrations, and the migration that brings the chain
 * also hashes the rows it finds, so a check must not open it that way: SQLite is opened read-only
 * (a missing file is reported, not created), PostgreSQL with one connection, and a database that
 * has not had the chain migration is reported as such.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { verifyChain, type ChainVerdict } from './auditChain';
import { postgresConnection } from './dialect';
import { SQLITE_FILE_NAME } from './index';
import type { Database } from './schema';

export const CHAIN_MIGRATION = '002_audit_hash_chain';

export interface TrailCheck {
  /** The SQLite file, or host:port/database (never the password). */
  where: string;
  /** absent: no database file; unmigrated: Dragon Desk has not started on it since the chain came. */
  result: ChainVerdict | 'absent' | 'unmigrated';
}

export async function verifyAuditTrail(opts: {
  databaseUrl?: string;
  dataDir: string;
  databasePassword?: () => Promise<string>;
}): Promise<TrailCheck> {
  if (!opts.databaseUrl) {
    const file = path.resolve(opts.dataDir, SQLITE_FILE_NAME);
    if (!existsSync(file)) return { where: file, result: 'absent' };
    const db = new Kysely<Database>({
      dialect: new SqliteDialect({ database: new BetterSqlite3(file, { readonly: true, fileMustExist: true }) }),
    });
    try {
      return { where: file, result: await check(db, 'sqlite') };
    } finally {
      await db.destroy();
    }
  }
  const url = new URL(opts.databaseUrl);
  const where = `${url.hostname}:${url.port || 5432}${url.pathname}`;
  const { db } = postgresConnection(opts.databaseUrl, { password: opts.databasePassword, maxConnections: 1 });
  try {
    return { where, result: await check(db, 'postgres') };
  } finally {
    await db.destroy();
  }
}

async function check(db: Kysely<Database>, engine: 'sqlite' | 'postgres'): Promise<ChainVerdict | 'unmigrated'> {
  const exists =
    engine === 'sqlite'
      ? sql<{ n: number }>`select count(*) as n from sqlite_master where type = 'table' and name = 'kysely_migration'`
      : sql<{
          n: number;
        }>`select count(*)::int as n from pg_tables where tablename = 'kysely_migration' and schemaname = current_schema()`;
  const [{ n }] = (await exists.execute(db)).rows;
  if (!n) return 'unmigrated';
  const done = await db
    .selectFrom('kysely_migration')
    .select('name')
    .where('name', '=', CHAIN_MIGRATION)
    .executeTakeFirst();
  if (!done) return 'unmigrated';
  return verifyChain(db);
}
