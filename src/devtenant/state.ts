/**
 * The dev tenant's directory, in memory, seeded from a fixture: users, groups (with time-bound PIM
 * memberships), SKUs, directory roles, Azure subscriptions, partner links and GDAP relationships.
 *
 * Everything that can be derived is derived when read (a user's assignedLicenses, a SKU's
 * consumedUnits, whether a time-bound membership is still on), so no two facts can disagree.
 * Operations throw `TenantHttpError` with Graph/ARM texts because the directory's rules *are* the
 * wire behaviour the client must cope with.
 */
import { createHash, randomUUID } from 'node:crypto';
import { isGuid } from '../guid';
import { ROLE_TEMPLATE } from '../domain/catalog';
import { directoryRoleObjectId, roleDefinition } from './builtin-roles';
import { DAY_MS, isoDurationMs } from './duration';
import { armError, badRequest, resourceNotFound, TenantHttpError } from './errors';
import type { Fixture, FixtureGroup, FixtureSku, FixtureUser, AzureBuiltInRole, FixturePartner } from './fixture';
import {
  assignedLicenses,
  consumedUnits,
  GroupLicenseQueue,
  holdsSku,
  type LicenseStateRecord,
  type LicensingDirectory,
} from './licensing';

export interface Clock {
  now(): Date;
}

/** The default clock: real time, which the `/_devtenant/clock` hook can move forward for demos. */
export class AdjustableClock implements Clock {
  private offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
  set(at: Date): void {
    this.offsetMs = at.getTime() - Date.now();
  }
}

export type UserRecord = Omit<FixtureUser, 'licenseAssignmentStates' | 'alias' | 'persona'> & {
  alias: string | null;
  createdDateTime: string;
  licenseAssignmentStates: LicenseStateRecord[];
};

/**
 * A group as the fixture seeds it, plus what Graph adds. `members`: permanent memberships, in the
 * order they were added; time-bound ones live in `pimSchedules`.
 */
export type GroupRecord = FixtureGroup & {
  groupTypes: string[];
  createdDateTime: string;
  licenseProcessingState: 'QueuedForProcessing' | 'ProcessingInProgress' | 'ProcessingComplete' | null;
};

export interface ServicePrincipalRecord {
  id: string;
  appId: string;
  displayName: string;
}

export interface RoleAssignmentRecord {
  id: string;
  roleDefinitionId: string;
  principalId: string;
  directoryScopeId: string;
}

export type PimAccess = 'member' | 'owner';

export interface PimScheduleRecord {
  id: string;
  groupId: string;
  principalId: string;
  accessId: PimAccess;
  createdDateTime: string;
  startDateTime: string;
  endDateTime: string | null;
  expirationType: 'afterDuration' | 'afterDateTime' | 'noExpiration';
  duration: string | null;
  justification: string | null;
  createdBy: string;
  /** Set when an adminRemove ended it early. */
  removedDateTime: string | null;
}

export interface PartnerLinkRecord {
  tenantId: string;
  objectId: string;
  partnerId: string;
  etag: number;
  version: number;
  createdTime: string;
  updatedTime: string;
}

export interface GdapRequestRecord {
  id: string;
  action: string;
  status: 'created' | 'pending' | 'succeeded' | 'failed';
  createdDateTime: string;
  lastModifiedDateTime: string;
}

export interface GdapRelationshipRecord {
  id: string;
  displayName: string;
  duration: string;
  customer: { tenantId: string | null; displayName: string | null } | null;
  accessDetails: { unifiedRoles: { roleDefinitionId: string }[] };
  autoExtendDuration: string;
  status: string;
  createdDateTime: string;
  lastModifiedDateTime: string;
  activatedDateTime: string | null;
  endDateTime: string | null;
  revision: number;
  requests: GdapRequestRecord[];
}

export interface ArmRoleAssignmentRecord {
  name: string;
  roleDefinitionGuid: string;
  principalId: string;
  principalType: 'User' | 'Group' | 'ServicePrincipal';
  scope: string;
  createdOn: string;
}

export interface SubscriptionRecord {
  subscriptionId: string;
  displayName: string;
  state: string;
  roleAssignments: ArmRoleAssignmentRecord[];
  classicAdministrators: { userId: string; emailAddress: string; role: string }[];
}

