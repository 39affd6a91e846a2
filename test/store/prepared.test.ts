/**
 * Prepared statements (src/store/prepared.ts): built and compiled by Kysely once per key, run with
 * each call's values; a statement built in a way that would ignore or change a value is refused
 * at its first use. (The store's own statements run through it on both engines in the store suites.)
 */
import { sqliteConnection } from '../../src/store/dialect';
import { PreparedStatements } from '../../src/store/prepared';

async function setUp() {
  const seen: string[] = [];
  const { db } = sqliteConnection(':memory:', (q) => seen.push(q.sql));
  await db.schema.createTable('bot_state').addColumn('key', 'text', (c) => c.primaryKey()).addColumn('value', 'text', (c) => c.notNull()).addColumn('etag', 'text', (c) => c.notNull()).execute();
  seen.length = 0;
  return { db, seen, st: new PreparedStatements(db) };
}

describe('prepared statements', () => {
  test('a key is compiled once and each run uses its own values', async () => {
    const { db, seen, st } = await setUp();
    for (const [key, value] of [['a', '1'], ['b', '2'], ['c', '3']]) {
      await st.run(db, 'insert', { key, value, etag: `e${value}` }, (k, v) => k.insertInto('bot_state').values(v));
    }
    const get = (key: string) => st.run(db, 'get', [key], (k, [which]) => k.selectFrom('bot_state').select(['value', 'etag']).where('key', '=', which));
    expect((await get('b')).rows).toEqual([{ value: '2', etag: 'e2' }]);
    expect((await get('c')).rows).toEqual([{ value: '3', etag: 'e3' }]);
    expect((await get('zzz')).rows).toEqual([]);
    expect(st.size).toBe(2);
    // The statements are Kysely's own SQL, run as compiled.
    expect(new Set(seen)).toEqual(new Set(['insert into "bot_state" ("key", "value", "etag") values (?, ?, ?)', 'select "value", "etag" from "bot_state" where "key" = ?']));
    await db.destroy();
  });

  test('lists of rows and IN-lists: one statement per length, named by the key', async () => {
    const { db, st } = await setUp();
    const rows = [
      { key: 'x', value: 'X', etag: '1' },
      { key: 'y', value: 'Y', etag: '2' },
    ];
    await st.run(db, `insert.${rows.length}`, rows, (k, list) => k.insertInto('bot_state').values(list));
    const keys = ['y', 'x'];
    const { rows: found } = await st.run(db, `in.${keys.length}`, keys, (k, list) => k.selectFrom('bot_state').select('value').where('key', 'in', list).orderBy('key'));
    expect(found).toEqual([{ value: 'X' }, { value: 'Y' }]);
    await db.destroy();
  });

  test('constants written in the statement stay as they were compiled', async () => {
    const { db, st } = await setUp();
    await st.run(db, 'insert', { key: 'k', value: 'v', etag: 'e' }, (k, v) => k.insertInto('bot_state').values(v));
    const update = (etag: string) => st.run(db, 'touch', [etag], (k, [e]) => k.updateTable('bot_state').set({ etag: e, value: 'constant' }).where('key', '=', 'k'));
    await update('e2');
    await update('e3');
    expect((await db.selectFrom('bot_state').selectAll().execute())[0]).toEqual({ key: 'k', value: 'constant', etag: 'e3' });
    await db.destroy();
  });

  test.each([
    ['converts a value before handing it to Kysely', (v: string) => `prefix-${v}`],
    ['drops a value', () => 'fixed'],
  ])('a statement whose build %s is refused at its first use, naming the value', async (_what, change) => {
    const { db, st } = await setUp();
    await expect(st.run(db, 'bad', { key: 'k', value: 'v' }, (k, v) => k.insertInto('bot_state').values({ key: v.key, value: change(v.value), etag: 'e' }))).rejects.toThrow(
      'prepared statement "bad": value did not become parameters',
    );
    expect(await db.selectFrom('bot_state').selectAll().execute()).toEqual([]);
    await db.destroy();
  });

  test('an undefined value is refused rather than bound', async () => {
    const { db, st } = await setUp();
    await st.run(db, 'insert', { key: 'k', value: 'v', etag: 'e' }, (k, v) => k.insertInto('bot_state').values(v));
    await expect(st.run(db, 'insert', { key: 'k2', value: undefined as unknown as string, etag: 'e' }, (k, v) => k.insertInto('bot_state').values(v))).rejects.toThrow('no value for value');
    await db.destroy();
  });
});
