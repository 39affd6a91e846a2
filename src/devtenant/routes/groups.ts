/**
 * Graph groups (reference §3): get/list/create/patch, owners and members (paged), adding and
 * removing references with Graph's exact 400 texts, transitive members, and members whose
 * group-based license failed.
 */
import { badRequest, resourceNotFound } from '../errors';
import { checkFilter, evaluateFilter, objectLookup, parseFilter, queryOption, type FilterSupport } from '../odata';
import type { ApiRequest, Route } from '../router';
import { checkBody, CREATE_GROUP, isAdvancedQuery, LIST_GROUPS, MEMBERSHIP_LIST } from '../rules';
import { isGuid } from '../../guid';
import {
  allowOptions,
  bodyObject,
  directoryObject,
  groupEntity,
  json,
  listResponse,
  metadata,
  noContent,
  projectGroup,
  referencedId,
  selectOf,
  stringArray,
  type RouteDeps,
} from './shared';

const GROUP_FILTERS: FilterSupport = {
  id: ['eq', 'in'],
  displayName: ['eq', 'startswith', 'in'],
  mailNickname: ['eq', 'startswith'],
  securityEnabled: ['eq'],
  mailEnabled: ['eq'],
  isAssignableToRole: ['eq'],
};

/** Graph's bulk reference limit for `members@odata.bind` / `owners@odata.bind`. */
const MAX_BIND = 20;

function bindIds(value: unknown, property: string): string[] {
  const refs = stringArray(value, property, 'Group');
  if (refs.length > MAX_BIND) {
    throw badRequest(`Too many references in '${property}': at most ${MAX_BIND} can be added in one request.`);
  }
  return refs.map((r) => referencedId({ '@odata.id': r }));
}

function createGroup(deps: RouteDeps, req: ApiRequest) {
  const { state } = deps;
  const body = bodyObject(req);
  checkBody(body, CREATE_GROUP);
  const invalid = (p: string) => badRequest(`Invalid value specified for property '${p}' of resource 'Group'.`);
  if (typeof body.displayName !== 'string' || body.displayName.trim() === '') throw invalid('displayName');
  if (typeof body.mailNickname !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(body.mailNickname))
    throw invalid('mailNickname');
  if (typeof body.mailEnabled !== 'boolean') throw invalid('mailEnabled');
  if (typeof body.securityEnabled !== 'boolean') throw invalid('securityEnabled');
  if (body.isAssignableToRole !== undefined && typeof body.isAssignableToRole !== 'boolean')
    throw invalid('isAssignableToRole');
  if (body.description !== undefined && body.description !== null && typeof body.description !== 'string')
    throw invalid('description');
  const groupTypes = body.groupTypes === undefined ? [] : stringArray(body.groupTypes, 'groupTypes', 'Group');
  const isAssignableToRole = body.isAssignableToRole === true;
  if (isAssignableToRole && !body.securityEnabled) {
    throw badRequest('IsAssignableToRole can only be set on a security enabled group.');
  }
  const owners = body['owners@odata.bind'] === undefined ? [] : bindIds(body['owners@odata.bind'], 'owners@odata.bind');
  const members =
    body['members@odata.bind'] === undefined ? [] : bindIds(body['members@odata.bind'], 'members@odata.bind');
  for (const id of [...owners, ...members]) if (!state.objectKind(id)) throw resourceNotFound(id);
  const g = state.createGroup({
    displayName: body.displayName,
    description: body.description ?? null,
    mailNickname: body.mailNickname,
    mailEnabled: body.mailEnabled,
    securityEnabled: body.securityEnabled,
    isAssignableToRole,
    groupTypes,
    owners,
    members,
  });
  return json({ '@odata.context': metadata(deps, 'groups/$entity'), ...projectGroup(g, undefined) }, 201, {
    Location: `${deps.baseUrl()}/v1.0/groups/${g.id}`,
  });
}

function patchGroup(deps: RouteDeps, req: ApiRequest, id: string) {
  const { state } = deps;
  const body = bodyObject(req);
  const g = state.requireGroup(id);
  const patch: { displayName?: string; description?: string | null } = {};
  let bind: string[] = [];
  for (const [k, v] of Object.entries(body)) {
    if (k === 'displayName' && typeof v === 'string' && v.trim()) patch.displayName = v;
    else if (k === 'description' && (v === null || typeof v === 'string')) patch.description = v;
    else if (k === 'members@odata.bind') bind = bindIds(v, k);
    else throw badRequest(`The dev tenant does not support updating property '${k}' of resource 'Group'.`);
  }
  // Bulk add is all-or-none: check every reference before adding any.
  for (const m of bind) {
    if (!state.objectKind(m)) throw resourceNotFound(m);
    if (state.isMember(g.id, m)) {
      throw badRequest(
        "One or more added object references already exist for the following modified properties: 'members'.",
      );
    }
  }
  state.updateGroup(g.id, patch);
  for (const m of bind) state.addReference(g.id, m, 'members');
  return noContent();
}

