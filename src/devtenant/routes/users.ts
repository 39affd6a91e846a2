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
  project,
  queryOption,
  searchMatches,
  searchProperties,
  type FilterSupport,
} from '../odata';
import type { Graph } from '../../tenant/graphTypes';
import type { ApiRequest, Route } from '../router';
import {
  hasEventualConsistency,
  isAdvancedQuery,
  LIST_USERS,
  MEMBERSHIP_LIST,
  requireAdvancedQuery,
  SEARCH_NEEDS_CONSISTENCY,
} from '../rules';
import type { UserRecord } from '../state';
import {
  allowOptions,
  bodyObject,
  directoryObject,
  json,
  listResponse,
  noContent,
  projectGroup,
  projectUser,
  selectOf,
  userEntity,
  type Properties,
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
  allowOptions(req, LIST_USERS.options);
  const { state } = deps;
  let users = state.listUsers();
  const filterText = queryOption(req.query, '$filter');
  const orderby = queryOption(req.query, '$orderby');
  if (filterText !== undefined) {
    const expr = parseFilter(filterText);
    checkFilter(expr, USER_FILTERS, 'User', isAdvancedQuery(req));
    users = users.filter((u) => evaluateFilter(expr, objectLookup(userEntity(state, u))));
    if (orderby !== undefined) requireAdvancedQuery(req, 'orderby');
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
  users = sortUsers(users, orderby);
  const select = selectOf(req);
  const context = select ? `users(${select.join(',')})` : 'users';
  return listResponse(req, deps, users, (u) => projectUser(state, u, select), {
    context,
    defaultTop: LIST_USERS.defaultTop!,
    maxTop: LIST_USERS.maxTop!,
    count: users.length,
  });
}

/** microsoft.graph.directoryRole: every property it has (members and scopedMembers are navigation). */
const DIRECTORY_ROLE_FIELDS = [
  'id',
  'deletedDateTime',
  'description',
  'displayName',
  'roleTemplateId',
] as const satisfies Properties<Graph.DirectoryRole>;

function directoryRoleEntity(templateId: string, objectId: string): Graph.DirectoryRole {
  const def = roleDefinition(templateId);
  return {
    id: objectId,
    deletedDateTime: null,
    description: def?.description ?? null,
    displayName: def?.displayName ?? null,
    roleTemplateId: templateId,
  };
}

/** A role in a mixed list: $select names that only other object types have are skipped, as for groups. */
function directoryRoleItem(templateId: string, objectId: string, select: string[] | undefined) {
  const mine = select?.filter((s) => DIRECTORY_ROLE_FIELDS.some((f) => f.toLowerCase() === s.toLowerCase()));
  return {
    '@odata.type': '#microsoft.graph.directoryRole',
    ...project(
      directoryRoleEntity(templateId, objectId),
      select ? mine : undefined,
      DIRECTORY_ROLE_FIELDS,
      'microsoft.graph.directoryRole',
    ),
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
  allowOptions(req, MEMBERSHIP_LIST.options);
  if (cast) requireAdvancedQuery(req, 'cast');
  const { state } = deps;
  const user = state.requireUser(userId);
  const select = selectOf(req);
  const groupIds =
    cast === 'directoryRole' ? [] : transitive ? state.transitiveGroupIds(user.id) : state.memberOfGroupIds(user.id);
  const roleIds = cast === 'group' ? [] : state.heldRoleTemplateIds(user.id, transitive);
  const items: Record<string, unknown>[] = [];
  if (cast === 'group') {
    // A cast list holds one type: items are that type's entities, unlabelled, and $select is checked against it.
    for (const gid of groupIds) items.push(projectGroup(state.getGroup(gid)!, select));
  } else if (cast === 'directoryRole') {
    for (const t of roleIds) {
      items.push(
        project(
          directoryRoleEntity(t, state.directoryRoleObjectId(t)),
          select,
          DIRECTORY_ROLE_FIELDS,
          'microsoft.graph.directoryRole',
        ),
      );
    }
  } else {
    for (const gid of groupIds) items.push(directoryObject(state, gid, select)!);
    for (const t of roleIds) items.push(directoryRoleItem(t, state.directoryRoleObjectId(t), select));
  }
  const set = cast === 'group' ? 'groups' : cast === 'directoryRole' ? 'directoryRoles' : 'directoryObjects';
  const context = select && cast ? `${set}(${select.join(',')})` : set;
  return listResponse(req, deps, items, (x) => x, {
    context,
    defaultTop: MEMBERSHIP_LIST.defaultTop!,
    maxTop: MEMBERSHIP_LIST.maxTop!,
    count: items.length,
  });
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
