/**
 * The tenant port: the only way Dragon Desk reads or changes Entra, licensing, Azure and partner
 * data. One implementation (`GraphTenantClient`) speaks Microsoft Graph v1.0 and ARM over HTTP; in
 * dev it points at the dev tenant, in production at Microsoft. Field names follow Graph's.
 */

import type { Defined, Graph, Narrowed, Optional, Present } from './graphTypes';

/** A license on a user or group: the SKU and the service plans turned off in it. */
export type AssignedLicense = Present<Graph.AssignedLicense, 'skuId' | 'disabledPlans'>;

/**
 * How one license reaches a user: directly (assignedByGroup null) or through a group, and whether it
 * is in force. `state`: 'Active' | 'ActiveWithError' | 'Disabled' | 'Error', or one Microsoft adds
 * later; `error`: CountViolation | MutuallyExclusiveViolation | … | 'None' | null.
 */
export type LicenseAssignmentState = Present<Graph.LicenseAssignmentState, 'skuId' | 'state'> &
  Defined<Graph.LicenseAssignmentState, 'assignedByGroup' | 'error'> &
  Pick<Graph.LicenseAssignmentState, 'disabledPlans' | 'lastUpdatedDateTime'>;

/**
 * A user as Graph returns it: the fields a name is matched on (a PersonCandidate), and licensing.
 * usageLocation and the license fields come only when $select-ed.
 */
export type TenantUser = Present<Graph.User, 'id' | 'displayName' | 'userPrincipalName'> &
  Pick<Graph.User, 'givenName' | 'surname' | 'mail' | 'jobTitle' | 'department' | 'usageLocation' | 'userType'> &
  Optional<Graph.User, 'accountEnabled'> &
  Partial<Narrowed<Graph.User, 'assignedLicenses', AssignedLicense[]>> &
  Partial<Narrowed<Graph.User, 'licenseAssignmentStates', LicenseAssignmentState[]>>;

export type TenantGroup = Present<Graph.Group, 'id' | 'displayName'> &
  Pick<Graph.Group, 'description' | 'isAssignableToRole' | 'licenseProcessingState'> &
  Optional<Graph.Group, 'securityEnabled' | 'mailEnabled'> &
  Partial<Narrowed<Graph.Group, 'assignedLicenses', AssignedLicense[]>>;

/** An app in the organisation's Teams app catalog. */
export interface CatalogApp {
  /** The catalog's own id (not the manifest's). */
  id: string;
  /** The manifest id (TEAMS_APP_ID). */
  externalId: string;
  displayName: string;
  distributionMethod: string;
}

/** Seat counts: prepaidUnits.enabled less consumedUnits are free. */
export type LicenseUnits = Present<Graph.LicenseUnitsDetail, 'enabled' | 'lockedOut' | 'suspended' | 'warning'>;

export type SubscribedSku = Present<
  Graph.SubscribedSku,
  'id' | 'skuId' | 'skuPartNumber' | 'appliesTo' | 'capabilityStatus' | 'consumedUnits'
> &
  Narrowed<Graph.SubscribedSku, 'prepaidUnits', LicenseUnits> &
  Pick<Graph.SubscribedSku, 'servicePlans' | 'accountName' | 'accountId' | 'subscriptionIds'>;

export type DirectoryRoleAssignment = Present<
  Graph.UnifiedRoleAssignment,
  'id' | 'roleDefinitionId' | 'principalId' | 'directoryScopeId'
>;

export interface PartnerLink {
  partnerId: string;
  partnerName?: string;
  tenantId: string;
  objectId: string;
  state: string;
  createdTime?: string;
  updatedTime?: string;
  version?: string | number;
}

export interface AzureSubscription {
  subscriptionId: string;
  displayName: string;
  state: string;
}

/**
 * A classic subscription administrator (service admin, co-admin, account admin). [U] Microsoft
 * retired classic administrators in 2024; a subscription may no longer list any.
 */
