/**
 * The dev tenant's directory, in memory, seeded from a fixture. One module per resource, named like
 * the routes that use it (users, groups, licenses, roles, pim, gdap, arm-partners,
 * arm-subscriptions), over one shared store of directory objects (store.ts). DirectoryState wires
 * them together and is the one surface the routes, the server and the tests use.
 *
 * Everything that can be derived is derived when read (a user's assignedLicenses, a SKU's
 * consumedUnits, whether a time-bound membership is still on), so no two facts can disagree.
 * Operations throw `TenantHttpError` with Graph/ARM texts because the directory's rules *are* the
 * wire behaviour the client must cope with.
 */
import type { Fixture } from '../fixture';
import { ArmPartners, type PartnerLinkRecord } from './arm-partners';
import { ArmSubscriptions, type SubscriptionRecord } from './arm-subscriptions';
import { Gdap, type GdapRelationshipRecord, type GdapRequestRecord, type NewGdapRelationship } from './gdap';
import { Groups, type GroupRecord, type NewGroup } from './groups';
import { Licenses } from './licenses';
import { Pim, type NewPimSchedule, type PimAccess, type PimScheduleRecord } from './pim';
import { Roles, type RoleAssignmentRecord } from './roles';
import { Store, type Clock, type DirectoryParts, type ObjectKind } from './store';
import { Users, type ServicePrincipalRecord, type UserPatch, type UserRecord } from './users';

export { AdjustableClock, type Clock, type ObjectKind } from './store';
export type { UserRecord, ServicePrincipalRecord } from './users';
export type { GroupRecord } from './groups';
export type { RoleAssignmentRecord } from './roles';
export type { PimAccess, PimScheduleRecord } from './pim';
export type { PartnerLinkRecord } from './arm-partners';
export { AZURE_ROLE_GUID, type ArmRoleAssignmentRecord, type SubscriptionRecord } from './arm-subscriptions';
export type { GdapRelationshipRecord, GdapRequestRecord } from './gdap';

export class DirectoryState implements DirectoryParts {
  private readonly store: Store;
  readonly users: Users;
  readonly groups: Groups;
  readonly licenses: Licenses;
  readonly roles: Roles;
  readonly pim: Pim;
  readonly partnerLinks: ArmPartners;
  readonly subscriptions: ArmSubscriptions;
  readonly gdap: Gdap;

  constructor(
    fixture: Fixture,
    readonly clock: Clock,
    licenseProcessingDelayMs = 50,
  ) {
    this.store = new Store(clock);
    this.users = new Users(this.store);
    this.groups = new Groups(this.store, this);
    this.licenses = new Licenses(this.store, this, licenseProcessingDelayMs);
    this.roles = new Roles(this.store, this);
    this.pim = new Pim(this.store, this);
    this.partnerLinks = new ArmPartners(this.store);
    this.subscriptions = new ArmSubscriptions(this);
    this.gdap = new Gdap(this.store);
    this.seed(fixture);
  }

  get fixture(): Fixture {
    return this.store.fixture;
  }

  get tenantId(): string {
    return this.store.tenantId;
  }

  /** Re-seeds from a fixture (the original one when omitted), dropping queued licensing work. */
  seed(fixture: Fixture = this.store.fixture): void {
    this.licenses.queue.cancel();
    const f = JSON.parse(JSON.stringify(fixture)) as Fixture;
    this.store.fixture = fixture;
    this.store.tenantId = f.tenant.id;
    const seededAt = this.store.nowIso();
    this.users.seed(f, seededAt);
    this.groups.seed(f, seededAt);
    this.licenses.seed(f);
    this.roles.seed(f);
    this.pim.seed();
    this.subscriptions.seed(f, seededAt);
    this.partnerLinks.seed(f);
    this.gdap.seed();
  }

  close(): void {
    this.licenses.queue.cancel();
  }

  /** The passage of time: time-bound memberships that ended take their licenses with them. */
  tick(): void {
    this.pim.tick();
  }

  async settle(): Promise<void> {
    this.tick();
    await this.licenses.queue.settle();
  }

  // ---------------------------------------------------------------------------------------------
  // directory objects

  objectKind(id: string): ObjectKind | undefined {
    return this.store.objectKind(id);
  }

  canonicalId(id: string): string | undefined {
    return this.store.canonicalId(id);
  }

  getUser(idOrUpn: string): UserRecord | undefined {
    return this.users.getUser(idOrUpn);
  }

  requireUser(idOrUpn: string): UserRecord {
    return this.users.requireUser(idOrUpn);
  }

  listUsers(): UserRecord[] {
    return this.users.listUsers();
  }

  updateUser(idOrUpn: string, patch: UserPatch): UserRecord {
    return this.users.updateUser(idOrUpn, patch);
  }

  getServicePrincipal(id: string): ServicePrincipalRecord | undefined {
    return this.users.getServicePrincipal(id);
  }

  getGroup(id: string): GroupRecord | undefined {
    return this.groups.getGroup(id);
  }

  requireGroup(id: string): GroupRecord {
    return this.groups.requireGroup(id);
  }

  listGroups(): GroupRecord[] {
    return this.groups.listGroups();
  }

  createGroup(input: NewGroup): GroupRecord {
    return this.groups.createGroup(input);
  }

  updateGroup(id: string, patch: { displayName?: string; description?: string | null }): GroupRecord {
    return this.groups.updateGroup(id, patch);
  }

  // ---------------------------------------------------------------------------------------------
  // membership

  memberIds(groupId: string): string[] {
    return this.groups.memberIds(groupId);
  }

