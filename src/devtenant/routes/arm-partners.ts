/**
 * ARM `Microsoft.ManagementPartner` (reference §7): the Partner Admin Link of the *calling*
 * identity. Each (tenantId, objectId) of the dev token has at most one link; nobody else can see or
 * change it.
 */
import { armError } from '../errors';
import type { Route } from '../router';
import { ARM_API_VERSIONS, requireArmApiVersion } from '../rules';
import type { PartnerLinkRecord } from '../state';
import { json, type RouteDeps } from './shared';

const BASE = '/providers/Microsoft.ManagementPartner/partners';

function partnerResponse(deps: RouteDeps, link: PartnerLinkRecord, withId: boolean): Record<string, unknown> {
  return {
    id: withId
      ? `/providers/microsoft.managementpartner/partners/${link.partnerId}`
      : '/providers/microsoft.managementpartner/partners',
    type: 'Microsoft.ManagementPartner/partner',
    name: link.partnerId,
    etag: link.etag,
    properties: {
      partnerId: link.partnerId,
      partnerName: deps.state.partnerName(link.partnerId),
      tenantId: link.tenantId,
      objectId: link.objectId,
      version: link.version,
      updatedTime: link.updatedTime,
      createdTime: link.createdTime,
      state: 'Active',
    },
  };
}

function partnerIdOf(raw: string): string {
  // [U] Partner ids are numeric (6 or 7 digits in practice); ARM's answer to others is a guess.
  if (!/^\d{1,10}$/.test(raw))
    throw armError(400, 'BadRequest', `The partner id '${raw}' is invalid: a Microsoft partner id is numeric.`);
  return raw;
}

function noLink(): Error {
  return armError(404, 'NotFound', 'No partner is linked to the calling identity in this tenant.');
}

export function armPartnerRoutes(deps: RouteDeps): Route[] {
  const { state } = deps;
  const versions = ARM_API_VERSIONS.managementPartner;
  return [
    {
      method: 'GET',
      pattern: BASE,
      handler: (req) => {
        requireArmApiVersion(req, versions);
        const link = state.getPartnerLink(req.caller.objectId);
        if (!link) throw noLink();
        return json(partnerResponse(deps, link, false));
      },
    },
    {
      method: 'GET',
      pattern: `${BASE}/:partnerId`,
      handler: (req, p) => {
        requireArmApiVersion(req, versions);
        const partnerId = partnerIdOf(p.partnerId);
        const link = state.getPartnerLink(req.caller.objectId);
        if (!link || link.partnerId !== partnerId) throw noLink();
        return json(partnerResponse(deps, link, true));
      },
    },
    {
      method: 'PUT',
      pattern: `${BASE}/:partnerId`,
      handler: (req, p) => {
        requireArmApiVersion(req, versions);
        const link = state.createPartnerLink(req.caller.objectId, partnerIdOf(p.partnerId));
        return json(partnerResponse(deps, link, true));
      },
    },
    {
      // PATCH /partners/{newId} replaces the caller's linked id: that is how Update-AzManagementPartner
      // and `az managementpartner update` change a link. Without a link there is nothing to update (404).
      method: 'PATCH',
      pattern: `${BASE}/:partnerId`,
      handler: (req, p) => {
        requireArmApiVersion(req, versions);
        const link = state.updatePartnerLink(req.caller.objectId, partnerIdOf(p.partnerId));
        return json(partnerResponse(deps, link, true));
      },
    },
    {
      method: 'DELETE',
      pattern: `${BASE}/:partnerId`,
      handler: (req, p) => {
        requireArmApiVersion(req, versions);
        state.deletePartnerLink(req.caller.objectId, partnerIdOf(p.partnerId));
        return { status: 200 };
      },
    },
  ];
}
