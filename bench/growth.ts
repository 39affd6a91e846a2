/**
 * Growth: the store after years of use. 100,000 requests are seeded with batched inserts in
 * transactions (bulk SQL: the store API would take minutes and measure nothing of interest), with
 * a realistic skew: a few busy group owners hold most decisions and a few hundred pending
 * approvals each, a long tail of requesters asked once or twice. Then, through the store API, the
 * two lists people ask for in chat ("what waits for me", "my requests") are timed for requesters
 * and approvers drawn with the same skew, and every statement they run is EXPLAINed: none may
 * read a whole table.
 */
import BetterSqlite3 from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql, type Insertable, type Kysely } from 'kysely';
import { Client } from 'pg';
import { openStore, SQLITE_FILE_NAME, type Store } from '../src/store';
import { postgresConnection, sqliteConnection, type Engine } from '../src/store/dialect';
import type { Database } from '../src/store/schema';
import type { RequestState } from '../src/domain/request';
import { stats, type LatencyStats } from './load';

export interface GrowthOptions {
  requests: number;
  /** Timed calls per list. */
  samples: number;
  requesters: number;
  approvers: number;
}

export const GROWTH_DEFAULTS: GrowthOptions = { requests: 100_000, samples: 200, requesters: 5_000, approvers: 200 };

export interface QueryPlan {
  sql: string;
  plan: string[];
  /** True when a step reads a whole table (SQLite "SCAN …", PostgreSQL "Seq Scan"). */
  scansTable: boolean;
}

export interface GrowthEngineResult {
  engine: Engine;
  requests: number;
  seedMs: number;
  /** "What waits for me": listPendingForApprover(approver, 10). */
  pendingForApprover: LatencyStats;
  /** "My requests": listByRequester(requester, 10). */
  byRequester: LatencyStats;
  /** Pending approvals of the busiest approver, to show the skew is real. */
  busiestApproverPending: number;
  plans: QueryPlan[];
  fullScans: number;
}

// ------------------------------------------------------------------ the data

/** Small deterministic PRNG (mulberry32): the same store every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Index in [0, n) skewed towards 0: a power law over people (u^k puts most mass near 0). */
function skewed(rand: () => number, n: number, k: number): number {
  return Math.min(n - 1, Math.floor(n * Math.pow(rand(), k)));
}

export const requesterId = (i: number) => `req-${i.toString().padStart(5, '0')}`;
export const approverId = (i: number) => `own-${i.toString().padStart(4, '0')}`;
const REQUESTER_SKEW = 3;
const APPROVER_SKEW = 2;
/** The newest requests are the ones still waiting; older ones were decided. */
const PENDING_SHARE = 0.04;

function finalState(r: number): RequestState {
  if (r < 0.8) return 'completed';
  if (r < 0.9) return 'rejected';
  if (r < 0.95) return 'cancelled';
  if (r < 0.97) return 'failed';
  return 'expired';
}

async function seed(db: Kysely<Database>, engine: Engine, opts: GrowthOptions): Promise<void> {
  const rand = random(42);
  const chunk = 1000;
  const start = Date.parse('2024-01-01T00:00:00.000Z');
  const pendingFrom = Math.floor(opts.requests * (1 - PENDING_SHARE));
  for (let base = 1; base <= opts.requests; base += chunk) {
    const requests: Insertable<Database['requests']>[] = [];
    const targets: Insertable<Database['request_targets']>[] = [];
    const approvers: Insertable<Database['request_approvers']>[] = [];
    for (let id = base; id < Math.min(base + chunk, opts.requests + 1); id++) {
      const at = new Date(start + id * 60_000).toISOString();
      const pending = id > pendingFrom;
      const state: RequestState = pending ? 'pending' : finalState(rand());
      const requester = requesterId(skewed(rand, opts.requesters, REQUESTER_SKEW));
      requests.push({
        id,
        tenant_id: 'bench-tenant',
        kind: 'license.assign',
        state,
        version: pending ? 2 : 5,
        requester_id: requester,
        requester_name: `Requester ${requester}`,
        subject: rand() < 0.7 ? 'nursing' : 'physician',
        justification: 'Go-live',
        payload: '{}',
        decided_by: pending ? null : approverId(0),
        decided_by_name: pending ? null : 'Owner',
        decided_at: pending ? null : at,
        decision_reason: null,
        error_code: null,
        error_message: null,
        created_at: at,
        updated_at: at,
        expires_at: pending ? new Date(start + id * 60_000 + 7 * 86_400_000).toISOString() : null,
      });
      const people = 1 + Math.floor(rand() * rand() * 3);
      for (let p = 0; p < people; p++) {
        targets.push({
          request_id: id,
          user_id: `user-${skewed(rand, 50_000, 1)}-${id}-${p}`,
          position: p,
          display_name: 'Person',
          user_principal_name: 'p@x',
          status: pending ? 'waiting' : 'done',
          error_code: null,
          error_message: null,
        });
      }
      const owners = new Set([approverId(skewed(rand, opts.approvers, APPROVER_SKEW))]);
      if (rand() < 0.3) owners.add(approverId(skewed(rand, opts.approvers, APPROVER_SKEW)));
      [...owners].forEach((a, position) =>
        approvers.push({
          request_id: id,
          approver_id: a,
          position,
          display_name: 'Owner',
          reason: 'an owner of the group',
          pending: pending ? 1 : 0,
        }),
      );
    }
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('requests').values(requests).execute();
      for (let i = 0; i < targets.length; i += 2000)
        await trx
          .insertInto('request_targets')
          .values(targets.slice(i, i + 2000))
          .execute();
      await trx.insertInto('request_approvers').values(approvers).execute();
    });
  }
  if (engine === 'postgres') {
    await sql`select setval(pg_get_serial_sequence('requests', 'id'), (select max(id) from requests))`.execute(db);
    // What autovacuum does shortly after a load like this in production.
    await sql`analyze`.execute(db);
  }
}

