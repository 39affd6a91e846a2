/**
 * What real Graph and ARM refuse, for every call Dragon Desk makes, in one place: the dev tenant
 * must fail a request that Microsoft would fail, or the client's mistakes only show in production.
 *
 * Sources: a section of shared/reference/microsoft-apis.md ("§4"), or a Microsoft Graph doc page
 * ("docs aad-advanced-queries"). A fact or an error text marked [U] has not been checked against a
 * real tenant. test/devtenant/graph-strictness.test.ts has a test per rule.
 *
 * | call (src/tenant)                                   | refused with 400 unless …                                   | source |
 * |-----------------------------------------------------|-------------------------------------------------------------|--------|
 * | GET /users, /users/{id·upn}, /users('{upn}')         | $select names User properties; $skip absent [U text]        | §4, docs user-list, user-get |
 * | GET /users?$search=…                                | ConsistencyLevel: eventual                                  | §4 [V] |
 * | GET /users?$filter=… (mail eq, assignedLicenses/any) | ne/not/endsWith and $filter+$orderby carry the advanced parameters; endsWith only on mail, otherMails, userPrincipalName, proxyAddresses | docs aad-advanced-queries |
 * | …?$count=true without ConsistencyLevel              | (not refused) answered without @odata.count                 | docs aad-advanced-queries |
 * | GET /users/{id}/transitiveMemberOf/microsoft.graph.directoryRole | ConsistencyLevel: eventual and $count=true; $select names directoryRole properties | docs user-list-transitivememberof |
 * | GET /groups/{id}, /groups?$filter=displayName eq …  | as for users; $select names Group properties                | §3, docs group-list |
 * | GET /groups/{id}/owners, /members                   | $select names properties of some member type                | §3 |
 * | POST /groups                                        | displayName, mailEnabled, mailNickname, securityEnabled present; nothing read-only or unknown [U texts] | §3 [V-c] |
 * | POST …/members/$ref, owners/$ref; DELETE …/$ref     | @odata.id names a directory object (routes/groups.ts)        | §3 |
 * | POST /users/{id}/assignLicense, /groups/{id}/assignLicense | addLicenses and removeLicenses both present, nothing else [U] | §2, §3 |
 * | GET /subscribedSkus                                 | only $select                                                | §1 |
 * | GET, POST, DELETE /roleManagement/directory/roleAssignments | roleDefinitionId, principalId, a scope; nothing unknown    | §5 |
 * | POST …/privilegedAccess/group/assignmentScheduleRequests | accessId, action, groupId, principalId; scheduleInfo on adminAssign; nothing read-only | §6, docs privilegedaccessgroup-post-assignmentschedulerequests |
 * | POST /tenantRelationships/delegatedAdminRelationships | displayName ≤ 50 and unique, duration P1D–P2Y, autoExtendDuration PT0S/P0D/P180D, customer only with tenantId (its displayName is ignored: read-only) | §9, docs delegatedAdminRelationshipCustomerParticipant |
 * | POST …/{id}/requests                                | action alone, lockForApproval from created                   | §9 |
 * | POST /$batch                                        | ≤ 20 requests, unique ids, Content-Type with a body, relative urls; inner requests follow the rules above | §4 |
 * | ARM Microsoft.ManagementPartner, subscriptions, roleAssignments, classicAdministrators | api-version present and one the resource type has | §7 |
 */
import { armError, badRequest, TenantHttpError, unsupportedQuery } from './errors';
import type { ApiRequest } from './router';

// ---------------------------------------------------------------------------------------------
// Advanced queries on directory objects (users, groups and their membership lists): "advanced query
// parameters" are the header ConsistencyLevel: eventual and, except for $search, $count=true.
// Source: docs aad-advanced-queries (§4 quotes part of it), docs user-list-transitivememberof.

export const ADVANCED_QUERIES = {
  /** Operators only advanced queries support, on any property that supports eq. */
  advancedOperators: ['ne', 'not', 'endswith'],
  /** The properties indexed for endsWith (advanced only); nowhere else does it work. */
  endsWithProperties: ['mail', 'otherMails', 'userPrincipalName', 'proxyAddresses'],
} as const;

