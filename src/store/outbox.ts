/**
 * The outbox: every message and card Dragon Desk sends in the background is a row first, written
 * in the same transaction as the change it reports. An instance that sends it at once queues it
 * already claimed; anything a crash left behind is claimed by whichever worker comes next when the
 * claim lapses. Unique keys make queuing the same delivery twice a no-op.
 */
import type { Kysely, Transaction } from 'kysely';
import { fromJson, isoUtc, nowIso, toJson, type StoreClock } from './codec';
import { casTransaction, literalLimit } from './dialect';
import { PreparedStatements } from './prepared';
import type { Database, OutboxRow } from './schema';
import type { CardMessage, OutboxDelivery, OutboxItem, OutboxStore, RequestChanges } from './types';

type Db = Kysely<Database> | Transaction<Database>;

/** Default claim: long enough for a Teams send with its retries, short enough to recover quickly. */
const CLAIM_MS = 60_000;

function toDelivery(row: OutboxRow): OutboxDelivery {
  const d: OutboxDelivery = {
    id: row.id,
    key: row.dedupe_key,
    kind: row.kind as OutboxItem['kind'],
    recipientId: row.recipient_id,
    payload: fromJson<Record<string, unknown>>(row.payload),
    attempts: row.attempts,
  };
  if (row.request_id !== null) d.requestId = row.request_id;
  return d;
}

/** Inserts the deliveries of a change (inside its transaction); a key already queued is kept as it is. */
export async function insertOutbox(
  db: Db,
  clock: StoreClock,
  deliver: NonNullable<RequestChanges['deliver']>,
  st: PreparedStatements,
): Promise<void> {
  if (!deliver.items.length) return;
  const now = nowIso(clock);
  const claimedUntil = deliver.claimedBy
    ? new Date(clock.now().getTime() + (deliver.claimMs ?? CLAIM_MS)).toISOString()
    : null;
  const rows = deliver.items.map((item) => ({
    dedupe_key: item.key,
    kind: item.kind,
    recipient_id: item.recipientId,
    request_id: item.requestId ?? null,
    payload: toJson(item.payload ?? {}),
    state: 'pending' as const,
    due_at: now,
    claim_owner: deliver.claimedBy ?? null,
    claimed_until: claimedUntil,
    created_at: now,
  }));
  await st.run(db, `outbox.insert.${rows.length}`, rows, (k, list) =>
    k
      .insertInto('outbox')
      .values(list)
      .onConflict((oc) => oc.column('dedupe_key').doNothing()),
  );
}

export class SqlOutboxStore implements OutboxStore {
  private readonly st: PreparedStatements;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: StoreClock,
  ) {
    this.st = new PreparedStatements(db);
  }

  async enqueue(items: OutboxItem[], claimedBy?: string, claimMs?: number): Promise<void> {
    await insertOutbox(this.db, this.clock, { items, claimedBy, claimMs }, this.st);
  }

  async claimedBy(owner: string, keys: string[]): Promise<OutboxDelivery[]> {
    if (!keys.length) return [];
    const { rows } = await this.st.run(this.db, `outbox.claimedBy.${keys.length}`, { keys, owner }, (k, v) =>
      k
        .selectFrom('outbox')
        .selectAll()
        .where('dedupe_key', 'in', v.keys)
        .where('claim_owner', '=', v.owner)
        .where('state', '=', 'pending')
        .orderBy('id'),
    );
    return rows.map(toDelivery);
  }

  async claimDue(owner: string, claimMs: number, limit: number): Promise<OutboxDelivery[]> {
    const now = nowIso(this.clock);
    const until = new Date(this.clock.now().getTime() + claimMs).toISOString();
    const due = await this.db
      .selectFrom('outbox')
      .select('id')
      .where('state', '=', 'pending')
      .where('due_at', '<=', now)
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
      .orderBy('due_at')
      .orderBy('id')
      .limit(literalLimit(limit))
      .execute();
    if (!due.length) return [];
    // The guard is repeated in the UPDATE: of two instances that read the same ids, the second's
    // UPDATE re-checks it against the first's committed claim and takes nothing.
    const rows = await this.db
      .updateTable('outbox')
      .set({ claim_owner: owner, claimed_until: until })
      .where(
        'id',
        'in',
        due.map((d) => d.id),
      )
      .where('state', '=', 'pending')
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
      .returningAll()
      .execute();
    return rows.sort((a, b) => a.id - b.id).map(toDelivery);
  }

  async sent(id: number, owner: string, sent?: { activityId: string; copy?: CardMessage }): Promise<void> {
    const now = nowIso(this.clock);
    await casTransaction(this.db).execute(async (trx) => {
      const done = await this.st.run(
        trx,
        'outbox.sent',
        { now, activityId: sent?.activityId ?? null, id, owner },
        (k, v) =>
          k
            .updateTable('outbox')
            .set((eb) => ({
              state: 'sent',
              sent_at: v.now,
              activity_id: v.activityId,
              claim_owner: null,
              claimed_until: null,
              attempts: eb('attempts', '+', 1),
            }))
            .where('id', '=', v.id)
            .where('claim_owner', '=', v.owner),
      );
      const copy = sent?.copy;
      if (!copy || Number(done.numAffectedRows ?? 0n) === 0) return;
      const row = {
        request_id: copy.requestId,
        recipient_id: copy.recipientId,
        role: copy.role,
        conversation_ref: toJson(copy.conversationRef),
        activity_id: copy.activityId,
        created_at: now,
      };
      await this.st.run(trx, 'outbox.sentCopy', row, (k, v) =>
        k
          .insertInto('card_messages')
          .values(v)
          .onConflict((oc) => oc.columns(['request_id', 'recipient_id', 'activity_id']).doNothing()),
      );
    });
  }

  async failed(id: number, owner: string, error: string, retryAt: string | undefined): Promise<void> {
    await this.db
      .updateTable('outbox')
      .set((eb) => ({
        state: retryAt ? 'pending' : 'failed',
        due_at: retryAt ? isoUtc(retryAt) : eb.ref('due_at'),
        error: error.slice(0, 500),
        claim_owner: null,
        claimed_until: null,
        attempts: eb('attempts', '+', 1),
      }))
      .where('id', '=', id)
      .where('claim_owner', '=', owner)
      .execute();
  }

  async dropped(id: number, owner: string, reason: string): Promise<void> {
    await this.db
      .updateTable('outbox')
      .set({ state: 'dropped', error: reason.slice(0, 500), claim_owner: null, claimed_until: null })
      .where('id', '=', id)
      .where('claim_owner', '=', owner)
      .execute();
  }

  async settleRefreshes(requestId: number): Promise<void> {
    const now = nowIso(this.clock);
    await this.db
      .updateTable('outbox')
      .set({ state: 'sent', sent_at: now })
      .where('request_id', '=', requestId)
      .where('kind', '=', 'refresh')
      .where('state', '=', 'pending')
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
      .execute();
  }

  async list(requestId: number): Promise<(OutboxDelivery & { state: string; activityId?: string })[]> {
    const rows = await this.db
      .selectFrom('outbox')
      .selectAll()
      .where('request_id', '=', requestId)
      .orderBy('id')
      .execute();
    return rows.map((r) => ({ ...toDelivery(r), state: r.state, activityId: r.activity_id ?? undefined }));
  }
}
