/**
 * The audit trail's hash chain: every append links to the row before it, on both engines, with
 * several writers at once; `verify` (and `dragon-desk audit verify`) finds the first row that was
 * changed, removed or cut off; rows from before the chain are hashed by its migration.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import BetterSqlite3 from 'better-sqlite3';
import { Migrator } from 'kysely';
import { Client } from 'pg';
import { main } from '../../src/cli/dragon-desk';
import { withDevDefaults } from '../../src/config';
import { chainHash, GENESIS_HASH } from '../../src/store/auditChain';
import { postgresConnection, sqliteConnection } from '../../src/store/dialect';
import { migrationProvider } from '../../src/store/migrations';
import type { Store } from '../../src/store';
import { describeEachEngine, type EngineContext, type StoreLocation } from '../helpers/engines';
import { by, newRequest, TENANT } from './fixtures';

const ROOT = path.resolve(__dirname, '../..');

interface RawRow {
  id: number;
  prev_hash: string | null;
  hash: string | null;
}

/** SQL run beside the store, as someone with database access would: what the chain must reveal. */
async function rawSql(ctx: EngineContext, where: StoreLocation, text: string): Promise<RawRow[]> {
  if (ctx.engine === 'sqlite') {
    const db = new BetterSqlite3(ctx.sqliteFile(where));
    try {
      const stmt = db.prepare(text);
      return stmt.reader ? (stmt.all() as RawRow[]) : (stmt.run(), []);
    } finally {
      db.close();
    }
  }
  const client = new Client({ connectionString: where.databaseUrl });
  await client.connect();
  try {
    return (await client.query<RawRow>(text)).rows;
  } finally {
    await client.end();
  }
}

async function appendSome(store: Store, n: number, actor = 'someone'): Promise<void> {
  for (let i = 0; i < n; i++)
    await store.audit.append({ tenantId: TENANT, actorId: actor, action: 'test.event', detail: { i } });
}

async function cli(env: Record<string, string>): Promise<{ code: number; out: string }> {
  const stdout = new PassThrough();
  let out = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  const full = withDevDefaults(env, ROOT) as Record<string, string>;
  delete full.APP_MODE;
  const code = await main(['audit', 'verify'], {
    stdin: new PassThrough(),
    stdout,
    stderr: new PassThrough(),
    env: full,
  });
  return { code, out };
}

function cliEnv(where: StoreLocation): Record<string, string> {
  return where.databaseUrl
    ? { DATABASE_URL: where.databaseUrl, DATA_DIR: '/nonexistent' }
    : { DATA_DIR: where.dataDir! };
}

/** Another process appending to the same SQLite file, as a second Dragon Desk on one host would. */
function appendInChild(dataDir: string, count: number): Promise<void> {
  const script = `
    const { openStore } = require('./src/store');
    (async () => {
      const store = await openStore({ dataDir: ${JSON.stringify(dataDir)} });
      for (let i = 0; i < ${count}; i++) {
        await store.audit.append({ tenantId: 't', actorId: 'child', action: 'test.child', detail: { i } });
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      await store.close();
    })().catch((e) => { console.error(e); process.exit(1); });`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', 'tsx/cjs', '-e', script], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`child exited ${code}: ${err}`))));
  });
}

