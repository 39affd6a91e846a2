/** Cards posted about a request, so every copy (requester, approvers, channel) can be updated in place. */
import type { Kysely } from 'kysely';
import { fromJson, nowIso, toJson, type StoreClock } from './codec';
import type { Database } from './schema';
import { PreparedStatements } from './prepared';
import { RecentWrites } from './recentWrites';
import type { CardMessage, CardStore } from './types';

export class SqlCardStore implements CardStore {
  /**
   * Copies this process recorded lately: a click on a card records its copy again (it may be one
   * Dragon Desk never posted, e.g. the channel's), and that is almost always a row already there.
   */
  private readonly recorded = new RecentWrites(10_000, 10 * 60_000);
  private readonly st: PreparedStatements;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: StoreClock,
  ) {
    this.st = new PreparedStatements(db);
  }

  async record(card: CardMessage): Promise<void> {
    const ref = toJson(card.conversationRef);
    const key = `${card.requestId}\u0000${card.recipientId}\u0000${card.activityId}`;
    const value = `${card.role}\u0000${ref}`;
    const nowMs = Date.now();
    if (this.recorded.unchanged(key, value, nowMs)) return;
    // Recording the same posted activity twice (a retried turn) keeps one row.
    const row = {
      request_id: card.requestId,
      recipient_id: card.recipientId,
      role: card.role,
      conversation_ref: ref,
      activity_id: card.activityId,
      created_at: nowIso(this.clock),
    };
    await this.st.run(this.db, 'cards.record', row, (k, v) =>
      k
        .insertInto('card_messages')
        .values(v)
        .onConflict((oc) =>
          oc.columns(['request_id', 'recipient_id', 'activity_id']).doUpdateSet((eb) => ({
            role: eb.ref('excluded.role'),
            conversation_ref: eb.ref('excluded.conversation_ref'),
          })),
        ),
    );
    this.recorded.remember(key, value, nowMs);
  }

  async listForRequest(requestId: number): Promise<CardMessage[]> {
    const rows = await this.db
      .selectFrom('card_messages')
      .selectAll()
      .where('request_id', '=', requestId)
      .orderBy('id')
      .execute();
    return rows.map((r) => ({
      requestId: r.request_id,
      recipientId: r.recipient_id,
      role: r.role,
      conversationRef: fromJson(r.conversation_ref),
      activityId: r.activity_id,
    }));
  }
}