export const AZURE_ROLE_GUID: Record<AzureBuiltInRole, string> = {
  Owner: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
  Contributor: 'b24988ac-6180-42a0-ab88-20f7382dd24c',
  Reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
};

export type ObjectKind = 'user' | 'group' | 'servicePrincipal';

const lc = (s: string) => s.toLowerCase();

function stableGuid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Graph role assignment ids look like base64url text with a '-1' suffix (reference §5). */
function roleAssignmentId(seed: string): string {
  return `${createHash('sha256').update(seed).digest('base64url').slice(0, 43)}-1`;
}

export class DirectoryState {
  fixture!: Fixture;
  tenantId!: string;
  private users = new Map<string, UserRecord>();
  private usersByUpn = new Map<string, UserRecord>();
  private groups = new Map<string, GroupRecord>();
  private servicePrincipals = new Map<string, ServicePrincipalRecord>();
  private skus = new Map<string, FixtureSku>();
  private roleAssignments: RoleAssignmentRecord[] = [];
  private pimSchedules: PimScheduleRecord[] = [];
  private partnerLinks = new Map<string, PartnerLinkRecord>();
  private gdap = new Map<string, GdapRelationshipRecord>();
  private subscriptions = new Map<string, SubscriptionRecord>();
  private partners: FixturePartner[] = [];
  private expiredSchedules = new Set<string>();
  readonly licensing: GroupLicenseQueue;

  constructor(
    fixture: Fixture,
    readonly clock: Clock,
    licenseProcessingDelayMs = 50,
  ) {
    const dir: LicensingDirectory = {
      now: () => this.clock.now(),
      allUsers: () => [...this.users.values()],
      user: (id) => this.users.get(lc(id)),
      group: (id) => this.groups.get(lc(id)),
      memberUserIds: (groupId) => this.memberIds(groupId).filter((id) => this.users.has(lc(id))),
      prepaidEnabled: (skuId) => this.skus.get(lc(skuId))?.prepaidUnits.enabled ?? 0,
    };
    this.licensing = new GroupLicenseQueue(dir, licenseProcessingDelayMs);
    this.seed(fixture);
  }

  /** Re-seeds from a fixture (the original one when omitted), dropping queued licensing work. */
  seed(fixture: Fixture = this.fixture): void {
    this.licensing.cancel();
    const f = JSON.parse(JSON.stringify(fixture)) as Fixture;
    this.fixture = fixture;
    this.tenantId = f.tenant.id;
    const seededAt = this.clock.now().toISOString();
    this.users.clear();
    this.usersByUpn.clear();
    this.groups.clear();
    this.servicePrincipals.clear();
    this.skus.clear();
    this.partnerLinks.clear();
    this.gdap.clear();
    this.subscriptions.clear();
    this.pimSchedules = [];
    this.expiredSchedules.clear();
    for (const u of f.users) {
      const { licenseAssignmentStates, persona: _persona, ...rest } = u;
      const rec: UserRecord = {
        ...rest,
        officeLocation: rest.officeLocation ?? null,
        mobilePhone: rest.mobilePhone ?? null,
        businessPhones: rest.businessPhones ?? [],
        preferredLanguage: rest.preferredLanguage ?? null,
        createdDateTime: seededAt,
        licenseAssignmentStates: licenseAssignmentStates.map((s) => ({
          skuId: s.skuId,
          assignedByGroup: s.assignedByGroup,
          state: s.state,
          error: s.error,
          disabledPlans: s.disabledPlans ?? [],
          lastUpdatedDateTime: seededAt,
        })),
      };
      this.users.set(lc(u.id), rec);
      this.usersByUpn.set(lc(u.userPrincipalName), rec);
    }
    for (const g of f.groups) {
      this.groups.set(lc(g.id), {
        ...g,
        groupTypes: [],
        createdDateTime: seededAt,
        licenseProcessingState: g.assignedLicenses.length > 0 ? 'ProcessingComplete' : null,
        members: [...g.members],
        owners: [...g.owners],
      });
    }
    this.servicePrincipals.set(lc(f.app.servicePrincipalId), {
      id: f.app.servicePrincipalId,
      appId: f.app.appId,
      displayName: f.app.displayName,
    });
    for (const s of f.skus) this.skus.set(lc(s.skuId), s);
    this.roleAssignments = f.directoryRoleAssignments.map((r) => ({
      id: roleAssignmentId(`${r.roleTemplateId}|${r.principalId}|${r.directoryScopeId}`),
      roleDefinitionId: lc(r.roleTemplateId),
      principalId: r.principalId,
      directoryScopeId: r.directoryScopeId,
    }));
    for (const s of f.azure.subscriptions) {
      this.subscriptions.set(lc(s.subscriptionId), {
        subscriptionId: s.subscriptionId,
        displayName: s.displayName,
        state: s.state,
        roleAssignments: s.roleAssignments.map((ra) => ({
          name: stableGuid(`${s.subscriptionId}|${ra.principalId}|${ra.role}`),
          roleDefinitionGuid: AZURE_ROLE_GUID[ra.role],
          principalId: ra.principalId,
          principalType: ra.principalType,
          scope: `/subscriptions/${s.subscriptionId}`,
          createdOn: seededAt,
        })),
        classicAdministrators: s.classicAdministrators.map((c) => ({ ...c })),
      });
    }
    this.partners = f.partners;
    for (const link of f.partnerLinks) {
      this.partnerLinks.set(this.linkKey(link.objectId), {
        tenantId: this.tenantId,
        objectId: link.objectId,
        partnerId: link.partnerId,
        etag: 1,
        version: 1,
        createdTime: link.createdTime,
        updatedTime: link.createdTime,
      });
    }
  }

