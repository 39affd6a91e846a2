import { Client } from 'pg';
import type { Store } from '../../src/store';
import { describeEachEngine } from '../helpers/engines';
import { by, newRequest } from './fixtures';

const CLICKS = 20;

describeEachEngine('concurrent decisions', (getStore, ctx) => {
  /**
   * The stores that play the bot instances. On PostgreSQL two Stores with their own pools mimic two
   * instances behind a load balancer. SQLite is one instance per file by design (see dialect.ts),
   * so its clicks race through one Store, interleaving at every await.
   */
  let instances: Store[];
  beforeAll(async () => {
    instances = ctx.engine === 'postgres' ? [getStore(), await ctx.openAnother()] : [getStore()];
  });

  it(`${CLICKS} simultaneous approvals of one pending request: exactly one wins, with exactly one audit row`, async () => {
    const created = await getStore().requests.create(newRequest(), by('nurse-1', 'request.created'));
    const results = await Promise.all(
      Array.from({ length: CLICKS }, (_, i) =>
        instances[i % instances.length].requests.transition(
          created.id,
          { state: 'pending', version: 1 },
          'approve',
          { decidedBy: `owner-${i}`, decidedAt: '2026-11-21T09:00:00.000Z' },
          by(`owner-${i}`, 'request.approve'),
        ),
      ),
    );

    const winners = results.filter((r) => r !== undefined);
    expect(winners).toHaveLength(1);
    const winner = winners[0];
    expect(winner).toMatchObject({ state: 'approved', version: 2 });

    const stored = await getStore().requests.get(created.id);
    expect(stored).toMatchObject({ state: 'approved', version: 2, decidedBy: winner.decidedBy });

    const approvals = (await getStore().audit.listForRequest(created.id)).filter((a) => a.action === 'request.approve');
    expect(approvals).toHaveLength(1);
    expect(approvals[0].actorId).toBe(winner.decidedBy);
  });

  it('an approve racing a reject: one decision stands, the other is refused', async () => {
    const created = await getStore().requests.create(newRequest(), by('nurse-1', 'request.created'));
    const last = instances[instances.length - 1];
    const [approve, reject] = await Promise.all([
      instances[0].requests.transition(
        created.id,
        { state: 'pending', version: 1 },
        'approve',
        {},
        by('owner-a', 'request.approve'),
      ),
      last.requests.transition(
        created.id,
        { state: 'pending', version: 1 },
        'reject',
        {},
        by('owner-b', 'request.reject'),
      ),
    ]);
    expect([approve, reject].filter((r) => r !== undefined)).toHaveLength(1);
    const decided = (approve ?? reject)!;
    expect((await getStore().requests.get(created.id))!.state).toBe(decided.state);
    expect((await getStore().audit.listForRequest(created.id)).map((a) => a.action)).toEqual([
      'request.created',
      approve ? 'request.approve' : 'request.reject',
    ]);
  });

  it('a person first seen by two instances at once is welcomed once', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        instances[i % instances.length].conversations.upsert('new-person', 'New Person', {
          conversation: { id: `c${i}` },
        }),
      ),
    );
    expect(results.filter((r) => r.firstContact)).toHaveLength(1);
  });

  it('a timer claimed by several workers at once runs once', async () => {
    const id = await getStore().timers.schedule('grant.end', '2026-11-21T09:00:00.000Z', {});
    const claims = await Promise.all(
      Array.from({ length: 10 }, (_, i) => instances[i % instances.length].timers.complete(id)),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
  });

  it('two turns writing the same bot state with the eTag they read: one is saved, the other rejected', async () => {
    const key = 'conversation/race';
    await getStore().botStorage.write({ [key]: { count: 0 } });
    const last = instances[instances.length - 1];
    const [readA, readB] = await Promise.all([instances[0].botStorage.read([key]), last.botStorage.read([key])]);
    const outcomes = await Promise.allSettled([
      instances[0].botStorage.write({ [key]: { ...readA[key], count: 1, by: 'A' } }),
      last.botStorage.write({ [key]: { ...readB[key], count: 1, by: 'B' } }),
    ]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const rejected = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(String(rejected?.reason)).toContain(`Storage: error writing "${key}" due to eTag conflict.`);
    const stored = (await getStore().botStorage.read([key]))[key];
    expect(stored.by).toBe(outcomes[0].status === 'fulfilled' ? 'A' : 'B');
  });

  if (ctx.engine === 'postgres') {
    it('still answers "someone else got there first" (not an error) when the server defaults to SERIALIZABLE', async () => {
      const where = await ctx.newLocation();
      const admin = new Client({ connectionString: where.databaseUrl });
      await admin.connect();
      try {
        await admin.query(
          `ALTER DATABASE ${admin.escapeIdentifier(admin.database!)} SET default_transaction_isolation = 'serializable'`,
        );
      } finally {
        await admin.end();
      }
      const [a, b] = [await ctx.open(where), await ctx.open(where)];
      const created = await a.requests.create(newRequest(), by('nurse-1', 'request.created'));
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          (i % 2 ? b : a).requests.transition(
            created.id,
            { state: 'pending', version: 1 },
            'approve',
            {},
            by(`owner-${i}`, 'request.approve'),
          ),
        ),
      );
      expect(results.filter((r) => r !== undefined)).toHaveLength(1);
    });
  }
});
