import BetterSqlite3 from 'better-sqlite3';
import type { DeskRequest } from '../../src/domain/request';
import type { Store } from '../../src/store';
import type { NewRequest } from '../../src/store/types';
import { describeEachEngine, type RecordedQuery } from '../helpers/engines';
import { by, newRequest, OWNER_NURSING, OWNER_PHYSICIAN, person } from './fixtures';

const ids = (list: DeskRequest[]) => list.map((r) => r.id);

async function make(store: Store, overrides: Partial<NewRequest> = {}): Promise<DeskRequest> {
  return store.requests.create(newRequest(overrides), by(overrides.requesterId ?? 'nurse-1', 'request.created'));
}

async function drive(
  store: Store,
  req: DeskRequest,
  ...events: Parameters<Store['requests']['transition']>[2][]
): Promise<DeskRequest> {
  let current = req;
  for (const event of events) {
    const next = await store.requests.transition(
      current.id,
      { state: current.state, version: current.version },
      event,
      {},
      by('someone', `request.${event}`),
    );
    if (!next) throw new Error(`${event} from ${current.state} was refused`);
    current = next;
  }
  return current;
}

describeEachEngine('request list queries', (getStore, ctx) => {
  describe('listPendingForApprover', () => {
    it('lists only pending requests the person may decide, newest first, up to the limit', async () => {
      const store = getStore();
      const approver = 'owner-a';
      const mine = { approverId: approver, displayName: 'Ann Owner', reason: 'owner of Dragon Copilot Nursing' };
      const p1 = await make(store, { approvers: [mine, OWNER_PHYSICIAN] });
      const p2 = await make(store, { approvers: [mine] });
      const p3 = await make(store, { approvers: [OWNER_PHYSICIAN, mine] });
      await make(store, { approvers: [OWNER_NURSING] }); // someone else's
      const decided = await drive(store, await make(store, { approvers: [mine] }), 'approve');
      await make(store, { approvers: [mine], state: 'draft' }); // not submitted yet

      expect(ids(await store.requests.listPendingForApprover(approver, 10))).toEqual([p3.id, p2.id, p1.id]);
      expect(ids(await store.requests.listPendingForApprover(approver, 2))).toEqual([p3.id, p2.id]);
      expect(ids(await store.requests.listPendingForApprover(approver, 10))).not.toContain(decided.id);

      // each listed request comes with all its approvers and targets
      const [first] = await store.requests.listPendingForApprover(approver, 1);
      expect(first.approvers.map((a) => a.approverId)).toEqual([OWNER_PHYSICIAN.approverId, approver]);
      expect(first.targets).toHaveLength(1);
    });

    it('follows the request through submit, reject and a change of approvers', async () => {
      const store = getStore();
      const draft = await make(store, {
        state: 'draft',
        approvers: [{ approverId: 'owner-b', displayName: 'B', reason: 'owner' }],
      });
      expect(await store.requests.listPendingForApprover('owner-b', 10)).toEqual([]);

      const pending = await drive(store, draft, 'submit');
      expect(ids(await store.requests.listPendingForApprover('owner-b', 10))).toEqual([pending.id]);

      const reassigned = await store.requests.update(
        pending.id,
        pending.version,
        { approvers: [{ approverId: 'owner-c', displayName: 'C', reason: 'new owner' }] },
        by('admin', 'request.reassign'),
      );
      expect(await store.requests.listPendingForApprover('owner-b', 10)).toEqual([]);
      expect(ids(await store.requests.listPendingForApprover('owner-c', 10))).toEqual([pending.id]);

      await drive(store, reassigned!, 'reject');
      expect(await store.requests.listPendingForApprover('owner-c', 10)).toEqual([]);
    });
  });

  describe('listByRequester', () => {
    it("lists a person's own requests in every state, newest first", async () => {
      const store = getStore();
      const a = await make(store, { requesterId: 'req-x', state: 'draft' });
      const b = await drive(store, await make(store, { requesterId: 'req-x' }), 'reject');
      const c = await make(store, { requesterId: 'req-x' });
      await make(store, { requesterId: 'req-y' });
      expect(ids(await store.requests.listByRequester('req-x', 10))).toEqual([c.id, b.id, a.id]);
      expect(ids(await store.requests.listByRequester('req-x', 1))).toEqual([c.id]);
      expect(await store.requests.listByRequester('nobody', 10)).toEqual([]);
    });
  });

  describe('findOpenForTarget', () => {
    it('finds submitted, approved and executing requests for that person, kind and subject only', async () => {
      const store = getStore();
      const who = 'target-1';
      const pending = await make(store, { targets: [person('other'), person(who)] });
      const executing = await drive(store, await make(store, { targets: [person(who)] }), 'approve', 'start');
      await make(store, { targets: [person(who)], state: 'draft' });
      await drive(store, await make(store, { targets: [person(who)] }), 'approve', 'start', 'complete');
      await drive(store, await make(store, { targets: [person(who)] }), 'cancel');
      await make(store, { targets: [person(who)], subject: 'physician' });
      await make(store, { targets: [person(who)], kind: 'license.remove' });

      expect(ids(await store.requests.findOpenForTarget(who, 'license.assign', 'nursing'))).toEqual([
        executing.id,
        pending.id,
      ]);
      expect(ids(await store.requests.findOpenForTarget('other', 'license.assign', 'nursing'))).toEqual([pending.id]);
      expect(await store.requests.findOpenForTarget(who, 'role.assign', 'nursing')).toEqual([]);
    });
  });

  describe('listExpired', () => {
    it('lists pending requests whose expiry has passed, oldest expiry first', async () => {
      const store = await ctx.freshStore();
      const soon = await make(store, { expiresAt: '2026-11-22T09:00:00.000Z' });
      const sooner = await make(store, { expiresAt: '2026-11-21T12:00:00+01:00' }); // 11:00Z
      await make(store, { expiresAt: '2026-12-01T00:00:00.000Z' });
      await make(store, {}); // never expires
      await drive(store, await make(store, { expiresAt: '2026-11-21T10:00:00.000Z' }), 'approve');
      await make(store, { state: 'draft', expiresAt: '2026-11-21T10:00:00.000Z' });

      expect(ids(await store.requests.listExpired('2026-11-21T10:59:59.999Z', 10))).toEqual([]);
      expect(ids(await store.requests.listExpired('2026-11-21T11:00:00.001Z', 10))).toEqual([sooner.id]);
      expect(ids(await store.requests.listExpired('2026-11-23T00:00:00.000Z', 10))).toEqual([sooner.id, soon.id]);
      expect(ids(await store.requests.listExpired('2026-11-23T00:00:00.000Z', 1))).toEqual([sooner.id]);
    });
  });

  describe('listRunnable', () => {
    it('lists approved requests and executions whose lease ran out, in the order they became runnable', async () => {
      const store = await ctx.freshStore();
      const execute = async (leaseUntil: string) => {
        const approved = await drive(store, await make(store), 'approve');
        return store.requests.transition(
          approved.id,
          { state: 'approved', version: approved.version },
          'start',
          { lease: { owner: 'instance-a', until: leaseUntil } },
          by('dragon-desk', 'execution.start'),
        );
      };
      ctx.clock.set('2026-11-21T09:00:00.000Z');
      const lapsed = (await execute('2026-11-21T09:05:00.000Z'))!; // its instance died
      ctx.clock.set('2026-11-21T09:10:00.000Z');
      const approved = await drive(store, await make(store), 'approve');
      ctx.clock.set('2026-11-21T09:20:00.000Z');
      const working = (await execute('2026-11-21T09:30:00.000Z'))!; // still being worked on
      await make(store); // pending
      await drive(store, await make(store), 'approve', 'start', 'complete');

      expect(ids(await store.requests.listRunnable('2026-11-21T09:15:00.000Z', 10))).toEqual([lapsed.id, approved.id]);
      expect(ids(await store.requests.listRunnable('2026-11-21T09:15:00.000Z', 1))).toEqual([lapsed.id]);
      expect(ids(await store.requests.listRunnable('2026-11-21T09:04:00.000Z', 10))).toEqual([approved.id]);
      // Once the live one's lease runs out too, it is runnable.
      expect(ids(await store.requests.listRunnable('2026-11-21T09:31:00.000Z', 10))).toContain(working.id);
    });

    it('an execution claimed before leases existed (no lease) is runnable', async () => {
      const store = await ctx.freshStore();
      const legacy = await drive(store, await make(store), 'approve', 'start');
      expect(ids(await store.requests.listRunnable('2026-11-21T09:00:00.000Z', 10))).toEqual([legacy.id]);
    });

    it('only the lease holder renews; a renewal bumps the version', async () => {
      const store = await ctx.freshStore();
      const approved = await drive(store, await make(store), 'approve');
      const running = (await store.requests.transition(
        approved.id,
        { state: 'approved', version: approved.version },
        'start',
        { lease: { owner: 'instance-a', until: '2026-11-21T09:00:30.000Z' } },
        by('dragon-desk', 'execution.start'),
      ))!;
      expect(await store.requests.renewLease(running.id, 'instance-b', '2026-11-21T09:01:00.000Z')).toBeUndefined();
      const version = await store.requests.renewLease(running.id, 'instance-a', '2026-11-21T09:01:00.000Z');
      expect(version).toBe(running.version + 1);
      expect((await store.requests.get(running.id))?.lease).toEqual({
        owner: 'instance-a',
        until: '2026-11-21T09:01:00.000Z',
      });
      // Someone who read the lapsed lease at the old version cannot take it over now.
      expect(
        await store.requests.transition(
          running.id,
          { state: 'executing', version: running.version },
          'resume',
          { lease: { owner: 'instance-b', until: '2026-11-21T09:02:00.000Z' } },
          by('dragon-desk', 'execution.resume'),
        ),
      ).toBeUndefined();
    });
  });

  it('loads a page of requests with a fixed number of queries, however long the page (no N+1)', async () => {
    const store = await ctx.freshStore();
    for (let i = 0; i < 12; i++)
      await make(store, {
        requesterId: 'busy',
        targets: [person(`a${i}`), person(`b${i}`)],
        approvers: [OWNER_NURSING, OWNER_PHYSICIAN],
      });
    const small = await ctx.recordQueries(() => store.requests.listByRequester('busy', 2));
    const large = await ctx.recordQueries(() => store.requests.listByRequester('busy', 12));
    expect(large.result).toHaveLength(12);
    expect(large.result.every((r) => r.targets.length === 2 && r.approvers.length === 2)).toBe(true);
    expect(large.queries).toHaveLength(small.queries.length);
    expect(large.queries.length).toBeLessThanOrEqual(3);
  });

  if (ctx.engine === 'sqlite') {
    describe('query plans (SQLite)', () => {
      const plan = (q: RecordedQuery): string[] => {
        const db = new BetterSqlite3(ctx.sqliteFile(), { readonly: true, fileMustExist: true });
        try {
          const rows = db.prepare(`EXPLAIN QUERY PLAN ${q.sql}`).all(...(q.parameters as unknown[])) as {
            detail: string;
          }[];
          return rows.map((r) => r.detail);
        } finally {
          db.close();
        }
      };
      const mainQuery = async (run: () => Promise<unknown>): Promise<string[]> => {
        const { queries } = await ctx.recordQueries(run);
        // every statement that reads requests (listRunnable sends two), not the page hydration
        const selects = queries.filter((q) => /from "requests"|join "requests"/i.test(q.sql));
        if (selects.length === 0)
          throw new Error(`no query on requests among:\n${queries.map((q) => q.sql).join('\n')}`);
        return selects.flatMap(plan);
      };
      // Full scans of requests (aliased r in joins) are what would not scale to 100,000 rows.
      const SCAN_REQUESTS = /^SCAN (requests|r)\b/;
      const INDEXED = /USING (COVERING )?INDEX|USING INTEGER PRIMARY KEY/;

      // `paged`: the query has a LIMIT, so the index must also deliver the order; a temp B-tree
      // sort would read every match before the LIMIT applies. findOpenForTarget is not paged: it
      // sorts the few requests naming one person.
      it.each([
        ['listPendingForApprover', true, (s: Store) => s.requests.listPendingForApprover('owner-nursing', 20)],
        ['listByRequester', true, (s: Store) => s.requests.listByRequester('nurse-1', 20)],
        [
          'findOpenForTarget',
          false,
          (s: Store) => s.requests.findOpenForTarget('nurse-1', 'license.assign', 'nursing'),
        ],
        ['listExpired', true, (s: Store) => s.requests.listExpired('2026-11-30T00:00:00.000Z', 20)],
        ['listRunnable', true, (s: Store) => s.requests.listRunnable('2026-11-30T00:00:00.000Z', 20)],
      ])('%s reads through an index, never scanning a table', async (_name, paged, run) => {
        const store = getStore();
        const details = await mainQuery(() => run(store));
        expect(details.some((d) => INDEXED.test(d))).toBe(true);
        expect(details.filter((d) => SCAN_REQUESTS.test(d) || /^SCAN /.test(d))).toEqual([]);
        if (paged) expect(details.filter((d) => /TEMP B-TREE/.test(d))).toEqual([]);
      });

      it('listPendingForApprover walks the approver index and joins requests by primary key', async () => {
        const details = await mainQuery(() => getStore().requests.listPendingForApprover('owner-nursing', 20));
        expect(details).toEqual([
          expect.stringMatching(
            /^SEARCH a USING COVERING INDEX request_approvers_by_approver \(approver_id=\? AND pending=\?\)/,
          ),
          expect.stringMatching(/^SEARCH r USING INTEGER PRIMARY KEY \(rowid=\?\)/),
        ]);
      });

      it('listByRequester reads the (requester_id, id DESC) index', async () => {
        const details = await mainQuery(() => getStore().requests.listByRequester('nurse-1', 20));
        expect(details).toEqual([
          expect.stringMatching(/^SEARCH requests USING INDEX requests_by_requester \(requester_id=\?\)/),
        ]);
      });
    });
  }
});
