/**
 * Shared by the partner capabilities: their drafts are always "act directly after a confirmation"
 * (nobody approves a partner link or a recorded portal step on someone else's behalf), and what a
 * partner request is about is not a person but Dragon Desk's identity, a subscription, a partner or
 * a customer. Those appear as the request's single target so cards and messages can name them.
 */
import type { PayloadOfKind } from '../domain/payloads';
import { asKind, type DeskRequest, type RequestKind, type RequestTarget } from '../domain/request';
import type { Actor, ServiceDeps } from './types';
import { auditEntry } from './audit';

export type PartnerTarget = Omit<RequestTarget, 'status'>;

/** Target ids are prefixed so they can never be mistaken for (or message) a person. */
export const DRAGON_DESK_TARGET: PartnerTarget = {
  userId: 'dragon-desk',
  displayName: "Dragon Desk's own identity (service principal)",
  userPrincipalName: '',
};

export function subscriptionTarget(subscriptionId: string, name: string): PartnerTarget {
  return {
    userId: `subscription:${subscriptionId.toLowerCase()}`,
    displayName: `${name} (Azure subscription)`,
    userPrincipalName: subscriptionId,
  };
}

export function tenantTarget(): PartnerTarget {
  return { userId: 'tenant', displayName: "your organisation's tenant", userPrincipalName: '' };
}

export function customerTarget(name: string, tenantId?: string): PartnerTarget {
  return { userId: `customer:${name.toLowerCase()}`, displayName: name, userPrincipalName: tenantId ?? '' };
}

export async function createDirectDraft<K extends RequestKind>(
  deps: ServiceDeps,
  actor: Actor,
  draft: { kind: K; subject: string; payload: PayloadOfKind[K]; target: PartnerTarget },
): Promise<DeskRequest<K>> {
  const stored = await deps.store.requests.create(
    {
      tenantId: deps.config.tenantId,
      kind: draft.kind,
      state: 'draft',
      requesterId: actor.id,
      requesterName: actor.name,
      subject: draft.subject,
      payload: { ...draft.payload, direct: true },
      targets: [draft.target],
    },
    auditEntry(actor, 'request.draft', deps.config.tenantId, { kind: draft.kind, subject: draft.subject }),
  );
  return asKind(draft.kind, stored);
}

/** Appends a refusal to the audit log, so "who tried what" is answerable later. */
export async function auditRefusal(
  deps: ServiceDeps,
  actor: Actor,
  action: string,
  detail: Record<string, unknown>,
): Promise<void> {
  await deps.store.audit.append({ ...auditEntry(actor, action, deps.config.tenantId, detail) });
}