  close(): void {
    this.licensing.cancel();
  }

  // ---------------------------------------------------------------------------------------------
  // time

  /**
   * Applies the passage of time: time-bound memberships whose end has passed are gone, and the
   * groups they licensed are queued for processing. Reads already ignore expired schedules; this
   * is what makes the licenses follow.
   */
  tick(): void {
    const now = this.clock.now().getTime();
    for (const s of this.pimSchedules) {
      if (this.expiredSchedules.has(s.id)) continue;
      const end = this.scheduleEnd(s);
      if (end !== null && end <= now) {
        this.expiredSchedules.add(s.id);
        if (s.accessId === 'member') this.queueMemberLicensing(s.groupId, s.principalId);
      }
    }
  }

  async settle(): Promise<void> {
    this.tick();
    await this.licensing.settle();
  }

  // ---------------------------------------------------------------------------------------------
  // objects

  getUser(idOrUpn: string): UserRecord | undefined {
    return this.users.get(lc(idOrUpn)) ?? this.usersByUpn.get(lc(idOrUpn));
  }

  requireUser(idOrUpn: string): UserRecord {
    const u = this.getUser(idOrUpn);
    if (!u) throw resourceNotFound(idOrUpn);
    return u;
  }

  listUsers(): UserRecord[] {
    return [...this.users.values()];
  }

  getGroup(id: string): GroupRecord | undefined {
    return this.groups.get(lc(id));
  }

  requireGroup(id: string): GroupRecord {
    const g = this.getGroup(id);
    if (!g) throw resourceNotFound(id);
    return g;
  }

  listGroups(): GroupRecord[] {
    return [...this.groups.values()];
  }

  getServicePrincipal(id: string): ServicePrincipalRecord | undefined {
    return this.servicePrincipals.get(lc(id));
  }

  objectKind(id: string): ObjectKind | undefined {
    if (this.users.has(lc(id))) return 'user';
    if (this.groups.has(lc(id))) return 'group';
    if (this.servicePrincipals.has(lc(id))) return 'servicePrincipal';
    return undefined;
  }

  /** The canonical (fixture-cased) id of a directory object. */
  canonicalId(id: string): string | undefined {
    return this.users.get(lc(id))?.id ?? this.groups.get(lc(id))?.id ?? this.servicePrincipals.get(lc(id))?.id;
  }

  updateUser(
    idOrUpn: string,
    patch: Partial<
      Pick<
        UserRecord,
        | 'usageLocation'
        | 'jobTitle'
        | 'department'
        | 'displayName'
        | 'accountEnabled'
        | 'officeLocation'
        | 'mobilePhone'
      >
    >,
  ): UserRecord {
    const u = this.requireUser(idOrUpn);
    Object.assign(u, patch);
    return u;
  }

