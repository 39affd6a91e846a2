import { describeEachEngine } from '../helpers/engines';
import { by, newRequest, OWNER_NURSING, OWNER_PHYSICIAN, person, TENANT } from './fixtures';

describeEachEngine('request store', (getStore, ctx) => {
  describe('create / get', () => {
    it('round-trips a request with its targets, approvers and an audit row, all targets waiting', async () => {
      const store = getStore();
      ctx.clock.set('2026-11-21T10:00:00.000Z');
      const created = await store.requests.create(
        newRequest({
          targets: [person('nurse-2'), person('nurse-3')],
          approvers: [OWNER_NURSING, OWNER_PHYSICIAN],
          payload: {
            notes: ['ward 4'],
            questions: [{ written: 'Dana', candidates: [{ id: 'a', displayName: 'A', userPrincipalName: 'a@x' }] }],
          },
          expiresAt: '2026-11-28T10:00:00Z',
        }),
        by('nurse-1', 'request.created'),
      );

      expect(created).toEqual({
        id: expect.any(Number),
        tenantId: TENANT,
        kind: 'license.assign',
        state: 'pending',
        version: 1,
        requesterId: 'nurse-1',
        requesterName: 'Nina Nurse',
        subject: 'nursing',
        justification: 'Starting on ward 4 on Monday',
        payload: {
          notes: ['ward 4'],
          questions: [{ written: 'Dana', candidates: [{ id: 'a', displayName: 'A', userPrincipalName: 'a@x' }] }],
        },
        targets: [
          { ...person('nurse-2'), status: 'waiting' },
          { ...person('nurse-3'), status: 'waiting' },
        ],
        approvers: [OWNER_NURSING, OWNER_PHYSICIAN],
        createdAt: '2026-11-21T10:00:00.000Z',
        updatedAt: '2026-11-21T10:00:00.000Z',
        // normalised to the stored form, so string order is time order
        expiresAt: '2026-11-28T10:00:00.000Z',
      });
      expect(await store.requests.get(created.id)).toEqual(created);

      const audit = await store.audit.listForRequest(created.id);
      expect(audit).toEqual([
        {
          id: expect.any(Number),
          at: '2026-11-21T10:00:00.000Z',
          tenantId: TENANT,
          actorId: 'nurse-1',
          action: 'request.created',
          requestId: created.id,
        },
      ]);
    });

    it('gives each request the next integer id', async () => {
      const store = getStore();
      const a = await store.requests.create(newRequest(), by('nurse-1', 'request.created'));
      const b = await store.requests.create(newRequest(), by('nurse-1', 'request.created'));
      expect(Number.isInteger(a.id)).toBe(true);
      expect(b.id).toBeGreaterThan(a.id);
    });

    it('keeps a person named twice as one target, and an owner of two groups as one approver', async () => {
      const store = getStore();
      const created = await store.requests.create(
        newRequest({ targets: [person('x'), person('y'), person('x')], approvers: [OWNER_NURSING, OWNER_NURSING] }),
        by('nurse-1', 'request.created'),
      );
      expect(created.targets.map((t) => t.userId)).toEqual(['x', 'y']);
      expect(created.approvers).toEqual([OWNER_NURSING]);
    });

    it('returns undefined for an unknown id', async () => {
      expect(await getStore().requests.get(987654)).toBeUndefined();
    });

    it('omits optional fields that were never set', async () => {
      const store = getStore();
      const created = await store.requests.create(
        newRequest({ justification: undefined, payload: undefined, approvers: undefined, state: 'draft' }),
        by('nurse-1', 'request.created'),
      );
      const got = await store.requests.get(created.id);
      expect(got).toBeDefined();
      expect(got).not.toHaveProperty('justification');
      expect(got!.payload).toEqual({});
      expect(got!.approvers).toEqual([]);
      expect(got!.expiresAt).toBeUndefined();
    });
  });

  describe('transition', () => {
    it('moves draft → pending → approved, bumping version, stamping time and writing one audit row each', async () => {
      const store = getStore();
      ctx.clock.set('2026-11-21T11:00:00.000Z');
      const draft = await store.requests.create(
        newRequest({ state: 'draft', approvers: [] }),
        by('nurse-1', 'request.created'),
      );

      ctx.clock.set('2026-11-21T11:05:00.000Z');
      const pending = await store.requests.transition(
        draft.id,
        { state: 'draft', version: 1 },
        'submit',
        { approvers: [OWNER_NURSING], expiresAt: '2026-11-28T11:05:00.000Z' },
        by('nurse-1', 'request.submit'),
      );
      expect(pending).toMatchObject({
        state: 'pending',
        version: 2,
        updatedAt: '2026-11-21T11:05:00.000Z',
        approvers: [OWNER_NURSING],
      });
      expect(pending!.createdAt).toBe('2026-11-21T11:00:00.000Z');

      ctx.clock.set('2026-11-21T11:10:00.000Z');
      const approved = await store.requests.transition(
        draft.id,
        { state: 'pending', version: 2 },
        'approve',
        {
          decidedBy: 'owner-nursing',
          decidedByName: 'Olivia Owner',
          decidedAt: '2026-11-21T11:10:00.000Z',
          decisionReason: 'ok',
        },
        by('owner-nursing', 'request.approve'),
      );
      expect(approved).toMatchObject({
        state: 'approved',
        version: 3,
        decidedBy: 'owner-nursing',
        decidedByName: 'Olivia Owner',
        decidedAt: '2026-11-21T11:10:00.000Z',
        decisionReason: 'ok',
      });
      expect(await store.requests.get(draft.id)).toEqual(approved);

      const actions = (await store.audit.listForRequest(draft.id)).map((a) => [a.action, a.actorId, a.at]);
      expect(actions).toEqual([
        ['request.created', 'nurse-1', '2026-11-21T11:00:00.000Z'],
        ['request.submit', 'nurse-1', '2026-11-21T11:05:00.000Z'],
        ['request.approve', 'owner-nursing', '2026-11-21T11:10:00.000Z'],
      ]);
    });

    it.each([
      ['a stale version', { state: 'pending' as const, version: 7 }, 'approve' as const],
      ['a state the row is no longer in', { state: 'draft' as const, version: 1 }, 'submit' as const],
      ['an event the state machine forbids', { state: 'pending' as const, version: 1 }, 'complete' as const],
    ])('returns undefined and changes nothing for %s', async (_label, expected, event) => {
      const store = getStore();
      const created = await store.requests.create(newRequest(), by('nurse-1', 'request.created'));
      const result = await store.requests.transition(
        created.id,
        expected,
        event,
        { decisionReason: 'x' },
        by('owner-nursing', `request.${event}`),
      );
      expect(result).toBeUndefined();
      expect(await store.requests.get(created.id)).toEqual(created);
      expect((await store.audit.listForRequest(created.id)).map((a) => a.action)).toEqual(['request.created']);
    });

    it('returns undefined for a request that does not exist', async () => {
      const result = await getStore().requests.transition(
        424242,
        { state: 'pending', version: 1 },
        'approve',
        {},
        by('owner-nursing', 'request.approve'),
      );
      expect(result).toBeUndefined();
    });

    it('replaces the targets of a draft on confirm and refuses to replace them once the request left draft', async () => {
      const store = getStore();
      const draft = await store.requests.create(
        newRequest({ state: 'draft', targets: [person('a')] }),
        by('admin-1', 'request.created'),
      );
      const confirmed = await store.requests.transition(
        draft.id,
        { state: 'draft', version: 1 },
        'confirm',
        { targets: [person('b'), person('c')] },
        by('admin-1', 'request.confirm'),
      );
      expect(confirmed!.targets.map((t) => [t.userId, t.status])).toEqual([
        ['b', 'waiting'],
        ['c', 'waiting'],
      ]);
      await expect(
        store.requests.transition(
          draft.id,
          { state: 'approved', version: 2 },
          'start',
          { targets: [person('d')] },
          by('dragon-desk', 'request.start'),
        ),
      ).rejects.toThrow(/only be replaced on a draft/);
      expect((await store.requests.get(draft.id))!.state).toBe('approved');
    });

    it('records a failure and lets null clear the error again', async () => {
      const store = getStore();
      const created = await store.requests.create(newRequest({ state: 'draft' }), by('admin-1', 'request.created'));
      const approved = await store.requests.transition(
        created.id,
        { state: 'draft', version: 1 },
        'confirm',
        {},
        by('admin-1', 'request.confirm'),
      );
      const executing = await store.requests.transition(
        created.id,
        { state: 'approved', version: approved!.version },
        'start',
        { errorCode: 'Request_ThrottledTemporarily', errorMessage: 'retrying' },
        by('dragon-desk', 'request.start'),
      );
      expect(executing).toMatchObject({ errorCode: 'Request_ThrottledTemporarily', errorMessage: 'retrying' });
      const resumed = await store.requests.transition(
        created.id,
        { state: 'executing', version: executing!.version },
        'resume',
        { errorCode: null, errorMessage: null },
        by('dragon-desk', 'request.resume'),
      );
      expect(resumed!.state).toBe('executing');
      expect(resumed!.errorCode).toBeUndefined();
      expect(resumed!.errorMessage).toBeUndefined();
    });
  });

  describe('update (edit without a state change)', () => {
    it('is a compare-and-swap on version', async () => {
      const store = getStore();
      const draft = await store.requests.create(newRequest({ state: 'draft' }), by('nurse-1', 'request.created'));
      const edited = await store.requests.update(
        draft.id,
        1,
        { justification: 'new reason', targets: [person('z')] },
        by('nurse-1', 'request.edit'),
      );
      expect(edited).toMatchObject({ state: 'draft', version: 2, justification: 'new reason' });
      expect(edited!.targets.map((t) => t.userId)).toEqual(['z']);

      const stale = await store.requests.update(
        draft.id,
        1,
        { justification: 'lost edit' },
        by('nurse-1', 'request.edit'),
      );
      expect(stale).toBeUndefined();
      expect((await store.requests.get(draft.id))!.justification).toBe('new reason');
      expect((await store.audit.listForRequest(draft.id)).map((a) => a.action)).toEqual([
        'request.created',
        'request.edit',
      ]);
    });

    it('does not replace targets of a request that is no longer a draft', async () => {
      const store = getStore();
      const pending = await store.requests.create(
        newRequest({ targets: [person('p')] }),
        by('nurse-1', 'request.created'),
      );
      expect(
        await store.requests.update(pending.id, 1, { targets: [person('q')] }, by('nurse-1', 'request.edit')),
      ).toBeUndefined();
      expect((await store.requests.get(pending.id))!.targets.map((t) => t.userId)).toEqual(['p']);
    });
  });

  describe('setTargetStatus', () => {
    it('updates one person without bumping the request version', async () => {
      const store = getStore();
      const created = await store.requests.create(
        newRequest({ targets: [person('t1'), person('t2')] }),
        by('nurse-1', 'request.created'),
      );
      await store.requests.setTargetStatus(
        created.id,
        't2',
        'failed',
        'CountViolation',
        'No Dragon Copilot nursing licenses left.',
      );
      await store.requests.setTargetStatus(created.id, 't1', 'done');
      const got = await store.requests.get(created.id);
      expect(got!.version).toBe(1);
      expect(got!.targets).toEqual([
        { ...person('t1'), status: 'done' },
        {
          ...person('t2'),
          status: 'failed',
          errorCode: 'CountViolation',
          errorMessage: 'No Dragon Copilot nursing licenses left.',
        },
      ]);
      // a retry that succeeds clears the earlier error
      await store.requests.setTargetStatus(created.id, 't2', 'done');
      expect((await store.requests.get(created.id))!.targets[1]).toEqual({ ...person('t2'), status: 'done' });
    });
  });
});