/** §4, docs aad-advanced-queries: the exact 400 for $search without the header. */
export const SEARCH_NEEDS_CONSISTENCY =
  "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'";

/**
 * The 400 for an advanced query sent without its parameters. The text is the one the advanced
 * query doc shows for endsWith; that Graph words it the same way for a cast or $orderby is [U].
 */
export function advancedQueryRequired(operator: string): TenantHttpError {
  return unsupportedQuery(
    `Operator '${operator}' is not supported because the required parameters might be missing. Try adding $count=true query parameter and ConsistencyLevel:eventual header. Refer to https://aka.ms/graph-docs/advanced-queries for more information`,
  );
}

/**
 * `ConsistencyLevel: eventual`. Header names are case-insensitive in HTTP (the dev tenant sees them
 * lower-cased); whether Graph also accepts `Eventual` as the value is [U], so the value is compared
 * without case too.
 */
export function hasEventualConsistency(req: ApiRequest): boolean {
  return (req.headers.consistencylevel ?? '').trim().toLowerCase() === 'eventual';
}

export function countRequested(req: ApiRequest): boolean {
  // OData system options match without case ($Count works on Graph).
  const entry = [...req.query].find(([k]) => k.toLowerCase() === '$count');
  return (entry?.[1] ?? '').toLowerCase() === 'true';
}

/** Both advanced query parameters are present. */
export function isAdvancedQuery(req: ApiRequest): boolean {
  return hasEventualConsistency(req) && countRequested(req);
}

export function requireAdvancedQuery(req: ApiRequest, operator: string): void {
  if (!isAdvancedQuery(req)) throw advancedQueryRequired(operator);
}

/** Whether a list answer carries @odata.count: only an advanced query counts. */
export function answersCount(req: ApiRequest): boolean {
  return isAdvancedQuery(req);
}

// ---------------------------------------------------------------------------------------------
// Bodies

/**
 * A JSON body as Graph validates it against the entity type. Source per table; texts:
 * - unknown property: ODataLib's "The property 'x' does not exist on type 't'. Make sure to only
 *   use property names that are defined by the type or mark the type as open type." [V-c] (the
 *   library Graph's OData layer uses); the code BadRequest is [U].
 * - read-only property: [U] text.
 * - missing required property: [U] text (Graph's wording varies by service).
 */
export interface BodyRules {
  source: string;
  /** microsoft.graph.* type name, as Graph names it in errors. */
  type: string;
  required: readonly string[];
  optional: readonly string[];
  /** Properties of the type a client may not set; Graph refuses them [U]. */
  readOnly: readonly string[];
}

export function checkBody(body: Record<string, unknown>, rules: BodyRules): void {
  refuseUnknownProperties(body, rules);
  refuseMissingProperties(body, rules);
}

/** Unknown and read-only properties (the checks a handler with its own required-property texts keeps). */
export function refuseUnknownProperties(body: Record<string, unknown>, rules: BodyRules): void {
  for (const key of Object.keys(body)) {
    if (key.startsWith('@odata.')) continue;
    if (rules.readOnly.includes(key)) {
      throw badRequest(`Property '${key}' is read-only and cannot be set.`, 'BadRequest');
    }
    if (!rules.required.includes(key) && !rules.optional.includes(key)) {
      throw badRequest(
        `The property '${key}' does not exist on type '${rules.type}'. Make sure to only use property names that are defined by the type or mark the type as open type.`,
        'BadRequest',
      );
    }
  }
}

export function refuseMissingProperties(body: Record<string, unknown>, rules: BodyRules): void {
  for (const key of rules.required) {
    if (body[key] === undefined || body[key] === null) {
      throw badRequest(`The property '${key}' is required on type '${rules.type}'.`, 'BadRequest');
    }
  }
}