  createGroup(input: {
    displayName: string;
    description: string | null;
    mailNickname: string;
    mailEnabled: boolean;
    securityEnabled: boolean;
    isAssignableToRole: boolean;
    groupTypes: string[];
    owners: string[];
    members: string[];
  }): GroupRecord {
    const g: GroupRecord = {
      id: randomUUID(),
      displayName: input.displayName,
      description: input.description,
      mailNickname: input.mailNickname,
      mailEnabled: input.mailEnabled,
      securityEnabled: input.securityEnabled,
      isAssignableToRole: input.isAssignableToRole,
      groupTypes: input.groupTypes,
      createdDateTime: this.clock.now().toISOString(),
      assignedLicenses: [],
      licenseProcessingState: null,
      members: input.members.map((m) => this.canonicalId(m) ?? m),
      owners: input.owners.map((m) => this.canonicalId(m) ?? m),
    };
    this.groups.set(lc(g.id), g);
    return g;
  }

  updateGroup(id: string, patch: { displayName?: string; description?: string | null }): GroupRecord {
    const g = this.requireGroup(id);
    if (patch.displayName !== undefined) g.displayName = patch.displayName;
    if (patch.description !== undefined) g.description = patch.description;
    return g;
  }

  // ---------------------------------------------------------------------------------------------
  // membership

  private scheduleEnd(s: PimScheduleRecord): number | null {
    if (s.removedDateTime) return Date.parse(s.removedDateTime);
    return s.endDateTime ? Date.parse(s.endDateTime) : null;
  }

  private scheduleActive(s: PimScheduleRecord, now = this.clock.now().getTime()): boolean {
    const end = this.scheduleEnd(s);
    return Date.parse(s.startDateTime) <= now && (end === null || end > now);
  }

  /** Schedules in force right now. */
  activeSchedules(filter: { groupId?: string; principalId?: string; accessId?: PimAccess } = {}): PimScheduleRecord[] {
    const now = this.clock.now().getTime();
    return this.pimSchedules.filter(
      (s) =>
        this.scheduleActive(s, now) &&
        (!filter.groupId || lc(s.groupId) === lc(filter.groupId)) &&
        (!filter.principalId || lc(s.principalId) === lc(filter.principalId)) &&
        (!filter.accessId || s.accessId === filter.accessId),
    );
  }

  /** Member object ids right now: permanent ones, then time-bound ones still in force. */
  memberIds(groupId: string): string[] {
    const g = this.getGroup(groupId);
    if (!g) return [];
    const out = [...g.members];
    for (const s of this.activeSchedules({ groupId: g.id, accessId: 'member' })) {
      if (!out.some((m) => lc(m) === lc(s.principalId))) out.push(s.principalId);
    }
    return out;
  }

