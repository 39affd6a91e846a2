/**
 * A capability (Dragon licenses, the Dragon Administrator role, partner administration) plugs into
 * the one request engine (src/services/requests.ts) through this interface: the engine owns the
 * state machine, approvals, cards and notifications; the capability owns the rules and the change.
 */
import type { DeskRequest, RequestApprover, RequestKind } from '../domain/request';
import type { RequestCardContext } from '../cards/types';
import type { Reads } from './directory';
import type { Actor, Reply } from './types';

export type Precheck =
  | {
      ok: true;
      /** people dropped from the request, each with a reason to tell the requester */ skipped?: {
        name: string;
        reason: string;
      }[];
      request?: DeskRequest;
    }
  | { ok: false; replies: Reply[] };

export interface ExecutionOutcome {
  /** 'completed' when every target got the change; otherwise 'failed' with a plain summary. */
  state: 'completed' | 'failed';
  errorCode?: string;
  errorMessage?: string;
  /** Extra lines for the requester's message (e.g. "ends at 14:00"). */
  notes?: string[];
}

export interface ExecutionContext {
  /** Report one person's progress; the engine updates the progress card. */
  progress(
    userId: string,
    status: 'done' | 'failed' | 'skipped',
    errorCode?: string,
    errorMessage?: string,
  ): Promise<void>;
}

/** What a capability may answer with or without waiting: the engine awaits either. */
type Awaitable<T> = T | Promise<T>;

/**
 * The engine hands a capability only requests of its own kinds (`K`), so it reads their payloads
 * as typed for those kinds.
 */
export interface Capability<K extends RequestKind = RequestKind> {
  readonly kinds: readonly K[];
  /** Card title, e.g. "Dragon Copilot nursing license". */
  title(req: DeskRequest<K>): string;
  /** Everything else a request card shows for this capability (seats, notes, …). */
  cardContext(req: DeskRequest<K>): Awaitable<Omit<RequestCardContext, 'title' | 'approverReason'>>;
  /**
   * Run on the draft, again when it is sent for approval, and fresh at Confirm: the world may have
   * changed since the draft was made. `reads` 'cached' (the default is 'fresh') lets the checks of
   * a draft and of sending use reads up to 30 s old: an approver's decision and the execution check
   * again.
   */
  precheck(req: DeskRequest<K>, actor: Actor, reads?: Reads): Awaitable<Precheck>;
  /** May this person make the change directly (after a confirmation card)? Fresh unless `reads` says 'cached' (the draft's buttons). */
  canActDirectly(actor: Actor, req: DeskRequest<K>, reads?: Reads): Promise<boolean>;
  /**
   * Who decides, and why each of them may. Asked when the request is sent (where `reads` 'cached'
   * routes it by reads up to 30 s old), and fresh at the moment of a decision: an approver who is
   * no longer in this list (removed as owner, role taken away) is refused.
   */
  approvers(req: DeskRequest<K>, reads?: Reads): Awaitable<RequestApprover[]>;
  /** Justification required before sending for approval. */
  requiresJustification(req: DeskRequest<K>, direct: boolean): boolean;
  /** Carry the change out; idempotent, because a crashed worker resumes it. */
  execute(req: DeskRequest<K>, ctx: ExecutionContext): Promise<ExecutionOutcome>;
  /** What to tell the person who receives the change, when it completes. */
  completedMessage(req: DeskRequest<K>, targetName: string): string;
}

/**
 * Base of the direct-only capabilities (partner administration, set-up): the change is made by
 * someone allowed to make it, after a confirmation card, and is never approved on someone else's
 * behalf. So nobody approves, and there is no justification to ask for.
 */
export abstract class DirectOnlyCapability {
  approvers(): RequestApprover[] {
    return [];
  }

  requiresJustification(): boolean {
    return false;
  }
}