/** §3 "Create a group": the four required properties [V-c]; isAssignableToRole only at creation. */
export const CREATE_GROUP: BodyRules = {
  source: '§3 Create a group',
  type: 'microsoft.graph.group',
  required: ['displayName', 'mailEnabled', 'mailNickname', 'securityEnabled'],
  optional: [
    'description',
    'groupTypes',
    'isAssignableToRole',
    'owners@odata.bind',
    'members@odata.bind',
    'visibility',
  ],
  readOnly: [
    'id',
    'createdDateTime',
    'deletedDateTime',
    'renewedDateTime',
    'mail',
    'proxyAddresses',
    'securityIdentifier',
  ],
};

/** §2, §3: both sides are required ([] when empty) [V-c], the 400 when one is missing is [U]. */
export const ASSIGN_LICENSE: BodyRules = {
  source: '§2 assignLicense, §3 group assignLicense',
  type: 'microsoft.graph.assignLicense',
  required: ['addLicenses', 'removeLicenses'],
  optional: [],
  readOnly: [],
};

/** §5 POST roleAssignments: roleDefinitionId and principalId; directoryScopeId or appScopeId. */
export const CREATE_ROLE_ASSIGNMENT: BodyRules = {
  source: '§5 Role assignments',
  type: 'microsoft.graph.unifiedRoleAssignment',
  required: ['roleDefinitionId', 'principalId'],
  optional: ['directoryScopeId', 'appScopeId', 'condition'],
  readOnly: ['id'],
};

/**
 * §6 PIM for Groups, docs privilegedaccessgroup-post-assignmentschedulerequests: accessId, action,
 * groupId, principalId and scheduleInfo are Required. The doc's table says scheduleInfo is required
 * for every action, yet Microsoft's removal samples leave it out, so the dev tenant requires it for
 * adminAssign only [U].
 */
export const PIM_GROUP_ASSIGNMENT_REQUEST: BodyRules = {
  source: '§6 PIM for Groups; docs privilegedaccessgroup-post-assignmentschedulerequests',
  type: 'microsoft.graph.privilegedAccessGroupAssignmentScheduleRequest',
  required: ['accessId', 'action', 'groupId', 'principalId'],
  optional: ['scheduleInfo', 'justification', 'customData', 'ticketInfo'],
  readOnly: ['id', 'status', 'createdDateTime', 'completedDateTime', 'approvalId', 'targetScheduleId', 'createdBy'],
};
export const PIM_ACTIONS_NEEDING_SCHEDULE: readonly string[] = ['adminAssign'];

/**
 * §9 Create a relationship; docs tenantrelationship-post-delegatedadminrelationships and the
 * delegatedAdminRelationshipCustomerParticipant resource (Graph's metadata: tenantId is not
 * nullable; displayName is "as set by Microsoft Entra ID. Read-only"). Microsoft's own create
 * example sends customer.displayName, so Graph takes it and ignores it: the dev tenant does the
 * same, never echoing a name the partner made up.
 */
export const CREATE_GDAP_RELATIONSHIP: BodyRules = {
  source: '§9 Create a relationship',
  type: 'microsoft.graph.delegatedAdminRelationship',
  required: ['displayName', 'duration', 'accessDetails'],
  optional: ['customer', 'autoExtendDuration'],
  readOnly: ['id', 'status', 'createdDateTime', 'lastModifiedDateTime', 'activatedDateTime', 'endDateTime'],
};
/** §9 Lock for approval: the body is the action alone. */
export const GDAP_REQUEST: BodyRules = {
  source: '§9 Lock for approval',
  type: 'microsoft.graph.delegatedAdminRelationshipRequest',
  required: ['action'],
  optional: [],
  readOnly: ['id', 'status', 'createdDateTime', 'lastModifiedDateTime'],
};

export const GDAP = {
  source: '§9',
  maxDisplayName: 50,
  /** P1D to P2Y inclusive. */
  minDurationDays: 1,
  maxDurationDays: 730,
  autoExtendDurations: ['PT0S', 'P0D', 'P180D'],
  // Also enforced (routes/gdap.ts, state/gdap.ts): a relationship with Global Administrator cannot
  // auto-extend [V-c partner KB]; a partner's request action is lockForApproval or terminate
  // (approve and reject are the indirect reseller's).
} as const;

