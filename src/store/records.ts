/** Keyed JSON records (partner of record, grants, set-up's groups…), by (kind, key), typed by kind. */
import type { Kysely, Transaction } from 'kysely';
import { insertAudit } from './audit';
import { fromJson, nowIso, toJson, type StoreClock } from './codec';
import { casTransaction } from './dialect';
import { PreparedStatements } from './prepared';
import type { Database } from './schema';
import type { AuditEntry, RecordClaim, RecordKind, RecordStore, StoredRecord } from './types';

/**
 * Inserts the record unless one of its kind and key exists: true when this call wrote it. On
 * PostgreSQL a second instance's insert waits for the first one's transaction and then does
 * nothing, so exactly one claim of a key wins, however many instances try.
 */
export async function insertRecordIfAbsent(
  db: Kysely<Database> | Transaction<Database>,
  clock: StoreClock,
  claim: RecordClaim,
): Promise<boolean> {
  const row = await db
    .insertInto('records')
    .values({
      kind: claim.kind.name,
      key: claim.key,
      value: toJson(claim.value),
      actor_id: claim.actorId,
      updated_at: nowIso(clock),
    })
    .onConflict((oc) => oc.columns(['kind', 'key']).doNothing())
    .returning('key')
    .executeTakeFirst();
  return row !== undefined;
}

export class SqlRecordStore implements RecordStore {
  private readonly st: PreparedStatements;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: StoreClock,
  ) {
    this.st = new PreparedStatements(db);
  }

  async put<T extends object>(
    kind: RecordKind<T>,
    key: string,
    value: T,
    actorId: string,
    audit?: AuditEntry,
  ): Promise<void> {
    const row = { kind: kind.name, key, value: toJson(value), actor_id: actorId, updated_at: nowIso(this.clock) };
    await this.withAudit(audit, (db) =>
      db
        .insertInto('records')
        .values(row)
        .onConflict((oc) =>
          oc
            .columns(['kind', 'key'])
            .doUpdateSet({ value: row.value, actor_id: row.actor_id, updated_at: row.updated_at }),
        )
        .execute(),
    );
  }

  claim<T extends object>(kind: RecordKind<T>, key: string, value: T, actorId: string): Promise<boolean> {
    return insertRecordIfAbsent(this.db, this.clock, { kind, key, value, actorId });
  }

  async get<T extends object>(kind: RecordKind<T>, key: string): Promise<StoredRecord<T> | undefined> {
    const {
      rows: [row],
    } = await this.st.run(this.db, 'records.get', { kind: kind.name, key }, (k, v) =>
      k
        .selectFrom('records')
        .select(['key', 'value', 'actor_id', 'updated_at'])
        .where('kind', '=', v.kind)
        .where('key', '=', v.key),
    );
    return row ? toRecord<T>(row) : undefined;
  }

  async list<T extends object>(kind: RecordKind<T>): Promise<StoredRecord<T>[]> {
    const rows = await this.db.selectFrom('records').selectAll().where('kind', '=', kind.name).orderBy('key').execute();
    return rows.map((r) => toRecord<T>(r));
  }

  async delete(kind: RecordKind<object>, key: string, audit?: AuditEntry): Promise<void> {
    await this.withAudit(audit, (db) =>
      db.deleteFrom('records').where('kind', '=', kind.name).where('key', '=', key).execute(),
    );
  }

  /** The change, and its audit row when there is one, in one transaction: both happen or neither. */
  private async withAudit(audit: AuditEntry | undefined, change: (db: Kysely<Database>) => Promise<unknown>) {
    if (!audit) {
      await change(this.db);
      return;
    }
    await casTransaction(this.db).execute(async (trx) => {
      await change(trx);
      await insertAudit(trx, this.clock, audit, this.st);
    });
  }
}

/** A record's value as its kind says it was written (only this kind's put writes it). */
function toRecord<T extends object>(row: { key: string; value: string; actor_id: string; updated_at: string }) {
  return { key: row.key, value: fromJson<T>(row.value), actorId: row.actor_id, updatedAt: row.updated_at };
}