export interface ClassicAdministrator {
  /** ARM resource name; the dev tenant uses the user's object id. */
  name: string;
  emailAddress: string;
  /** e.g. "ServiceAdministrator", "CoAdministrator", "ServiceAdministrator;AccountAdministrator". */
  role: string;
}

export interface AzureRoleAssignment {
  id: string;
  roleDefinitionId: string; // full ARM id …/roleDefinitions/{guid}
  principalId: string;
  scope: string;
}

/** A Graph or ARM error, with what Graph said (code, message, request id) kept for the audit. */
export class TenantError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId?: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'TenantError';
  }
}

/** One request inside a Graph JSON batch. `url` is relative to the Graph version root (e.g. `/users/…`). */
export interface BatchRequest {
  id: string;
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
  dependsOn?: string[];
}

export interface BatchResponse {
  id: string;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** A delegated admin relationship, partner side: status runs created → approvalPending → … → active. */
export type GdapRelationship = Present<Graph.DelegatedAdminRelationship, 'id' | 'displayName' | 'duration' | 'status'> &
  Narrowed<
    Graph.DelegatedAdminRelationship,
    'accessDetails',
    { unifiedRoles: Present<Graph.UnifiedRole, 'roleDefinitionId'>[] }
  > &
  Pick<Graph.DelegatedAdminRelationship, 'customer' | 'autoExtendDuration' | 'createdDateTime' | 'endDateTime'>;

/** How a person holds (or gets) a license: as a member of the license group, or assigned directly. */
export type LicenseRoute = 'group' | 'direct';

/**
 * One person's license write as Graph answered it: done, already as wanted (a replayed write),
 * worth trying again later, or refused (with Graph's error).
 */
export interface LicenseWrite {
  userId: string;
  via: LicenseRoute;
  result: 'ok' | 'alreadyDone' | 'transient' | 'failed';
  status: number;
  error?: TenantError;
  requestId?: string;
}

/** What Graph answered to a PIM for Groups request: its id and status ('Provisioned', 'Revoked', …). */
export type GroupAssignmentScheduleRequest = Present<
  Graph.PrivilegedAccessGroupAssignmentScheduleRequest,
  'id' | 'status'
>;

/** A PIM for Groups assignment schedule request: time-bound membership (or its removal). */
export interface GroupAssignmentScheduleInput {
  groupId: string;
  principalId: string;
  accessId: Exclude<Graph.PrivilegedAccessGroupRelationships, 'unknownFutureValue'>;
  action: Extract<Graph.ScheduleRequestActions, 'adminAssign' | 'adminRemove'>;
  durationIso?: string;
  justification?: string;
}

export interface TenantClient {
  /** Cheap call used by /readyz. Throws when the tenant cannot be reached. */
  ping(): Promise<void>;

  // users
  getUser(idOrUpn: string): Promise<TenantUser | undefined>; // undefined on 404
  /** Users whose displayName, givenName, surname, UPN or mail starts with `text` (Graph $search). */
  findUsers(text: string, top?: number): Promise<TenantUser[]>;
  getUsers(ids: string[]): Promise<TenantUser[]>; // uses $batch, at most 20 per call to Graph
  /** templateIds of the directory roles the user holds, directly or through role-assignable groups. */
  getUserRoleTemplateIds(userId: string): Promise<string[]>;
  /** getUser and getUserRoleTemplateIds together, in one $batch (someone's first question reads both). */
  getUserWithRoles(userId: string): Promise<{ user: TenantUser | undefined; roleTemplateIds: string[] }>;
  /** ids of groups the user is a member of, transitively. */
  getUserGroupIds(userId: string): Promise<string[]>;
  assignLicense(userId: string, add: string[], remove: string[]): Promise<TenantUser>;
  /** Give several people a license (all the same way), in one $batch; one outcome per person. */
  grantLicenses(input: {
    via: LicenseRoute;
    groupId?: string;
    skuId: string;
    userIds: string[];
  }): Promise<LicenseWrite[]>;
  /** Take a license away, each person by each way they hold it, in one $batch; one outcome per change. */
  revokeLicenses(input: {
    groupId?: string;
    skuId: string;
    changes: { userId: string; via: LicenseRoute }[];
  }): Promise<LicenseWrite[]>;
  /**
   * People's records with their licensing, as they are now, in one $batch. Someone whose read
   * failed is left out (to be read again); someone who does not exist maps to undefined.
   */
  readLicensing(userIds: string[]): Promise<Map<string, TenantUser | undefined>>;

