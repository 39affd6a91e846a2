/**
 * The outbox on both engines: what a change queues is delivered by whoever holds it, once; a
 * delivery is marked sent by its holder only, with the card copy kept in the same step.
 */
import { describeEachEngine } from '../helpers/engines';
import { by, newRequest } from './fixtures';

describeEachEngine('outbox', (_getStore, ctx) => {
  it('queues each key once, and hands its holder only the rows it still holds', async () => {
    const store = await ctx.freshStore();
    const req = await store.requests.create(newRequest(), by('nurse-1', 'request.created'));
    const card = {
      key: `approval:${req.id}:owner`,
      kind: 'approval-card' as const,
      recipientId: 'owner',
      requestId: req.id,
    };
    const note = { key: `note:${req.id}`, kind: 'text' as const, recipientId: 'nurse-1', payload: { text: 'Sent.' } };
    await store.outbox.enqueue([card, note], 'instance-a', 60_000);
    // The same delivery queued again (a retried change) is still one row, held as it was.
    await store.outbox.enqueue([{ ...card, payload: { lead: 'again' } }], 'instance-b', 60_000);

    expect(await store.outbox.claimedBy('instance-b', [card.key])).toEqual([]);
    const held = await store.outbox.claimedBy('instance-a', [card.key, note.key, 'no-such-key']);
    expect(held.map((d) => [d.key, d.kind, d.recipientId, d.payload, d.attempts])).toEqual([
      [card.key, 'approval-card', 'owner', {}, 0],
      [note.key, 'text', 'nurse-1', { text: 'Sent.' }, 0],
    ]);
    expect(held[0].requestId).toBe(req.id);
    expect(held[1]).not.toHaveProperty('requestId');
  });

  it('marks a delivery sent only for its holder, and keeps the card copy with it', async () => {
    const store = await ctx.freshStore();
    const req = await store.requests.create(newRequest(), by('nurse-1', 'request.created'));
    const key = `approval:${req.id}:owner`;
    await store.outbox.enqueue([{ key, kind: 'approval-card', recipientId: 'owner', requestId: req.id }], 'a', 60_000);
    const [d] = await store.outbox.claimedBy('a', [key]);
    const copy = {
      requestId: req.id,
      recipientId: 'owner',
      role: 'approver' as const,
      conversationRef: { conversation: { id: 'a:owner' } },
      activityId: 'act-9',
    };

    // Someone who does not hold it cannot close it, nor record a card for it.
    await store.outbox.sent(d.id, 'b', { activityId: 'act-9', copy });
    expect((await store.outbox.list(req.id)).map((r) => r.state)).toEqual(['pending']);
    expect(await store.cards.listForRequest(req.id)).toEqual([]);

    await store.outbox.sent(d.id, 'a', { activityId: 'act-9', copy });
    const [row] = await store.outbox.list(req.id);
    expect(row).toMatchObject({ state: 'sent', activityId: 'act-9', attempts: 1 });
    expect(await store.cards.listForRequest(req.id)).toEqual([copy]);
    // No longer held: nothing is handed out again, and a repeated mark changes nothing.
    expect(await store.outbox.claimedBy('a', [key])).toEqual([]);
    await store.outbox.sent(d.id, 'a', { activityId: 'act-10', copy: { ...copy, activityId: 'act-10' } });
    expect(await store.cards.listForRequest(req.id)).toEqual([copy]);
  });

  it('a failed delivery waits for its retry time, then any worker may claim it', async () => {
    const store = await ctx.freshStore();
    ctx.clock.set('2026-11-21T09:00:00.000Z');
    await store.outbox.enqueue([{ key: 'seat-alert', kind: 'text', recipientId: 'leo', payload: { text: 'Low' } }]);
    const [first] = await store.outbox.claimDue('a', 60_000, 10);
    expect(first).toMatchObject({ key: 'seat-alert', attempts: 0 });
    // Held by a: another worker finds nothing.
    expect(await store.outbox.claimDue('b', 60_000, 10)).toEqual([]);
    await store.outbox.failed(first.id, 'a', 'Teams answered 503', '2026-11-21T09:00:10.000Z');
    expect(await store.outbox.claimDue('b', 60_000, 10)).toEqual([]);
    ctx.clock.set('2026-11-21T09:00:11.000Z');
    const [again] = await store.outbox.claimDue('b', 60_000, 10);
    expect(again).toMatchObject({ key: 'seat-alert', attempts: 1 });
  });
});
