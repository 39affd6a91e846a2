/**
 * Group-based licensing, the way Entra does it: a group's licenses reach its members
 * asynchronously, one all-or-none decision per (user, group), recorded on the user as
 * `licenseAssignmentStates`. Failures (no seat left) are not returned to the caller who changed the
 * group; they show up later on the user as `state: Error, error: CountViolation` (reference §3).
 *
 * Seats are never counted separately: `consumedUnits` is derived from the users' Active states, so
 * it cannot drift from what the users hold.
 */

import type { Defined, Graph, Narrowed, Present } from '../tenant/graphTypes';

export type LicenseError = 'None' | 'CountViolation' | 'Other';

/** A user's licenseAssignmentState as the dev tenant keeps it: Graph's fields, all present. */
export type LicenseStateRecord = Present<
  Graph.LicenseAssignmentState,
  'skuId' | 'disabledPlans' | 'lastUpdatedDateTime'
> &
  Defined<Graph.LicenseAssignmentState, 'assignedByGroup'> &
  Narrowed<Graph.LicenseAssignmentState, 'state', 'Active' | 'Error'> &
  Narrowed<Graph.LicenseAssignmentState, 'error', LicenseError>;

export interface Licensee {
  id: string;
  licenseAssignmentStates: LicenseStateRecord[];
}

export interface LicensingGroup {
  id: string;
  assignedLicenses: Present<Graph.AssignedLicense, 'skuId' | 'disabledPlans'>[];
  licenseProcessingState: 'QueuedForProcessing' | 'ProcessingInProgress' | 'ProcessingComplete' | null;
}

/** The directory as licensing needs to see it. */
export interface LicensingDirectory {
  now(): Date;
  allUsers(): Licensee[];
  user(id: string): Licensee | undefined;
  group(id: string): LicensingGroup | undefined;
  /** User ids that are members right now (permanent or time-bound), in the order they joined. */
  memberUserIds(groupId: string): string[];
  prepaidEnabled(skuId: string): number;
}

const same = (a: string | null, b: string | null) => (a ?? '').toLowerCase() === (b ?? '').toLowerCase();

/** Users holding the SKU: at least one Active state, whatever path it came by. */
export function consumedUnits(users: Licensee[], skuId: string): number {
  return users.filter((u) => holdsSku(u, skuId)).length;
}

export function holdsSku(user: Licensee, skuId: string, exceptGroupId?: string): boolean {
  return user.licenseAssignmentStates.some(
    (s) =>
      same(s.skuId, skuId) &&
      s.state === 'Active' &&
      (exceptGroupId === undefined || !same(s.assignedByGroup, exceptGroupId)),
  );
}

/** Graph's `assignedLicenses` on a user: one entry per SKU held Active, by any path. */
export function assignedLicenses(user: Licensee): { skuId: string; disabledPlans: string[] }[] {
  const out = new Map<string, { skuId: string; disabledPlans: string[] }>();
  for (const s of user.licenseAssignmentStates) {
    if (s.state !== 'Active') continue;
    const key = s.skuId.toLowerCase();
    const prev = out.get(key);
    // A plan is disabled only if every path that assigns the SKU disables it.
    if (prev) prev.disabledPlans = prev.disabledPlans.filter((p) => s.disabledPlans.includes(p));
    else out.set(key, { skuId: s.skuId, disabledPlans: [...s.disabledPlans] });
  }
  return [...out.values()];
}

/**
 * Brings one user's states for one group in line with the group. `retryErrors` re-attempts states
 * already in Error (reprocessing, or a change of the group's licenses); otherwise an existing Error
 * stays, as in Entra, until someone reprocesses the user.
 */
