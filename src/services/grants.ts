/**
 * Time-bound Dragon Administrator access: "give Sam Dragon admin for 4 hours". Each grant is a
 * record in the store plus two timers (a reminder before the end, the end itself) that the worker
 * runs, so a grant outlives restarts of the bot. The record is written *before* the role is given:
 * there is never a time-bound grant without a timer to end it.
 *
 * With PIM for Groups the tenant ends the membership itself; the end timer then only checks that it
 * is gone (removing it if not) and tells the people involved.
 */
import { formatTime } from '../cards/text';
import { reminderAt } from '../domain/grantDuration';
import { explainTenantError } from '../tenant/errors';
import type { Timer } from '../store/types';
import { DRAGON_ADMIN_SCOPE, type DragonRoleAccess, type GrantVia } from './dragonRole';
import type { Directory } from './directory';
import type { Notifications } from './requests/notifications';
import type { ServiceDeps } from './types';
import { asText } from '../text';
import { recordKind } from '../store/types';
import { SYSTEM_ACTOR, auditEntry } from './audit';

export const GRANT_REMIND = 'grant.remind';
export const GRANT_END = 'grant.end';
/** After this many failed attempts the requester and the approvers hear about it (once). */
const ESCALATE_AFTER_ATTEMPTS = 3;

export type GrantState = 'scheduled' | 'active' | 'ended' | 'superseded' | 'not-granted';

export interface Grant {
  requestId: number;
  userId: string;
  displayName: string;
  requesterId: string;
  requesterName: string;
  via: GrantVia;
  groupId?: string;
  justification?: string;
  startsAt: string;
  endsAt: string;
  state: GrantState;
  timersScheduled: boolean;
  endedAt?: string;
}

export const GRANT_RECORDS = recordKind<Grant>('grant');

/** What the worker needs to run our timers (src/worker/worker.ts). */
export interface TimerRegistry {
  onTimer(kind: string, handler: (timer: Timer) => Promise<void>): void;
}

export function grantKey(requestId: number, userId: string): string {
  return `${requestId}:${userId}`;
}

