/** Where to reach each person proactively: the reference from their last 1:1 turn. */
import type { Kysely } from 'kysely';
import { fromJson, nowIso, toJson, type StoreClock } from './codec';
import type { Database } from './schema';
import type { ConversationStore } from './types';

export class SqlConversationStore implements ConversationStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: StoreClock,
  ) {}

  async upsert(aadObjectId: string, name: string, conversationRef: Record<string, unknown>): Promise<{ firstContact: boolean }> {
    const now = nowIso(this.clock);
    const ref = toJson(conversationRef);
    // INSERT … DO NOTHING first: of two instances seeing a person's first message at once, exactly
    // one inserts, so the welcome is sent once.
    const inserted = await this.db
      .insertInto('conversation_refs')
      .values({ aad_object_id: aadObjectId, name, conversation_ref: ref, first_seen_at: now, updated_at: now })
      .onConflict((oc) => oc.column('aad_object_id').doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0) return { firstContact: true };
    await this.db
      .updateTable('conversation_refs')
      .set({ name, conversation_ref: ref, updated_at: now })
      .where('aad_object_id', '=', aadObjectId)
      .execute();
    return { firstContact: false };
  }

  async get(aadObjectId: string): Promise<{ name: string; conversationRef: Record<string, unknown> } | undefined> {
    const row = await this.db
      .selectFrom('conversation_refs')
      .select(['name', 'conversation_ref'])
      .where('aad_object_id', '=', aadObjectId)
      .executeTakeFirst();
    return row ? { name: row.name, conversationRef: fromJson(row.conversation_ref) } : undefined;
  }
}
