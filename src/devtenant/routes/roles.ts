/**
 * Directory roles (reference §5): built-in role definitions, and role assignments with $filter on
 * principalId / roleDefinitionId. An assignment to a role-assignable group reaches its members
 * (see users' transitiveMemberOf).
 */
import { BUILTIN_ROLES, roleDefinition } from '../builtin-roles';
import { badRequest, resourceNotFound, unsupportedQuery } from '../errors';
import {
  checkFilter,
  equalityClauses,
  evaluateFilter,
  objectLookup,
  parseFilter,
  project,
  queryOption,
  type FilterSupport,
} from '../odata';
import type { ApiRequest, Route } from '../router';
import { CREATE_ROLE_ASSIGNMENT, refuseUnknownProperties } from '../rules';
import type { RoleAssignmentRecord } from '../state';
import type { Graph } from '../../tenant/graphTypes';
import {
  allowOptions,
  bodyObject,
  json,
  metadata,
  noContent,
  selectOf,
  type Properties,
  type RouteDeps,
} from './shared';

const DEFINITION_FILTERS: FilterSupport = {
  id: ['eq', 'in'],
  templateId: ['eq', 'in'],
  displayName: ['eq', 'startswith'],
  isBuiltIn: ['eq'],
};

const DEFINITION_FIELDS = [
  'id',
  'description',
  'displayName',
  'isBuiltIn',
  'isEnabled',
  'resourceScopes',
  'templateId',
  'version',
  'rolePermissions',
] satisfies Properties<Graph.UnifiedRoleDefinition>;

function assignmentEntity(r: RoleAssignmentRecord): Graph.UnifiedRoleAssignment {
  return {
    id: r.id,
    principalId: r.principalId,
    directoryScopeId: r.directoryScopeId,
    roleDefinitionId: r.roleDefinitionId,
    appScopeId: null,
    condition: null,
  };
}

const ASSIGNMENT_FIELDS = [
  'id',
  'principalId',
  'directoryScopeId',
  'roleDefinitionId',
  'appScopeId',
  'condition',
] satisfies Properties<Graph.UnifiedRoleAssignment>;

function listAssignments(deps: RouteDeps, req: ApiRequest) {
  allowOptions(req, ['$filter', '$select']);
  let items = deps.state.listRoleAssignments();
  const filterText = queryOption(req.query, '$filter');
  if (filterText !== undefined) {
    const expr = parseFilter(filterText);
    // [U] Graph documents filtering on principalId and roleDefinitionId; the dev tenant takes
    // equality on those (and directoryScopeId), combined with 'and'.
    const clauses = equalityClauses(expr);
    const allowed = new Set(['principalid', 'roledefinitionid', 'directoryscopeid']);
    if (!clauses || [...clauses.keys()].some((k) => !allowed.has(k))) {
      throw unsupportedQuery(`Unsupported filter on roleAssignments: '${filterText}'.`);
    }
    items = items.filter((r) => evaluateFilter(expr, objectLookup(assignmentEntity(r))));
  }
  const select = selectOf(req);
  return json({
    '@odata.context': metadata(deps, 'roleManagement/directory/roleAssignments'),
    value: items.map((r) =>
      project(assignmentEntity(r), select, ASSIGNMENT_FIELDS, 'microsoft.graph.unifiedRoleAssignment'),
    ),
  });
}

function createAssignment(deps: RouteDeps, req: ApiRequest) {
  const body = bodyObject(req);
  refuseUnknownProperties(body, CREATE_ROLE_ASSIGNMENT);
  const { roleDefinitionId, principalId, directoryScopeId, appScopeId } = body;
  if (typeof roleDefinitionId !== 'string' || !roleDefinitionId) {
    throw badRequest("Invalid value specified for property 'roleDefinitionId' of resource 'UnifiedRoleAssignment'.");
  }
  if (typeof principalId !== 'string' || !principalId) {
    throw badRequest("Invalid value specified for property 'principalId' of resource 'UnifiedRoleAssignment'.");
  }
  if (appScopeId !== undefined && appScopeId !== null) {
    throw badRequest('The dev tenant supports only directoryScopeId scopes.');
  }
  if (typeof directoryScopeId !== 'string' || !directoryScopeId.startsWith('/')) {
    throw badRequest('Either directoryScopeId or appScopeId must be specified.');
  }
  const rec = deps.state.createRoleAssignment(roleDefinitionId, principalId, directoryScopeId);
  return json(
    { '@odata.context': metadata(deps, 'roleManagement/directory/roleAssignments/$entity'), ...assignmentEntity(rec) },
    201,
    { Location: `${deps.baseUrl()}/v1.0/roleManagement/directory/roleAssignments/${rec.id}` },
  );
}

export function roleRoutes(deps: RouteDeps): Route[] {
  const { state } = deps;
  return [
    {
      method: 'GET',
      pattern: '/v1.0/roleManagement/directory/roleDefinitions',
      handler: (req) => {
        allowOptions(req, ['$filter', '$select']);
        let defs = [...BUILTIN_ROLES];
        const filterText = queryOption(req.query, '$filter');
        if (filterText !== undefined) {
          const expr = parseFilter(filterText);
          checkFilter(expr, DEFINITION_FILTERS, 'UnifiedRoleDefinition');
          defs = defs.filter((d) => evaluateFilter(expr, objectLookup({ ...d })));
        }
        const select = selectOf(req);
        return json({
          '@odata.context': metadata(deps, 'roleManagement/directory/roleDefinitions'),
          value: defs.map((d) => project({ ...d }, select, DEFINITION_FIELDS, 'microsoft.graph.unifiedRoleDefinition')),
        });
      },
    },
    {
      method: 'GET',
      pattern: '/v1.0/roleManagement/directory/roleDefinitions/:id',
      handler: (req, p) => {
        allowOptions(req, ['$select']);
        const d = roleDefinition(p.id);
        if (!d) throw resourceNotFound(p.id);
        return json({
          '@odata.context': metadata(deps, 'roleManagement/directory/roleDefinitions/$entity'),
          ...project({ ...d }, selectOf(req), DEFINITION_FIELDS, 'microsoft.graph.unifiedRoleDefinition'),
        });
      },
    },
    {
      method: 'GET',
      pattern: '/v1.0/roleManagement/directory/roleAssignments',
      handler: (req) => listAssignments(deps, req),
    },
    {
      method: 'POST',
      pattern: '/v1.0/roleManagement/directory/roleAssignments',
      handler: (req) => createAssignment(deps, req),
    },
    {
      method: 'GET',
      pattern: '/v1.0/roleManagement/directory/roleAssignments/:id',
      handler: (req, p) => {
        allowOptions(req, ['$select']);
        const r = state.getRoleAssignment(p.id);
        if (!r) throw resourceNotFound(p.id);
        return json({
          '@odata.context': metadata(deps, 'roleManagement/directory/roleAssignments/$entity'),
          ...project(assignmentEntity(r), selectOf(req), ASSIGNMENT_FIELDS, 'microsoft.graph.unifiedRoleAssignment'),
        });
      },
    },
    {
      method: 'DELETE',
      pattern: '/v1.0/roleManagement/directory/roleAssignments/:id',
      handler: (_req, p) => {
        state.deleteRoleAssignment(p.id);
        return noContent();
      },
    },
  ];
}
