/**
 * GDAP, partner side (reference §9): create a delegated admin relationship with the documented
 * constraints, lock it for approval, read it. Customer approval happens in the admin center, so
 * there is no Graph call for it; the dev tenant offers `/_devtenant/gdap/{id}/approve` instead.
 */
import { ROLE_TEMPLATE } from '../../domain/catalog';
import { DAY_MS, isoDurationMs, parseIsoDuration } from '../duration';
import { badRequest, TenantHttpError } from '../errors';
import type { Graph } from '../../tenant/graphTypes';
import type { ApiRequest, Route } from '../router';
import { isGuid } from '../../guid';
import type { GdapRelationshipRecord, GdapRequestRecord } from '../state';
import { CREATE_GDAP_RELATIONSHIP, GDAP, GDAP_REQUEST, refuseUnknownProperties } from '../rules';
import { allowOptions, bodyObject, json, metadata, type RouteDeps } from './shared';
import { asText } from '../../text';

const BASE = '/v1.0/tenantRelationships/delegatedAdminRelationships';

function etag(rel: GdapRelationshipRecord): string {
  return `W/"${Buffer.from(`"${String(rel.revision).padStart(16, '0')}"`).toString('base64')}"`;
}

export function relationshipEntity(
  rel: GdapRelationshipRecord,
): Graph.DelegatedAdminRelationship & { '@odata.etag': string } {
  return {
    '@odata.etag': etag(rel),
    id: rel.id,
    displayName: rel.displayName,
    duration: rel.duration,
    status: rel.status,
    autoExtendDuration: rel.autoExtendDuration,
    createdDateTime: rel.createdDateTime,
    lastModifiedDateTime: rel.lastModifiedDateTime,
    activatedDateTime: rel.activatedDateTime,
    endDateTime: rel.endDateTime,
    customer: rel.customer,
    accessDetails: { unifiedRoles: rel.accessDetails.unifiedRoles.map((r) => ({ ...r })) },
  };
}

function requestEntity(r: GdapRequestRecord): Graph.DelegatedAdminRelationshipRequest {
  return {
    id: r.id,
    action: r.action,
    status: r.status,
    createdDateTime: r.createdDateTime,
    lastModifiedDateTime: r.lastModifiedDateTime,
  };
}

/** Duration between P1D and P2Y, in days or years (GDAP's documented bounds). */
export function validGdapDuration(text: string): boolean {
  const d = parseIsoDuration(text);
  if (!d || d.hours || d.minutes || d.seconds || d.months) return false;
  const ms = isoDurationMs(text)!;
  return ms >= GDAP.minDurationDays * DAY_MS && ms <= GDAP.maxDurationDays * DAY_MS;
}

/**
 * `customer`, when given, names the one tenant that may approve: tenantId is required (not nullable
 * in Graph's metadata); displayName is read-only, set by Microsoft Entra ID, so a name the partner
 * sends is ignored. The dev tenant knows no customer tenant's name, so it stays null.
 */
function customerOf(value: unknown): GdapRelationshipRecord['customer'] {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value))
    throw badRequest("Invalid value specified for property 'customer'.", 'BadRequest');
  const c = value as Record<string, unknown>;
  if (c.tenantId === undefined || c.tenantId === null)
    throw badRequest("The property 'customer.tenantId' is required and cannot be null.", 'BadRequest');
  if (!isGuid(c.tenantId)) throw badRequest("Invalid value for 'customer.tenantId'.", 'BadRequest');
  return { tenantId: c.tenantId.toLowerCase(), displayName: null };
}