  ownerIds(groupId: string): string[] {
    const g = this.getGroup(groupId);
    if (!g) return [];
    const out = [...g.owners];
    for (const s of this.activeSchedules({ groupId: g.id, accessId: 'owner' })) {
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
    const id = this.canonicalId(objectId);
    if (!id) throw resourceNotFound(objectId);
    const current = relation === 'members' ? this.memberIds(g.id) : this.ownerIds(g.id);
    if (current.some((m) => lc(m) === lc(id))) {
      throw badRequest(
        `One or more added object references already exist for the following modified properties: '${relation}'.`,
      );
    }
    if (relation === 'members' && lc(id) === lc(g.id)) throw badRequest('A group cannot be a member of itself.');
    g[relation].push(id);
    if (relation === 'members') this.queueMemberLicensing(g.id, id);
  }

  /** Removes a member or owner, permanent or time-bound. */
  removeReference(groupId: string, objectId: string, relation: 'members' | 'owners'): void {
    const g = this.requireGroup(groupId);
    const accessId: PimAccess = relation === 'members' ? 'member' : 'owner';
    const list = g[relation];
    const idx = list.findIndex((m) => lc(m) === lc(objectId));
    const schedules = this.activeSchedules({ groupId: g.id, principalId: objectId, accessId });
    if (idx < 0 && schedules.length === 0) {
      throw badRequest(
        `One or more removed object references do not exist for the following modified properties: '${relation}'.`,
      );
    }
    if (idx >= 0) list.splice(idx, 1);
    const now = this.clock.now().toISOString();
    for (const s of schedules) s.removedDateTime = now;
    if (relation === 'members') this.queueMemberLicensing(g.id, objectId);
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
        if (this.groups.has(lc(m))) queue.push(m);
      }
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // licenses

  listSkus(): FixtureSku[] {
    return [...this.skus.values()];
  }

  getSku(skuId: string): FixtureSku | undefined {
    return this.skus.get(lc(skuId));
  }

  consumedUnits(skuId: string): number {
    return consumedUnits(this.listUsers(), skuId);
  }

  assignedLicenses(user: UserRecord): { skuId: string; disabledPlans: string[] }[] {
    return assignedLicenses(user);
  }

  private queueMemberLicensing(groupId: string, objectId: string): void {
    const g = this.getGroup(groupId);
    if (!g || !this.users.has(lc(objectId))) return;
    const hasGroupStates = this.users
      .get(lc(objectId))!
      .licenseAssignmentStates.some((s) => s.assignedByGroup !== null && lc(s.assignedByGroup) === lc(g.id));
    if (g.assignedLicenses.length > 0 || hasGroupStates) this.licensing.enqueue(g.id, { userId: objectId });
  }

  private requireCompanySku(skuId: unknown): FixtureSku {
    const sku = isGuid(skuId) ? this.getSku(skuId) : undefined;
    if (!sku) throw badRequest(`License ${String(skuId)} does not correspond to a valid company License.`);
    return sku;
  }

  /**
   * Direct assignment, synchronous, with the appendix's check order: user, SKU, usage location,
   * seats. Graph applies the whole call or nothing.
   */
  assignLicenseDirect(
    userIdOrUpn: string,
    add: { skuId: string; disabledPlans: string[] }[],
    remove: string[],
  ): UserRecord {
    const user = this.requireUser(userIdOrUpn);
    const addSkus = add.map((a) => ({ sku: this.requireCompanySku(a.skuId), disabledPlans: a.disabledPlans }));
    const removeSkus = remove.map((r) => this.requireCompanySku(r));
    if (addSkus.length > 0 && !user.usageLocation) {
      throw badRequest('License assignment cannot be done for user with invalid usage location.');
    }
    for (const { sku } of addSkus) {
      const held = holdsSku(user, sku.skuId);
      if (!held && this.consumedUnits(sku.skuId) >= sku.prepaidUnits.enabled) {
        throw badRequest(`Subscription with SKU ${sku.skuId} does not have any available licenses.`);
      }
    }
    for (const sku of removeSkus) {
      const direct = user.licenseAssignmentStates.find(
        (s) => s.assignedByGroup === null && lc(s.skuId) === lc(sku.skuId),
      );
      if (!direct) {
        // [U] Texts Graph is reported to use; the dev tenant refuses rather than ignoring the remove.
        if (user.licenseAssignmentStates.some((s) => lc(s.skuId) === lc(sku.skuId))) {
          throw badRequest(
            'User license is inherited from a group membership and it cannot be removed directly from the user.',
          );
        }
        throw badRequest('User does not have a corresponding license.');
      }
    }
    const now = this.clock.now().toISOString();
    user.licenseAssignmentStates = user.licenseAssignmentStates.filter(
      (s) => !(s.assignedByGroup === null && removeSkus.some((r) => lc(r.skuId) === lc(s.skuId))),
    );
    for (const { sku, disabledPlans } of addSkus) {
      const existing = user.licenseAssignmentStates.find(
        (s) => s.assignedByGroup === null && lc(s.skuId) === lc(sku.skuId),
      );
      if (existing) {
        existing.disabledPlans = [...disabledPlans];
        existing.lastUpdatedDateTime = now;
      } else {
        user.licenseAssignmentStates.push({
          skuId: sku.skuId,
          assignedByGroup: null,
          state: 'Active',
          error: 'None',
          disabledPlans: [...disabledPlans],
          lastUpdatedDateTime: now,
        });
      }
    }
    return user;
  }

  /** Group assignment: records the group's licenses and queues every member for processing. */
  assignLicenseToGroup(
    groupId: string,
    add: { skuId: string; disabledPlans: string[] }[],
    remove: string[],
  ): GroupRecord {
    const g = this.requireGroup(groupId);
    const addSkus = add.map((a) => ({
      skuId: this.requireCompanySku(a.skuId).skuId,
      disabledPlans: [...a.disabledPlans],
    }));
    const removeSkus = remove.map((r) => this.requireCompanySku(r).skuId);
    g.assignedLicenses = g.assignedLicenses.filter(
      (l) => !removeSkus.some((r) => lc(r) === lc(l.skuId)) && !addSkus.some((a) => lc(a.skuId) === lc(l.skuId)),
    );
    g.assignedLicenses.push(...addSkus);
    // A change of the group's licenses makes Entra re-evaluate every member, errors included.
    this.licensing.enqueue(g.id, { retryErrors: true });
    return g;
  }

  /** POST /users/{id}/reprocessLicenseAssignment: re-attempts the user's group licenses. */
  reprocessUser(userIdOrUpn: string): UserRecord {
    const user = this.requireUser(userIdOrUpn);
    for (const g of this.listGroups()) {
      const involved =
        (g.assignedLicenses.length > 0 && this.isMember(g.id, user.id)) ||
        user.licenseAssignmentStates.some((s) => s.assignedByGroup !== null && lc(s.assignedByGroup) === lc(g.id));
      if (involved) this.licensing.enqueue(g.id, { userId: user.id, retryErrors: true });
    }
    return user;
  }

  // ---------------------------------------------------------------------------------------------
  // directory roles

  listRoleAssignments(filter: { principalId?: string; roleDefinitionId?: string } = {}): RoleAssignmentRecord[] {
    return this.roleAssignments.filter(
      (r) =>
        (!filter.principalId || lc(r.principalId) === lc(filter.principalId)) &&
        (!filter.roleDefinitionId || lc(r.roleDefinitionId) === lc(filter.roleDefinitionId)),
    );
  }

  getRoleAssignment(id: string): RoleAssignmentRecord | undefined {
    return this.roleAssignments.find((r) => r.id === id);
  }

  createRoleAssignment(roleDefinitionId: string, principalId: string, directoryScopeId: string): RoleAssignmentRecord {
    const def = roleDefinition(roleDefinitionId);
    if (!def) throw resourceNotFound(roleDefinitionId);
    const kind = this.objectKind(principalId);
    // [U] Graph's exact code/text for an unknown principal or a non-role-assignable group.
    if (!kind) throw badRequest(`Principal '${principalId}' does not exist in the directory.`);
    if (kind === 'group' && !this.getGroup(principalId)!.isAssignableToRole) {
      throw badRequest(
        `Group '${principalId}' is not role-assignable: only groups created with isAssignableToRole can be assigned a directory role.`,
      );
    }
    const canonical = this.canonicalId(principalId)!;
    const dup = this.roleAssignments.find(
      (r) =>
        lc(r.roleDefinitionId) === def.id &&
        lc(r.principalId) === lc(canonical) &&
        r.directoryScopeId === directoryScopeId,
    );
    // [U] 409 RoleAssignmentExists is the Azure RBAC code; Graph's directory code is unverified.
    if (dup) throw new TenantHttpError(409, 'RoleAssignmentExists', 'The role assignment already exists.');
    const rec: RoleAssignmentRecord = {
      id: roleAssignmentId(`${def.id}|${canonical}|${directoryScopeId}|${randomUUID()}`),
      roleDefinitionId: def.id,
      principalId: canonical,
      directoryScopeId,
    };
    this.roleAssignments.push(rec);
    return rec;
  }

  deleteRoleAssignment(id: string): void {
    const idx = this.roleAssignments.findIndex((r) => r.id === id);
    if (idx < 0) throw resourceNotFound(id);
    this.roleAssignments.splice(idx, 1);
  }

  /**
   * Tenant-wide roles the object holds right now: assigned to it directly, or to a role-assignable
   * group it is a member of (role-assignable groups cannot be nested, so one level is enough).
   */
  heldRoleTemplateIds(objectId: string, transitive: boolean): string[] {
    const principals = new Set([lc(objectId)]);
    if (transitive) {
      for (const gid of this.memberOfGroupIds(objectId)) {
        if (this.getGroup(gid)?.isAssignableToRole) principals.add(lc(gid));
      }
    }
    const out = new Set<string>();
    for (const r of this.roleAssignments) {
      if (r.directoryScopeId === '/' && principals.has(lc(r.principalId))) out.add(r.roleDefinitionId);
    }
    return [...out];
  }

  directoryRoleObjectId(templateId: string): string {
    return directoryRoleObjectId(templateId);
  }

  // ---------------------------------------------------------------------------------------------
  // PIM for Groups

  createPimSchedule(input: {
    groupId: string;
    principalId: string;
    accessId: PimAccess;
    start: Date;
    expiration: {
      type: 'afterDuration' | 'afterDateTime' | 'noExpiration';
      duration: string | null;
      endDateTime: string | null;
    };
    justification: string | null;
    createdBy: string;
  }): PimScheduleRecord {
    const g = this.requireGroup(input.groupId);
    const principal = this.canonicalId(input.principalId);
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
      createdDateTime: this.clock.now().toISOString(),
      startDateTime: input.start.toISOString(),
      endDateTime: end,
      expirationType: input.expiration.type,
      duration: input.expiration.duration,
      justification: input.justification,
      createdBy: input.createdBy,
      removedDateTime: null,
    };
    this.pimSchedules.push(rec);
    if (input.accessId === 'member') this.queueMemberLicensing(g.id, principal);
    return rec;
  }

