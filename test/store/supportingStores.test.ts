import { describeEachEngine } from '../helpers/engines';
import { by, newRequest, TENANT } from './fixtures';
import { recordKind } from '../../src/store/types';

const RECORDED = recordKind<{ partnerId: string }>('partner.record');
const REMOVED = recordKind<{ roles: string[] }>('partner.roles.removed');

describeEachEngine('audit, cards, conversations, timers and records', (getStore, ctx) => {
  describe('audit', () => {
    it('appends entries with the clock time and lists them per request and most recent first', async () => {
      const store = await ctx.freshStore();
      const req = await store.requests.create(newRequest(), by('nurse-1', 'request.created'));
      ctx.clock.set('2026-11-21T12:00:00.000Z');
      await store.audit.append({
        tenantId: TENANT,
        actorId: 'dragon-desk',
        actorName: 'Dragon Desk',
        action: 'graph.addMember',
        requestId: req.id,
        detail: { groupId: 'g1', status: 204 },
        graphRequestId: 'a1b2c3',
      });
      ctx.clock.set('2026-11-21T12:01:00.000Z');
      await store.audit.append({ tenantId: TENANT, actorId: 'owner-x', action: 'refused.not-approver' });

      expect(await store.audit.listForRequest(req.id)).toEqual([
        expect.objectContaining({ action: 'request.created' }),
        {
          id: expect.any(Number),
          at: '2026-11-21T12:00:00.000Z',
          tenantId: TENANT,
          actorId: 'dragon-desk',
          actorName: 'Dragon Desk',
          action: 'graph.addMember',
          requestId: req.id,
          detail: { groupId: 'g1', status: 204 },
          graphRequestId: 'a1b2c3',
        },
      ]);
      const recent = await store.audit.listRecent(2);
      expect(recent.map((a) => a.action)).toEqual(['refused.not-approver', 'graph.addMember']);
      expect(recent[0]).not.toHaveProperty('requestId');
    });
  });

  describe('cards', () => {
    it('remembers every card posted about a request, once per posted activity', async () => {
      const store = getStore();
      const req = await store.requests.create(newRequest(), by('nurse-1', 'request.created'));
      const ref = { conversation: { id: 'a:1' }, serviceUrl: 'https://smba.trafficmanager.net/emea/' };
      await store.cards.record({
        requestId: req.id,
        recipientId: 'nurse-1',
        role: 'requester',
        conversationRef: ref,
        activityId: 'act-1',
      });
      await store.cards.record({
        requestId: req.id,
        recipientId: 'owner-nursing',
        role: 'approver',
        conversationRef: { conversation: { id: 'a:2' } },
        activityId: 'act-2',
      });
      // the same activity recorded again (a retried turn) is not a second card
      await store.cards.record({
        requestId: req.id,
        recipientId: 'nurse-1',
        role: 'requester',
        conversationRef: ref,
        activityId: 'act-1',
      });

      expect(await store.cards.listForRequest(req.id)).toEqual([
        { requestId: req.id, recipientId: 'nurse-1', role: 'requester', conversationRef: ref, activityId: 'act-1' },
        {
          requestId: req.id,
          recipientId: 'owner-nursing',
          role: 'approver',
          conversationRef: { conversation: { id: 'a:2' } },
          activityId: 'act-2',
        },
      ]);
      expect(await store.cards.listForRequest(req.id + 1000)).toEqual([]);
    });
  });

  describe('conversations', () => {
    it('reports first contact only the first time a person is seen, and keeps the latest reference', async () => {
      const store = getStore();
      expect(await store.conversations.get('p-1')).toBeUndefined();
      expect(await store.conversations.upsert('p-1', 'Pat', { conversation: { id: 'old' } })).toEqual({
        firstContact: true,
      });
      expect(await store.conversations.upsert('p-1', 'Pat Smith', { conversation: { id: 'new' } })).toEqual({
        firstContact: false,
      });
      expect(await store.conversations.get('p-1')).toEqual({
        name: 'Pat Smith',
        conversationRef: { conversation: { id: 'new' } },
      });
      expect(await store.conversations.upsert('p-2', 'Quinn', {})).toEqual({ firstContact: true });
    });
  });

  describe('timers', () => {
    it('lists timers that are due and not done, earliest first', async () => {
      const store = await ctx.freshStore();
      const remind = await store.timers.schedule(
        'grant.remind',
        '2026-11-21T10:00:00.000Z',
        { note: 'an hour left' },
        7,
      );
      const end = await store.timers.schedule('grant.end', '2026-11-21T11:00:00+00:00', { groupId: 'g' }, 7);
      await store.timers.schedule('grant.end', '2026-11-22T11:00:00.000Z', {});

      expect(await store.timers.listDue('2026-11-21T09:59:59.999Z', 10)).toEqual([]);
      expect(await store.timers.listDue('2026-11-21T11:00:00.000Z', 10)).toEqual([
        {
          id: remind,
          kind: 'grant.remind',
          requestId: 7,
          attempts: 0,
          dueAt: '2026-11-21T10:00:00.000Z',
          payload: { note: 'an hour left' },
        },
        {
          id: end,
          kind: 'grant.end',
          requestId: 7,
          attempts: 0,
          dueAt: '2026-11-21T11:00:00.000Z',
          payload: { groupId: 'g' },
        },
      ]);
      expect((await store.timers.listDue('2026-11-21T11:00:00.000Z', 1)).map((t) => t.id)).toEqual([remind]);

      expect(await store.timers.complete(remind)).toBe(true);
      expect(await store.timers.complete(remind)).toBe(false);
      expect((await store.timers.listDue('2026-11-21T11:00:00.000Z', 10)).map((t) => t.id)).toEqual([end]);
      expect((await store.timers.listForRequest(7)).map((t) => t.kind)).toEqual(['grant.remind', 'grant.end']);
      expect(await store.timers.complete(999999)).toBe(false);
    });

    it('a held timer is left alone until its hold lapses, and a failed one runs again later', async () => {
      const store = getStore();
      ctx.clock.set('2026-11-21T12:00:00.000Z');
      const t = await store.timers.schedule('grant.end', '2026-11-21T11:00:00.000Z', {});
      expect(await store.timers.claim(t, '2026-11-21T12:01:00.000Z')).toBe(true);
      // Another worker: held, so neither listed nor claimable.
      expect(await store.timers.claim(t, '2026-11-21T12:01:00.000Z')).toBe(false);
      expect(await store.timers.listDue('2026-11-21T12:00:30.000Z', 10)).toEqual([]);
      // The holder died: after the hold, it is due again.
      ctx.clock.set('2026-11-21T12:02:00.000Z');
      expect((await store.timers.listDue('2026-11-21T12:02:00.000Z', 10)).map((x) => x.id)).toEqual([t]);
      expect(await store.timers.claim(t, '2026-11-21T12:03:00.000Z')).toBe(true);
      // Its handler failed: it runs again at the retry time, with the attempt counted.
      await store.timers.retry(t, '2026-11-21T12:05:00.000Z');
      expect(await store.timers.listDue('2026-11-21T12:04:00.000Z', 10)).toEqual([]);
      const [again] = await store.timers.listDue('2026-11-21T12:05:01.000Z', 10);
      expect(again).toMatchObject({ id: t, attempts: 1 });
    });
  });

  describe('records', () => {
    it('puts, overwrites, lists by kind and deletes keyed records', async () => {
      const store = getStore();
      ctx.clock.set('2026-11-21T13:00:00.000Z');
      await store.records.put(RECORDED, 'sub-2', { partnerId: '1234567' }, 'admin-1');
      await store.records.put(RECORDED, 'sub-1', { partnerId: '7654321' }, 'admin-1');
      await store.records.put(REMOVED, 'sub-1', { roles: ['Global Administrator'] }, 'admin-2');
      ctx.clock.set('2026-11-21T13:05:00.000Z');
      await store.records.put(RECORDED, 'sub-2', { partnerId: '1111111' }, 'admin-3');

      expect(await store.records.get(RECORDED, 'sub-2')).toEqual({
        key: 'sub-2',
        value: { partnerId: '1111111' },
        actorId: 'admin-3',
        updatedAt: '2026-11-21T13:05:00.000Z',
      });
      expect(await store.records.list(RECORDED)).toEqual([
        { key: 'sub-1', value: { partnerId: '7654321' }, actorId: 'admin-1', updatedAt: '2026-11-21T13:00:00.000Z' },
        { key: 'sub-2', value: { partnerId: '1111111' }, actorId: 'admin-3', updatedAt: '2026-11-21T13:05:00.000Z' },
      ]);
      await store.records.delete(RECORDED, 'sub-1');
      expect(await store.records.get(RECORDED, 'sub-1')).toBeUndefined();
      expect((await store.records.list(REMOVED)).map((r) => r.key)).toEqual(['sub-1']);
    });

    it('a record written or deleted with its audit row: both land, in the chain', async () => {
      const store = getStore();
      const entry = (action: string) => ({ tenantId: 't', actorId: 'nina', action, detail: { delegateId: 'leo' } });
      await store.records.put(RECORDED, 'nina', { partnerId: '1' }, 'nina', entry('approvals.delegate'));
      await store.records.delete(RECORDED, 'nina', entry('approvals.delegate-end'));
      expect(await store.records.get(RECORDED, 'nina')).toBeUndefined();
      const actions = (await store.audit.listRecent(10)).map((a) => a.action);
      expect(actions).toEqual(expect.arrayContaining(['approvals.delegate', 'approvals.delegate-end']));
    });
  });
});
