/**
 * What every route file needs: its dependencies, JSON shapes of directory objects as Graph returns
 * them ($select rules included), list responses with @odata.context / @odata.count / nextLink, and
 * body checks with Graph's error texts.
 */
import { badRequest, unsupportedQuery } from '../errors';
import { decodeSkipToken, nextLink, paginate, parseSelect, parseTop, project, queryOption } from '../odata';
import type { Graph } from '../../tenant/graphTypes';
import type { ApiRequest, ApiResponse } from '../router';
import { answersCount, REFUSED_OPTIONS } from '../rules';
import type { Clock, DirectoryState, GroupRecord, UserRecord } from '../state';

export interface RouteDeps {
  state: DirectoryState;
  clock: Clock;
  /** http://127.0.0.1:PORT, known once the server listens. */
  baseUrl(): string;
}

export function json(body: unknown, status = 200, headers?: Record<string, string>): ApiResponse {
  return { status, body, headers };
}

export function noContent(): ApiResponse {
  return { status: 204 };
}

export function metadata(deps: RouteDeps, fragment: string): string {
  return `${deps.baseUrl()}/v1.0/$metadata#${fragment}`;
}

/** Refuses query options the endpoint does not implement instead of silently ignoring them. */
export function allowOptions(req: ApiRequest, allowed: readonly string[]): void {
  const ok = new Set(allowed.map((a) => a.toLowerCase()));
  for (const k of req.query.keys()) {
    const refused = REFUSED_OPTIONS[k.toLowerCase()];
    if (refused !== undefined) throw badRequest(refused);
    if (k.startsWith('$') && !ok.has(k.toLowerCase())) {
      throw unsupportedQuery(`The query option '${k}' is not supported on this resource by the dev tenant.`);
    }
  }
}

export function bodyObject(req: ApiRequest): Record<string, unknown> {
  if (req.body === null || typeof req.body !== 'object' || Array.isArray(req.body)) {
    throw badRequest('Empty Payload. JSON content expected.', 'BadRequest');
  }
  return req.body as Record<string, unknown>;
}

/** The object id at the end of an '@odata.id' reference URL (any host prefix). */
export function referencedId(body: Record<string, unknown>): string {
  const ref = body['@odata.id'];
  if (typeof ref !== 'string' || ref.trim() === '') throw badRequest("Invalid object identifier 'undefined'.");
  const last = ref.replace(/\/+$/, '').split('/').pop() ?? '';
  const id = decodeURIComponent(last.replace(/^.*\('([^']*)'\)$/, '$1'));
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) {
    throw badRequest(`Invalid object identifier '${id}'.`);
  }
  return id;
}

// ---------------------------------------------------------------------------------------------
// users

/** Property names of a Graph entity type: a misspelt one is a compile error. */
export type Properties<T> = readonly (keyof T & string)[];

export const USER_DEFAULT_SELECT = [
  'businessPhones',
  'displayName',
  'givenName',
  'jobTitle',
  'mail',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
  'surname',
  'userPrincipalName',
  'id',
] as const satisfies Properties<Graph.User>;

/** Real user properties the dev tenant does not model: selectable, always null. */
const USER_UNMODELLED = [
  'aboutMe',
  'ageGroup',
  'assignedPlans',
  'city',
  'companyName',
  'consentProvidedForMinor',
  'country',
  'creationType',
  'deletedDateTime',
  'employeeHireDate',
  'employeeId',
  'employeeType',
  'externalUserState',
  'faxNumber',
  'identities',
  'imAddresses',
  'lastPasswordChangeDateTime',
  'legalAgeGroupClassification',
  'mailNickname',
  'onPremisesDistinguishedName',
  'onPremisesDomainName',
  'onPremisesImmutableId',
  'onPremisesSamAccountName',
  'onPremisesSecurityIdentifier',
  'onPremisesSyncEnabled',
  'onPremisesUserPrincipalName',
  'otherMails',
  'passwordPolicies',
  'postalCode',
  'provisionedPlans',
  'proxyAddresses',
  'securityIdentifier',
  'showInAddressList',
  'signInActivity',
  'signInSessionsValidFromDateTime',
  'state',
  'streetAddress',
  'employeeOrgData',
  'manager',
] satisfies Properties<Graph.User>;

