/** Timers the worker runs (reminders, ends of time-bound access). */
import type { Kysely, Transaction } from 'kysely';
import { literalLimit } from './dialect';
import type { PreparedStatements } from './prepared';
import { fromJson, isoUtc, nowIso, toJson, type StoreClock } from './codec';
import type { Database, TimerRow } from './schema';
import type { NewTimer, Timer, TimerStore } from './types';

type Db = Kysely<Database> | Transaction<Database>;

/** Timers written with a request change, in its transaction (a reminder scheduled as it is sent). */
export async function insertTimers(
  db: Db,
  clock: StoreClock,
  timers: readonly NewTimer[],
  st: PreparedStatements,
): Promise<void> {
  if (!timers.length) return;
  const now = nowIso(clock);
  const rows = timers.map((t) => ({
    kind: t.kind,
    request_id: t.requestId ?? null,
    due_at: isoUtc(t.dueAt),
    payload: toJson(t.payload ?? {}),
    done_at: null,
    created_at: now,
  }));
  await st.run(db, `timers.insert.${rows.length}`, rows, (k, list) => k.insertInto('timers').values(list));
}

function toTimer(row: TimerRow): Timer {
  const timer: Timer = {
    id: row.id,
    kind: row.kind,
    dueAt: row.due_at,
    payload: fromJson(row.payload),
    attempts: row.attempts,
  };
  if (row.request_id !== null) timer.requestId = row.request_id;
  return timer;
}

export class SqlTimerStore implements TimerStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: StoreClock,
  ) {}

  async schedule(kind: string, dueAt: string, payload: Record<string, unknown>, requestId?: number): Promise<number> {
    const row = await this.db
      .insertInto('timers')
      .values({
        kind,
        request_id: requestId ?? null,
        due_at: isoUtc(dueAt),
        payload: toJson(payload),
        done_at: null,
        created_at: nowIso(this.clock),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  async listDue(now: string, limit: number): Promise<Timer[]> {
    const rows = await this.db
      .selectFrom('timers')
      .selectAll()
      .where('done_at', 'is', null)
      .where('due_at', '<=', isoUtc(now))
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<=', isoUtc(now))]))
      .orderBy('due_at')
      .orderBy('id')
      .limit(literalLimit(limit))
      .execute();
    return rows.map(toTimer);
  }

  async claim(id: number, until: string): Promise<boolean> {
    const now = nowIso(this.clock);
    const res = await this.db
      .updateTable('timers')
      .set({ claimed_until: isoUtc(until) })
      .where('id', '=', id)
      .where('done_at', 'is', null)
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<=', now)]))
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  async retry(id: number, at: string): Promise<void> {
    await this.db
      .updateTable('timers')
      .set((eb) => ({ claimed_until: isoUtc(at), attempts: eb('attempts', '+', 1) }))
      .where('id', '=', id)
      .where('done_at', 'is', null)
      .execute();
  }

  async complete(id: number): Promise<boolean> {
    const res = await this.db
      .updateTable('timers')
      .set({ done_at: nowIso(this.clock) })
      .where('id', '=', id)
      .where('done_at', 'is', null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  /** All timers of the request, done or not, in due order (the Timer type carries no done flag). */
  async listForRequest(requestId: number): Promise<Timer[]> {
    const rows = await this.db
      .selectFrom('timers')
      .selectAll()
      .where('request_id', '=', requestId)
      .orderBy('due_at')
      .orderBy('id')
      .execute();
    return rows.map(toTimer);
  }
}
