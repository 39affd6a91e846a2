/**
 * ARM subscriptions and who holds them: the subscriptions the caller can see, their Azure role
 * assignments (Owner is what lets someone attach a partner of record), and the classic
 * administrators (service admin, co-admins) who cannot.
 */
import { armError } from '../errors';
import { parseFilter, queryOption, type FilterExpr } from '../odata';
import type { ApiRequest, Route } from '../router';
import { ARM_API_VERSIONS, requireArmApiVersion } from '../rules';
import type { ArmRoleAssignmentRecord, SubscriptionRecord } from '../state';
import { json, type RouteDeps } from './shared';

function subscriptionEntity(tenantId: string, s: SubscriptionRecord): Record<string, unknown> {
  return {
    id: `/subscriptions/${s.subscriptionId}`,
    authorizationSource: 'RoleBased',
    managedByTenants: [],
    subscriptionId: s.subscriptionId,
    tenantId,
    displayName: s.displayName,
    state: s.state,
    subscriptionPolicies: {
      locationPlacementId: 'Public_2014-09-01',
      quotaId: 'EnterpriseAgreement_2014-09-01',
      spendingLimit: 'Off',
    },
  };
}

function roleAssignmentEntity(sub: SubscriptionRecord, ra: ArmRoleAssignmentRecord): Record<string, unknown> {
  return {
    id: `${ra.scope}/providers/Microsoft.Authorization/roleAssignments/${ra.name}`,
    name: ra.name,
    type: 'Microsoft.Authorization/roleAssignments',
    properties: {
      roleDefinitionId: `/subscriptions/${sub.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${ra.roleDefinitionGuid}`,
      principalId: ra.principalId,
      principalType: ra.principalType,
      scope: ra.scope,
      condition: null,
      conditionVersion: null,
      createdOn: ra.createdOn,
      updatedOn: ra.createdOn,
      createdBy: null,
      updatedBy: null,
      delegatedManagedIdentityResourceId: null,
      description: null,
    },
  };
}

function requireVisibleSubscription(deps: RouteDeps, req: ApiRequest, id: string, action: string): SubscriptionRecord {
  const sub = deps.state.getSubscription(id);
  if (!sub) throw armError(404, 'SubscriptionNotFound', `The subscription '${id}' could not be found.`);
  if (!deps.state.canSeeSubscription(sub, req.caller.objectId)) {
    const who = req.caller.objectId;
    throw armError(
      403,
      'AuthorizationFailed',
      `The client '${who}' with object id '${who}' does not have authorization to perform action '${action}' over scope '/subscriptions/${sub.subscriptionId}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
    );
  }
  return sub;
}

/** `atScope()`, `principalId eq '…'`, `assignedTo('…')`, or both joined by `and`. */
function roleAssignmentPredicate(
  deps: RouteDeps,
  text: string | undefined,
): (ra: ArmRoleAssignmentRecord, sub: SubscriptionRecord) => boolean {
  if (text === undefined) return () => true;
  const expr = parseFilter(text);
  const invalid = () =>
    armError(
      400,
      'InvalidFilterInQueryString',
      `Invalid $filter '${text}': supported are atScope(), principalId eq '{id}' and assignedTo('{id}').`,
    );
  const one = (e: FilterExpr): ((ra: ArmRoleAssignmentRecord, sub: SubscriptionRecord) => boolean) => {
    if (e.kind === 'and') {
      const l = one(e.left);
      const r = one(e.right);
      return (ra, sub) => l(ra, sub) && r(ra, sub);
    }
    if (e.kind === 'call' && e.name === 'atscope' && e.args.length === 0 && !e.path) {
      return (ra, sub) => ra.scope.toLowerCase() === `/subscriptions/${sub.subscriptionId}`.toLowerCase();
    }
    if (
      e.kind === 'cmp' &&
      e.op === 'eq' &&
      e.path.join('/').toLowerCase() === 'principalid' &&
      typeof e.value === 'string'
    ) {
      const id = e.value.toLowerCase();
      return (ra) => ra.principalId.toLowerCase() === id;
    }
    if (e.kind === 'call' && e.name === 'assignedto' && e.args.length === 1 && typeof e.args[0] === 'string') {
      // assignedTo includes assignments to the groups the principal belongs to.
      const id = e.args[0];
      const ids = new Set([id.toLowerCase(), ...deps.state.transitiveGroupIds(id).map((g) => g.toLowerCase())]);
      return (ra) => ids.has(ra.principalId.toLowerCase());
    }
    throw invalid();
  };
  return one(expr);
}

export function armSubscriptionRoutes(deps: RouteDeps): Route[] {
  const { state } = deps;
  return [
    {
      method: 'GET',
      pattern: '/subscriptions',
      handler: (req) => {
        requireArmApiVersion(req, ARM_API_VERSIONS.subscriptions);
        const visible = state.listSubscriptions().filter((s) => state.canSeeSubscription(s, req.caller.objectId));
        return json({
          value: visible.map((s) => subscriptionEntity(state.tenantId, s)),
          count: { type: 'Total', value: visible.length },
        });
      },
    },
    {
      method: 'GET',
      pattern: '/subscriptions/:id',
      handler: (req, p) => {
        requireArmApiVersion(req, ARM_API_VERSIONS.subscriptions);
        const sub = requireVisibleSubscription(deps, req, p.id, 'Microsoft.Resources/subscriptions/read');
        return json(subscriptionEntity(state.tenantId, sub));
      },
    },
    {
      method: 'GET',
      pattern: '/subscriptions/:id/providers/Microsoft.Authorization/roleAssignments',
      handler: (req, p) => {
        requireArmApiVersion(req, ARM_API_VERSIONS.roleAssignments);
        const sub = requireVisibleSubscription(deps, req, p.id, 'Microsoft.Authorization/roleAssignments/read');
        const pred = roleAssignmentPredicate(deps, queryOption(req.query, '$filter'));
        return json({
          value: sub.roleAssignments.filter((ra) => pred(ra, sub)).map((ra) => roleAssignmentEntity(sub, ra)),
        });
      },
    },
    {
      method: 'GET',
      pattern: '/subscriptions/:id/providers/Microsoft.Authorization/classicAdministrators',
      handler: (req, p) => {
        requireArmApiVersion(req, ARM_API_VERSIONS.classicAdministrators);
        const sub = requireVisibleSubscription(deps, req, p.id, 'Microsoft.Authorization/classicAdministrators/read');
        return json({
          value: sub.classicAdministrators.map((c) => ({
            id: `/subscriptions/${sub.subscriptionId}/providers/Microsoft.Authorization/classicAdministrators/${c.userId}`,
            name: c.userId,
            type: 'Microsoft.Authorization/classicAdministrators',
            properties: { emailAddress: c.emailAddress, role: c.role },
          })),
        });
      },
    },
  ];
}