// ---------------------------------------------------------------------------------------------
// Collections: query options, page sizes

export interface CollectionRules {
  source: string;
  /** OData system query options the endpoint accepts; others are refused. */
  options: readonly string[];
  defaultTop?: number;
  maxTop?: number;
}

export const LIST_USERS: CollectionRules = {
  source: '§4 Lookups; docs user-list ($skip is not supported on /users)',
  options: ['$select', '$filter', '$search', '$top', '$count', '$orderby', '$skiptoken'],
  defaultTop: 100,
  maxTop: 999,
};

/** Graph also takes $search and $orderby on /groups; the dev tenant implements neither, so refuses them. */
export const LIST_GROUPS: CollectionRules = {
  source: '§3; docs group-list',
  options: ['$select', '$filter', '$top', '$count', '$skiptoken'],
  defaultTop: 100,
  maxTop: 999,
};

/** memberOf, transitiveMemberOf, members, owners, transitiveMembers: 100 by default, 999 at most. */
export const MEMBERSHIP_LIST: CollectionRules = {
  source: 'docs user-list-transitivememberof, group-list-members',
  options: ['$select', '$top', '$count', '$skiptoken'],
  defaultTop: 100,
  maxTop: 999,
};

/** §1: only $select ("Query filter expressions aren't supported"). */
export const LIST_SUBSCRIBED_SKUS: CollectionRules = { source: '§1', options: ['$select'] };

/**
 * Query options Graph itself refuses on directory collections, with its answer: $skip is not
 * supported on /users [V] (§4); the text and that it holds for every directory list are [U].
 */
export const REFUSED_OPTIONS: Record<string, string> = {
  $skip: "'$skip' is not supported by the service.",
};

// Header names are case-insensitive in HTTP and Graph treats them so (the dev tenant sees them
// lower-cased, in $batch too). No header Dragon Desk sends has a value whose case Graph is known to
// care about; ConsistencyLevel's value is compared without case [U].

// ---------------------------------------------------------------------------------------------
// JSON batching (§4)

export const BATCH = {
  source: '§4 JSON batch',
  maxRequests: 20,
  /** Ids are compared without case; a duplicate fails the whole batch. */
  idsCaseInsensitive: true,
  /** A body needs a Content-Type header in the inner request. */
  bodyNeedsContentType: true,
  /** url is relative to the version root. */
  relativeUrlOnly: true,
  methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
} as const;

// ---------------------------------------------------------------------------------------------
// Azure Resource Manager: api-version per resource type

/** ARM's answer to a missing api-version (§7 "api-version"; the text as ARM words it [V-c]). */
export function requireArmApiVersion(req: ApiRequest, supported: readonly string[]): void {
  const entry = [...req.query].find(([k]) => k.toLowerCase() === 'api-version');
  const v = entry?.[1] ?? '';
  if (!supported.includes(v)) {
    // [U] ARM's exact wording; the code InvalidApiVersionParameter is ARM's.
    throw armError(
      400,
      'InvalidApiVersionParameter',
      `The api-version '${v}' is invalid. The supported versions are '${supported.join(',')}'.`,
    );
  }
}

export const ARM_API_VERSIONS = {
  /** §7: the ManagementPartner spec has one version. */
  managementPartner: ['2018-02-01'],
  /** Microsoft.Resources subscriptions [U]: the versions listed are the GA ones we know. */
  subscriptions: ['2022-12-01', '2021-01-01', '2020-01-01', '2016-06-01'],
  /** Microsoft.Authorization roleAssignments [U]: GA and preview versions we know. */
  roleAssignments: ['2022-04-01', '2020-10-01-preview', '2020-04-01-preview', '2018-09-01-preview', '2015-07-01'],
  /** Microsoft.Authorization classicAdministrators [U]: retired; its last versions. */
  classicAdministrators: ['2015-06-01', '2015-07-01'],
} as const;