export class GrantService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly directory: Directory,
    private readonly role: DragonRoleAccess,
    private readonly notifications: Notifications,
  ) {}

  registerTimers(worker: TimerRegistry): void {
    worker.onTimer(GRANT_REMIND, (t) => this.remind(t));
    worker.onTimer(GRANT_END, (t) => this.end(t));
  }

  async get(requestId: number, userId: string): Promise<Grant | undefined> {
    const rec = await this.deps.store.records.get(GRANT_RECORDS, grantKey(requestId, userId));
    return rec?.value;
  }

  private async save(g: Grant): Promise<void> {
    await this.deps.store.records.put(GRANT_RECORDS, grantKey(g.requestId, g.userId), g, SYSTEM_ACTOR.id);
  }

  /**
   * Before the role is given: the grant record and its timers. Called again on a resumed execution,
   * it finds the record and schedules nothing twice.
   */
  async prepare(input: Omit<Grant, 'state' | 'timersScheduled' | 'startsAt'>): Promise<Grant> {
    let g = await this.get(input.requestId, input.userId);
    if (!g) {
      g = { ...input, startsAt: this.deps.clock.now().toISOString(), state: 'scheduled', timersScheduled: false };
      await this.save(g);
    }
    if (!g.timersScheduled) {
      const payload = {
        requestId: g.requestId,
        userId: g.userId,
        endsAt: g.endsAt,
        grantKey: grantKey(g.requestId, g.userId),
      };
      const remindAt = reminderAt(Date.parse(g.startsAt), Date.parse(g.endsAt), this.deps.config.grantReminderMinutes);
      if (remindAt !== undefined)
        await this.deps.store.timers.schedule(GRANT_REMIND, new Date(remindAt).toISOString(), payload, g.requestId);
      await this.deps.store.timers.schedule(GRANT_END, g.endsAt, { ...payload, attempt: 0 }, g.requestId);
      g = { ...g, timersScheduled: true };
      await this.save(g);
    }
    return g;
  }

  async markGranted(g: Grant): Promise<void> {
    if (g.state === 'scheduled') await this.save({ ...g, state: 'active' });
  }

  /** The change did not go through: the timers find nothing to do. */
  async markNotGranted(g: Grant): Promise<void> {
    await this.save({ ...g, state: 'not-granted' });
  }

  /** Someone removed the role by request: earlier time-bound grants of that person are over. */
  async supersedeAll(userId: string): Promise<void> {
    for (const rec of await this.deps.store.records.list(GRANT_RECORDS)) {
      const g = rec.value;
      if (g.userId === userId && (g.state === 'active' || g.state === 'scheduled'))
        await this.save({ ...g, state: 'superseded', endedAt: this.deps.clock.now().toISOString() });
    }
  }

  /** Time-bound grants still in force, for status answers ("until …"). */
  async activeGrants(): Promise<Grant[]> {
    return (await this.deps.store.records.list(GRANT_RECORDS)).map((r) => r.value).filter((g) => g.state === 'active');
  }

  // ---------------------------------------------------------------- timers

  private async grantOf(t: Timer): Promise<Grant | undefined> {
    const requestId = Number(t.payload.requestId);
    const userId = asText(t.payload.userId);
    if (!Number.isFinite(requestId) || !userId) return undefined;
    return this.get(requestId, userId);
  }

  async remind(t: Timer): Promise<void> {
    const g = await this.grantOf(t);
    if (!g || g.state !== 'active') return;
    const left = Date.parse(g.endsAt) - this.deps.clock.now().getTime();
    // Run late (after a crash, or a long outage): a reminder after the end would only confuse.
    if (left <= 0) return;
    const minutes = Math.max(1, Math.round(left / 60_000));
    await this.tell(
      `grant-remind:${grantKey(g.requestId, g.userId)}`,
      g.userId,
      `Heads-up: your Dragon Administrator role ends ${formatTime(g.endsAt)}, in about ${minutes} minute${minutes === 1 ? '' : 's'} (time-bound access from request #${g.requestId}). If you still need it after that, ask again, for example "give me Dragon admin for 2 hours".`,
    );
    await this.audit(g, 'grant.reminded', { endsAt: g.endsAt });
  }

  /**
   * The end of a grant. Never dropped: a failed removal throws, and the worker runs the timer
   * again (and again) until it succeeds. Safe to run twice: what was removed is not removed again,
   * and the messages are queued under keys, so each person is told once.
   */
  async end(t: Timer): Promise<void> {
    const g = await this.grantOf(t);
    // 'scheduled': an execution stopped between recording the grant and confirming it; whatever it
    // did must still end on time.
    if (!g || (g.state !== 'active' && g.state !== 'scheduled')) return;
    const attempt = t.attempts + 1;
    const granted = async () => {
      const h = await this.role.holding(g.userId);
      return g.via === 'direct' ? h.directAssignmentIds.length > 0 : h.inGroup;
    };
    try {
      // With PIM the tenant has usually ended it already; then there is nothing to remove.
      if (await granted()) {
        await this.role.revoke(g.userId, g.via);
        if (await granted()) throw new Error('the membership or assignment was still there after removing it');
      }
    } catch (err) {
      const detail = err instanceof Error ? explainTenantError(err) : String(err);
      this.deps.logger.warn('could not end a time-bound Dragon admin grant; will retry', {
        requestId: g.requestId,
        userId: g.userId,
        attempt,
        err: detail,
      });
      await this.audit(g, 'grant.end-failed', { attempt, error: detail });
      if (attempt === ESCALATE_AFTER_ATTEMPTS) await this.escalate(g, detail);
      throw err;
    }
    this.directory.invalidate();
    const endedAt = this.deps.clock.now().toISOString();
    const stillHolds = (await this.role.holding(g.userId)).holds;
    // Told before the grant is marked ended: a crash in between tells nobody twice (the keys) and
    // leaves nobody untold (the rerun finds the grant still active).
    if (g.state === 'active') {
      const key = `grant-ended:${grantKey(g.requestId, g.userId)}`;
      const otherwise = stillHolds
        ? ' You still hold the role another way (for example through another group), which Dragon Desk did not change.'
        : '';
      await this.tell(
        `${key}:${g.userId}`,
        g.userId,
        `Your time-bound Dragon Administrator role has ended (request #${g.requestId}, granted until ${formatTime(g.endsAt)}).${otherwise} Ask again if you need it.`,
      );
      if (g.requesterId !== g.userId)
        await this.tell(
          `${key}:${g.requesterId}`,
          g.requesterId,
          `${g.displayName}'s time-bound Dragon Administrator role from your request #${g.requestId} has ended, as planned.`,
        );
    }
    await this.save({ ...g, state: 'ended', endedAt });
    await this.audit(g, 'grant.ended', { endsAt: g.endsAt, endedAt, attempt, stillHoldsOtherwise: stillHolds });
  }

  private async escalate(g: Grant, detail: string): Promise<void> {
    const message = `I couldn't take away ${g.displayName}'s time-bound Dragon Administrator role (request #${g.requestId}), which should have ended ${formatTime(g.endsAt)}. I keep trying every minute. ${detail}`;
    const people = new Set<string>([g.requesterId]);
    const groupId = await this.role.groupId();
    const owners = groupId ? await this.directory.groupOwners(groupId).catch(() => []) : [];
    for (const o of owners) people.add(o.id);
    if (!owners.length)
      for (const a of await this.directory.roleHolders('privilegedRoleAdministrator', 'fresh').catch(() => []))
        people.add(a.id);
    for (const id of people) await this.tell(`grant-escalated:${grantKey(g.requestId, g.userId)}:${id}`, id, message);
  }

  private async audit(g: Grant, action: string, detail: Record<string, unknown>): Promise<void> {
    await this.deps.store.audit.append({
      ...auditEntry(SYSTEM_ACTOR, action, this.deps.config.tenantId, {
        userId: g.userId,
        via: g.via,
        scope: DRAGON_ADMIN_SCOPE,
        justification: g.justification,
        ...detail,
      }),
      requestId: g.requestId,
    });
  }

  private async tell(key: string, personId: string, message: string): Promise<void> {
    await this.notifications.tell(personId, message, key);
  }
}
