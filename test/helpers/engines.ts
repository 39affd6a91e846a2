/**
 * Runs one suite against every store engine: SQLite (a temp file, WAL as in production) and
 * PostgreSQL (a database of its own on the file's one embedded server, see postgres.ts).
 *
 *   describeEachEngine('requests', (getStore, ctx) => {
 *     it('…', async () => { const store = getStore(); … });
 *   });
 *
 * Call it at the top level of a test file: the PostgreSQL server is started lazily by the first
 * PostgreSQL suite and stopped after the file's last test. All tests of a suite share one database
 * (each suite gets its own); use `ctx.freshStore()` when a test needs an empty one.
 * DRAGON_DESK_TEST_ENGINES=sqlite limits the engines (e.g. on a machine without the binaries);
 * by default both run and a PostgreSQL that cannot start fails the suite.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';
import { ManualClock } from '../../src/clock';
import { openStore, SQLITE_FILE_NAME, type Engine, type Store } from '../../src/store';
import { startPostgres, type TestPostgres } from './postgres';

export interface RecordedQuery {
  sql: string;
  parameters: readonly unknown[];
}

/** Where a store lives: what openStore() takes. */
export interface StoreLocation {
  databaseUrl?: string;
  dataDir?: string;
}

export interface EngineContext {
  readonly engine: Engine;
  /** The clock every store of this suite stamps with; starts at 2026-11-21T09:00:00Z. */
  readonly clock: ManualClock;
  /** The suite's database (available in tests and hooks). */
  location(): StoreLocation;
  /** Creates a new, empty database (removed with the suite). */
  newLocation(): Promise<StoreLocation>;
  /** Opens a Store (migrating it) on `where`, default the suite's database; closed after the suite. */
  open(where?: StoreLocation): Promise<Store>;
  /** Another Store on the suite's database, like a second bot instance. */
  openAnother(): Promise<Store>;
  /** A Store on a new, empty database. */
  freshStore(): Promise<Store>;
  /** The SQLite file of `where` (default the suite's database); sqlite only. */
  sqliteFile(where?: StoreLocation): string;
  /** The SQL statements the suite's stores send while `fn` runs. */
  recordQueries<T>(fn: () => Promise<T>): Promise<{ result: T; queries: RecordedQuery[] }>;
}

export const CLOCK_START = '2026-11-21T09:00:00.000Z';

function enabledEngines(): Engine[] {
  const wanted = (process.env.DRAGON_DESK_TEST_ENGINES ?? 'sqlite,postgres').split(',').map((s) => s.trim());
  return (['sqlite', 'postgres'] as const).filter((e) => wanted.includes(e));
}

let server: Promise<TestPostgres> | undefined;
let stopRegistered = false;

function postgresServer(): Promise<TestPostgres> {
  return (server ??= startPostgres());
}

function registerServerStop(): void {
  if (stopRegistered) return;
  stopRegistered = true;
  afterAll(async () => {
    const running = server;
    server = undefined;
    stopRegistered = false;
    if (running) await (await running).stop();
  });
}

export function describeEachEngine(name: string, fn: (getStore: () => Store, ctx: EngineContext) => void): void {
  const engines = enabledEngines();
  if (engines.includes('postgres')) registerServerStop();

  for (const engine of engines) {
    describe(`${name} [${engine}]`, () => {
      const clock = new ManualClock(CLOCK_START);
      const opened: Store[] = [];
      const tempDirs: string[] = [];
      let recorder: RecordedQuery[] | undefined;
      let mainStore: Store | undefined;
      let mainLocation: StoreLocation | undefined;

      const location = (): StoreLocation => {
        if (!mainLocation) throw new Error('the suite database exists only inside tests and hooks');
        return mainLocation;
      };

      const newLocation = async (): Promise<StoreLocation> => {
        if (engine === 'postgres') return { databaseUrl: await (await postgresServer()).createDatabase() };
        const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dragon-desk-sqlite-'));
        tempDirs.push(dataDir);
        return { dataDir };
      };

      const open = async (where: StoreLocation = location()): Promise<Store> => {
        const store = await openStore({
          ...where,
          clock,
          onQuery: (q) => recorder?.push({ sql: q.sql, parameters: q.parameters }),
        });
        opened.push(store);
        return store;
      };

      const ctx: EngineContext = {
        engine,
        clock,
        location,
        newLocation,
        open,
        openAnother: () => open(),
        freshStore: async () => open(await newLocation()),
        sqliteFile: (where = location()) => {
          if (!where.dataDir) throw new Error('sqliteFile() is for the sqlite engine');
          return path.join(where.dataDir, SQLITE_FILE_NAME);
        },
        async recordQueries(run) {
          const queries: RecordedQuery[] = [];
          recorder = queries;
          try {
            return { result: await run(), queries };
          } finally {
            recorder = undefined;
          }
        },
      };

      beforeAll(async () => {
        mainLocation = await newLocation();
        mainStore = await open(mainLocation);
      });

      afterAll(async () => {
        await Promise.all(opened.splice(0).map((s) => s.close()));
        for (const dir of tempDirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
      });

      fn(() => {
        if (!mainStore)
          throw new Error('getStore() is available inside tests and hooks, not while the suite is being declared');
        return mainStore;
      }, ctx);
    });
  }
}
