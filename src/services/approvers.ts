/**
 * The facts the approver rule (domain/approvers.ts) decides on, read from the tenant: the owners
 * of the group that carries the grant, and the fallback administrators only when the owners cannot
 * decide. Sending a request reads them as cached reads allow; a decision re-reads them fresh.
 */
import {
  approversFor,
  fallbackApprovers,
  fallbackRoles,
  ownersDecide,
  type ApproverFacts,
  type Grant,
} from '../domain/approvers';
import type { AdminRole } from '../domain/catalog';
import type { DeskRequest, RequestApprover } from '../domain/request';
import type { Directory, Reads } from './directory';

/** Where the approver facts of a grant come from. */
export interface ApproverSource {
  directory: Directory;
  grant: Grant;
  group: { id: string; fallbackName: string } | undefined;
  licenseFallback: ApproverFacts['licenseFallback'];
}

export async function readApprovers(s: ApproverSource, req: DeskRequest, reads: Reads): Promise<RequestApprover[]> {
  const facts = await readFacts(s, req, reads, false);
  return approversFor(facts);
}

/** The fallback administrators of a request: who it is escalated to, read whether or not the owners decide. */
export async function readFallbackApprovers(
  s: ApproverSource,
  req: DeskRequest,
  reads: Reads,
): Promise<RequestApprover[]> {
  return fallbackApprovers(await readFacts(s, req, reads, true));
}

async function readFacts(
  { directory, grant, group, licenseFallback }: ApproverSource,
  req: DeskRequest,
  reads: Reads,
  withFallback: boolean,
): Promise<ApproverFacts> {
  const facts: ApproverFacts = {
    grant,
    requesterId: req.requesterId,
    targetIds: req.targets.map((t) => t.userId),
    licenseFallback,
  };
  if (group) {
    // Side by side: a group name not known yet costs no round trip of its own.
    const [owners, name] = await Promise.all([directory.groupOwners(group.id, reads), directory.groupName(group.id)]);
    facts.group = { displayName: name ?? group.fallbackName, owners };
  }
  if (withFallback || !ownersDecide(facts)) {
    const holders: Partial<Record<AdminRole, Awaited<ReturnType<Directory['roleHolders']>>>> = {};
    const roles = fallbackRoles(grant, licenseFallback);
    const read = await Promise.all(roles.map((role) => directory.roleHolders(role, reads)));
    roles.forEach((role, i) => (holders[role] = read[i]));
    facts.holders = holders;
  }
  return facts;
}