  ownerIds(groupId: string): string[] {
    return this.groups.ownerIds(groupId);
  }

  isMember(groupId: string, objectId: string): boolean {
    return this.groups.isMember(groupId, objectId);
  }

  addReference(groupId: string, objectId: string, relation: 'members' | 'owners'): void {
    this.groups.addReference(groupId, objectId, relation);
  }

  removeReference(groupId: string, objectId: string, relation: 'members' | 'owners'): void {
    this.groups.removeReference(groupId, objectId, relation);
  }

  memberOfGroupIds(objectId: string): string[] {
    return this.groups.memberOfGroupIds(objectId);
  }

  transitiveGroupIds(objectId: string): string[] {
    return this.groups.transitiveGroupIds(objectId);
  }

  transitiveMemberIds(groupId: string): string[] {
    return this.groups.transitiveMemberIds(groupId);
  }

  // ---------------------------------------------------------------------------------------------
  // licenses

  listSkus() {
    return this.licenses.listSkus();
  }

  getSku(skuId: string) {
    return this.licenses.getSku(skuId);
  }

  consumedUnits(skuId: string): number {
    return this.licenses.consumedUnits(skuId);
  }

  assignedLicenses(user: UserRecord): { skuId: string; disabledPlans: string[] }[] {
    return this.licenses.assignedLicenses(user);
  }

  assignLicenseDirect(
    userIdOrUpn: string,
    add: { skuId: string; disabledPlans: string[] }[],
    remove: string[],
  ): UserRecord {
    return this.licenses.assignLicenseDirect(userIdOrUpn, add, remove);
  }

  assignLicenseToGroup(
    groupId: string,
    add: { skuId: string; disabledPlans: string[] }[],
    remove: string[],
  ): GroupRecord {
    return this.licenses.assignLicenseToGroup(groupId, add, remove);
  }

  reprocessUser(userIdOrUpn: string): UserRecord {
    return this.licenses.reprocessUser(userIdOrUpn);
  }

  // ---------------------------------------------------------------------------------------------
  // directory roles

  listRoleAssignments(filter: { principalId?: string; roleDefinitionId?: string } = {}): RoleAssignmentRecord[] {
    return this.roles.listRoleAssignments(filter);
  }

  getRoleAssignment(id: string): RoleAssignmentRecord | undefined {
    return this.roles.getRoleAssignment(id);
  }

  createRoleAssignment(roleDefinitionId: string, principalId: string, directoryScopeId: string): RoleAssignmentRecord {
    return this.roles.createRoleAssignment(roleDefinitionId, principalId, directoryScopeId);
  }

  deleteRoleAssignment(id: string): void {
    this.roles.deleteRoleAssignment(id);
  }

  heldRoleTemplateIds(objectId: string, transitive: boolean): string[] {
    return this.roles.heldRoleTemplateIds(objectId, transitive);
  }

  directoryRoleObjectId(templateId: string): string {
    return this.roles.directoryRoleObjectId(templateId);
  }

  // ---------------------------------------------------------------------------------------------
  // PIM for Groups

  activeSchedules(filter: { groupId?: string; principalId?: string; accessId?: PimAccess } = {}): PimScheduleRecord[] {
    return this.pim.activeSchedules(filter);
  }

  createPimSchedule(input: NewPimSchedule): PimScheduleRecord {
    return this.pim.createPimSchedule(input);
  }

  endPimAccess(groupId: string, principalId: string, accessId: PimAccess): string {
    return this.pim.endPimAccess(groupId, principalId, accessId);
  }

  // ---------------------------------------------------------------------------------------------
  // ARM: Partner Admin Link, keyed on the calling identity

  partnerName(partnerId: string): string | null {
    return this.partnerLinks.partnerName(partnerId);
  }

  getPartnerLink(objectId: string): PartnerLinkRecord | undefined {
    return this.partnerLinks.getPartnerLink(objectId);
  }

  createPartnerLink(objectId: string, partnerId: string): PartnerLinkRecord {
    return this.partnerLinks.createPartnerLink(objectId, partnerId);
  }

  updatePartnerLink(objectId: string, partnerId: string): PartnerLinkRecord {
    return this.partnerLinks.updatePartnerLink(objectId, partnerId);
  }

  deletePartnerLink(objectId: string, partnerId: string): void {
    this.partnerLinks.deletePartnerLink(objectId, partnerId);
  }

  // ---------------------------------------------------------------------------------------------
  // ARM: subscriptions

  listSubscriptions(): SubscriptionRecord[] {
    return this.subscriptions.listSubscriptions();
  }

  getSubscription(id: string): SubscriptionRecord | undefined {
    return this.subscriptions.getSubscription(id);
  }

  canSeeSubscription(sub: SubscriptionRecord, principalId: string): boolean {
    return this.subscriptions.canSeeSubscription(sub, principalId);
  }

  // ---------------------------------------------------------------------------------------------
  // GDAP (partner side)

  listGdap(): GdapRelationshipRecord[] {
    return this.gdap.listGdap();
  }

  getGdap(id: string): GdapRelationshipRecord | undefined {
    return this.gdap.getGdap(id);
  }

  createGdap(input: NewGdapRelationship): GdapRelationshipRecord {
    return this.gdap.createGdap(input);
  }

  gdapRequest(id: string, action: string): GdapRequestRecord {
    return this.gdap.gdapRequest(id, action);
  }

  approveGdap(id: string): GdapRelationshipRecord {
    return this.gdap.approveGdap(id);
  }
}
