/**
 * The tables as Kysely sees them. Same shape on SQLite and PostgreSQL:
 *  - JSON (payload, conversation references, audit detail, record values) is TEXT holding
 *    JSON.stringify output. Nothing queries inside it, SQLite has no JSON type, and TEXT keeps the
 *    exact bytes we wrote on both engines (PostgreSQL jsonb would reorder keys and needs its own
 *    parameter handling), so the same code serves both.
 *  - Timestamps are ISO-8601 UTC TEXT from the injected clock (`2026-11-21T09:00:00.000Z`): fixed
 *    width, so string order is time order and range queries use plain indexes; tests control time.
 *  - Booleans are INTEGER 0/1 (SQLite has no boolean).
 */
import type { Generated, Selectable } from 'kysely';
import type { RequestKind, RequestState, TargetStatus } from '../domain/request';
import type { CardMessage } from './types';

export interface RequestsTable {
  /** SERIAL / INTEGER PRIMARY KEY AUTOINCREMENT: people see it as "request 42". */
  id: Generated<number>;
  tenant_id: string;
  kind: RequestKind;
  state: RequestState;
  version: number;
  requester_id: string;
  requester_name: string;
  subject: string;
  justification: string | null;
  payload: string;
  decided_by: string | null;
  decided_by_name: string | null;
  decided_at: string | null;
  decision_reason: string | null;
  error_code: string | null;
  error_message: string | null;
  created_at: string;
  updated_at: string;
  expires_at: string | null;
  /** Who is carrying it out (executing), and until when the claim holds unless renewed. */
  lease_owner: string | null;
  /** While executing: the lease's end; after a transient failure, when to try again. */
  lease_until: string | null;
}

export interface RequestTargetsTable {
  request_id: number;
  user_id: string;
  /** Order the people were named in, kept for cards. */
  position: number;
  display_name: string;
  user_principal_name: string;
  status: TargetStatus;
  error_code: string | null;
  error_message: string | null;
}

export interface RequestApproversTable {
  request_id: number;
  approver_id: string;
  position: number;
  display_name: string;
  reason: string;
  /**
   * 1 while the request is pending. A copy of `requests.state = 'pending'`, kept in the same
   * transaction as every state change, so "pending for me" reads only this approver's pending rows
   * through a partial index instead of walking their whole decision history.
   */
  pending: number;
}

export interface AuditTable {
  id: Generated<number>;
  at: string;
  tenant_id: string;
  actor_id: string;
  actor_name: string | null;
  action: string;
  request_id: number | null;
  detail: string | null;
  graph_request_id: string | null;
}

export interface CardMessagesTable {
  id: Generated<number>;
  request_id: number;
  recipient_id: string;
  role: CardMessage['role'];
  conversation_ref: string;
  activity_id: string;
  created_at: string;
}

export interface ConversationRefsTable {
  aad_object_id: string;
  name: string;
  conversation_ref: string;
  first_seen_at: string;
  updated_at: string;
}

export interface BotStateTable {
  key: string;
  value: string;
  etag: string;
}

export interface TimersTable {
  id: Generated<number>;
  kind: string;
  request_id: number | null;
  due_at: string;
  payload: string;
  done_at: string | null;
  created_at: string;
  /** A worker is running it until then; after that (a crash) another may. */
  claimed_until: string | null;
  attempts: Generated<number>;
}

export interface OutboxTable {
  id: Generated<number>;
  /** Unique: the same message to the same person for the same event is queued once. */
  dedupe_key: string;
  kind: string;
  recipient_id: string;
  request_id: number | null;
  payload: string;
  state: 'pending' | 'sent' | 'failed' | 'dropped';
  attempts: Generated<number>;
  due_at: string;
  claim_owner: string | null;
  claimed_until: string | null;
  sent_at: string | null;
  activity_id: string | null;
  error: string | null;
  created_at: string;
}

export interface RecordsTable {
  kind: string;
  key: string;
  value: string;
  actor_id: string;
  updated_at: string;
}

/** Kysely Migrator's own bookkeeping (default table names). */
export interface KyselyMigrationTable {
  name: string;
  timestamp: string;
}

export interface KyselyMigrationLockTable {
  id: string;
  is_locked: number;
}

export interface Database {
  requests: RequestsTable;
  request_targets: RequestTargetsTable;
  request_approvers: RequestApproversTable;
  audit: AuditTable;
  card_messages: CardMessagesTable;
  conversation_refs: ConversationRefsTable;
  bot_state: BotStateTable;
  timers: TimersTable;
  records: RecordsTable;
  outbox: OutboxTable;
  kysely_migration: KyselyMigrationTable;
  kysely_migration_lock: KyselyMigrationLockTable;
}

export type RequestRow = Selectable<RequestsTable>;
export type TargetRow = Selectable<RequestTargetsTable>;
export type ApproverRow = Selectable<RequestApproversTable>;
export type AuditDbRow = Selectable<AuditTable>;
export type TimerRow = Selectable<TimersTable>;
export type OutboxRow = Selectable<OutboxTable>;