  /**
   * adminRemove: ends the principal's active access of that kind, time-bound or permanent.
   * Returns the schedule id it ended (or a synthetic one for a permanent membership).
   */
  endPimAccess(groupId: string, principalId: string, accessId: PimAccess): string {
    const g = this.requireGroup(groupId);
    const schedules = this.activeSchedules({ groupId: g.id, principalId, accessId });
    const list = accessId === 'member' ? g.members : g.owners;
    const idx = list.findIndex((m) => lc(m) === lc(principalId));
    if (schedules.length === 0 && idx < 0) {
      throw badRequest('The role assignment does not exist.', 'RoleAssignmentDoesNotExist');
    }
    const now = this.clock.now().toISOString();
    for (const s of schedules) s.removedDateTime = now;
    if (idx >= 0) list.splice(idx, 1);
    if (accessId === 'member') this.queueMemberLicensing(g.id, principalId);
    return schedules[0]?.id ?? `${g.id}_${accessId}_${principalId}`;
  }

  // ---------------------------------------------------------------------------------------------
  // ARM: Partner Admin Link, keyed on the calling identity

  private linkKey(objectId: string): string {
    return `${lc(this.tenantId)}|${lc(objectId)}`;
  }

  partnerName(partnerId: string): string | null {
    return this.partners.find((p) => p.mpnId === partnerId)?.name ?? null;
  }

