/**
 * PIM for Groups (routes/pim.ts): time-bound memberships and ownerships. A schedule is in force
 * from its start until its end (or until an adminRemove); once the clock passes the end it is gone
 * from every read, and `tick` makes the licenses it carried follow.
 */
import { randomUUID } from 'node:crypto';
import { isoDurationMs } from '../duration';
import { badRequest, resourceNotFound } from '../errors';
import { lc, type DirectoryParts, type Store } from './store';
import type { Graph, Narrowed, Present } from '../../tenant/graphTypes';

export type PimAccess = Exclude<Graph.PrivilegedAccessGroupRelationships, 'unknownFutureValue'>;
type ExpirationType = Exclude<Graph.ExpirationPatternType, 'notSpecified'>;

/** A schedule: Graph's privilegedAccessGroupAssignmentSchedule fields, its expiration flattened. */
export type PimScheduleRecord = Present<
  Graph.PrivilegedAccessGroupAssignmentSchedule,
  'id' | 'groupId' | 'principalId' | 'createdDateTime'
> &
  Narrowed<Graph.PrivilegedAccessGroupAssignmentSchedule, 'accessId', PimAccess> & {
    startDateTime: string;
    endDateTime: string | null;
    expirationType: ExpirationType;
    duration: string | null;
    justification: string | null;
    createdBy: string;
    /** Set when an adminRemove ended it early. */
    removedDateTime: string | null;
  };

export interface NewPimSchedule {
  groupId: string;
  principalId: string;
  accessId: PimAccess;
  start: Date;
  expiration: {
    type: ExpirationType;
    duration: string | null;
    endDateTime: string | null;
  };
  justification: string | null;
  createdBy: string;
}

export class Pim {
  private schedules: PimScheduleRecord[] = [];
  private expired = new Set<string>();

  constructor(
    private readonly store: Store,
    private readonly dir: DirectoryParts,
  ) {}

  seed(): void {
    this.schedules = [];
    this.expired.clear();
  }

  /**
   * Applies the passage of time: time-bound memberships whose end has passed are gone, and the
   * groups they licensed are queued for processing. Reads already ignore expired schedules; this
   * is what makes the licenses follow.
   */
  tick(): void {
    const now = this.store.clock.now().getTime();
    for (const s of this.schedules) {
      if (this.expired.has(s.id)) continue;
      const end = this.scheduleEnd(s);
      if (end !== null && end <= now) {
        this.expired.add(s.id);
        if (s.accessId === 'member') this.dir.licenses.queueMemberLicensing(s.groupId, s.principalId);
      }
    }
  }

  private scheduleEnd(s: PimScheduleRecord): number | null {
    if (s.removedDateTime) return Date.parse(s.removedDateTime);
    return s.endDateTime ? Date.parse(s.endDateTime) : null;
  }

  private scheduleActive(s: PimScheduleRecord, now: number): boolean {
    const end = this.scheduleEnd(s);
    return Date.parse(s.startDateTime) <= now && (end === null || end > now);
  }

  /** Schedules in force right now. */
  activeSchedules(filter: { groupId?: string; principalId?: string; accessId?: PimAccess } = {}): PimScheduleRecord[] {
    const now = this.store.clock.now().getTime();
    return this.schedules.filter(
      (s) =>
        this.scheduleActive(s, now) &&
        (!filter.groupId || lc(s.groupId) === lc(filter.groupId)) &&
        (!filter.principalId || lc(s.principalId) === lc(filter.principalId)) &&
        (!filter.accessId || s.accessId === filter.accessId),
    );
  }

  createPimSchedule(input: NewPimSchedule): PimScheduleRecord {
    const g = this.dir.groups.requireGroup(input.groupId);
    const principal = this.store.canonicalId(input.principalId);
    if (!principal) throw resourceNotFound(input.principalId);
    if (this.activeSchedules({ groupId: g.id, principalId: principal, accessId: input.accessId }).length > 0) {
      throw badRequest('The role assignment already exists.', 'RoleAssignmentExists');
    }
    let end: string | null = null;
    if (input.expiration.type === 'afterDuration') {
      const ms = input.expiration.duration ? isoDurationMs(input.expiration.duration) : undefined;
      if (!ms) throw badRequest(`Invalid duration '${input.expiration.duration}'.`, 'InvalidExpiration');
      end = new Date(input.start.getTime() + ms).toISOString();
    } else if (input.expiration.type === 'afterDateTime') {
      const at = input.expiration.endDateTime ? Date.parse(input.expiration.endDateTime) : NaN;
      if (Number.isNaN(at) || at <= input.start.getTime()) {
        throw badRequest('The expiration endDateTime must be a date after the start.', 'InvalidExpiration');
      }
      end = new Date(at).toISOString();
    }
    const rec: PimScheduleRecord = {
      id: `${g.id}_${input.accessId}_${randomUUID()}`,
      groupId: g.id,
      principalId: principal,
      accessId: input.accessId,
      createdDateTime: this.store.nowIso(),
      startDateTime: input.start.toISOString(),
      endDateTime: end,
      expirationType: input.expiration.type,
      duration: input.expiration.duration,
      justification: input.justification,
      createdBy: input.createdBy,
      removedDateTime: null,
    };
    this.schedules.push(rec);
    if (input.accessId === 'member') this.dir.licenses.queueMemberLicensing(g.id, principal);
    return rec;
  }

  /**
   * adminRemove: ends the principal's active access of that kind, time-bound or permanent.
   * Returns the schedule id it ended (or a synthetic one for a permanent membership).
   */
  endPimAccess(groupId: string, principalId: string, accessId: PimAccess): string {
    const g = this.dir.groups.requireGroup(groupId);
    const schedules = this.activeSchedules({ groupId: g.id, principalId, accessId });
    const list = accessId === 'member' ? g.members : g.owners;
    const idx = list.findIndex((m) => lc(m) === lc(principalId));
    if (schedules.length === 0 && idx < 0) {
      throw badRequest('The role assignment does not exist.', 'RoleAssignmentDoesNotExist');
    }
    const now = this.store.nowIso();
    for (const s of schedules) s.removedDateTime = now;
    if (idx >= 0) list.splice(idx, 1);
    if (accessId === 'member') this.dir.licenses.queueMemberLicensing(g.id, principalId);
    return schedules[0]?.id ?? `${g.id}_${accessId}_${principalId}`;
  }
}