export function userEntity(state: DirectoryState, u: UserRecord): Graph.User {
  return {
    id: u.id,
    businessPhones: [...(u.businessPhones ?? [])],
    displayName: u.displayName,
    givenName: u.givenName,
    surname: u.surname,
    jobTitle: u.jobTitle,
    mail: u.mail,
    mobilePhone: u.mobilePhone ?? null,
    officeLocation: u.officeLocation ?? null,
    preferredLanguage: u.preferredLanguage ?? null,
    userPrincipalName: u.userPrincipalName,
    department: u.department,
    usageLocation: u.usageLocation,
    accountEnabled: u.accountEnabled,
    userType: u.userType,
    createdDateTime: u.createdDateTime,
    assignedLicenses: state.assignedLicenses(u),
    licenseAssignmentStates: u.licenseAssignmentStates.map((s) => ({
      assignedByGroup: s.assignedByGroup,
      disabledPlans: [...s.disabledPlans],
      error: s.error,
      lastUpdatedDateTime: s.lastUpdatedDateTime,
      skuId: s.skuId,
      state: s.state,
    })),
  };
}

export function projectUser(
  state: DirectoryState,
  u: UserRecord,
  select: string[] | undefined,
): Record<string, unknown> {
  return project(userEntity(state, u), select, USER_DEFAULT_SELECT, 'microsoft.graph.user', USER_UNMODELLED);
}

// ---------------------------------------------------------------------------------------------
// groups

export const GROUP_DEFAULT_SELECT = [
  'id',
  'deletedDateTime',
  'classification',
  'createdDateTime',
  'description',
  'displayName',
  'groupTypes',
  'isAssignableToRole',
  'mail',
  'mailEnabled',
  'mailNickname',
  'membershipRule',
  'proxyAddresses',
  'renewedDateTime',
  'securityEnabled',
  'visibility',
] as const satisfies Properties<Graph.Group>;

const GROUP_UNMODELLED: string[] = [
  ...([
    'expirationDateTime',
    'membershipRuleProcessingState',
    'onPremisesSyncEnabled',
    'preferredDataLocation',
    'preferredLanguage',
    'securityIdentifier',
    'theme',
    'hasMembersWithLicenseErrors',
    'onPremisesSamAccountName',
    'onPremisesSecurityIdentifier',
  ] satisfies Properties<Graph.Group>),
  // Documented on the group resource page but absent from the v1.0 metadata Graph's types are
  // generated from, so Graph's type cannot vouch for them [U].
  'resourceBehaviorOptions',
  'resourceProvisioningOptions',
  'creationOptions',
];

export function groupEntity(g: GroupRecord): Graph.Group {
  return {
    id: g.id,
    deletedDateTime: null,
    classification: null,
    createdDateTime: g.createdDateTime,
    description: g.description,
    displayName: g.displayName,
    groupTypes: [...g.groupTypes],
    isAssignableToRole: g.isAssignableToRole,
    mail: null,
    mailEnabled: g.mailEnabled,
    mailNickname: g.mailNickname,
    membershipRule: null,
    proxyAddresses: [],
    renewedDateTime: g.createdDateTime,
    securityEnabled: g.securityEnabled,
    visibility: null,
    assignedLicenses: g.assignedLicenses.map((l) => ({ disabledPlans: [...l.disabledPlans], skuId: l.skuId })),
    licenseProcessingState: g.licenseProcessingState ? { state: g.licenseProcessingState } : null,
  };
}

export function projectGroup(g: GroupRecord, select: string[] | undefined): Record<string, unknown> {
  return project(groupEntity(g), select, GROUP_DEFAULT_SELECT, 'microsoft.graph.group', GROUP_UNMODELLED);
}

// ---------------------------------------------------------------------------------------------
// mixed collections (members, owners, memberOf)

/**
 * A directory object inside a collection, typed with @odata.type. $select names that exist on
 * another object type are skipped for this one, as Graph does; names no type has fail.
 */
