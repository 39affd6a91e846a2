/** Keyed JSON records (partner of record, grants, set-up's groups…), by (kind, key), typed by kind. */
import type { Kysely } from 'kysely';
import { fromJson, nowIso, toJson, type StoreClock } from './codec';
import type { Database } from './schema';
import type { RecordKind, RecordStore, StoredRecord } from './types';

export class SqlRecordStore implements RecordStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: StoreClock,
  ) {}

  async put<T extends object>(kind: RecordKind<T>, key: string, value: T, actorId: string): Promise<void> {
    const row = { kind: kind.name, key, value: toJson(value), actor_id: actorId, updated_at: nowIso(this.clock) };
    await this.db
      .insertInto('records')
      .values(row)
      .onConflict((oc) =>
        oc
          .columns(['kind', 'key'])
          .doUpdateSet({ value: row.value, actor_id: row.actor_id, updated_at: row.updated_at }),
      )
      .execute();
  }

  async get<T extends object>(kind: RecordKind<T>, key: string): Promise<StoredRecord<T> | undefined> {
    const row = await this.db
      .selectFrom('records')
      .select(['key', 'value', 'actor_id', 'updated_at'])
      .where('kind', '=', kind.name)
      .where('key', '=', key)
      .executeTakeFirst();
    return row ? toRecord<T>(row) : undefined;
  }

  async list<T extends object>(kind: RecordKind<T>): Promise<StoredRecord<T>[]> {
    const rows = await this.db.selectFrom('records').selectAll().where('kind', '=', kind.name).orderBy('key').execute();
    return rows.map((r) => toRecord<T>(r));
  }

  async delete(kind: RecordKind<object>, key: string): Promise<void> {
    await this.db.deleteFrom('records').where('kind', '=', kind.name).where('key', '=', key).execute();
  }
}

/** A record's value as its kind says it was written (only this kind's put writes it). */
function toRecord<T extends object>(row: { key: string; value: string; actor_id: string; updated_at: string }) {
  return { key: row.key, value: fromJson<T>(row.value), actorId: row.actor_id, updatedAt: row.updated_at };
}