  getPartnerLink(objectId: string): PartnerLinkRecord | undefined {
    return this.partnerLinks.get(this.linkKey(objectId));
  }

  createPartnerLink(objectId: string, partnerId: string): PartnerLinkRecord {
    if (this.getPartnerLink(objectId)) {
      // [U] ARM's answer to a second PUT for an identity that already has a link.
      throw armError(
        409,
        'Conflict',
        'A partner is already linked to this identity. Update or delete the existing link.',
      );
    }
    const now = this.clock.now().toISOString();
    const rec: PartnerLinkRecord = {
      tenantId: this.tenantId,
      objectId,
      partnerId,
      etag: 1,
      version: 1,
      createdTime: now,
      updatedTime: now,
    };
    this.partnerLinks.set(this.linkKey(objectId), rec);
    return rec;
  }

  /** PATCH replaces the linked partner id ("Updates the MPN ID of the current authenticated user"). */
  updatePartnerLink(objectId: string, partnerId: string): PartnerLinkRecord {
    const rec = this.getPartnerLink(objectId);
    if (!rec) throw armError(404, 'NotFound', 'No partner is linked to this identity.');
    rec.partnerId = partnerId;
    rec.etag += 1;
    rec.version += 1;
    rec.updatedTime = this.clock.now().toISOString();
    return rec;
  }

  deletePartnerLink(objectId: string, partnerId: string): void {
    const rec = this.getPartnerLink(objectId);
    // [U] A delete naming another partner id than the caller's link is treated as not found.
    if (!rec || rec.partnerId !== partnerId) {
      throw armError(404, 'NotFound', `Partner '${partnerId}' is not linked to this identity.`);
    }
    this.partnerLinks.delete(this.linkKey(objectId));
  }

  // ---------------------------------------------------------------------------------------------
  // ARM: subscriptions

