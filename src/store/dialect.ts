/**
 * The two engines behind one Kysely<Database>. SQLite is the single-instance default (a file
 * under DATA_DIR); PostgreSQL is for several bot instances behind a load balancer.
 */
import BetterSqlite3 from 'better-sqlite3';
import {
  Kysely,
  PostgresDialect,
  SqliteDialect,
  sql,
  type KyselyConfig,
  type LogEvent,
  type QueryResult,
  type RawBuilder,
  type SqliteDatabase,
} from 'kysely';
import type { Pool as PgPool, PoolConfig } from 'pg';
import type { Database } from './schema';

export type Engine = 'sqlite' | 'postgres';

export interface Connection {
  engine: Engine;
  db: Kysely<Database>;
}

/** Every statement the store sends, with its duration: for query-count and query-plan tests and benchmarks. */
export type QueryObserver = (query: {
  sql: string;
  parameters: readonly unknown[];
  durationMs: number;
  error?: unknown;
}) => void;

function logOption(onQuery: QueryObserver | undefined): Pick<KyselyConfig, 'log'> {
  if (!onQuery) return {};
  return {
    log: (event: LogEvent) =>
      onQuery({
        sql: event.query.sql,
        parameters: event.query.parameters,
        durationMs: event.queryDurationMillis,
        ...(event.level === 'error' ? { error: event.error } : {}),
      }),
  };
}

/** How long a SQLite writer waits for another process's write lock before SQLITE_BUSY. */
const SQLITE_BUSY_TIMEOUT_MS = 5000;

/**
 * Page size of a new SQLite file. A commit writes every page it changed to the WAL in full, and
 * the store's writes are small rows in tables with several indexes: a request's draft touches
 * about a dozen pages. Measured on the bench VM, a 12-page commit took 147 µs with 4 KB pages and
 * 96 µs with 2 KB; the 100,000-request list queries did not get slower (bench/growth.ts). Rows
 * stay well under the ~2 KB a 2 KB page holds before SQLite spills a row to overflow pages.
 */
export const SQLITE_PAGE_SIZE = 2048;

/**
 * WAL pages after which a commit copies them back into the database file (SQLite's default: 1,000).
 * The commit that does it waits for two fsyncs on the event loop, and a checkpoint copies each page
 * once however often it was rewritten: the store rewrites the same index pages all the time. Over
 * 400 license requests on the bench VM, checkpoints stalled commits for ~80 ms at 1,000 pages and
 * ~34 ms at 4,000 (an 8 MB WAL with 2 KB pages), each stall ~10–20 ms.
 */
export const SQLITE_CHECKPOINT_PAGES = 4000;

/**
 * One better-sqlite3 handle per process. Kysely serialises its use, so concurrent callers in this
 * process queue rather than conflict. Do not open two Stores on the same file in one process:
 * better-sqlite3 is synchronous, so the second connection would block the event loop in
 * busy_timeout while the first waits on it (several *processes* on one host are fine in WAL).
 */
export function sqliteConnection(filename: string, onQuery?: QueryObserver): Connection {
  const handle = new BetterSqlite3(filename);
  if (filename !== ':memory:') {
    // Before WAL, as the page size of a new file can only be chosen before it is in WAL mode; an
    // existing file keeps the size it was created with.
    handle.pragma(`page_size = ${SQLITE_PAGE_SIZE}`);
    // WAL: readers never block the writer; NORMAL sync is durable across app crashes in WAL mode
    // and avoids an fsync per transaction.
    handle.pragma('journal_mode = WAL');
    handle.pragma('synchronous = NORMAL');
    handle.pragma(`wal_autocheckpoint = ${SQLITE_CHECKPOINT_PAGES}`);
  }
  handle.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  handle.pragma('foreign_keys = ON');
  const statements = withStatementCache(handle);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: statements }), ...logOption(onQuery) });
  directRunners.set(db, directRunner(handle, statements, onQuery));
  return { engine: 'sqlite', db };
}

/**
 * Runs an already compiled statement on SQLite synchronously, without Kysely's connection queue,
 * when that gives the same result as the queue would; `undefined` when it would not, and the caller
 * goes through Kysely. Used by src/store/prepared.ts for the store's hot statements.
 *
 * Why: each statement through Kysely is a chain of promises (connection mutex, driver, logging)
 * that cost about as much CPU as SQLite running the statement, twenty times per license request.
 *
 * Why it is safe: better-sqlite3 runs a statement to the end before any other JavaScript runs, so
 * the only thing the queue orders is statements against open transactions. `inTransaction` tells
 * which case this is: from outside a transaction (`inOwnTransaction` false) a statement runs at once
 * only when no transaction is open (it is then its own, as it would be after waiting its turn),
 * and waits behind an open one otherwise; from inside one (a Kysely Transaction is usable only by
 * its holder, while the connection is held) it runs at once in it. The store's Kysely instances
 * have no plugins, so Kysely would hand back the driver's result unchanged; the observer sees every
 * statement as Kysely's log would show it.
 */
export interface DirectRunner {
  run<R>(sql: string, parameters: readonly unknown[], inOwnTransaction: boolean): QueryResult<R> | undefined;
}

const directRunners = new WeakMap<Kysely<Database>, DirectRunner>();