describeEachEngine('audit hash chain', (_getStore, ctx) => {
  /** A store on a database of its own, and where that database is. */
  async function fresh(): Promise<{ store: Store; where: StoreLocation }> {
    const where = await ctx.newLocation();
    return { store: await ctx.open(where), where };
  }

  it('links each row to the one before it and verifies the whole trail', async () => {
    const { store, where } = await fresh();
    expect(await store.audit.verify()).toEqual({ ok: true, rows: 0, headHash: GENESIS_HASH });
    const req = await store.requests.create(newRequest(), [
      by('nurse-1', 'request.draft'),
      by('nurse-1', 'request.checked'),
    ]);
    await store.requests.transition(
      req.id,
      { state: 'pending', version: 1 },
      'approve',
      {},
      by('owner', 'request.approve'),
    );
    await appendSome(store, 2);

    const mine = await rawSql(ctx, where, 'select id, prev_hash, hash from audit order by id');
    expect(mine).toHaveLength(5);
    expect(mine[0].prev_hash).toBe(GENESIS_HASH);
    for (let i = 1; i < mine.length; i++) expect(mine[i].prev_hash).toBe(mine[i - 1].hash);
    expect(new Set(mine.map((r) => r.hash)).size).toBe(5);
    const verdict = await store.audit.verify();
    expect(verdict).toEqual({ ok: true, rows: 5, headHash: mine[4].hash });
  });

  it('the hash is SHA-256 over the previous hash and the row as written down in auditChain.ts', async () => {
    const { store, where } = await fresh();
    ctx.clock.set('2026-11-21T09:30:00.000Z');
    await store.audit.append({
      tenantId: TENANT,
      actorId: 'owner-1',
      actorName: 'Olivia Owner',
      action: 'request.approve',
      requestId: 7,
      detail: { reason: 'ok' },
      graphRequestId: 'g-1',
    });
    const [row] = await rawSql(ctx, where, 'select id, prev_hash, hash from audit order by id');
    const expected = chainHash(GENESIS_HASH, {
      at: '2026-11-21T09:30:00.000Z',
      tenant_id: TENANT,
      actor_id: 'owner-1',
      actor_name: 'Olivia Owner',
      action: 'request.approve',
      request_id: 7,
      detail: '{"reason":"ok"}',
      graph_request_id: 'g-1',
    });
    expect(row.hash).toBe(expected);
    // The documented recipe, by hand.
    const { createHash } = await import('node:crypto');
    const canonical = JSON.stringify([
      'dragon-desk.audit.v1',
      '2026-11-21T09:30:00.000Z',
      TENANT,
      'owner-1',
      'Olivia Owner',
      'request.approve',
      7,
      '{"reason":"ok"}',
      'g-1',
    ]);
    expect(createHash('sha256').update(`${GENESIS_HASH}\n${canonical}`).digest('hex')).toBe(expected);
  });

  it('appends from several writers at once still form one chain', async () => {
    const where = await ctx.newLocation();
    const first = await ctx.open(where);
    const req = await first.requests.create(newRequest(), by('nurse-1', 'request.created'));
    let writers: Promise<unknown>[];
    let expectedRows = 0;
    if (ctx.engine === 'postgres') {
      // Two instances with their own pools, each appending and deciding at the same time.
      const second = await ctx.open(where);
      writers = [
        ...Array.from({ length: 30 }, (_, i) =>
          (i % 2 ? first : second).audit.append({ tenantId: TENANT, actorId: `a${i}`, action: 'test.event' }),
        ),
        ...Array.from({ length: 10 }, (_, i) =>
          (i % 2 ? first : second).requests.transition(
            req.id,
            { state: 'pending', version: 1 },
            'approve',
            {},
            by(`owner-${i}`, 'request.approve'),
          ),
        ),
      ];
    } else {
      // SQLite: this process and another one on the same file, appending until the other is done.
      let childDone = false;
      const child = appendInChild(where.dataDir!, 100).finally(() => (childDone = true));
      let mine = 0;
      while (!childDone) {
        await first.audit.append({ tenantId: TENANT, actorId: `a${mine}`, action: 'test.event' });
        mine++;
        // SQLite answers at once (microtasks only): let the child's exit event through.
        await new Promise((resolve) => setImmediate(resolve));
      }
      await child;
      const actors = (await rawSql(ctx, where, 'select actor_id from audit order by id')) as unknown as {
        actor_id: string;
      }[];
      const firstChild = actors.findIndex((a) => a.actor_id === 'child');
      const lastChild = actors.map((a) => a.actor_id).lastIndexOf('child');
      // The two really wrote at the same time: this process's rows sit between the other's.
      expect(actors.slice(firstChild, lastChild).some((a) => a.actor_id !== 'child')).toBe(true);
      writers = [];
      expectedRows = 1 + 100 + mine;
    }
    await Promise.all(writers);
    const expected = ctx.engine === 'postgres' ? 1 + 30 + 1 : expectedRows;
    expect(await first.audit.verify()).toMatchObject({ ok: true, rows: expected });
  });

  describe('a trail someone changed', () => {
    let store: Store;
    let where: StoreLocation;
    let ids: number[];
    beforeEach(async () => {
      where = await ctx.newLocation();
      store = await ctx.open(where);
      await appendSome(store, 5);
      ids = (await rawSql(ctx, where, 'select id, prev_hash, hash from audit order by id')).map((r) => r.id);
    });

    it('an edited row is the first broken link, and audit verify says so with exit code 1', async () => {
      expect(await cli(cliEnv(where))).toEqual({
        code: 0,
        out: expect.stringMatching(/^OK: 5 audit rows at .* intact/),
      });
      await rawSql(ctx, where, `update audit set detail = '{"i":99}' where id = ${ids[2]}`);
      expect(await store.audit.verify()).toEqual({
        ok: false,
        rows: 2,
        rowId: ids[2],
        reason: 'its content does not match its hash: it was changed',
      });
      const run = await cli(cliEnv(where));
      expect(run.code).toBe(1);
      expect(run.out).toContain(`BROKEN at audit row ${ids[2]}`);
      expect(run.out).toContain('it was changed');
    });

    it('an edited row given a fresh hash breaks the link of the row after it', async () => {
      const [row] = (await rawSql(ctx, where, `select * from audit where id = ${ids[1]}`)) as unknown as (RawRow &
        Parameters<typeof chainHash>[1])[];
      const forged = chainHash(row.prev_hash!, { ...row, actor_id: 'someone-else' });
      await rawSql(ctx, where, `update audit set actor_id = 'someone-else', hash = '${forged}' where id = ${ids[1]}`);
      expect(await store.audit.verify()).toMatchObject({ ok: false, rows: 2, rowId: ids[2], reason: /previous hash/ });
    });

    it('a removed row breaks the link of the row after it', async () => {
      await rawSql(ctx, where, `delete from audit where id = ${ids[3]}`);
      expect(await store.audit.verify()).toMatchObject({ ok: false, rows: 3, rowId: ids[4], reason: /removed/ });
    });

    it('rows cut off the end no longer match the chain head', async () => {
      await rawSql(ctx, where, `delete from audit where id >= ${ids[3]}`);
      const verdict = await store.audit.verify();
      expect(verdict).toEqual({
        ok: false,
        rows: 3,
        reason: `the chain head does not match the last row (${ids[2]}): rows after it were removed`,
      });
      expect((await cli(cliEnv(where))).out).toMatch(/^BROKEN \(.*rows after it were removed/);
    });

    it('the trail grows on after a check: appends keep extending the chain', async () => {
      await appendSome(store, 2);
      expect(await store.audit.verify()).toMatchObject({ ok: true, rows: 7 });
    });
  });

  it('rows written before the chain existed are hashed once by its migration', async () => {
    const where = await ctx.newLocation();
    const conn =
      ctx.engine === 'postgres' ? postgresConnection(where.databaseUrl!) : sqliteConnection(ctx.sqliteFile(where));
    const migrator = new Migrator({ db: conn.db, provider: migrationProvider(conn.engine) });
    const { error } = await migrator.migrateTo('001_initial');
    expect(error).toBeUndefined();
    for (let i = 0; i < 3; i++)
      await conn.db
        .insertInto('audit')
        .values({
          at: `2026-10-0${i + 1}T08:00:00.000Z`,
          tenant_id: TENANT,
          actor_id: 'old',
          action: 'request.created',
        })
        .execute();
    await conn.db.destroy();

    // Not migrated yet: the check says so and changes nothing.
    expect((await cli(cliEnv(where))).out).toMatch(/has no audit hash chain yet/);

    const store = await ctx.open(where);
    expect(await store.audit.verify()).toMatchObject({ ok: true, rows: 3 });
    await appendSome(store, 1);
    expect(await store.audit.verify()).toMatchObject({ ok: true, rows: 4 });
    expect(await cli(cliEnv(where))).toMatchObject({ code: 0, out: expect.stringMatching(/^OK: 4 audit rows/) });
  });

  it('audit verify on a data folder Dragon Desk never ran in reports that, with exit code 1', async () => {
    if (ctx.engine !== 'sqlite') return;
    const where = await ctx.newLocation();
    const run = await cli(cliEnv(where));
    expect(run).toEqual({ code: 1, out: expect.stringMatching(/^No database at .*dragon-desk\.sqlite/) });
  });
});
