/** SQLite statements are prepared once per SQL text and reused (src/store/dialect.ts). */
import BetterSqlite3 from 'better-sqlite3';
import { withStatementCache } from '../../src/store/dialect';
import { openMemoryStore } from '../../src/store';
import { by, newRequest } from './fixtures';

function counted(): { handle: BetterSqlite3.Database; prepared: string[] } {
  const handle = new BetterSqlite3(':memory:');
  const prepared: string[] = [];
  const original = handle.prepare.bind(handle);
  handle.prepare = (sql: string) => {
    prepared.push(sql);
    return original(sql);
  };
  return { handle, prepared };
}

describe('the prepared-statement cache', () => {
  test('the same SQL is prepared once and the statement is reused', () => {
    const { handle, prepared } = counted();
    const db = withStatementCache(handle);
    const a = db.prepare('select 1 as x');
    const b = db.prepare('select 1 as x');
    expect(b).toBe(a);
    expect(b.all([])).toEqual([{ x: 1 }]);
    db.prepare('select 2 as x');
    expect(prepared).toEqual(['select 1 as x', 'select 2 as x']);
    db.close();
  });

  test('past its size the least recently used statement is dropped and prepared again when needed', () => {
    const { handle, prepared } = counted();
    const db = withStatementCache(handle, 2);
    db.prepare('select 1');
    db.prepare('select 2');
    db.prepare('select 1'); // now 2 is the least recently used
    db.prepare('select 3'); // drops 2
    db.prepare('select 1');
    db.prepare('select 2');
    expect(prepared).toEqual(['select 1', 'select 2', 'select 3', 'select 2']);
    db.close();
  });

  test('the store answers correctly when the same statements run again and again', async () => {
    const store = await openMemoryStore();
    const created = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        store.requests.create(newRequest({ requesterId: `nurse-${i}` }), by(`nurse-${i}`, 'request.created')),
      ),
    );
    for (let round = 0; round < 3; round++) {
      for (const req of created) expect((await store.requests.get(req.id))?.requesterId).toBe(req.requesterId);
    }
    expect((await store.requests.listByRequester('nurse-3', 10)).map((r) => r.id)).toEqual([created[3].id]);
    await store.close();
  });
});