/** The direct runner of a Kysely instance made by sqliteConnection (undefined for PostgreSQL). */
export function directRunnerOf(db: Kysely<Database>): DirectRunner | undefined {
  return directRunners.get(db);
}

function directRunner(
  handle: BetterSqlite3.Database,
  statements: SqliteDatabase,
  onQuery: QueryObserver | undefined,
): DirectRunner {
  return {
    run<R>(sqlText: string, parameters: readonly unknown[], inOwnTransaction: boolean): QueryResult<R> | undefined {
      if (handle.inTransaction !== inOwnTransaction) return undefined;
      const started = onQuery ? performance.now() : 0;
      try {
        const stmt = statements.prepare(sqlText);
        let result: QueryResult<R>;
        if (stmt.reader) {
          result = { rows: stmt.all(parameters) as R[] };
        } else {
          // The shape Kysely's SQLite driver gives a write.
          const { changes, lastInsertRowid } = stmt.run(parameters);
          result = { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
        }
        onQuery?.({ sql: sqlText, parameters, durationMs: performance.now() - started });
        return result;
      } catch (error) {
        onQuery?.({ sql: sqlText, parameters, durationMs: performance.now() - started, error });
        throw error;
      }
    },
  };
}

/** Distinct SQL texts kept prepared; the store issues a few dozen, IN-lists of varying length add some. */
const STATEMENT_CACHE_SIZE = 256;

/**
 * Kysely's SQLite driver prepares every statement anew, and preparing (parsing and planning the
 * SQL) cost more than running the store's indexed queries (bench/: ~5% of a turn's CPU). Statements
 * are reusable, and Kysely runs one at a time on the single connection, so a prepared statement is
 * never in use twice at once. Least recently used texts are dropped past the limit.
 */
export function withStatementCache(handle: BetterSqlite3.Database, size = STATEMENT_CACHE_SIZE): SqliteDatabase {
  const prepared = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => handle.close(),
    prepare(sql: string) {
      let stmt = prepared.get(sql);
      if (stmt) {
        prepared.delete(sql);
      } else {
        stmt = handle.prepare(sql);
        if (prepared.size >= size) prepared.delete(prepared.keys().next().value as string);
      }
      prepared.set(sql, stmt);
      return stmt;
    },
  };
}

export interface PostgresOptions {
  /** Called when an idle pooled connection fails (server restart, network); the pool replaces it. */
  onPoolError?: (err: Error) => void;
  maxConnections?: number;
  onQuery?: QueryObserver;
  /**
   * Asked for the password of every new connection (a Microsoft Entra token, which expires within
   * the hour); the URL then carries none.
   */
  password?: () => Promise<string>;
}

/**
 * pg lets a connectionString override every other setting, the password included (even an empty
 * one), so a password function only works with the URL taken apart.
 */
export function poolSettings(databaseUrl: string, password?: () => Promise<string>): PoolConfig {
  if (!password) return { connectionString: databaseUrl };
  const url = new URL(databaseUrl);
  const sslmode = url.searchParams.get('sslmode') ?? 'verify-full';
  return {
    host: url.hostname,
    port: url.port ? Number(url.port) : 5432,
    user: decodeURIComponent(url.username),
    database: decodeURIComponent(url.pathname.replace(/^\//, '')) || undefined,
    // Entra tokens go only over verified TLS; 'disable' is honoured for a local test server.
    ssl: sslmode === 'disable' ? false : { rejectUnauthorized: sslmode !== 'no-verify' },
    password,
  };
}

export function postgresConnection(databaseUrl: string, opts: PostgresOptions = {}): Connection {
  // pg is loaded only with DATABASE_URL: a SQLite instance never needs it (~1 MB resident).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Pool } = require('pg') as { Pool: typeof PgPool };
  const pool = new Pool({ ...poolSettings(databaseUrl, opts.password), max: opts.maxConnections ?? 10 });
  // Without a listener an idle client's error would crash the process; the next query that needs
  // the database reports the outage instead (and /readyz turns red through ping()).
  pool.on('error', opts.onPoolError ?? (() => undefined));
  return {
    engine: 'postgres',
    db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }), ...logOption(opts.onQuery) }),
  };
}

/**
 * A transaction for the store's compare-and-swap writes. READ COMMITTED is pinned rather than
 * inherited: there a waiting `UPDATE … WHERE version = ?` re-checks the winner's row and updates
 * 0 rows, which is the "someone else got there first" answer. Under a stricter server default
 * (REPEATABLE READ / SERIALIZABLE) the loser would get a serialization error instead. SQLite
 * ignores the setting: it has one writer at a time.
 */
export function casTransaction(db: Kysely<Database>) {
  return db.transaction().setIsolationLevel('read committed');
}

/**
 * A LIMIT written into the statement rather than bound: SQLite runs `… LIMIT ?` two to four times
 * slower than the same statement with a literal (the store's indexed lists: 24 → 12 µs, and
 * 27 → 7 µs for an approver with nothing pending, which every first contact asks). The limits the
 * store uses are a few constants, so the statement cache still holds one text per query.
 */
export function literalLimit(n: number): RawBuilder<number> {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`limit must be a whole number ≥ 0, got ${n}`);
  return sql.lit(n);
}
