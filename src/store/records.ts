/** Keyed JSON records of guided flows (partner of record, partner roles removed), by (kind, key). */
import type { Kysely } from 'kysely';
import { fromJson, nowIso, toJson, type StoreClock } from './codec';
import type { Database } from './schema';
import type { RecordStore } from './types';

export class SqlRecordStore implements RecordStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: StoreClock,
  ) {}

  async put(kind: string, key: string, value: Record<string, unknown>, actorId: string): Promise<void> {
    const row = { kind, key, value: toJson(value), actor_id: actorId, updated_at: nowIso(this.clock) };
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

  async get(
    kind: string,
    key: string,
  ): Promise<{ value: Record<string, unknown>; actorId: string; updatedAt: string } | undefined> {
    const row = await this.db
      .selectFrom('records')
      .select(['value', 'actor_id', 'updated_at'])
      .where('kind', '=', kind)
      .where('key', '=', key)
      .executeTakeFirst();
    return row ? { value: fromJson(row.value), actorId: row.actor_id, updatedAt: row.updated_at } : undefined;
  }

  async list(
    kind: string,
  ): Promise<{ key: string; value: Record<string, unknown>; actorId: string; updatedAt: string }[]> {
    const rows = await this.db.selectFrom('records').selectAll().where('kind', '=', kind).orderBy('key').execute();
    return rows.map((r) => ({ key: r.key, value: fromJson(r.value), actorId: r.actor_id, updatedAt: r.updated_at }));
  }

  async delete(kind: string, key: string): Promise<void> {
    await this.db.deleteFrom('records').where('kind', '=', kind).where('key', '=', key).execute();
  }
}
