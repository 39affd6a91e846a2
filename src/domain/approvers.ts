/**
 * Who may approve a request, and why — the one rule, from Microsoft's best practice for
 * group-based licensing and the Dragon Administrator role (design.md): the owners of the group that
 * carries the grant decide; when that group has no owner who can (none, all disabled, or all of
 * them the requester or a target), or no group is configured, the fallback administrators decide.
 * Nobody approves their own request, nor one that would give them the grant.
 *
 * Pure: services read the facts (owners, role holders) and hand them in. The fallback's holders
 * are only needed when the owners cannot decide, so `fallbackRoles` says which to read.
 */
import { LICENSE_INFO, ROLE_NAMES, type AdminRole, type LicenseKind } from './catalog';
import type { RequestApprover } from './request';

export interface Candidate {
  id: string;
  displayName: string;
  accountEnabled?: boolean | null;
}

/** What is being approved: a Dragon license of a kind, or the Dragon Administrator role. */
export type Grant = { of: 'license'; kind: LicenseKind } | { of: 'dragon-admin' };

export interface ApproverFacts {
  grant: Grant;
  requesterId: string;
  targetIds: readonly string[];
  /** The group that carries the grant, with its owners as read; absent when none is configured. */
  group?: { displayName: string; owners: readonly Candidate[] };
  /** Whether License Administrators decide a license request nobody owns (`APPROVER_FALLBACK`). */
  licenseFallback: 'license-admins' | 'none';
  /** Holders of the fallback roles, as read (only needed when the owners cannot decide). */
  holders?: Partial<Record<AdminRole, readonly Candidate[]>>;
}

/** The roles that decide when the owners cannot: none for licenses when the fallback is off. */
export function fallbackRoles(grant: Grant, licenseFallback: ApproverFacts['licenseFallback']): AdminRole[] {
  if (grant.of === 'dragon-admin') return ['globalAdministrator', 'privilegedRoleAdministrator'];
  return licenseFallback === 'license-admins' ? ['licenseAdministrator'] : [];
}

/** Whether the group's owners decide (so the fallback's holders need not be read). */
export function ownersDecide(facts: Pick<ApproverFacts, 'group' | 'requesterId' | 'targetIds'>): boolean {
  return !!facts.group && eligibleApprovers(facts.group.owners, facts.requesterId, facts.targetIds).length > 0;
}

export function approversFor(facts: ApproverFacts): RequestApprover[] {
  const { grant, group, requesterId, targetIds } = facts;
  if (group) {
    const owners = eligibleApprovers(group.owners, requesterId, targetIds);
    if (owners.length)
      return owners.map((o) => ({
        approverId: o.id,
        displayName: o.displayName,
        reason: `an owner of the group “${group.displayName}”, which ${carries(grant)}`,
      }));
  }
  const why = fallbackWhy(grant, !!group);
  const out: RequestApprover[] = [];
  for (const role of fallbackRoles(grant, facts.licenseFallback)) {
    for (const p of eligibleApprovers(facts.holders?.[role] ?? [], requesterId, targetIds))
      if (!out.some((o) => o.approverId === p.id))
        out.push({ approverId: p.id, displayName: p.displayName, reason: `a ${ROLE_NAMES[role]} (${why})` });
  }
  return out;
}

/** Approvers exclude the requester, the people who would receive the grant, and disabled accounts. */
export function eligibleApprovers<T extends { id: string; accountEnabled?: boolean | null }>(
  candidates: readonly T[],
  requesterId: string,
  targetIds: readonly string[],
): T[] {
  const seen = new Set<string>();
  return candidates.filter((c) => {
    if (seen.has(c.id)) return false;
    seen.add(c.id);
    return c.accountEnabled !== false && c.id !== requesterId && !targetIds.includes(c.id);
  });
}

function carries(grant: Grant): string {
  return grant.of === 'license'
    ? `carries the ${LICENSE_INFO[grant.kind].label} license`
    : 'holds the Dragon Administrator role';
}

function fallbackWhy(grant: Grant, groupConfigured: boolean): string {
  if (grant.of === 'license')
    return groupConfigured
      ? 'the license group has no enabled owner who can decide'
      : `no license group is configured for ${grant.kind} licenses`;
  return groupConfigured
    ? 'the Dragon Administrators group has no enabled owner who can decide'
    : 'no Dragon Administrators group is configured';
}
