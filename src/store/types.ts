/**
 * The store port. Implemented with Kysely on SQLite (default) or PostgreSQL (DATABASE_URL).
 * Every state change of a request is one conditional update plus its audit row in the same
 * transaction: `UPDATE … WHERE id = ? AND state = ? AND version = ?`. A caller that loses the race
 * gets `undefined` back and must re-read; nothing is overwritten silently.
 */
import type {
  DeskRequest,
  RequestApprover,
  RequestEvent,
  RequestKind,
  RequestPayload,
  RequestState,
  RequestTarget,
  TargetStatus,
} from '../domain/request';
import type { ChainVerdict } from './auditChain';

export interface AuditEntry {
  /** Who acted: an aadObjectId, or 'dragon-desk' for the worker. */
  actorId: string;
  actorName?: string;
  /** What happened: 'request.created', 'request.approve', 'refused.not-approver', 'graph.addMember', … */
  action: string;
  requestId?: number;
  tenantId: string;
  detail?: Record<string, unknown>;
  graphRequestId?: string;
}

export interface AuditRow extends AuditEntry {
  id: number;
  at: string;
}

/** An audit row with its links in the hash chain (src/store/auditChain.ts), as exported. */
export interface ChainedAuditRow extends AuditRow {
  /** `detail` exactly as stored, which is what the row's hash covers. */
  detailJson: string | null;
  prevHash: string | null;
  hash: string | null;
}

export interface NewRequest {
  tenantId: string;
  kind: RequestKind;
  /** 'approved' only through createOnce, with who decided (a request made from a decided review). */
  state: 'draft' | 'pending' | 'approved';
  requesterId: string;
  requesterName: string;
  subject: string;
  justification?: string;
  payload?: RequestPayload;
  targets: Omit<RequestTarget, 'status'>[];
  approvers?: RequestApprover[];
  expiresAt?: string;
  decidedBy?: string;
  decidedByName?: string;
  decidedAt?: string;
  decisionReason?: string;
}

/** A record written only if none of its kind and key exists yet (RecordStore.claim, createOnce). */
export interface RecordClaim<T extends object = object> {
  kind: RecordKind<T>;
  key: string;
  value: T;
  actorId: string;
}

/** A message or card to deliver after a change commits, stored with it (the outbox). */
export interface OutboxItem {
  /** Unique per event and recipient: queuing the same delivery again is a no-op. */
  key: string;
  /** 'text' to a person; 'approval-card' to an approver; 'channel-card'; 'refresh' of every copy. */
  kind: 'text' | 'approval-card' | 'channel-card' | 'refresh';
  /** A person's Entra object id, or 'channel' / 'copies'. */
  recipientId: string;
  requestId?: number;
  /** For 'text': { text }. Cards are rendered at delivery, from the request as it then stands. */
  payload?: Record<string, unknown>;
}

/** An outbox row claimed for delivery. */
export interface OutboxDelivery extends OutboxItem {
  id: number;
  attempts: number;
}

/** Fields a transition may set alongside the new state. */
export interface RequestChanges {
  justification?: string;
  payload?: RequestPayload;
  targets?: Omit<RequestTarget, 'status'>[]; // replaces the target list (draft only)
  approvers?: RequestApprover[]; // replaces the approver list
  subject?: string;
  decidedBy?: string;
  decidedByName?: string;
  decidedAt?: string;
  decisionReason?: string;
  errorCode?: string | null;
  errorMessage?: string | null;
  expiresAt?: string | null;
  /** Who carries out an executing request and until when; owner null with a time: retry then. */
  lease?: { owner: string | null; until: string | null };
  /**
   * Messages to deliver once this change is committed, written in the same transaction so a crash
   * right after it loses none. `claimedBy` claims them for the instance that will send them at once.
   */
  deliver?: { items: OutboxItem[]; claimedBy?: string; claimMs?: number };
  /** Timers to run later (a reminder, an escalation), written in the same transaction. */
  schedule?: NewTimer[];
  /**
   * People an approver left out of a request they approved for the others: set to `skipped`, with
   * the reason, in the same transaction as the decision.
   */
  leaveOut?: { userId: string; reason: string }[];
}

