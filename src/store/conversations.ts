/** Where to reach each person proactively: the reference from their last 1:1 turn. */
import type { Kysely } from 'kysely';
import { fromJson, nowIso, toJson, type StoreClock } from './codec';
import type { Database } from './schema';
import { PreparedStatements } from './prepared';
import { RecentWrites } from './recentWrites';
import type { ConversationStore } from './types';

/** People whose last reference this process remembers; beyond it, the oldest are forgotten. */
const REMEMBERED_PEOPLE = 10_000;
/**
 * How long a remembered reference spares the write. Another instance may store a newer reference
 * for the same person meanwhile (and ours would then not overwrite it): bounded staleness, and
 * either reference reaches the same 1:1 chat.
 */
const REMEMBER_MS = 10 * 60_000;

/** What RecentWrites keeps for a person: their name and their stored (JSON) reference. */
const SEPARATOR = '\u0000';
function remembered(name: string, refJson: string): string {
  return `${name}${SEPARATOR}${refJson}`;
}

export class SqlConversationStore implements ConversationStore {
  /** aadObjectId → the name and reference this process last stored or confirmed. */
  private readonly stored = new RecentWrites(REMEMBERED_PEOPLE, REMEMBER_MS);
  private readonly st: PreparedStatements;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: StoreClock,
  ) {
    this.st = new PreparedStatements(db);
  }

  /**
   * Called on every 1:1 turn, and almost always with what is already stored: that case answers from
   * memory instead of two writes (bench/: the writes were a tenth of a "help" turn).
   */
  async upsert(
    aadObjectId: string,
    name: string,
    conversationRef: Record<string, unknown>,
  ): Promise<{ firstContact: boolean }> {
    const ref = toJson(conversationRef);
    const value = remembered(name, ref);
    const nowMs = Date.now();
    // A remembered row exists (we wrote or saw it), so this is not a first contact.
    if (this.stored.unchanged(aadObjectId, value, nowMs)) return { firstContact: false };
    const result = await this.write(aadObjectId, name, ref);
    this.stored.remember(aadObjectId, value, nowMs);
    return result;
  }

  private async write(aadObjectId: string, name: string, ref: string): Promise<{ firstContact: boolean }> {
    const now = nowIso(this.clock);
    // INSERT … DO NOTHING first: of two instances seeing a person's first message at once, exactly
    // one inserts, so the welcome is sent once.
    const inserted = await this.st.run(
      this.db,
      'conversations.insert',
      { aad_object_id: aadObjectId, name, conversation_ref: ref, first_seen_at: now, updated_at: now },
      (k, v) =>
        k
          .insertInto('conversation_refs')
          .values(v)
          .onConflict((oc) => oc.column('aad_object_id').doNothing()),
    );
    if (Number(inserted.numAffectedRows ?? 0n) > 0) return { firstContact: true };
    await this.st.run(this.db, 'conversations.update', { name, ref, now, aadObjectId }, (k, v) =>
      k
        .updateTable('conversation_refs')
        .set({ name: v.name, conversation_ref: v.ref, updated_at: v.now })
        .where('aad_object_id', '=', v.aadObjectId),
    );
    return { firstContact: false };
  }

  /** From memory when this process stored, confirmed or read the person's reference lately (see REMEMBER_MS). */
  async get(aadObjectId: string): Promise<{ name: string; conversationRef: Record<string, unknown> } | undefined> {
    const recent = this.stored.recent(aadObjectId, Date.now());
    if (recent !== undefined) {
      const cut = recent.indexOf(SEPARATOR);
      return { name: recent.slice(0, cut), conversationRef: fromJson(recent.slice(cut + 1)) };
    }
    const {
      rows: [row],
    } = await this.st.run(this.db, 'conversations.get', [aadObjectId], (k, [id]) =>
      k.selectFrom('conversation_refs').select(['name', 'conversation_ref']).where('aad_object_id', '=', id),
    );
    if (!row) return undefined;
    // What was read is as good as what was written: an approver's reference read for one request
    // serves the next ones (and spares the write when they next talk, if it has not changed).
    this.stored.remember(aadObjectId, remembered(row.name, row.conversation_ref), Date.now());
    return { name: row.name, conversationRef: fromJson(row.conversation_ref) };
  }

  async latestServiceUrl(): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('conversation_refs')
      .select('conversation_ref')
      .orderBy('updated_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    const url = row ? fromJson<{ serviceUrl?: unknown }>(row.conversation_ref).serviceUrl : undefined;
    return typeof url === 'string' && url ? url : undefined;
  }
}
