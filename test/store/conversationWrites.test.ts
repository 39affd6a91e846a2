/**
 * Every 1:1 turn records how to reach the person; almost always it is what is already stored, and
 * then nothing is written (bench/: two writes a turn were a tenth of a "help" turn).
 */
import { describeEachEngine } from '../helpers/engines';

const ref = (conversation: string) => ({
  conversation: { id: conversation },
  serviceUrl: 'https://smba.example/emea/',
  channelId: 'msteams',
});

describeEachEngine('conversation references on every turn', (_getStore, ctx) => {
  test('the same person with the same reference again: no statement, and not a first contact', async () => {
    const store = await ctx.freshStore();
    expect(await store.conversations.upsert('p-1', 'Pat', ref('a:1'))).toEqual({ firstContact: true });
    const { result, queries } = await ctx.recordQueries(() => store.conversations.upsert('p-1', 'Pat', ref('a:1')));
    expect(result).toEqual({ firstContact: false });
    expect(queries).toEqual([]);
  });

  test.each([
    ['a new reference', 'Pat', ref('a:2')],
    ['a new name', 'Pat Smith', ref('a:1')],
  ])('%s is written', async (_what, name, reference) => {
    const store = await ctx.freshStore();
    await store.conversations.upsert('p-1', 'Pat', ref('a:1'));
    expect(await store.conversations.upsert('p-1', name, reference)).toEqual({ firstContact: false });
    expect(await store.conversations.get('p-1')).toEqual({ name, conversationRef: reference });
  });

  test("a reference read from the store is not read again (an approver's, once per request)", async () => {
    const where = await ctx.newLocation();
    const writer = await ctx.open(where);
    const reader = await ctx.open(where);
    await writer.conversations.upsert('owner-1', 'Nina', ref('a:9'));
    expect(await reader.conversations.get('owner-1')).toEqual({ name: 'Nina', conversationRef: ref('a:9') });
    const again = await ctx.recordQueries(() => reader.conversations.get('owner-1'));
    expect(again.result).toEqual({ name: 'Nina', conversationRef: ref('a:9') });
    expect(again.queries).toEqual([]);
    // And when she next talks with the same reference, the read row stands: nothing is written.
    const talk = await ctx.recordQueries(() => reader.conversations.upsert('owner-1', 'Nina', ref('a:9')));
    expect(talk.result).toEqual({ firstContact: false });
    expect(talk.queries).toEqual([]);
  });

  test('a person with no reference is looked up again next time (they may have talked since)', async () => {
    const where = await ctx.newLocation();
    const reader = await ctx.open(where);
    const writer = await ctx.open(where);
    expect(await reader.conversations.get('p-9')).toBeUndefined();
    await writer.conversations.upsert('p-9', 'Pat', ref('a:3'));
    expect(await reader.conversations.get('p-9')).toEqual({ name: 'Pat', conversationRef: ref('a:3') });
  });

  test('what one instance remembers never turns a first contact into a repeat, on any instance', async () => {
    const where = await ctx.newLocation();
    const a = await ctx.open(where);
    const b = await ctx.open(where);
    expect(await a.conversations.upsert('p-1', 'Pat', ref('a:1'))).toEqual({ firstContact: true });
    expect(await a.conversations.upsert('p-2', 'Quinn', ref('a:2'))).toEqual({ firstContact: true });
    // Instance b never saw Pat, but the database did: b reads it as a repeat, and so does a.
    expect(await b.conversations.upsert('p-1', 'Pat', ref('a:1'))).toEqual({ firstContact: false });
    expect(await a.conversations.upsert('p-1', 'Pat', ref('a:1'))).toEqual({ firstContact: false });
  });
});