function createRelationship(deps: RouteDeps, req: ApiRequest) {
  const body = bodyObject(req);
  // [U] GDAP validation errors: the constraints are documented, the codes and texts are the dev tenant's.
  refuseUnknownProperties(body, CREATE_GDAP_RELATIONSHIP);
  const { displayName, duration } = body;
  if (typeof displayName !== 'string' || displayName.trim() === '')
    throw badRequest("The 'displayName' is required.", 'BadRequest');
  if (displayName.length > GDAP.maxDisplayName) {
    throw badRequest(`The 'displayName' must be at most ${GDAP.maxDisplayName} characters.`, 'BadRequest');
  }
  if (typeof duration !== 'string' || !validGdapDuration(duration)) {
    throw badRequest(
      "The 'duration' must be an ISO 8601 duration between P1D and P2Y (for example P730D).",
      'BadRequest',
    );
  }
  const autoExtendDuration = body.autoExtendDuration === undefined ? 'PT0S' : body.autoExtendDuration;
  if (
    typeof autoExtendDuration !== 'string' ||
    !(GDAP.autoExtendDurations as readonly string[]).includes(autoExtendDuration)
  ) {
    throw badRequest("The 'autoExtendDuration' must be PT0S, P0D or P180D.", 'BadRequest');
  }
  const access = (body.accessDetails ?? {}) as Record<string, unknown>;
  const roles = access.unifiedRoles;
  if (!Array.isArray(roles) || roles.length === 0) {
    throw badRequest("The 'accessDetails.unifiedRoles' must list at least one role.", 'BadRequest');
  }
  const roleIds = roles.map((r: unknown) => asText((r as Record<string, unknown> | null)?.roleDefinitionId));
  for (const id of roleIds) if (!isGuid(id)) throw badRequest(`Invalid roleDefinitionId '${id}'.`, 'BadRequest');
  // [V-c] partner KB: a relationship that includes Global Administrator cannot auto-extend.
  const hasGlobalAdmin = roleIds.some((id) => id.toLowerCase() === ROLE_TEMPLATE.globalAdministrator);
  if (hasGlobalAdmin && autoExtendDuration === 'P180D') {
    throw badRequest(
      'A relationship that includes the Global Administrator role cannot be auto-extended.',
      'BadRequest',
    );
  }
  const customer = customerOf(body.customer);
  const rel = deps.state.createGdap({
    displayName,
    duration,
    customer,
    roleDefinitionIds: roleIds,
    autoExtendDuration,
  });
  return json(
    {
      '@odata.context': metadata(deps, 'tenantRelationships/delegatedAdminRelationships/$entity'),
      ...relationshipEntity(rel),
    },
    201,
    {
      Location: `${deps.baseUrl()}${BASE}/${rel.id}`,
    },
  );
}

function notFound(id: string): TenantHttpError {
  return new TenantHttpError(404, 'NotFound', `The delegated admin relationship '${id}' was not found.`);
}

export function gdapRoutes(deps: RouteDeps): Route[] {
  const { state } = deps;
  return [
    { method: 'POST', pattern: BASE, handler: (req) => createRelationship(deps, req) },
    {
      method: 'GET',
      pattern: BASE,
      handler: (req) => {
        allowOptions(req, []);
        return json({
          '@odata.context': metadata(deps, 'tenantRelationships/delegatedAdminRelationships'),
          value: state.listGdap().map(relationshipEntity),
        });
      },
    },
    {
      method: 'GET',
      pattern: `${BASE}/:id`,
      handler: (_req, p) => {
        const rel = state.getGdap(p.id);
        if (!rel) throw notFound(p.id);
        return json({
          '@odata.context': metadata(deps, 'tenantRelationships/delegatedAdminRelationships/$entity'),
          ...relationshipEntity(rel),
        });
      },
    },
    {
      method: 'POST',
      pattern: `${BASE}/:id/requests`,
      handler: (req, p) => {
        const body = bodyObject(req);
        refuseUnknownProperties(body, GDAP_REQUEST);
        if (typeof body.action !== 'string') throw badRequest("The 'action' is required.", 'BadRequest');
        const r = state.gdapRequest(p.id, body.action);
        return json(
          {
            '@odata.context': metadata(
              deps,
              `tenantRelationships/delegatedAdminRelationships('${p.id}')/requests/$entity`,
            ),
            ...requestEntity(r),
          },
          201,
          { Location: `${deps.baseUrl()}${BASE}/${p.id}/requests/${r.id}` },
        );
      },
    },
    {
      method: 'GET',
      pattern: `${BASE}/:id/requests`,
      handler: (_req, p) => {
        const rel = state.getGdap(p.id);
        if (!rel) throw notFound(p.id);
        return json({
          '@odata.context': metadata(deps, `tenantRelationships/delegatedAdminRelationships('${p.id}')/requests`),
          value: rel.requests.map(requestEntity),
        });
      },
    },
  ];
}