export function directoryObject(
  state: DirectoryState,
  id: string,
  select: string[] | undefined,
): Record<string, unknown> | undefined {
  const kind = state.objectKind(id);
  if (kind === 'user') {
    const u = state.getUser(id)!;
    const mine = select?.filter(
      (s) => s.toLowerCase() in lowerKeys(userEntity(state, u)) || isUnmodelled(s, USER_UNMODELLED),
    );
    checkSelectKnown(select, state, u);
    return { '@odata.type': '#microsoft.graph.user', ...projectUser(state, u, select ? mine : undefined) };
  }
  if (kind === 'group') {
    const g = state.getGroup(id)!;
    const mine = select?.filter(
      (s) => s.toLowerCase() in lowerKeys(groupEntity(g)) || isUnmodelled(s, GROUP_UNMODELLED),
    );
    return { '@odata.type': '#microsoft.graph.group', ...projectGroup(g, select ? mine : undefined) };
  }
  if (kind === 'servicePrincipal') {
    const sp = state.getServicePrincipal(id)!;
    const all = {
      id: sp.id,
      appId: sp.appId,
      displayName: sp.displayName,
      accountEnabled: true,
      servicePrincipalType: 'Application',
    } satisfies Graph.ServicePrincipal;
    const mine = select?.filter((s) => s.toLowerCase() in lowerKeys(all));
    return {
      '@odata.type': '#microsoft.graph.servicePrincipal',
      ...project(all, select ? mine : undefined, Object.keys(all), 'microsoft.graph.servicePrincipal'),
    };
  }
  return undefined;
}

function lowerKeys(o: object): Record<string, true> {
  const out: Record<string, true> = {};
  for (const k of Object.keys(o)) out[k.toLowerCase()] = true;
  return out;
}

function isUnmodelled(name: string, list: string[]): boolean {
  return list.some((n) => n.toLowerCase() === name.toLowerCase());
}

function checkSelectKnown(select: string[] | undefined, state: DirectoryState, u: UserRecord): void {
  if (!select) return;
  const known = {
    ...lowerKeys(userEntity(state, u)),
    ...lowerKeys(
      Object.fromEntries(
        [...GROUP_DEFAULT_SELECT, 'assignedLicenses', 'licenseProcessingState', 'appId', 'servicePrincipalType'].map(
          (k) => [k, true],
        ),
      ),
    ),
  };
  for (const s of select) {
    if (
      s !== '*' &&
      !(s.toLowerCase() in known) &&
      !isUnmodelled(s, USER_UNMODELLED) &&
      !isUnmodelled(s, GROUP_UNMODELLED)
    ) {
      throw badRequest(
        `Could not find a property named '${s}' on type 'microsoft.graph.directoryObject'.`,
        'BadRequest',
      );
    }
  }
}

// ---------------------------------------------------------------------------------------------
// lists

export interface ListOptions {
  context: string;
  defaultTop: number;
  maxTop: number;
  /** Total before paging, for $count=true. */
  count?: number;
}

/** A Graph collection response: context, optional count, one page of items, nextLink. */
export function listResponse<T>(
  req: ApiRequest,
  deps: RouteDeps,
  items: T[],
  render: (item: T) => unknown,
  opts: ListOptions,
): ApiResponse {
  const top = parseTop(queryOption(req.query, '$top'), opts.maxTop) ?? opts.defaultTop;
  const offset = decodeSkipToken(queryOption(req.query, '$skiptoken'));
  const page = paginate(items, offset, top);
  const body: Record<string, unknown> = { '@odata.context': metadata(deps, opts.context) };
  if (answersCount(req)) body['@odata.count'] = opts.count ?? items.length;
  if (page.nextOffset !== undefined)
    body['@odata.nextLink'] = nextLink(deps.baseUrl(), req.path, req.query, page.nextOffset);
  body.value = page.items.map(render);
  return json(body);
}

export function selectOf(req: ApiRequest): string[] | undefined {
  return parseSelect(queryOption(req.query, '$select'));
}

/** A JSON array of strings, or a 400 naming the property. */
export function stringArray(value: unknown, property: string, resource: string): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw badRequest(`Invalid value specified for property '${property}' of resource '${resource}'.`);
  }
  return value as string[];
}
