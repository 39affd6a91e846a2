/**
 * The audit trail's vocabulary: who acted (a person, or Dragon Desk itself when the worker or a
 * check acts), and one way to write an entry.
 */
import type { AuditEntry } from '../store/types';

/** Dragon Desk acting on its own: the worker carrying out a change, a check stopping a draft, expiry. */
export const SYSTEM_ACTOR = { id: 'dragon-desk', name: 'Dragon Desk' } as const;

/** Who an entry or a decision is attributed to. */
export interface AuditActor {
  id: string;
  name?: string;
}

/** An audit entry, without the request it belongs to (the store adds it with the transition). */
export function auditEntry(
  actor: AuditActor,
  action: string,
  tenantId: string,
  detail?: Record<string, unknown>,
  graphRequestId?: string,
): Omit<AuditEntry, 'requestId'> {
  return { actorId: actor.id, actorName: actor.name, action, tenantId, detail, graphRequestId };
}

/** Fields of a decision Dragon Desk takes itself (a failed check, expiry). */
export function systemDecision(at: string, reason: string) {
  return { decidedBy: SYSTEM_ACTOR.id, decidedByName: SYSTEM_ACTOR.name, decidedAt: at, decisionReason: reason };
}
