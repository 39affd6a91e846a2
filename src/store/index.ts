/**
 * Opens the store: PostgreSQL when DATABASE_URL is set (several bot instances), otherwise a
 * SQLite file `<dataDir>/dragon-desk.sqlite` (one instance). Migrations run before it is returned;
 * running them again is a no-op, and on PostgreSQL Kysely's advisory lock lets several instances
 * start at once.
 */
import fs from 'fs';
import path from 'path';
import { Migrator, sql } from 'kysely';
import { SqlAuditStore } from './audit';
import { SqlBotStorage } from './botStorage';
import { SqlCardStore } from './cards';
import type { StoreClock } from './codec';
import { SqlConversationStore } from './conversations';
import { postgresConnection, sqliteConnection, type Connection, type QueryObserver } from './dialect';
import { migrationProvider } from './migrations';
import { SqlOutboxStore } from './outbox';
import { SqlRecordStore } from './records';
import { SqlRequestStore } from './requests';
import { SqlTimerStore } from './timers';
import type { Store } from './types';

export type { Engine, QueryObserver } from './dialect';
export type { Store } from './types';

export const SQLITE_FILE_NAME = 'dragon-desk.sqlite';

export interface OpenStoreOptions {
  /** postgres://… — selects PostgreSQL. */
  databaseUrl?: string;
  /** Folder for the SQLite file when no databaseUrl; created if missing. Defaults to ./data. */
  dataDir?: string;
  /** Source of every stored timestamp (tests move it). Defaults to the system clock. */
  clock?: StoreClock;
  /** Sees each SQL statement (benchmarks, query-count and query-plan tests). */
  onQuery?: QueryObserver;
  /** PostgreSQL: an idle pooled connection failed (the pool replaces it). */
  onPoolError?: (err: Error) => void;
  /** PostgreSQL: the password for each new connection (a Microsoft Entra token) instead of the URL's. */
  databasePassword?: () => Promise<string>;
}

const systemClock: StoreClock = { now: () => new Date() };

async function migrate(conn: Connection): Promise<void> {
  const migrator = new Migrator({ db: conn.db, provider: migrationProvider(conn.engine) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    const which = failed ? `migration ${failed}` : 'migration';
    throw new Error(`Store ${which} failed: ${error instanceof Error ? error.message : JSON.stringify(error)}`, {
      cause: error,
    });
  }
}

function storeOn(conn: Connection, clock: StoreClock): Store {
  const { db, engine } = conn;
  let closing: Promise<void> | undefined;
  return {
    engine,
    requests: new SqlRequestStore(db, clock),
    audit: new SqlAuditStore(db, clock),
    cards: new SqlCardStore(db, clock),
    conversations: new SqlConversationStore(db, clock),
    timers: new SqlTimerStore(db, clock),
    records: new SqlRecordStore(db, clock),
    outbox: new SqlOutboxStore(db, clock),
    botStorage: new SqlBotStorage(db),
    async ping() {
      await sql`select 1`.execute(db);
    },
    // Idempotent: shutdown paths (signal handler, server close, tests) may each call it.
    close() {
      return (closing ??= db.destroy());
    },
  };
}

async function openOn(conn: Connection, clock: StoreClock): Promise<Store> {
  try {
    await migrate(conn);
  } catch (err) {
    await conn.db.destroy().catch(() => undefined);
    throw err;
  }
  return storeOn(conn, clock);
}

export async function openStore(opts: OpenStoreOptions = {}): Promise<Store> {
  const clock = opts.clock ?? systemClock;
  if (opts.databaseUrl) {
    return openOn(
      postgresConnection(opts.databaseUrl, {
        onQuery: opts.onQuery,
        onPoolError: opts.onPoolError,
        password: opts.databasePassword,
      }),
      clock,
    );
  }
  const dir = path.resolve(opts.dataDir ?? 'data');
  fs.mkdirSync(dir, { recursive: true });
  return openOn(sqliteConnection(path.join(dir, SQLITE_FILE_NAME), opts.onQuery), clock);
}

/** A private in-memory SQLite store, for tests that need no file. */
export function openMemoryStore(opts: Pick<OpenStoreOptions, 'clock' | 'onQuery'> = {}): Promise<Store> {
  return openOn(sqliteConnection(':memory:', opts.onQuery), opts.clock ?? systemClock);
}