function listRelation(
  deps: RouteDeps,
  req: ApiRequest,
  groupId: string,
  relation: 'members' | 'owners' | 'transitiveMembers',
) {
  allowOptions(req, MEMBERSHIP_LIST.options);
  const { state } = deps;
  const g = state.requireGroup(groupId);
  const ids =
    relation === 'members'
      ? state.memberIds(g.id)
      : relation === 'owners'
        ? state.ownerIds(g.id)
        : state.transitiveMemberIds(g.id);
  const select = selectOf(req);
  const items = ids.map((id) => directoryObject(state, id, select)).filter((x): x is Record<string, unknown> => !!x);
  return listResponse(req, deps, items, (x) => x, {
    context: 'directoryObjects',
    defaultTop: 100,
    maxTop: 999,
    count: items.length,
  });
}

export function groupRoutes(deps: RouteDeps): Route[] {
  const { state } = deps;
  return [
    {
      method: 'GET',
      pattern: '/v1.0/groups',
      handler: (req) => {
        allowOptions(req, LIST_GROUPS.options);
        let groups = state.listGroups();
        const filterText = queryOption(req.query, '$filter');
        if (filterText !== undefined) {
          const expr = parseFilter(filterText);
          checkFilter(expr, GROUP_FILTERS, 'Group', isAdvancedQuery(req));
          groups = groups.filter((g) => evaluateFilter(expr, objectLookup(groupEntity(g))));
        }
        const select = selectOf(req);
        return listResponse(req, deps, groups, (g) => projectGroup(g, select), {
          context: select ? `groups(${select.join(',')})` : 'groups',
          defaultTop: LIST_GROUPS.defaultTop!,
          maxTop: LIST_GROUPS.maxTop!,
          count: groups.length,
        });
      },
    },
    { method: 'POST', pattern: '/v1.0/groups', handler: (req) => createGroup(deps, req) },
    {
      method: 'GET',
      pattern: '/v1.0/groups/:id',
      handler: (req, p) => {
        allowOptions(req, ['$select']);
        const select = selectOf(req);
        const g = state.requireGroup(p.id);
        const context = select ? `groups(${select.join(',')})/$entity` : 'groups/$entity';
        return json({ '@odata.context': metadata(deps, context), ...projectGroup(g, select) });
      },
    },
    { method: 'PATCH', pattern: '/v1.0/groups/:id', handler: (req, p) => patchGroup(deps, req, p.id) },
    {
      method: 'GET',
      pattern: '/v1.0/groups/:id/members',
      handler: (req, p) => listRelation(deps, req, p.id, 'members'),
    },
    { method: 'GET', pattern: '/v1.0/groups/:id/owners', handler: (req, p) => listRelation(deps, req, p.id, 'owners') },
    {
      method: 'GET',
      pattern: '/v1.0/groups/:id/transitiveMembers',
      handler: (req, p) => listRelation(deps, req, p.id, 'transitiveMembers'),
    },
    {
      method: 'GET',
      pattern: '/v1.0/groups/:id/membersWithLicenseErrors',
      handler: (req, p) => {
        allowOptions(req, ['$select', '$top', '$skiptoken']);
        const g = state.requireGroup(p.id);
        const select = selectOf(req);
        const users = state
          .listUsers()
          .filter((u) =>
            u.licenseAssignmentStates.some(
              (s) => s.assignedByGroup?.toLowerCase() === g.id.toLowerCase() && s.state === 'Error',
            ),
          );
        return listResponse(req, deps, users, (u) => directoryObject(state, u.id, select), {
          context: 'directoryObjects',
          defaultTop: 100,
          maxTop: 999,
        });
      },
    },
    ...(['members', 'owners'] as const).flatMap((relation): Route[] => [
      {
        method: 'POST',
        pattern: `/v1.0/groups/:id/${relation}/$ref`,
        handler: (req, p) => {
          const id = referencedId(bodyObject(req));
          state.addReference(p.id, id, relation);
          return noContent();
        },
      },
      {
        method: 'DELETE',
        pattern: `/v1.0/groups/:id/${relation}/:memberId/$ref`,
        handler: (_req, p) => {
          state.requireGroup(p.id);
          if (!isGuid(p.memberId)) throw badRequest(`Invalid object identifier '${p.memberId}'.`);
          if (!state.objectKind(p.memberId)) throw resourceNotFound(p.memberId);
          state.removeReference(p.id, p.memberId, relation);
          return noContent();
        },
      },
    ]),
  ];
}
