import fs from 'fs';
import os from 'os';
import path from 'path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import { Pool } from 'pg';
import { openMemoryStore, openStore } from '../../src/store';
import { SQLITE_CHECKPOINT_PAGES, SQLITE_PAGE_SIZE, sqliteConnection } from '../../src/store/dialect';
import { initialSchema } from '../../src/store/migrations/001_initial';
import { describeEachEngine } from '../helpers/engines';
import { by, newRequest } from './fixtures';

describeEachEngine('opening the store', (getStore, ctx) => {
  it('reports its engine and answers ping', async () => {
    const store = getStore();
    expect(store.engine).toBe(ctx.engine);
    await expect(store.ping()).resolves.toBeUndefined();
  });

  it('opens an already migrated database again without touching its data (migrations are idempotent)', async () => {
    const created = await getStore().requests.create(newRequest(), by('nurse-1', 'request.created'));
    const again = await ctx.openAnother();
    expect(await again.requests.get(created.id)).toEqual(created);
    const next = await again.requests.create(newRequest(), by('nurse-1', 'request.created'));
    expect(next.id).toBeGreaterThan(created.id);
  });

  it('re-running the initial migration over an existing schema is harmless (an interrupted start can resume)', async () => {
    const where = await ctx.newLocation();
    const store = await ctx.open(where);
    const created = await store.requests.create(newRequest(), by('nurse-1', 'request.created'));
    // A bare Kysely on the same database, as the Migrator would use after a crash mid-migration.
    const db =
      ctx.engine === 'sqlite'
        ? new Kysely<unknown>({ dialect: new SqliteDialect({ database: new BetterSqlite3(ctx.sqliteFile(where)) }) })
        : new Kysely<unknown>({
            dialect: new PostgresDialect({ pool: new Pool({ connectionString: where.databaseUrl }) }),
          });
    try {
      await expect(initialSchema(ctx.engine).up(db)).resolves.toBeUndefined();
    } finally {
      await db.destroy();
    }
    expect(await store.requests.get(created.id)).toEqual(created);
  });

  it('refuses work after close, and closing twice is harmless', async () => {
    const store = await ctx.freshStore();
    await store.close();
    await expect(store.close()).resolves.toBeUndefined();
    await expect(store.ping()).rejects.toThrow();
  });

  if (ctx.engine === 'postgres') {
    it('lets several instances start on one empty database at once (the migration lock serialises them)', async () => {
      const where = await ctx.newLocation();
      const stores = await Promise.all([ctx.open(where), ctx.open(where), ctx.open(where)]);
      const created = await stores[0].requests.create(newRequest(), by('nurse-1', 'request.created'));
      expect(await stores[2].requests.get(created.id)).toEqual(created);
    });
  }

  if (ctx.engine === 'sqlite') {
    it('keeps its data in <dataDir>/dragon-desk.sqlite, in WAL mode, with 2 KB pages', () => {
      const file = ctx.sqliteFile();
      expect(fs.existsSync(file)).toBe(true);
      const db = new BetterSqlite3(file, { readonly: true });
      try {
        expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
        expect(db.pragma('page_size', { simple: true })).toBe(SQLITE_PAGE_SIZE);
      } finally {
        db.close();
      }
    });
  }
});

describe('openStore without DATABASE_URL', () => {
  it('creates the data folder when it does not exist yet', async () => {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'dragon-desk-open-'));
    const dataDir = path.join(base, 'nested', 'data');
    const store = await openStore({ dataDir });
    try {
      expect(store.engine).toBe('sqlite');
      expect(fs.existsSync(path.join(dataDir, 'dragon-desk.sqlite'))).toBe(true);
    } finally {
      await store.close();
      fs.rmSync(base, { recursive: true, force: true });
    }
  });

  it("checkpoints the WAL less often than SQLite's default 1,000 pages (fewer fsync stalls on the event loop)", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dragon-desk-wal-'));
    const { db } = sqliteConnection(path.join(dataDir, 'dragon-desk.sqlite'));
    try {
      const { rows } = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(db);
      expect(rows).toEqual([{ wal_autocheckpoint: SQLITE_CHECKPOINT_PAGES }]);
      expect(SQLITE_CHECKPOINT_PAGES).toBeGreaterThan(1000);
    } finally {
      await db.destroy();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('opens a file created with another page size as it is, data intact', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dragon-desk-pages-'));
    try {
      // A file from before the page size was set: SQLite's default 4 KB pages, already in WAL mode.
      const old = new BetterSqlite3(path.join(dataDir, 'dragon-desk.sqlite'));
      old.pragma('page_size = 4096');
      old.pragma('journal_mode = WAL');
      old.close();
      const first = await openStore({ dataDir });
      const created = await first.requests.create(newRequest(), by('nurse-1', 'request.created'));
      await first.close();
      const again = await openStore({ dataDir });
      try {
        expect(await again.requests.get(created.id)).toEqual(created);
      } finally {
        await again.close();
      }
      const db = new BetterSqlite3(path.join(dataDir, 'dragon-desk.sqlite'), { readonly: true });
      try {
        expect(db.pragma('page_size', { simple: true })).toBe(4096);
      } finally {
        db.close();
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('openMemoryStore gives an empty, private, working store each time', async () => {
    const a = await openMemoryStore();
    const b = await openMemoryStore();
    try {
      const created = await a.requests.create(newRequest(), by('nurse-1', 'request.created'));
      expect(await a.requests.get(created.id)).toBeDefined();
      expect(await b.requests.get(created.id)).toBeUndefined();
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