  // groups
  getGroup(groupId: string): Promise<TenantGroup | undefined>;
  findGroupByName(displayName: string): Promise<TenantGroup | undefined>;
  listGroupOwners(groupId: string): Promise<TenantUser[]>;
  /** Members with licenseAssignmentStates (paged through). */
  listGroupMembers(groupId: string): Promise<TenantUser[]>;
  /** true when added, false when already a member ("already exist" 400 counts as success). */
  addGroupMember(groupId: string, userId: string): Promise<boolean>;
  /** true when removed, false when the user was not a member. */
  removeGroupMember(groupId: string, userId: string): Promise<boolean>;
  createGroup(input: {
    displayName: string;
    mailNickname: string;
    description?: string;
    isAssignableToRole?: boolean;
  }): Promise<TenantGroup>;
  addGroupOwner(groupId: string, userId: string): Promise<boolean>;
  assignGroupLicense(groupId: string, add: string[], remove: string[]): Promise<void>;

  // licensing
  listSubscribedSkus(): Promise<SubscribedSku[]>;
  /**
   * People who hold the SKU or are set up to (licenseAssignmentStates included): users with it
   * assigned (`$filter=assignedLicenses/any(x:x/skuId eq …)`) plus the members of
   * the license group, whose entries may be in an Error state.
   */
  listUsersWithLicense(skuId: string, groupId?: string): Promise<TenantUser[]>;

  // directory roles
  listRoleAssignments(filter: { principalId?: string; roleDefinitionId?: string }): Promise<DirectoryRoleAssignment[]>;
  createRoleAssignment(
    roleDefinitionId: string,
    principalId: string,
    directoryScopeId?: string,
  ): Promise<DirectoryRoleAssignment>;
  deleteRoleAssignment(id: string): Promise<void>;
  /** PIM for Groups: time-bound active membership. */
  createGroupAssignmentSchedule(input: GroupAssignmentScheduleInput): Promise<GroupAssignmentScheduleRequest>;

  /** Graph JSON batch; splits into batches of 20 and retries inner 429/503/504 with their Retry-After. */
  batch(requests: BatchRequest[]): Promise<BatchResponse[]>;

  // ARM: Partner Admin Link, keyed on Dragon Desk's own identity
  getPartnerLink(): Promise<PartnerLink | undefined>;
  createPartnerLink(partnerId: string): Promise<PartnerLink>;
  updatePartnerLink(partnerId: string): Promise<PartnerLink>;
  deletePartnerLink(partnerId: string): Promise<void>;

  // ARM: subscriptions and who owns them
  listSubscriptions(): Promise<AzureSubscription[]>;
  listSubscriptionRoleAssignments(subscriptionId: string, principalId?: string): Promise<AzureRoleAssignment[]>;
  /** Classic administrators of a subscription; [] where the classic API is gone. */
  listClassicAdministrators(subscriptionId: string): Promise<ClassicAdministrator[]>;

  // Graph, partner side: GDAP
  /**
   * Without `customerTenantId` any customer can approve the relationship (the approval link goes
   * to one customer); with it, only that tenant can.
   */
  createGdapRelationship(input: {
    displayName: string;
    duration: string;
    customerTenantId?: string;
    roleDefinitionIds: string[];
    autoExtendDuration?: string;
  }): Promise<GdapRelationship>;
  lockGdapRelationshipForApproval(relationshipId: string): Promise<void>;
  getGdapRelationship(relationshipId: string): Promise<GdapRelationship | undefined>;

  // Teams
  /** The app with this manifest id in the organisation's catalog, if an administrator published it. */
  findCatalogApp(externalId: string): Promise<CatalogApp | undefined>;
}
