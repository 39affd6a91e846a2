/**
 * License assignment (reference §2, §3): direct `assignLicense` (synchronous, 200 with the user),
 * group `assignLicense` (202, processed later), reprocessing, and licenseDetails.
 */
import { createHash } from 'node:crypto';
import { badRequest } from '../errors';
import type { Graph } from '../../tenant/graphTypes';
import type { ApiRequest, Route } from '../router';
import { ASSIGN_LICENSE, refuseUnknownProperties } from '../rules';
import {
  allowOptions,
  bodyObject,
  json,
  listResponse,
  metadata,
  projectGroup,
  projectUser,
  USER_DEFAULT_SELECT,
  type RouteDeps,
} from './shared';
import { asText } from '../../text';

interface LicenseChange {
  add: { skuId: string; disabledPlans: string[] }[];
  remove: string[];
}

/**
 * Both sides are required, `[]` when empty. [U] The 400 for a missing side is widely reported
 * (reference §2) but not documented; its text here is the dev tenant's own.
 */
export function parseLicenseChange(body: Record<string, unknown>): LicenseChange {
  refuseUnknownProperties(body, ASSIGN_LICENSE);
  const { addLicenses, removeLicenses } = body;
  if (!Array.isArray(addLicenses) || !Array.isArray(removeLicenses)) {
    throw badRequest(
      "Invalid request: both 'addLicenses' and 'removeLicenses' are required (send [] for an empty side).",
    );
  }
  const add = addLicenses.map((a: unknown) => {
    const rec = (a ?? {}) as Record<string, unknown>;
    const disabled = rec.disabledPlans ?? [];
    if (!Array.isArray(disabled) || disabled.some((d) => typeof d !== 'string')) {
      throw badRequest("Invalid value specified for property 'disabledPlans' of resource 'AssignedLicense'.");
    }
    return { skuId: asText(rec.skuId), disabledPlans: disabled as string[] };
  });
  const remove = removeLicenses.map((r: unknown) => String(r));
  return { add, remove };
}

const WITH_LICENSES = [...USER_DEFAULT_SELECT, 'assignedLicenses'];

function licenseDetailId(userId: string, skuId: string): string {
  return createHash('sha256').update(`${userId}|${skuId}`).digest('base64url').slice(0, 43);
}

export function licenseRoutes(deps: RouteDeps): Route[] {
  const { state } = deps;
  return [
    {
      method: 'POST',
      pattern: '/v1.0/users/:id/assignLicense',
      handler: (req: ApiRequest, p) => {
        const change = parseLicenseChange(bodyObject(req));
        const user = state.assignLicenseDirect(p.id, change.add, change.remove);
        return json({ '@odata.context': metadata(deps, 'users/$entity'), ...projectUser(state, user, WITH_LICENSES) });
      },
    },
    {
      method: 'POST',
      pattern: '/v1.0/groups/:id/assignLicense',
      handler: (req, p) => {
        const change = parseLicenseChange(bodyObject(req));
        const g = state.assignLicenseToGroup(p.id, change.add, change.remove);
        return json(
          {
            '@odata.context': metadata(deps, 'groups/$entity'),
            ...projectGroup(g, undefined),
            assignedLicenses: g.assignedLicenses,
          },
          202,
          {
            Location: `${deps.baseUrl()}/v2/${state.tenantId}/directoryObjects/${g.id}/Microsoft.DirectoryServices.Group`,
          },
        );
      },
    },
    {
      method: 'POST',
      pattern: '/v1.0/users/:id/reprocessLicenseAssignment',
      handler: (_req, p) => {
        const user = state.reprocessUser(p.id);
        return json({ '@odata.context': metadata(deps, 'users/$entity'), ...projectUser(state, user, WITH_LICENSES) });
      },
    },
    {
      method: 'GET',
      pattern: '/v1.0/users/:id/licenseDetails',
      handler: (req, p) => {
        allowOptions(req, ['$select', '$top', '$skiptoken']);
        const user = state.requireUser(p.id);
        const details = state
          .assignedLicenses(user)
          .map((l) => ({ held: l, sku: state.getSku(l.skuId) }))
          .filter((x) => x.sku)
          .map(({ held, sku }): Graph.LicenseDetails => ({
            id: licenseDetailId(user.id, held.skuId),
            skuId: sku!.skuId,
            skuPartNumber: sku!.skuPartNumber,
            servicePlans: sku!.servicePlans.map((sp) => ({
              servicePlanId: sp.servicePlanId,
              servicePlanName: sp.servicePlanName,
              provisioningStatus: held.disabledPlans.includes(sp.servicePlanId) ? 'Disabled' : 'Success',
              appliesTo: sp.appliesTo,
            })),
          }));
        return listResponse(req, deps, details, (d) => d, {
          context: `users('${user.id}')/licenseDetails`,
          defaultTop: 100,
          maxTop: 999,
        });
      },
    },
  ];
}
