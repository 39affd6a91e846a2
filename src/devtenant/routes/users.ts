/**
 * Graph users (reference §4): get by id or UPN, list with $filter / $search / $top / $count,
 * memberOf and transitiveMemberOf (groups and activated directory roles), PATCH.
 */
import { roleDefinition } from '../builtin-roles';
import { badRequest, unsupportedQuery } from '../errors';
import {
  checkFilter,
  evaluateFilter,
  objectLookup,
  parseFilter,
  parseSearch,
  queryOption,
  searchMatches,
  searchProperties,
  type FilterSupport,
} from '../odata';
import type { ApiRequest, Route } from '../router';
import type { UserRecord } from '../state';
import {
  allowOptions,
  bodyObject,
  directoryObject,
  hasEventualConsistency,
  json,
  listResponse,
  noContent,
  projectUser,
  selectOf,
  userEntity,
  type RouteDeps,
} from './shared';

const USER_FILTERS: FilterSupport = {
  id: ['eq', 'in'],
  displayName: ['eq', 'startswith', 'in'],
  givenName: ['eq', 'startswith', 'in'],
  surname: ['eq', 'startswith', 'in'],
  userPrincipalName: ['eq', 'startswith', 'in'],
  mail: ['eq', 'startswith', 'in'],
  jobTitle: ['eq', 'startswith', 'in'],
  department: ['eq', 'startswith', 'in'],
  accountEnabled: ['eq'],
  userType: ['eq'],
  usageLocation: ['eq'],
  assignedLicenses: ['any'],
};

const SEARCHABLE = new Set([
  'displayname',
  'givenname',
  'surname',
  'mail',
  'userprincipalname',
  'jobtitle',
  'department',
]);

export const SEARCH_NEEDS_CONSISTENCY =
  "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'";

function sortUsers(users: UserRecord[], orderby: string | undefined): UserRecord[] {
  if (!orderby) return users;
  const m = /^\s*(displayName|userPrincipalName)(?:\s+(asc|desc))?\s*$/i.exec(orderby);
  if (!m)
    throw unsupportedQuery(
      `Unsupported $orderby '${orderby}'; the dev tenant orders users by displayName or userPrincipalName.`,
    );
  const key = m[1].toLowerCase() === 'displayname' ? 'displayName' : 'userPrincipalName';
  const dir = (m[2] ?? 'asc').toLowerCase() === 'desc' ? -1 : 1;
  return [...users].sort((a, b) => a[key].localeCompare(b[key]) * dir);
}

export function listUsers(deps: RouteDeps, req: ApiRequest) {
  allowOptions(req, ['$select', '$filter', '$search', '$top', '$count', '$orderby', '$skiptoken']);
  const { state } = deps;
  let users = state.listUsers();
  const filterText = queryOption(req.query, '$filter');
  if (filterText !== undefined) {
    const expr = parseFilter(filterText);
    checkFilter(expr, USER_FILTERS, 'User');
    users = users.filter((u) => evaluateFilter(expr, objectLookup(userEntity(state, u))));
  }
  const searchText = queryOption(req.query, '$search');
  if (searchText !== undefined) {
    if (!hasEventualConsistency(req)) throw badRequest(SEARCH_NEEDS_CONSISTENCY, 'Request_UnsupportedQuery');
    const expr = parseSearch(searchText);
    for (const p of searchProperties(expr)) {
      if (!SEARCHABLE.has(p.toLowerCase()))
        throw badRequest(`Unsupported property '${p}' in $search.`, 'Request_UnsupportedQuery');
    }
    users = users.filter((u) => searchMatches(expr, objectLookup(userEntity(state, u))));
  }
  users = sortUsers(users, queryOption(req.query, '$orderby'));
  const select = selectOf(req);
  const context = select ? `users(${select.join(',')})` : 'users';
  return listResponse(req, deps, users, (u) => projectUser(state, u, select), {
    context,
    defaultTop: 100,
    maxTop: 999,
    count: users.length,
  });
}

function directoryRoleItem(templateId: string, objectId: string) {
  const def = roleDefinition(templateId);
  return {
    '@odata.type': '#microsoft.graph.directoryRole',
    id: objectId,
    deletedDateTime: null,
    description: def?.description ?? null,
    displayName: def?.displayName ?? null,
    roleTemplateId: templateId,
  };
}

type Cast = 'group' | 'directoryRole' | undefined;

