/**
 * What the doctor asks of the database, without changing anything: can it be reached, and which
 * of Dragon Desk's migrations has it had. Opening the store would run the missing migrations
 * (src/store/index.ts), so this reads Kysely's migration table directly: SQLite read-only (a
 * missing file is reported, not created), PostgreSQL with one short-lived connection.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { Client as PgClient, ClientConfig } from 'pg';
import { SETUP_PARTS, SETUP_RECORD_KIND, setupRecordKey, type SetupPart } from '../domain/setupPlan';
import { poolSettings } from './dialect';
import { SQLITE_FILE_NAME } from './index';
import { migrationProvider } from './migrations';

/** Kysely's default migration table. */
const MIGRATION_TABLE = 'kysely_migration';

export interface StoreInspection {
  engine: 'sqlite' | 'postgres';
  /** Where: the SQLite file, or host/database (never the password). */
  where: string;
  /** False: SQLite file not created yet (Dragon Desk creates it at its first start). */
  exists: boolean;
  applied: string[];
  /** Migrations Dragon Desk has that the database has not had (they run at the next start). */
  pending: string[];
  /** The groups "set up Dragon licensing" recorded, by part: used where the configuration names none. */
  setupGroups: Partial<Record<SetupPart, string>>;
}

type SetupRow = { key: string; value: string };
/** The migration that creates the records table. */
const RECORDS_MIGRATION = '001_initial';
const SETUP_ROWS_SQL = `select key, value from records where kind = `;

/** Set-up's records, as (key, JSON value) rows, into the group id of each part. */
function setupGroupsOf(rows: SetupRow[]): Partial<Record<SetupPart, string>> {
  const out: Partial<Record<SetupPart, string>> = {};
  for (const part of SETUP_PARTS) {
    const row = rows.find((r) => r.key === setupRecordKey(part));
    if (!row) continue;
    try {
      const groupId = (JSON.parse(row.value) as { groupId?: unknown }).groupId;
      if (typeof groupId === 'string' && groupId) out[part] = groupId;
    } catch {
      // Not set-up's shape: as if nothing were recorded (the doctor then reports the part as not set).
    }
  }
  return out;
}

async function expected(): Promise<string[]> {
  return Object.keys(await migrationProvider('sqlite').getMigrations()).sort();
}

export async function inspectStore(opts: {
  databaseUrl?: string;
  dataDir: string;
  databasePassword?: () => Promise<string>;
}): Promise<StoreInspection> {
  const all = await expected();
  if (!opts.databaseUrl) {
    const file = path.resolve(opts.dataDir, SQLITE_FILE_NAME);
    if (!existsSync(file))
      return { engine: 'sqlite', where: file, exists: false, applied: [], pending: all, setupGroups: {} };
    const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
    try {
      const table = db.prepare(`select name from sqlite_master where type = 'table' and name = ?`).get(MIGRATION_TABLE);
      const applied = table
        ? (db.prepare(`select name from ${MIGRATION_TABLE} order by name`).all() as { name: string }[]).map(
            (r) => r.name,
          )
        : [];
      const rows = applied.includes(RECORDS_MIGRATION)
        ? (db.prepare(`${SETUP_ROWS_SQL}?`).all(SETUP_RECORD_KIND) as SetupRow[])
        : [];
      return {
        engine: 'sqlite',
        where: file,
        exists: true,
        applied,
        pending: all.filter((m) => !applied.includes(m)),
        setupGroups: setupGroupsOf(rows),
      };
    } finally {
      db.close();
    }
  }
  const url = new URL(opts.databaseUrl);
  const where = `${url.hostname}:${url.port || 5432}${url.pathname}`;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Client } = require('pg') as { Client: new (c: ClientConfig) => PgClient };
  const client = new Client({
    ...poolSettings(opts.databaseUrl, opts.databasePassword),
    connectionTimeoutMillis: 10_000,
  });
  await client.connect();
  try {
    const found = await client.query<{ t: string | null }>(`select to_regclass($1) as t`, [MIGRATION_TABLE]);
    const applied = found.rows[0]?.t
      ? (await client.query<{ name: string }>(`select name from ${MIGRATION_TABLE} order by name`)).rows.map(
          (r) => r.name,
        )
      : [];
    const rows = applied.includes(RECORDS_MIGRATION)
      ? (await client.query<SetupRow>(`${SETUP_ROWS_SQL}$1`, [SETUP_RECORD_KIND])).rows
      : [];
    return {
      engine: 'postgres',
      where,
      exists: true,
      applied,
      pending: all.filter((m) => !applied.includes(m)),
      setupGroups: setupGroupsOf(rows),
    };
  } finally {
    await client.end();
  }
}
