/**
 * The request every write goes through, and its state machine (design.md, "The request lifecycle").
 * Pure: no I/O. The store applies a transition as one conditional update
 * (`WHERE id = ? AND state = ? AND version = ?`), so exactly one caller wins.
 */

import type { PayloadOfKind } from './payloads';

export type RequestKind =
  | 'license.assign'
  | 'license.remove'
  | 'license.recertify'
  | 'role.assign'
  | 'role.remove'
  | 'partner.link'
  | 'partner.link.update'
  | 'partner.link.remove'
  | 'partner.record'
  | 'partner.roles.remove'
  | 'partner.offer'
  | 'setup';

export type RequestState =
  'draft' | 'pending' | 'approved' | 'executing' | 'completed' | 'failed' | 'rejected' | 'cancelled' | 'expired';

export type RequestEvent =
  | 'submit' // draft -> pending (routed to approvers)
  | 'confirm' // draft -> approved (an admin acting directly confirms)
  | 'approve'
  | 'reject'
  | 'cancel'
  | 'expire'
  | 'start' // approved -> executing (the worker claims it)
  | 'resume' // executing -> executing (a worker takes over an abandoned execution)
  | 'complete'
  | 'fail';

const TRANSITIONS: Record<RequestState, Partial<Record<RequestEvent, RequestState>>> = {
  draft: { submit: 'pending', confirm: 'approved', cancel: 'cancelled', expire: 'expired' },
  pending: { approve: 'approved', reject: 'rejected', cancel: 'cancelled', expire: 'expired' },
  approved: { start: 'executing' },
  executing: { resume: 'executing', complete: 'completed', fail: 'failed' },
  completed: {},
  failed: {},
  rejected: {},
  cancelled: {},
  expired: {},
};

/** The state an event leads to, or undefined when the event is not allowed from `from`. */
export function nextState(from: RequestState, event: RequestEvent): RequestState | undefined {
  return TRANSITIONS[from][event];
}

export function isFinal(state: RequestState): boolean {
  return Object.keys(TRANSITIONS[state]).length === 0;
}

/** Open = still waiting for a person (draft or pending) or for the worker (approved, executing). */
export function isOpen(state: RequestState): boolean {
  return !isFinal(state);
}

export type TargetStatus = 'waiting' | 'done' | 'failed' | 'skipped';

/** One person a request is about. */
export interface RequestTarget {
  userId: string;
  displayName: string;
  userPrincipalName: string;
  status: TargetStatus;
  /** Graph error code or licenseAssignmentStates error, when status is failed. */
  errorCode?: string;
  /** Plain-language reason and what to do, when status is failed or skipped. */
  errorMessage?: string;
}

export interface RequestApprover {
  approverId: string;
  displayName: string;
  /** Why this person may decide, shown on their card ("owner of Dragon Copilot Nursing"). */
  reason: string;
}

/** What every request has, whatever its kind. */
interface RequestFields {
  id: number;
  tenantId: string;
  state: RequestState;
  version: number;
  requesterId: string;
  requesterName: string;
  /** License kind, role name or partner id: what the request is about. */
  subject: string;
  justification?: string;
  targets: RequestTarget[];
  approvers: RequestApprover[];
  decidedBy?: string;
  decidedByName?: string;
  decidedAt?: string;
  decisionReason?: string;
  errorCode?: string;
  errorMessage?: string;
  createdAt: string;
  updatedAt: string;
  expiresAt?: string;
  /**
   * While executing: who carries it out and until when (renewed as it runs). After a transient
   * failure: no owner, and when to try again.
   */
  lease?: { owner?: string; until: string };
}

/**
 * A stored request, as services see it: its payload is typed by its kind, so checking `kind`
 * (or taking a `DeskRequest<'role.assign'>`) gives the fields that kind keeps.
 */
export type DeskRequest<K extends RequestKind = RequestKind> = K extends RequestKind
  ? RequestFields & { kind: K; payload: PayloadOfKind[K] }
  : never;

/** Any kind's payload (what the engine reads: direct, notes, attempts, questions). */
export type RequestPayload = PayloadOfKind[RequestKind];

export function isKind<K extends RequestKind>(req: DeskRequest, ...kinds: K[]): req is DeskRequest<K> {
  return (kinds as RequestKind[]).includes(req.kind);
}

/**
 * The store hands back the row a change was applied to: the same request, so the same kind (and
 * payload type) as the one the change was made on. Checked, not assumed.
 */
export function sameKind<R extends DeskRequest>(before: R, after: DeskRequest): R;
export function sameKind<R extends DeskRequest>(before: R, after: DeskRequest | undefined): R | undefined;
export function sameKind<R extends DeskRequest>(before: R, after: DeskRequest | undefined): R | undefined {
  if (after && after.kind !== before.kind)
    throw new Error(`request #${after.id} is a ${after.kind}, not a ${before.kind}`);
  return after as R | undefined;
}

/** A request read back as the kind it was made as (a draft just stored): checked, not assumed. */
export function asKind<K extends RequestKind>(kind: K, req: DeskRequest): DeskRequest<K> {
  if (!isKind(req, kind)) throw new Error(`request #${req.id} is a ${req.kind}, not a ${kind}`);
  return req;
}