export interface RequestStore {
  /** Several audit rows when one step records several things (a draft made and checked). */
  create(
    input: NewRequest,
    audit: Omit<AuditEntry, 'requestId'> | Omit<AuditEntry, 'requestId'>[],
  ): Promise<DeskRequest>;
  /**
   * Creates the request only if `claim` is not taken yet, claiming it in the same transaction with
   * the request's deliveries and timers: undefined when another caller (another instance, a second
   * run of a timer) claimed it first, and then nothing is written. `claim.value` is given the new
   * request's id.
   */
  createOnce<T extends object>(
    claim: Omit<RecordClaim<T>, 'value'> & { value: (requestId: number) => T },
    input: NewRequest,
    audit: Omit<AuditEntry, 'requestId'>[],
    following?: (requestId: number) => Pick<RequestChanges, 'deliver' | 'schedule'>,
  ): Promise<DeskRequest | undefined>;
  get(id: number): Promise<DeskRequest | undefined>;
  /**
   * Apply `event` if the row is still at `expected` (state and version). Bumps version, sets
   * updatedAt, writes `changes` and the audit entry in one transaction. Returns the new row, or
   * undefined when another caller got there first or the event is not allowed from that state.
   */
  transition(
    id: number,
    expected: { state: RequestState; version: number },
    event: RequestEvent,
    changes: RequestChanges,
    audit: Omit<AuditEntry, 'requestId'>,
  ): Promise<DeskRequest | undefined>;
  /** Same compare-and-swap on version, without a state change (a draft edited on its card). */
  update(
    id: number,
    expectedVersion: number,
    changes: RequestChanges,
    audit: Omit<AuditEntry, 'requestId'>,
  ): Promise<DeskRequest | undefined>;
  /** Per-person progress of a request being carried out; does not bump version. */
  setTargetStatus(
    id: number,
    userId: string,
    status: TargetStatus,
    errorCode?: string,
    errorMessage?: string,
  ): Promise<void>;

  listByRequester(requesterId: string, limit: number): Promise<DeskRequest[]>;
  listPendingForApprover(approverId: string, limit: number): Promise<DeskRequest[]>;
  /** Open requests (draft excluded) of `kind` and `subject` that include `userId` as a target. */
  findOpenForTarget(userId: string, kind: RequestKind, subject: string): Promise<DeskRequest[]>;
  /** Pending requests whose expiresAt is before `now`. */
  listExpired(now: string, limit: number): Promise<DeskRequest[]>;
  /** Requests in `approved`, and `executing` ones whose lease ran out (a crash) or whose retry time came. */
  listRunnable(now: string, limit: number): Promise<DeskRequest[]>;
  /**
   * Extends `owner`'s lease on an executing request; bumps the version, so an instance that saw
   * the lease lapse cannot take the request over meanwhile. The new version, or undefined when the
   * lease is no longer `owner`'s.
   */
  renewLease(id: number, owner: string, until: string): Promise<number | undefined>;
  /** Requests (drafts included) created in [from, to) (ISO UTC), oldest first, at most `limit`. */
  listCreatedBetween(from: string, to: string, limit: number): Promise<DeskRequest[]>;
}

export interface AuditStore {
  append(entry: AuditEntry): Promise<void>;
  listForRequest(requestId: number): Promise<AuditRow[]>;
  /** Every row of these requests, by request, oldest first. */
  listForRequests(requestIds: readonly number[]): Promise<AuditRow[]>;
  listRecent(limit: number): Promise<AuditRow[]>;
  /** Rows stamped in [from, to) (ISO UTC), oldest first, at most `limit`, with their hashes. */
  listBetween(from: string, to: string, limit: number): Promise<ChainedAuditRow[]>;
  /** Walks the hash chain: every row, then the head. */
  verify(): Promise<ChainVerdict>;
}

/** A card Dragon Desk posted about a request, so every copy can be updated in place later. */
export interface CardMessage {
  requestId: number;
  /** aadObjectId of the person whose chat holds the card, or 'channel'. */
  recipientId: string;
  role: 'requester' | 'approver' | 'channel' | 'progress' | 'target';
  /** botbuilder ConversationReference, stored as JSON. */
  conversationRef: Record<string, unknown>;
  activityId: string;
}

export interface CardStore {
  record(card: CardMessage): Promise<void>;
  listForRequest(requestId: number): Promise<CardMessage[]>;
}

/** Where to reach a person proactively: the reference from their last 1:1 turn with the bot. */
export interface ConversationStore {
  upsert(
    aadObjectId: string,
    name: string,
    conversationRef: Record<string, unknown>,
  ): Promise<{ firstContact: boolean }>;
  get(aadObjectId: string): Promise<{ name: string; conversationRef: Record<string, unknown> } | undefined>;
  /**
   * The Teams service URL of the most recently stored reference: where to send to a chat Dragon
   * Desk has no reference for yet (one opened by installing the app for someone). Undefined with
   * no references at all.
   */
  latestServiceUrl(): Promise<string | undefined>;
}

/** Timers the worker runs: reminders and ends of time-bound access. */
export interface Timer {
  id: number;
  kind: string; // 'grant.remind' | 'grant.end' | …
  requestId?: number;
  dueAt: string;
  payload: Record<string, unknown>;
  /** Runs that failed before (a handler may escalate after a few). */
  attempts: number;
}

export interface NewTimer {
  kind: string;
  dueAt: string;
  payload?: Record<string, unknown>;
  requestId?: number;
}