export function applyGroupToUser(
  dir: LicensingDirectory,
  group: LicensingGroup,
  user: Licensee,
  retryErrors: boolean,
): void {
  const now = dir.now().toISOString();
  const isMember = dir.memberUserIds(group.id).some((id) => same(id, user.id));
  const wanted = isMember ? group.assignedLicenses : [];
  const wantedSku = (skuId: string) => wanted.some((w) => same(w.skuId, skuId));

  user.licenseAssignmentStates = user.licenseAssignmentStates.filter(
    (s) => !same(s.assignedByGroup, group.id) || wantedSku(s.skuId),
  );
  if (wanted.length === 0) return;

  const entryFor = (skuId: string) =>
    user.licenseAssignmentStates.find((s) => same(s.assignedByGroup, group.id) && same(s.skuId, skuId));
  const needsDecision = wanted.some((w) => {
    const e = entryFor(w.skuId);
    return !e || (e.state === 'Error' && retryErrors);
  });
  if (!needsDecision) {
    for (const w of wanted) {
      const e = entryFor(w.skuId)!;
      if (e.state === 'Active' && e.disabledPlans.join() !== w.disabledPlans.join()) {
        e.disabledPlans = [...w.disabledPlans];
        e.lastUpdatedDateTime = now;
      }
    }
    return;
  }

  const users = dir.allUsers();
  const lacking = new Set<string>();
  for (const w of wanted) {
    const e = entryFor(w.skuId);
    if (e?.state === 'Active') continue; // already consuming its seat
    if (holdsSku(user, w.skuId, group.id)) continue; // another path holds it: no extra seat
    if (consumedUnits(users, w.skuId) >= dir.prepaidEnabled(w.skuId)) lacking.add(w.skuId.toLowerCase());
  }
  for (const w of wanted) {
    let e = entryFor(w.skuId);
    if (!e) {
      e = {
        skuId: w.skuId,
        assignedByGroup: group.id,
        state: 'Active',
        error: 'None',
        disabledPlans: [],
        lastUpdatedDateTime: now,
      };
      user.licenseAssignmentStates.push(e);
    }
    e.disabledPlans = [...w.disabledPlans];
    e.lastUpdatedDateTime = now;
    if (lacking.size === 0) {
      e.state = 'Active';
      e.error = 'None';
    } else {
      // All-or-none: one SKU without a seat keeps every SKU of this group off the user.
      e.state = 'Error';
      e.error = lacking.has(w.skuId.toLowerCase()) ? 'CountViolation' : 'Other';
    }
  }
}

interface DirtyGroup {
  all: boolean;
  retryAll: boolean;
  users: Map<string, boolean>;
}

/**
 * Queues group license processing and runs it after a delay, as Entra does in the background.
 * `settle()` lets tests (and the in-process app) wait until the queue is empty.
 */
export class GroupLicenseQueue {
  private dirty = new Map<string, DirtyGroup>();
  private timer: NodeJS.Timeout | undefined;
  private idle: Promise<void> | undefined;
  private resolveIdle: (() => void) | undefined;

  constructor(
    private readonly dir: LicensingDirectory,
    private readonly delayMs: number,
  ) {}

  /** Marks a whole group (no userId) or one member for processing. */
  enqueue(groupId: string, opts: { userId?: string; retryErrors?: boolean } = {}): void {
    const group = this.dir.group(groupId);
    if (!group) return;
    const key = group.id.toLowerCase();
    const d = this.dirty.get(key) ?? { all: false, retryAll: false, users: new Map<string, boolean>() };
    if (opts.userId === undefined) {
      d.all = true;
      d.retryAll ||= opts.retryErrors ?? false;
    } else {
      const uid = opts.userId.toLowerCase();
      d.users.set(uid, (d.users.get(uid) ?? false) || (opts.retryErrors ?? false));
    }
    this.dirty.set(key, d);
    group.licenseProcessingState = 'QueuedForProcessing';
    this.arm();
  }

  get busy(): boolean {
    return this.dirty.size > 0;
  }

  /** Resolves once everything queued so far (and anything queued meanwhile) has been processed. */
  async settle(): Promise<void> {
    while (this.idle) await this.idle;
  }

  /** Drops queued work (re-seed, shutdown). */
  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.dirty.clear();
    this.finish();
  }

  /** Processes everything queued now, without waiting for the delay. */
  runNow(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.process();
  }

  private arm(): void {
    if (!this.idle) this.idle = new Promise<void>((resolve) => (this.resolveIdle = resolve));
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.process();
    }, this.delayMs);
    this.timer.unref?.();
  }

  private process(): void {
    const work = [...this.dirty.entries()];
    this.dirty.clear();
    for (const [groupId, d] of work) {
      const group = this.dir.group(groupId);
      if (!group) continue;
      group.licenseProcessingState = 'ProcessingInProgress';
      const targets = new Map<string, boolean>();
      if (d.all) {
        for (const id of this.dir.memberUserIds(group.id)) targets.set(id.toLowerCase(), d.retryAll);
        for (const u of this.dir.allUsers()) {
          if (u.licenseAssignmentStates.some((s) => same(s.assignedByGroup, group.id))) {
            targets.set(u.id.toLowerCase(), d.retryAll);
          }
        }
      }
      for (const [uid, retry] of d.users) targets.set(uid, (targets.get(uid) ?? false) || retry);
      for (const [uid, retry] of targets) {
        const user = this.dir.user(uid);
        if (user) applyGroupToUser(this.dir, group, user, retry);
      }
      group.licenseProcessingState = 'ProcessingComplete';
    }
    if (this.dirty.size > 0) this.arm();
    else this.finish();
  }

  private finish(): void {
    const resolve = this.resolveIdle;
    this.idle = undefined;
    this.resolveIdle = undefined;
    resolve?.();
  }
}