function parseCast(segment: string | undefined): Cast {
  if (segment === undefined) return undefined;
  const lower = segment.toLowerCase();
  if (lower === 'microsoft.graph.group') return 'group';
  if (lower === 'microsoft.graph.directoryrole') return 'directoryRole';
  throw badRequest(`Resource not found for the segment '${segment}'.`, 'BadRequest');
}

function memberOf(deps: RouteDeps, req: ApiRequest, userId: string, transitive: boolean, cast: Cast) {
  allowOptions(req, ['$select', '$top', '$count', '$skiptoken']);
  const { state } = deps;
  const user = state.requireUser(userId);
  const select = selectOf(req);
  const items: Record<string, unknown>[] = [];
  if (cast !== 'directoryRole') {
    const groupIds = transitive ? state.transitiveGroupIds(user.id) : state.memberOfGroupIds(user.id);
    for (const gid of groupIds) items.push(directoryObject(state, gid, select)!);
  }
  if (cast !== 'group') {
    for (const t of state.heldRoleTemplateIds(user.id, transitive)) {
      items.push(directoryRoleItem(t, state.directoryRoleObjectId(t)));
    }
  }
  const context = cast ? `directoryObjects/microsoft.graph.${cast}` : 'directoryObjects';
  return listResponse(req, deps, items, (x) => x, { context, defaultTop: 100, maxTop: 999, count: items.length });
}

const PATCHABLE: Record<string, 'string' | 'nullableString' | 'boolean'> = {
  usageLocation: 'nullableString',
  jobTitle: 'nullableString',
  department: 'nullableString',
  displayName: 'string',
  officeLocation: 'nullableString',
  mobilePhone: 'nullableString',
  accountEnabled: 'boolean',
};

function patchUser(deps: RouteDeps, req: ApiRequest, id: string) {
  const body = bodyObject(req);
  deps.state.requireUser(id);
  const patch: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) {
    const kind = PATCHABLE[k];
    if (!kind) throw badRequest(`The dev tenant does not support updating property '${k}' of resource 'User'.`);
    const valid =
      (kind === 'boolean' && typeof v === 'boolean') ||
      (kind === 'string' && typeof v === 'string' && v.length > 0) ||
      (kind === 'nullableString' && (v === null || typeof v === 'string'));
    if (!valid) throw badRequest(`Invalid value specified for property '${k}' of resource 'User'.`);
    if (k === 'usageLocation' && v !== null && !/^[A-Za-z]{2}$/.test(v as string)) {
      throw badRequest(`Invalid value specified for property 'usageLocation' of resource 'User'.`);
    }
    patch[k] = k === 'usageLocation' && typeof v === 'string' ? v.toUpperCase() : v;
  }
  deps.state.updateUser(id, patch);
  return noContent();
}

export function userRoutes(deps: RouteDeps): Route[] {
  const { state } = deps;
  return [
    { method: 'GET', pattern: '/v1.0/users', handler: (req) => listUsers(deps, req) },
    {
      method: 'GET',
      pattern: '/v1.0/users/:id',
      handler: (req, p) => {
        allowOptions(req, ['$select']);
        const select = selectOf(req);
        const u = state.requireUser(p.id);
        const context = select ? `users(${select.join(',')})/$entity` : 'users/$entity';
        return json({
          '@odata.context': `${deps.baseUrl()}/v1.0/$metadata#${context}`,
          ...projectUser(state, u, select),
        });
      },
    },
    { method: 'PATCH', pattern: '/v1.0/users/:id', handler: (req, p) => patchUser(deps, req, p.id) },
    {
      method: 'GET',
      pattern: '/v1.0/users/:id/memberOf',
      handler: (req, p) => memberOf(deps, req, p.id, false, undefined),
    },
    {
      method: 'GET',
      pattern: '/v1.0/users/:id/memberOf/:cast',
      handler: (req, p) => memberOf(deps, req, p.id, false, parseCast(p.cast)),
    },
    {
      method: 'GET',
      pattern: '/v1.0/users/:id/transitiveMemberOf',
      handler: (req, p) => memberOf(deps, req, p.id, true, undefined),
    },
    {
      method: 'GET',
      pattern: '/v1.0/users/:id/transitiveMemberOf/:cast',
      handler: (req, p) => memberOf(deps, req, p.id, true, parseCast(p.cast)),
    },
  ];
}