export interface TimerStore {
  schedule(kind: string, dueAt: string, payload: Record<string, unknown>, requestId?: number): Promise<number>;
  /** Timers due at `now`, not yet done, that no worker holds (or whose hold lapsed). */
  listDue(now: string, limit: number): Promise<Timer[]>;
  /**
   * Holds a due timer for one worker until `until` (compare-and-swap: false when another worker
   * holds it or it is done). Held, not done: a worker that dies leaves it to be run again.
   */
  claim(id: number, until: string): Promise<boolean>;
  /** Done, after its handler succeeded; false when it already was. */
  complete(id: number): Promise<boolean>;
  /** Its handler failed: run it again at `at` (counted in `attempts`). */
  retry(id: number, at: string): Promise<void>;
  listForRequest(requestId: number): Promise<Timer[]>;
}

/**
 * A kind of record and the shape of its values: only the name is stored; the type says what a
 * record of that kind holds, so what is put and what is read back agree at compile time.
 */
export interface RecordKind<T extends object> {
  readonly name: string;
  /** Never set: carries T. */
  readonly shape?: T;
}

export function recordKind<T extends object>(name: string): RecordKind<T> {
  return { name };
}

export interface StoredRecord<T extends object> {
  key: string;
  value: T;
  actorId: string;
  updatedAt: string;
}

/**
 * Messages and cards sent in the background: delivered at least once per row (a crash between the
 * send and `sent` can repeat one), retried with back-off, claimed with a lease so one instance
 * sends each.
 */
export interface OutboxStore {
  /** Queue deliveries not tied to a request change (a seat alert, a grant reminder). */
  enqueue(items: OutboxItem[], claimedBy?: string, claimMs?: number): Promise<void>;
  /** Rows of these keys that `owner` holds (queued with claimedBy, not yet sent). */
  claimedBy(owner: string, keys: string[]): Promise<OutboxDelivery[]>;
  /** Claims up to `limit` due rows nobody holds (or whose claim lapsed). */
  claimDue(owner: string, claimMs: number, limit: number): Promise<OutboxDelivery[]>;
  /** Sent: with the activity id, and the card copy to keep so later changes update it. */
  sent(id: number, owner: string, sent?: { activityId: string; copy?: CardMessage }): Promise<void>;
  /** Not sent: try again at `retryAt`, or give up (`retryAt` undefined) with the reason. */
  failed(id: number, owner: string, error: string, retryAt: string | undefined): Promise<void>;
  /** Nothing to send (nobody to reach, nothing to show): closed without a send. */
  dropped(id: number, owner: string, reason: string): Promise<void>;
  /** Other refreshes of the request still queued: one refresh shows the latest, so they are done. */
  settleRefreshes(requestId: number): Promise<void>;
  /** A request's deliveries in order, for tests and the audit of what was sent. */
  list(requestId: number): Promise<(OutboxDelivery & { state: string; activityId?: string })[]>;
}

/** Keyed records of guided flows and facts (partner of record, time-bound grants, set-up's groups). */
export interface RecordStore {
  /** Writes the record; with `audit`, that row is appended in the same transaction. */
  put<T extends object>(kind: RecordKind<T>, key: string, value: T, actorId: string, audit?: AuditEntry): Promise<void>;
  /** Insert-if-absent: true when this call wrote the record, false when one already existed (left as it was). */
  claim<T extends object>(kind: RecordKind<T>, key: string, value: T, actorId: string): Promise<boolean>;
  get<T extends object>(kind: RecordKind<T>, key: string): Promise<StoredRecord<T> | undefined>;
  list<T extends object>(kind: RecordKind<T>): Promise<StoredRecord<T>[]>;
  delete(kind: RecordKind<object>, key: string, audit?: AuditEntry): Promise<void>;
}

/** A stored item; `eTag` is the version it was read at ('*' or absent: write regardless). */
export interface StoredItem {
  eTag?: string;
  [key: string]: unknown;
}

/**
 * The shape of botbuilder's `Storage` (read / write / delete of eTagged items), declared here so
 * the store does not depend on a bot SDK: src/bot hands it to teams-ai as its Storage.
 */
export interface KeyValueStorage {
  read(keys: string[]): Promise<Record<string, StoredItem>>;
  write(changes: Record<string, StoredItem>): Promise<void>;
  delete(keys: string[]): Promise<void>;
}

export interface Store {
  readonly engine: 'sqlite' | 'postgres';
  requests: RequestStore;
  audit: AuditStore;
  cards: CardStore;
  conversations: ConversationStore;
  timers: TimerStore;
  records: RecordStore;
  outbox: OutboxStore;
  /** Key/value state for the bot SDK's turn state, with eTag concurrency (stale writes rejected). */
  botStorage: KeyValueStorage;
  /** Cheap query used by /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
