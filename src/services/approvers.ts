/**
 * The facts the approver rule (domain/approvers.ts) decides on, read from the tenant: the owners
 * of the group that carries the grant, and the fallback administrators only when the owners cannot
 * decide. Sending a request reads them as cached reads allow; a decision re-reads them fresh.
 */
import { approversFor, fallbackRoles, ownersDecide, type ApproverFacts, type Grant } from '../domain/approvers';
import type { AdminRole } from '../domain/catalog';
import type { DeskRequest, RequestApprover } from '../domain/request';
import type { Directory, Reads } from './directory';

export async function readApprovers(
  directory: Directory,
  req: DeskRequest,
  grant: Grant,
  group: { id: string; fallbackName: string } | undefined,
  licenseFallback: ApproverFacts['licenseFallback'],
  reads: Reads,
): Promise<RequestApprover[]> {
  const facts: ApproverFacts = {
    grant,
    requesterId: req.requesterId,
    targetIds: req.targets.map((t) => t.userId),
    licenseFallback,
  };
  if (group) {
    const owners = await directory.groupOwners(group.id, reads);
    facts.group = { displayName: (await directory.groupName(group.id)) ?? group.fallbackName, owners };
  }
  if (!ownersDecide(facts)) {
    const holders: Partial<Record<AdminRole, Awaited<ReturnType<Directory['roleHolders']>>>> = {};
    for (const role of fallbackRoles(grant, licenseFallback)) holders[role] = await directory.roleHolders(role, reads);
    facts.holders = holders;
  }
  return approversFor(facts);
}
