/**
 * Azure Resource Manager paths and response shapes Dragon Desk uses, mapped to the port's types.
 * Pure.
 */
import type { AzureRoleAssignment, AzureSubscription, ClassicAdministrator, PartnerLink } from './types';
import { asText } from '../text';

/** Microsoft.ManagementPartner (PAL) spec version (microsoft-apis §7). */
export const PAL_API_VERSION = '2018-02-01';
/** Subscriptions list, GA version. */
export const SUBSCRIPTIONS_API_VERSION = '2022-12-01';
/** Microsoft.Authorization roleAssignments, GA version that supports `$filter=principalId eq …`. */
export const ROLE_ASSIGNMENTS_API_VERSION = '2022-04-01';

/** Microsoft.Authorization classicAdministrators. [U] the classic API is retired; its last version. */
export const CLASSIC_ADMINISTRATORS_API_VERSION = '2015-07-01';

export function classicAdministratorsPath(subscriptionId: string): string {
  return `/subscriptions/${encodeURIComponent(subscriptionId)}/providers/Microsoft.Authorization/classicAdministrators?api-version=${CLASSIC_ADMINISTRATORS_API_VERSION}`;
}

export function classicAdministratorFromArm(v: Record<string, unknown>): ClassicAdministrator {
  const p = (v.properties ?? {}) as Record<string, unknown>;
  return { name: asText(v.name), emailAddress: asText(p.emailAddress), role: asText(p.role) };
}

export function palPath(partnerId?: string): string {
  const base = '/providers/Microsoft.ManagementPartner/partners';
  const tail = partnerId === undefined ? '' : `/${encodeURIComponent(partnerId)}`;
  return `${base}${tail}?api-version=${PAL_API_VERSION}`;
}

export function subscriptionsPath(): string {
  return `/subscriptions?api-version=${SUBSCRIPTIONS_API_VERSION}`;
}

export function subscriptionRoleAssignmentsPath(subscriptionId: string, principalId?: string): string {
  const filter = principalId
    ? `&$filter=${encodeURIComponent(`principalId eq '${principalId.replace(/'/g, "''")}'`)}`
    : '';
  return `/subscriptions/${encodeURIComponent(subscriptionId)}/providers/Microsoft.Authorization/roleAssignments?api-version=${ROLE_ASSIGNMENTS_API_VERSION}${filter}`;
}

interface PartnerResponse {
  name?: string;
  etag?: number;
  properties?: {
    partnerId?: string;
    partnerName?: string;
    tenantId?: string;
    objectId?: string;
    version?: string | number;
    state?: string;
    createdTime?: string;
    updatedTime?: string;
  };
}

export function partnerLinkFromArm(body: unknown): PartnerLink {
  const r = (body ?? {}) as PartnerResponse;
  const p = r.properties ?? {};
  return {
    partnerId: String(p.partnerId ?? r.name ?? ''),
    partnerName: p.partnerName,
    tenantId: p.tenantId ?? '',
    objectId: p.objectId ?? '',
    state: p.state ?? 'Active',
    createdTime: p.createdTime,
    updatedTime: p.updatedTime,
    // The spec says int32, its examples a string: keep whichever came.
    version: p.version,
  };
}

export function subscriptionFromArm(v: Record<string, unknown>): AzureSubscription {
  return {
    subscriptionId: asText(v.subscriptionId),
    displayName: asText(v.displayName),
    state: asText(v.state),
  };
}

export function roleAssignmentFromArm(v: Record<string, unknown>): AzureRoleAssignment {
  const p = (v.properties ?? {}) as Record<string, unknown>;
  return {
    id: asText(v.id),
    roleDefinitionId: asText(p.roleDefinitionId),
    principalId: asText(p.principalId),
    scope: asText(p.scope),
  };
}