// ------------------------------------------------------------------ plans

function explainSqlite(file: string, statements: { sql: string; parameters: readonly unknown[] }[]): QueryPlan[] {
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    return statements.map((s) => {
      const rows = db.prepare(`EXPLAIN QUERY PLAN ${s.sql}`).all(...(s.parameters as unknown[])) as {
        detail: string;
      }[];
      const plan = rows.map((r) => r.detail);
      return { sql: s.sql, plan, scansTable: plan.some((d) => /^SCAN /.test(d)) };
    });
  } finally {
    db.close();
  }
}

async function explainPostgres(
  url: string,
  statements: { sql: string; parameters: readonly unknown[] }[],
): Promise<QueryPlan[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const out: QueryPlan[] = [];
    for (const s of statements) {
      const res = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${s.sql}`, s.parameters as unknown[]);
      const plan = res.rows.map((r) => r['QUERY PLAN'].trim());
      out.push({
        sql: s.sql,
        plan,
        scansTable: plan.some((d) => /Seq Scan on (requests|request_approvers|request_targets)\b/.test(d)),
      });
    }
    return out;
  } finally {
    await client.end();
  }
}

// ------------------------------------------------------------------ measuring

async function timeLists(store: Store, opts: GrowthOptions): Promise<{ pending: LatencyStats; mine: LatencyStats }> {
  const rand = random(7);
  const time = async (f: () => Promise<unknown>): Promise<number[]> => {
    const out: number[] = [];
    for (let i = 0; i < opts.samples; i++) {
      const t0 = performance.now();
      await f();
      out.push(performance.now() - t0);
    }
    return out;
  };
  // Warm-up: the first calls compile statements and fault in pages.
  for (let i = 0; i < 20; i++) {
    await store.requests.listPendingForApprover(approverId(i), 10);
    await store.requests.listByRequester(requesterId(i), 10);
  }
  const pending = await time(() =>
    store.requests.listPendingForApprover(approverId(skewed(rand, opts.approvers, APPROVER_SKEW)), 10),
  );
  const mine = await time(() =>
    store.requests.listByRequester(requesterId(skewed(rand, opts.requesters, REQUESTER_SKEW)), 10),
  );
  return { pending: stats(pending), mine: stats(mine) };
}

type Captured = { sql: string; parameters: readonly unknown[] };

async function measureOn(
  engine: Engine,
  connect: { file?: string; url?: string },
  opts: GrowthOptions,
): Promise<GrowthEngineResult> {
  // Schema first (migrations through the store), then the bulk load on a connection of our own.
  const dataDir = connect.file ? path.dirname(connect.file) : undefined;
  const migrated = await openStore({ dataDir, databaseUrl: connect.url });
  await migrated.close();
  const conn = engine === 'sqlite' ? sqliteConnection(connect.file!) : postgresConnection(connect.url!);
  const t0 = performance.now();
  try {
    await seed(conn.db, engine, opts);
  } finally {
    await conn.db.destroy();
  }
  const seedMs = performance.now() - t0;

  let capturing = false;
  const captured: Captured[] = [];
  const store = await openStore({
    dataDir,
    databaseUrl: connect.url,
    onQuery: (q) => {
      if (capturing) captured.push({ sql: q.sql, parameters: q.parameters });
    },
  });
  try {
    const timed = await timeLists(store, opts);
    const busiest = await store.requests.listPendingForApprover(approverId(0), 100_000);
    // The busiest and the quietest person: a planner may pick a different path for each.
    capturing = true;
    for (const [a, r] of [
      [0, 0],
      [opts.approvers - 1, opts.requesters - 1],
    ]) {
      await store.requests.listPendingForApprover(approverId(a), 10);
      await store.requests.listByRequester(requesterId(r), 10);
    }
    capturing = false;
    const explained =
      engine === 'sqlite' ? explainSqlite(connect.file!, captured) : await explainPostgres(connect.url!, captured);
    // The same statement with the same plan is shown once.
    const seen = new Set<string>();
    const plans = explained.filter((p) => {
      const key = `${p.sql}\n${p.plan.join('\n').replace(/'[^']*'|\{[^}]*\}/g, '?')}`;
      return seen.has(key) ? false : (seen.add(key), true);
    });
    return {
      engine,
      requests: opts.requests,
      seedMs,
      pendingForApprover: timed.pending,
      byRequester: timed.mine,
      busiestApproverPending: busiest.length,
      plans,
      fullScans: plans.filter((p) => p.scansTable).length,
    };
  } finally {
    await store.close();
  }
}

export async function measureGrowthSqlite(opts: GrowthOptions = GROWTH_DEFAULTS): Promise<GrowthEngineResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dd-bench-growth-'));
  try {
    return await measureOn('sqlite', { file: path.join(dir, SQLITE_FILE_NAME) }, opts);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function measureGrowthPostgres(
  databaseUrl: string,
  opts: GrowthOptions = GROWTH_DEFAULTS,
): Promise<GrowthEngineResult> {
  return measureOn('postgres', { url: databaseUrl }, opts);
}
