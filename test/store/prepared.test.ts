/**
 * Prepared statements (src/store/prepared.ts): built and compiled by Kysely once per key, run with
 * each call's values; a statement built in a way that would ignore or change a value is refused
 * at its first use. (The store's own statements run through it on both engines in the store suites.)
 */
import { casTransaction, sqliteConnection } from '../../src/store/dialect';
import { PreparedStatements } from '../../src/store/prepared';

async function setUp() {
  const seen: string[] = [];
  const { db } = sqliteConnection(':memory:', (q) => seen.push(q.sql));
  await db.schema
    .createTable('bot_state')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('etag', 'text', (c) => c.notNull())
    .execute();
  seen.length = 0;
  return { db, seen, st: new PreparedStatements(db) };
}

describe('prepared statements', () => {
  test('a key is compiled once and each run uses its own values', async () => {
    const { db, seen, st } = await setUp();
    for (const [key, value] of [
      ['a', '1'],
      ['b', '2'],
      ['c', '3'],
    ]) {
      await st.run(db, 'insert', { key, value, etag: `e${value}` }, (k, v) => k.insertInto('bot_state').values(v));
    }
    const get = (key: string) =>
      st.run(db, 'get', [key], (k, [which]) =>
        k.selectFrom('bot_state').select(['value', 'etag']).where('key', '=', which),
      );
    expect((await get('b')).rows).toEqual([{ value: '2', etag: 'e2' }]);
    expect((await get('c')).rows).toEqual([{ value: '3', etag: 'e3' }]);
    expect((await get('zzz')).rows).toEqual([]);
    expect(st.size).toBe(2);
    // The statements are Kysely's own SQL, run as compiled.
    expect(new Set(seen)).toEqual(
      new Set([
        'insert into "bot_state" ("key", "value", "etag") values (?, ?, ?)',
        'select "value", "etag" from "bot_state" where "key" = ?',
      ]),
    );
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
    const { rows: found } = await st.run(db, `in.${keys.length}`, keys, (k, list) =>
      k.selectFrom('bot_state').select('value').where('key', 'in', list).orderBy('key'),
    );
    expect(found).toEqual([{ value: 'X' }, { value: 'Y' }]);
    await db.destroy();
  });

  test('constants written in the statement stay as they were compiled', async () => {
    const { db, st } = await setUp();
    await st.run(db, 'insert', { key: 'k', value: 'v', etag: 'e' }, (k, v) => k.insertInto('bot_state').values(v));
    const update = (etag: string) =>
      st.run(db, 'touch', [etag], (k, [e]) =>
        k.updateTable('bot_state').set({ etag: e, value: 'constant' }).where('key', '=', 'k'),
      );
    await update('e2');
    await update('e3');
    expect((await db.selectFrom('bot_state').selectAll().execute())[0]).toEqual({
      key: 'k',
      value: 'constant',
      etag: 'e3',
    });
    await db.destroy();
  });

  test.each([
    ['converts a value before handing it to Kysely', (v: string) => `prefix-${v}`],
    ['drops a value', () => 'fixed'],
  ])('a statement whose build %s is refused at its first use, naming the value', async (_what, change) => {
    const { db, st } = await setUp();
    await expect(
      st.run(db, 'bad', { key: 'k', value: 'v' }, (k, v) =>
        k.insertInto('bot_state').values({ key: v.key, value: change(v.value), etag: 'e' }),
      ),
    ).rejects.toThrow('prepared statement "bad": value did not become parameters');
    expect(await db.selectFrom('bot_state').selectAll().execute()).toEqual([]);
    await db.destroy();
  });

  test('an undefined value is refused rather than bound', async () => {
    const { db, st } = await setUp();
    await st.run(db, 'insert', { key: 'k', value: 'v', etag: 'e' }, (k, v) => k.insertInto('bot_state').values(v));
    await expect(
      st.run(db, 'insert', { key: 'k2', value: undefined as unknown as string, etag: 'e' }, (k, v) =>
        k.insertInto('bot_state').values(v),
      ),
    ).rejects.toThrow('no value for value');
    await db.destroy();
  });

  describe("on SQLite, run without Kysely's queue only where the queue would run them at once", () => {
    const insert = (st: PreparedStatements, db: Parameters<PreparedStatements['run']>[0], key: string) =>
      st.run(db, 'insert', { key, value: 'v', etag: 'e' }, (k, v) => k.insertInto('bot_state').values(v));
    const keys = async (db: Awaited<ReturnType<typeof setUp>>['db']) =>
      (await db.selectFrom('bot_state').select('key').orderBy('key').execute()).map((r) => r.key);

    test('a statement from outside an open transaction waits for it, and is not rolled back with it', async () => {
      const { db, st } = await setUp();
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let inside!: () => void;
      const entered = new Promise<void>((resolve) => (inside = resolve));
      const failing = casTransaction(db).execute(async (trx) => {
        await insert(st, trx, 'in-transaction');
        inside();
        await gate;
        throw new Error('rolled back');
      });
      await entered;
      // The transaction is open with a row nobody else may see yet.
      const outsideWrite = insert(st, db, 'outside');
      const outsideRead = st.run(db, 'keys', [], (k) => k.selectFrom('bot_state').select('key').orderBy('key'));
      release();
      await expect(failing).rejects.toThrow('rolled back');
      await outsideWrite;
      // Asked after the write, it sees the write and never the transaction's row.
      expect((await outsideRead).rows).toEqual([{ key: 'outside' }]);
      expect(await keys(db)).toEqual(['outside']);
      await db.destroy();
    });

    test('statements inside a transaction are part of it', async () => {
      const { db, st } = await setUp();
      await expect(
        casTransaction(db).execute(async (trx) => {
          await insert(st, trx, 'a');
          expect((await st.run(trx, 'all', [], (k) => k.selectFrom('bot_state').select('key'))).rows).toEqual([
            { key: 'a' },
          ]);
          throw new Error('undo');
        }),
      ).rejects.toThrow('undo');
      await casTransaction(db).execute(async (trx) => {
        await insert(st, trx, 'b');
      });
      expect(await keys(db)).toEqual(['b']);
      await db.destroy();
    });

    test("writes answer as Kysely's driver does, errors reach the caller, and the observer sees every statement", async () => {
      const { db, seen, st } = await setUp();
      const result = await insert(st, db, 'k');
      expect(result).toEqual({ numAffectedRows: 1n, insertId: 1n, rows: [] });
      // Matched by message: the native addon makes its errors with the class of the test file that
      // loaded it first in this jest worker (another vm context), where `toThrow` sees no Error.
      await expect(insert(st, db, 'k')).rejects.toMatchObject({
        message: expect.stringMatching(/UNIQUE constraint failed/),
      });
      expect(seen.filter((q) => q.startsWith('insert'))).toHaveLength(2);
      await db.destroy();
    });
  });
});
