import { describeEachEngine } from '../helpers/engines';

const conflict = (key: string) => `Storage: error writing "${key}" due to eTag conflict.`;

describeEachEngine('bot storage (botbuilder Storage)', (getStore) => {
  it('reads back what was written, with an eTag, and leaves out keys that do not exist', async () => {
    const storage = getStore().botStorage;
    await storage.write({
      'conv/1': { topic: 'licenses', turns: 3, nested: { a: [1, 2] } },
      'user/1': { name: 'Nina' },
    });
    const items = await storage.read(['conv/1', 'user/1', 'missing']);
    expect(Object.keys(items).sort()).toEqual(['conv/1', 'user/1']);
    expect(items['conv/1']).toEqual({ topic: 'licenses', turns: 3, nested: { a: [1, 2] }, eTag: expect.any(String) });
    expect(items['user/1'].eTag).not.toBe(items['conv/1'].eTag);
    expect(await storage.read([])).toEqual({});
  });

  it('gives every write a new eTag', async () => {
    const storage = getStore().botStorage;
    await storage.write({ 'etag/new': { v: 1 } });
    const first = (await storage.read(['etag/new']))['etag/new'];
    await storage.write({ 'etag/new': { ...first, v: 2 } });
    const second = (await storage.read(['etag/new']))['etag/new'];
    expect(second).toEqual({ v: 2, eTag: expect.any(String) });
    expect(second.eTag).not.toBe(first.eTag);
  });

  it('two readers of the same item: the first write wins, the second is rejected and nothing is overwritten', async () => {
    const storage = getStore().botStorage;
    const key = 'conv/two-readers';
    await storage.write({ [key]: { cart: [] } });
    const a = (await storage.read([key]))[key];
    const b = (await storage.read([key]))[key];

    await storage.write({ [key]: { ...a, cart: ['mushroom'] } });
    await expect(storage.write({ [key]: { ...b, cart: ['cheese'] } })).rejects.toThrow(conflict(key));
    expect((await storage.read([key]))[key].cart).toEqual(['mushroom']);

    // re-reading and retrying, as a turn retried after the conflict would, succeeds
    const fresh = (await storage.read([key]))[key];
    await storage.write({ [key]: { ...fresh, cart: [...(fresh.cart as string[]), 'cheese'] } });
    expect((await storage.read([key]))[key].cart).toEqual(['mushroom', 'cheese']);
  });

  it("'*' and a missing eTag overwrite whatever is stored", async () => {
    const storage = getStore().botStorage;
    const key = 'conv/star';
    await storage.write({ [key]: { v: 1 } });
    const stale = (await storage.read([key]))[key];
    await storage.write({ [key]: { ...stale, v: 2 } });
    await storage.write({ [key]: { v: 3, eTag: '*' } });
    expect((await storage.read([key]))[key].v).toBe(3);
    await storage.write({ [key]: { v: 4 } });
    expect((await storage.read([key]))[key].v).toBe(4);
  });

  it('a write with an eTag creates an item that does not exist (as MemoryStorage does)', async () => {
    const storage = getStore().botStorage;
    await storage.write({ 'conv/gone': { v: 'recreated', eTag: 'from-an-earlier-read' } });
    expect((await storage.read(['conv/gone']))['conv/gone'].v).toBe('recreated');
  });

  it('a write of several items is all or nothing', async () => {
    const storage = getStore().botStorage;
    await storage.write({ 'multi/a': { v: 1 }, 'multi/b': { v: 1 } });
    const stale = (await storage.read(['multi/b']))['multi/b'];
    await storage.write({ 'multi/b': { v: 2 } });
    await expect(storage.write({ 'multi/a': { v: 'new' }, 'multi/b': { ...stale, v: 'new' } })).rejects.toThrow(
      conflict('multi/b'),
    );
    const items = await storage.read(['multi/a', 'multi/b']);
    expect([items['multi/a'].v, items['multi/b'].v]).toEqual([1, 2]);
  });

  it('deletes items, and deleting a missing key is harmless', async () => {
    const storage = getStore().botStorage;
    await storage.write({ 'del/a': { v: 1 }, 'del/b': { v: 2 } });
    await storage.delete(['del/a', 'del/never']);
    expect(Object.keys(await storage.read(['del/a', 'del/b']))).toEqual(['del/b']);
  });

  it('never stores the eTag inside the item itself', async () => {
    const storage = getStore().botStorage;
    await storage.write({ 'conv/clean': { v: 1, eTag: '*' } });
    const item = (await storage.read(['conv/clean']))['conv/clean'];
    expect(item.eTag).not.toBe('*');
    expect(Object.keys(item).sort()).toEqual(['eTag', 'v']);
  });
});