  listSubscriptions(): SubscriptionRecord[] {
    return [...this.subscriptions.values()];
  }

  getSubscription(id: string): SubscriptionRecord | undefined {
    return this.subscriptions.get(lc(id));
  }

  /** Whether the principal has any Azure role on the subscription, directly or through a group. */
  canSeeSubscription(sub: SubscriptionRecord, principalId: string): boolean {
    const ids = new Set([lc(principalId), ...this.transitiveGroupIds(principalId).map(lc)]);
    return (
      sub.roleAssignments.some((ra) => ids.has(lc(ra.principalId))) ||
      sub.classicAdministrators.some((c) => lc(c.userId) === lc(principalId))
    );
  }

  // ---------------------------------------------------------------------------------------------
  // GDAP (partner side)

  listGdap(): GdapRelationshipRecord[] {
    return [...this.gdap.values()];
  }

  getGdap(id: string): GdapRelationshipRecord | undefined {
    return this.gdap.get(lc(id));
  }

  createGdap(input: {
    displayName: string;
    duration: string;
    customer: { tenantId: string | null; displayName: string | null } | null;
    roleDefinitionIds: string[];
    autoExtendDuration: string;
  }): GdapRelationshipRecord {
    if (this.listGdap().some((r) => lc(r.displayName) === lc(input.displayName))) {
      throw badRequest(`A relationship with the display name '${input.displayName}' already exists.`, 'BadRequest');
    }
    const now = this.clock.now().toISOString();
    const prefix = input.customer?.tenantId ?? randomUUID();
    const rec: GdapRelationshipRecord = {
      id: `${prefix}-${randomUUID()}`,
      displayName: input.displayName,
      duration: input.duration,
      customer: input.customer,
      accessDetails: { unifiedRoles: input.roleDefinitionIds.map((roleDefinitionId) => ({ roleDefinitionId })) },
      autoExtendDuration: input.autoExtendDuration,
      status: 'created',
      createdDateTime: now,
      lastModifiedDateTime: now,
      activatedDateTime: null,
      endDateTime: null,
      revision: 1,
      requests: [],
    };
    this.gdap.set(lc(rec.id), rec);
    return rec;
  }

  gdapRequest(id: string, action: string): GdapRequestRecord {
    const rel = this.getGdap(id);
    if (!rel) throw new TenantHttpError(404, 'NotFound', `The delegated admin relationship '${id}' was not found.`);
    const now = this.clock.now().toISOString();
    if (action === 'lockForApproval') {
      if (rel.status !== 'created') {
        throw badRequest(
          `The relationship is '${rel.status}'; only a relationship in 'created' can be locked for approval.`,
          'BadRequest',
        );
      }
      rel.status = 'approvalPending';
    } else if (action === 'terminate') {
      if (rel.status !== 'active')
        throw badRequest(
          `The relationship is '${rel.status}'; only an active relationship can be terminated.`,
          'BadRequest',
        );
      rel.status = 'terminationRequested';
    } else {
      throw badRequest(`The action '${action}' is not supported.`, 'BadRequest');
    }
    rel.lastModifiedDateTime = now;
    rel.revision += 1;
    const req: GdapRequestRecord = {
      id: randomUUID(),
      action,
      status: 'created',
      createdDateTime: now,
      lastModifiedDateTime: now,
    };
    rel.requests.push(req);
    return req;
  }

  /** Dev-only: what the customer's "Approve all" in the admin center would do. */
  approveGdap(id: string): GdapRelationshipRecord {
    const rel = this.getGdap(id);
    if (!rel) throw new TenantHttpError(404, 'NotFound', `The delegated admin relationship '${id}' was not found.`);
    if (rel.status !== 'approvalPending')
      throw badRequest(`The relationship is '${rel.status}', not 'approvalPending'.`, 'BadRequest');
    const now = this.clock.now();
    rel.status = 'active';
    rel.activatedDateTime = now.toISOString();
    rel.endDateTime = new Date(now.getTime() + (isoDurationMs(rel.duration) ?? DAY_MS)).toISOString();
    rel.lastModifiedDateTime = now.toISOString();
    rel.revision += 1;
    return rel;
  }
}

export const GLOBAL_ADMIN_TEMPLATE_ID = ROLE_TEMPLATE.globalAdministrator;
