/**
 * Who may do what, from Microsoft's Dragon Copilot admin documentation. Pure functions over facts
 * that services read fresh from the tenant (roles, group ownership) — never from message text or
 * card data.
 */
import { LICENSE_ASSIGNERS, ROLE_ASSIGNERS, STATUS_READERS, roleByTemplateId, type AdminRole } from './catalog';
import type { DeskRequest } from './request';

export function rolesFromTemplateIds(templateIds: readonly string[]): Set<AdminRole> {
  const roles = new Set<AdminRole>();
  for (const id of templateIds) {
    const role = roleByTemplateId(id);
    if (role) roles.add(role);
  }
  return roles;
}

/** The first role (in the documentation's order) that lets the actor assign Dragon licenses directly. */
export function licenseAssignerRole(roles: ReadonlySet<AdminRole>): AdminRole | undefined {
  return LICENSE_ASSIGNERS.find((r) => roles.has(r));
}

/** The role that lets the actor assign the Dragon Administrator role directly. */
export function roleAssignerRole(roles: ReadonlySet<AdminRole>): AdminRole | undefined {
  return ROLE_ASSIGNERS.find((r) => roles.has(r));
}

export function isStatusReader(roles: ReadonlySet<AdminRole>): boolean {
  return STATUS_READERS.some((r) => roles.has(r));
}

export type DecisionCheck = { ok: true } | { ok: false; reason: string; code: string };

/**
 * May `actorId` decide this request now? `stillEntitled` is the fresh answer to "is this person,
 * today, an owner of the group / holder of the fallback role that made them an approver".
 */
export function checkApprover(request: DeskRequest, actorId: string, stillEntitled: boolean): DecisionCheck {
  if (actorId === request.requesterId)
    return {
      ok: false,
      code: 'refused.own-request',
      reason: 'You asked for this, so you cannot approve or reject it yourself; another approver has to decide.',
    };
  if (request.targets.some((t) => t.userId === actorId))
    return {
      ok: false,
      code: 'refused.is-target',
      reason: 'This request would give you the license or role, so you cannot decide it yourself.',
    };
  if (!request.approvers.some((a) => a.approverId === actorId))
    return { ok: false, code: 'refused.not-approver', reason: 'You are not one of the approvers of this request.' };
  if (!stillEntitled)
    return {
      ok: false,
      code: 'refused.no-longer-approver',
      reason:
        'You were an approver when this request was sent, but you no longer are (for example, you are no longer an owner of the group), so your decision cannot be accepted.',
    };
  return { ok: true };
}

/** How a person stands to a request, as the request itself records it. */
export type RequestRelation = 'requester' | 'approver' | 'target' | 'none';

export function relationTo(request: DeskRequest, personId: string): RequestRelation {
  if (request.requesterId === personId) return 'requester';
  if (request.approvers.some((a) => a.approverId === personId)) return 'approver';
  if (request.targets.some((t) => t.userId === personId)) return 'target';
  return 'none';
}

/** What decides whether someone a request does not involve may look at it, read from the tenant. */
export interface OnlookerFacts {
  /** Holds a role that may read every request's status (STATUS_READERS). */
  statusReader: boolean;
  /** Owns the license group of this request's kind (license requests only). */
  ownsLicenseGroup: boolean;
}

/**
 * Who may see a request — its card, its justification, its history — whether they ask by text or
 * click a card naming it: the people it involves, administrators, and for a license request the
 * owners of that license's group.
 */
export function mayViewRequest(relation: RequestRelation, facts: OnlookerFacts | undefined): boolean {
  if (relation !== 'none') return true;
  return !!facts && (facts.statusReader || facts.ownsLicenseGroup);
}
