/**
 * Key/value storage for teams-ai turn state (botbuilder's `Storage` shape), on table bot_state(key, value, etag).
 *
 * Same contract as botbuilder's MemoryStorage, but the eTag holds across instances: a write with
 * no eTag or '*' overwrites; a write carrying the eTag it read succeeds only if nobody wrote since
 * (`UPDATE … WHERE key = ? AND etag = ?`), otherwise it is rejected with MemoryStorage's error.
 * teams-ai's TurnState.save passes the eTag it read, so a turn racing another turn on a second
 * instance fails loudly instead of silently dropping the other turn's state.
 */
import { randomUUID } from 'crypto';
import type { KeyValueStorage as Storage, StoredItem as StoreItem } from './types';

type StoreItems = Record<string, StoreItem>;
import type { Kysely, Transaction } from 'kysely';
import { casTransaction } from './dialect';
import type { Database } from './schema';

function conflict(key: string): Error {
  return new Error(`Storage: error writing "${key}" due to eTag conflict.`);
}

/** The stored JSON never contains the eTag: the column is the single source of truth for it. */
function serialise(item: StoreItem): string {
  const { eTag: _ignored, ...rest } = item;
  return JSON.stringify(rest);
}

async function writeOne(trx: Transaction<Database>, key: string, item: StoreItem): Promise<void> {
  const value = serialise(item);
  const etag = randomUUID();
  const expected = item.eTag;
  if (!expected || expected === '*') {
    await trx
      .insertInto('bot_state')
      .values({ key, value, etag })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value, etag }))
      .execute();
    return;
  }
  const updated = await trx
    .updateTable('bot_state')
    .set({ value, etag })
    .where('key', '=', key)
    .where('etag', '=', expected)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 1) return;
  // No row with that eTag: either the item is gone or was never stored (MemoryStorage writes then),
  // or someone else wrote it since we read it (conflict). DO NOTHING tells the two apart atomically.
  const inserted = await trx
    .insertInto('bot_state')
    .values({ key, value, etag })
    .onConflict((oc) => oc.column('key').doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) throw conflict(key);
}

export class SqlBotStorage implements Storage {
  constructor(private readonly db: Kysely<Database>) {}

  async read(keys: string[]): Promise<StoreItems> {
    if (!keys) throw new ReferenceError('Keys are required when reading.');
    const items: StoreItems = {};
    if (keys.length === 0) return items;
    const rows = await this.db.selectFrom('bot_state').selectAll().where('key', 'in', keys).execute();
    for (const row of rows) items[row.key] = { ...(JSON.parse(row.value) as Record<string, unknown>), eTag: row.etag };
    return items;
  }

  /** All items or none: a turn's conversation, user and temp scopes never half-save. */
  async write(changes: StoreItems): Promise<void> {
    if (!changes) throw new ReferenceError('Changes are required when writing.');
    const entries = Object.entries(changes);
    if (entries.length === 0) return;
    await casTransaction(this.db).execute(async (trx) => {
      for (const [key, item] of entries) await writeOne(trx, key, item ?? {});
    });
  }

  async delete(keys: string[]): Promise<void> {
    if (!keys) throw new ReferenceError('Keys are required when deleting.');
    if (keys.length === 0) return;
    await this.db.deleteFrom('bot_state').where('key', 'in', keys).execute();
  }
}
