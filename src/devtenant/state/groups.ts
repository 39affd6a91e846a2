/**
 * Groups and their members and owners (routes/groups.ts): permanent memberships live on the group,
 * time-bound ones in PIM's schedules, and every read of "who is a member" sees both.
 */
import { randomUUID } from 'node:crypto';
import { badRequest, resourceNotFound } from '../errors';
import type { Fixture, FixtureGroup } from '../fixture';
import type { PimAccess } from './pim';
import { lc, type DirectoryParts, type Store } from './store';
import type { Graph, Present } from '../../tenant/graphTypes';

/**
 * A group as the fixture seeds it, plus what Graph adds. `members`: permanent memberships, in the
 * order they were added; time-bound ones live in PIM's schedules.
 */
export type GroupRecord = FixtureGroup &
  Present<Graph.Group, 'groupTypes' | 'createdDateTime'> & {
    /** Graph's licenseProcessingState.state, kept as the value alone. */
    licenseProcessingState: 'QueuedForProcessing' | 'ProcessingInProgress' | 'ProcessingComplete' | null;
  };

export interface NewGroup {
  displayName: string;
  description: string | null;
  mailNickname: string;
  mailEnabled: boolean;
  securityEnabled: boolean;
  isAssignableToRole: boolean;
  groupTypes: string[];
  owners: string[];
  members: string[];
}

export class Groups {
  constructor(
    private readonly store: Store,
    private readonly dir: DirectoryParts,
  ) {}

  seed(f: Fixture, seededAt: string): void {
    this.store.groups.clear();
    for (const g of f.groups) {
      this.store.groups.set(lc(g.id), {
        ...g,
        groupTypes: [],
        createdDateTime: seededAt,
        licenseProcessingState: g.assignedLicenses.length > 0 ? 'ProcessingComplete' : null,
        members: [...g.members],
        owners: [...g.owners],
      });
    }
  }

  getGroup(id: string): GroupRecord | undefined {
    return this.store.groups.get(lc(id));
  }

  requireGroup(id: string): GroupRecord {
    const g = this.getGroup(id);
    if (!g) throw resourceNotFound(id);
    return g;
  }

  listGroups(): GroupRecord[] {
    return [...this.store.groups.values()];
  }

  createGroup(input: NewGroup): GroupRecord {
    const g: GroupRecord = {
      id: randomUUID(),
      displayName: input.displayName,
      description: input.description,
      mailNickname: input.mailNickname,
      mailEnabled: input.mailEnabled,
      securityEnabled: input.securityEnabled,
      isAssignableToRole: input.isAssignableToRole,
      groupTypes: input.groupTypes,
      createdDateTime: this.store.nowIso(),
      assignedLicenses: [],
      licenseProcessingState: null,
      members: input.members.map((m) => this.store.canonicalId(m) ?? m),
      owners: input.owners.map((m) => this.store.canonicalId(m) ?? m),
    };
    this.store.groups.set(lc(g.id), g);
    return g;
  }

  updateGroup(id: string, patch: { displayName?: string; description?: string | null }): GroupRecord {
    const g = this.requireGroup(id);
    if (patch.displayName !== undefined) g.displayName = patch.displayName;
    if (patch.description !== undefined) g.description = patch.description;
    return g;
  }

  /** Member object ids right now: permanent ones, then time-bound ones still in force. */
  memberIds(groupId: string): string[] {
    return this.withSchedules(groupId, 'member');
  }

  ownerIds(groupId: string): string[] {
    return this.withSchedules(groupId, 'owner');
  }

  private withSchedules(groupId: string, accessId: PimAccess): string[] {
    const g = this.getGroup(groupId);
    if (!g) return [];
    const out = [...(accessId === 'member' ? g.members : g.owners)];
    for (const s of this.dir.pim.activeSchedules({ groupId: g.id, accessId })) {
      if (!out.some((m) => lc(m) === lc(s.principalId))) out.push(s.principalId);
    }
    return out;
  }

  isMember(groupId: string, objectId: string): boolean {
    return this.memberIds(groupId).some((m) => lc(m) === lc(objectId));
  }

  /** Adds a permanent member or owner. Graph's 400/404 texts for duplicates and unknown objects. */
  addReference(groupId: string, objectId: string, relation: 'members' | 'owners'): void {
    const g = this.requireGroup(groupId);
    const id = this.store.canonicalId(objectId);
    if (!id) throw resourceNotFound(objectId);
    const current = relation === 'members' ? this.memberIds(g.id) : this.ownerIds(g.id);
    if (current.some((m) => lc(m) === lc(id))) {
      throw badRequest(
        `One or more added object references already exist for the following modified properties: '${relation}'.`,
      );
    }
    if (relation === 'members' && lc(id) === lc(g.id)) throw badRequest('A group cannot be a member of itself.');
    g[relation].push(id);
    if (relation === 'members') this.dir.licenses.queueMemberLicensing(g.id, id);
  }

  /** Removes a member or owner, permanent or time-bound. */
  removeReference(groupId: string, objectId: string, relation: 'members' | 'owners'): void {
    const g = this.requireGroup(groupId);
    const accessId: PimAccess = relation === 'members' ? 'member' : 'owner';
    const list = g[relation];
    const idx = list.findIndex((m) => lc(m) === lc(objectId));
    const schedules = this.dir.pim.activeSchedules({ groupId: g.id, principalId: objectId, accessId });
    if (idx < 0 && schedules.length === 0) {
      throw badRequest(
        `One or more removed object references do not exist for the following modified properties: '${relation}'.`,
      );
    }
    if (idx >= 0) list.splice(idx, 1);
    const now = this.store.nowIso();
    for (const s of schedules) s.removedDateTime = now;
    if (relation === 'members') this.dir.licenses.queueMemberLicensing(g.id, objectId);
  }

  /** Groups the object is a direct (effective) member of. */
  memberOfGroupIds(objectId: string): string[] {
    return this.listGroups()
      .filter((g) => this.isMember(g.id, objectId))
      .map((g) => g.id);
  }

  /** Groups the object belongs to directly or through nested groups. */
  transitiveGroupIds(objectId: string): string[] {
    const seen = new Set<string>();
    const out: string[] = [];
    const queue = [objectId];
    while (queue.length) {
      const cur = queue.shift()!;
      for (const gid of this.memberOfGroupIds(cur)) {
        if (seen.has(lc(gid))) continue;
        seen.add(lc(gid));
        out.push(gid);
        queue.push(gid);
      }
    }
    return out;
  }

  /** Users (and nested groups) under a group, transitively. */
  transitiveMemberIds(groupId: string): string[] {
    const seen = new Set<string>([lc(groupId)]);
    const out: string[] = [];
    const queue = [groupId];
    while (queue.length) {
      for (const m of this.memberIds(queue.shift()!)) {
        if (seen.has(lc(m))) continue;
        seen.add(lc(m));
        out.push(m);
        if (this.store.groups.has(lc(m))) queue.push(m);
      }
    }
    return out;
  }
}
