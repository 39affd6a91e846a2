/**
 * Requests, their targets and approvers. Every state change is one conditional
 * `UPDATE requests … WHERE id = ? AND state = ? AND version = ?` plus its audit row in one
 * transaction (design.md, "The request lifecycle"). The loser of a race updates 0 rows and gets
 * `undefined`: on SQLite because writes are serialised, on PostgreSQL because under READ COMMITTED
 * a waiting UPDATE re-checks its WHERE against the winner's committed row. The guard must stay in
 * the UPDATE's own WHERE (a sub-select would not be re-checked).
 */
import { type Insertable, type Kysely, type Transaction, type Updateable } from 'kysely';
import {
  isOpen,
  nextState,
  type DeskRequest,
  type RequestApprover,
  type RequestEvent,
  type RequestKind,
  type RequestPayload,
  type RequestState,
  type RequestTarget,
  type TargetStatus,
} from '../domain/request';
import { insertAudit } from './audit';
import { insertOutbox } from './outbox';
import { insertTimers } from './timers';
import { insertRecordIfAbsent } from './records';
import { casTransaction, literalLimit } from './dialect';
import { PreparedStatements } from './prepared';
import { fromJson, isoUtc, nowIso, opt, toJson, type StoreClock } from './codec';
import type { ApproverRow, Database, RequestRow, RequestsTable, TargetRow } from './schema';
import type { AuditEntry, NewRequest, RecordClaim, RequestChanges, RequestStore } from './types';

/** createOnce's claim was taken: rolls its transaction back. */
class ClaimTaken extends Error {}

type Db = Kysely<Database> | Transaction<Database>;

const ALL_STATES: RequestState[] = [
  'draft',
  'pending',
  'approved',
  'executing',
  'completed',
  'failed',
  'rejected',
  'cancelled',
  'expired',
];
/** Requests hydrated per query by listCreatedBetween. */
const EXPORT_PAGE = 200;

/** "Open" for duplicate detection: someone is already deciding or carrying it out. Drafts are a person's scratch pad. */
const OPEN_NOT_DRAFT: RequestState[] = ALL_STATES.filter((s) => isOpen(s) && s !== 'draft');

/** The same person named twice (or an owner of two groups) is one target / one approver. */
function uniqueBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const k = key(item);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function toRequest(row: RequestRow, targets: TargetRow[], approvers: ApproverRow[]): DeskRequest {
  // The payload column holds what was written for the row's kind.
  const out = {
    id: row.id,
    tenantId: row.tenant_id,
    kind: row.kind,
    state: row.state,
    version: row.version,
    requesterId: row.requester_id,
    requesterName: row.requester_name,
    subject: row.subject,
    payload: fromJson<RequestPayload>(row.payload),
    targets: targets.map((t) => {
      const target: RequestTarget = {
        userId: t.user_id,
        displayName: t.display_name,
        userPrincipalName: t.user_principal_name,
        status: t.status,
      };
      if (t.error_code !== null) target.errorCode = t.error_code;
      if (t.error_message !== null) target.errorMessage = t.error_message;
      return target;
    }),
    approvers: approvers.map((a) => ({ approverId: a.approver_id, displayName: a.display_name, reason: a.reason })),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  } as DeskRequest;
  // Unset columns are left out rather than present as undefined: cards and logs that serialise
  // the request then show only what is known.
  const optional: Partial<DeskRequest> = {
    justification: opt(row.justification),
    decidedBy: opt(row.decided_by),
    decidedByName: opt(row.decided_by_name),
    decidedAt: opt(row.decided_at),
    decisionReason: opt(row.decision_reason),
    errorCode: opt(row.error_code),
    errorMessage: opt(row.error_message),
    expiresAt: opt(row.expires_at),
    lease: row.lease_until === null ? undefined : { owner: row.lease_owner ?? undefined, until: row.lease_until },
  };
  return Object.assign(out, Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)));
}

/** The target or approver rows of some requests, by request then position. */
function rowsOf(db: Db, st: PreparedStatements, table: 'request_targets', ids: number[]): Promise<TargetRow[]>;
function rowsOf(db: Db, st: PreparedStatements, table: 'request_approvers', ids: number[]): Promise<ApproverRow[]>;
async function rowsOf(
  db: Db,
  st: PreparedStatements,
  table: 'request_targets' | 'request_approvers',
  ids: number[],
): Promise<(TargetRow | ApproverRow)[]> {
  const { rows } = await st.run(db, `${table}.of.${ids.length}`, ids, (k, list) =>
    k.selectFrom(table).selectAll().where('request_id', 'in', list).orderBy('request_id').orderBy('position'),
  );
  return rows;
}

/** Targets and approvers for a page of requests: one query each, whatever the page size. */
async function hydrate(db: Db, st: PreparedStatements, rows: RequestRow[]): Promise<DeskRequest[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [targets, approvers] = await Promise.all([
    rowsOf(db, st, 'request_targets', ids),
    rowsOf(db, st, 'request_approvers', ids),
  ]);
  const byRequest = <T extends { request_id: number }>(list: T[]) => {
    const map = new Map<number, T[]>();
    for (const item of list) {
      const bucket = map.get(item.request_id);
      if (bucket) bucket.push(item);
      else map.set(item.request_id, [item]);
    }
    return map;
  };
  const t = byRequest(targets);
  const a = byRequest(approvers);
  return rows.map((r) => toRequest(r, t.get(r.id) ?? [], a.get(r.id) ?? []));
}

/** Column updates for the scalar fields of `changes`; undefined = leave, null = clear. */
function changedColumns(changes: RequestChanges): Updateable<RequestsTable> {
  const set: Updateable<RequestsTable> = {};
  if (changes.justification !== undefined) set.justification = changes.justification;
  if (changes.payload !== undefined) set.payload = toJson(changes.payload);
  if (changes.subject !== undefined) set.subject = changes.subject;
  if (changes.decidedBy !== undefined) set.decided_by = changes.decidedBy;
  if (changes.decidedByName !== undefined) set.decided_by_name = changes.decidedByName;
  if (changes.decidedAt !== undefined) set.decided_at = isoUtc(changes.decidedAt);
  if (changes.decisionReason !== undefined) set.decision_reason = changes.decisionReason;
  if (changes.errorCode !== undefined) set.error_code = changes.errorCode;
  if (changes.errorMessage !== undefined) set.error_message = changes.errorMessage;
  if (changes.expiresAt !== undefined) set.expires_at = changes.expiresAt === null ? null : isoUtc(changes.expiresAt);
  if (changes.lease !== undefined) {
    set.lease_owner = changes.lease.owner;
    set.lease_until = changes.lease.until === null ? null : isoUtc(changes.lease.until);
  }
  return set;
}

/** Inserts the targets (a person named twice once) and returns the rows as written. */
async function insertTargets(
  db: Db,
  st: PreparedStatements,
  requestId: number,
  targets: Omit<RequestTarget, 'status'>[],
): Promise<TargetRow[]> {
  const rows: TargetRow[] = uniqueBy(targets, (t) => t.userId).map((t, position) => ({
    request_id: requestId,
    user_id: t.userId,
    position,
    display_name: t.displayName,
    user_principal_name: t.userPrincipalName,
    status: 'waiting' as const,
    error_code: null,
    error_message: null,
  }));
  if (rows.length)
    await st.run(db, `targets.insert.${rows.length}`, rows, (k, list) => k.insertInto('request_targets').values(list));
  return rows;
}

async function insertApprovers(
  db: Db,
  st: PreparedStatements,
  requestId: number,
  approvers: RequestApprover[],
  state: RequestState,
): Promise<ApproverRow[]> {
  const rows: ApproverRow[] = uniqueBy(approvers, (a) => a.approverId).map((a, position) => ({
    request_id: requestId,
    approver_id: a.approverId,
    position,
    display_name: a.displayName,
    reason: a.reason,
    pending: state === 'pending' ? 1 : 0,
  }));
  if (rows.length)
    await st.run(db, `approvers.insert.${rows.length}`, rows, (k, list) =>
      k.insertInto('request_approvers').values(list),
    );
  return rows;
}

/**
 * Writes the list replacements, keeps request_approvers.pending in step with the new state, and
 * returns the request as it now stands: replaced lists as written, the others read.
 */
async function applyListChanges(
  db: Db,
  st: PreparedStatements,
  row: RequestRow,
  previous: RequestState | undefined,
  changes: RequestChanges,
): Promise<DeskRequest> {
  let targets: TargetRow[] | undefined;
  let approvers: ApproverRow[] | undefined;
  for (const out of changes.leaveOut ?? [])
    await db
      .updateTable('request_targets')
      .set({ status: 'skipped', error_code: 'NotApproved', error_message: out.reason })
      .where('request_id', '=', row.id)
      .where('user_id', '=', out.userId)
      .where('status', '=', 'waiting')
      .execute();
  if (changes.targets) {
    await st.run(db, 'targets.delete', [row.id], (k, [id]) =>
      k.deleteFrom('request_targets').where('request_id', '=', id),
    );
    targets = await insertTargets(db, st, row.id, changes.targets);
  }
  if (changes.approvers) {
    await st.run(db, 'approvers.delete', [row.id], (k, [id]) =>
      k.deleteFrom('request_approvers').where('request_id', '=', id),
    );
    approvers = await insertApprovers(db, st, row.id, changes.approvers, row.state);
  } else if (previous !== undefined && (previous === 'pending') !== (row.state === 'pending')) {
    await st.run(db, 'approvers.pending', { pending: row.state === 'pending' ? 1 : 0, id: row.id }, (k, v) =>
      k.updateTable('request_approvers').set({ pending: v.pending }).where('request_id', '=', v.id),
    );
  }
  return toRequest(
    row,
    targets ?? (await rowsOf(db, st, 'request_targets', [row.id])),
    approvers ?? (await rowsOf(db, st, 'request_approvers', [row.id])),
  );
}

/** What a change leaves to happen after it: deliveries and timers, in its own transaction. */
async function insertFollowing(
  db: Db,
  st: PreparedStatements,
  clock: StoreClock,
  changes: Pick<RequestChanges, 'deliver' | 'schedule'>,
): Promise<void> {
  if (changes.deliver) await insertOutbox(db, clock, changes.deliver, st);
  if (changes.schedule) await insertTimers(db, clock, changes.schedule, st);
}

export class SqlRequestStore implements RequestStore {
  private readonly st: PreparedStatements;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: StoreClock,
  ) {
    this.st = new PreparedStatements(db);
  }

  create(
    input: NewRequest,
    audit: Omit<AuditEntry, 'requestId'> | Omit<AuditEntry, 'requestId'>[],
  ): Promise<DeskRequest> {
    return casTransaction(this.db).execute((trx) => this.insertRequest(trx, input, audit));
  }

  async createOnce<T extends object>(
    claim: Omit<RecordClaim<T>, 'value'> & { value: (requestId: number) => T },
    input: NewRequest,
    audit: Omit<AuditEntry, 'requestId'>[],
    following?: (requestId: number) => Pick<RequestChanges, 'deliver' | 'schedule'>,
  ): Promise<DeskRequest | undefined> {
    try {
      return await casTransaction(this.db).execute(async (trx) => {
        const req = await this.insertRequest(trx, input, audit);
        if (!(await insertRecordIfAbsent(trx, this.clock, { ...claim, value: claim.value(req.id) })))
          throw new ClaimTaken();
        await insertFollowing(trx, this.st, this.clock, following?.(req.id) ?? {});
        return req;
      });
    } catch (err) {
      // Rolled back: the request written before the claim is gone with it.
      if (err instanceof ClaimTaken) return undefined;
      throw err;
    }
  }

  private async insertRequest(
    trx: Transaction<Database>,
    input: NewRequest,
    audit: Omit<AuditEntry, 'requestId'> | Omit<AuditEntry, 'requestId'>[],
  ): Promise<DeskRequest> {
    const now = nowIso(this.clock);
    const values: Insertable<RequestsTable> = {
      tenant_id: input.tenantId,
      kind: input.kind,
      state: input.state,
      version: 1,
      requester_id: input.requesterId,
      requester_name: input.requesterName,
      subject: input.subject,
      justification: input.justification ?? null,
      payload: toJson(input.payload ?? {}),
      decided_by: input.decidedBy ?? null,
      decided_by_name: input.decidedByName ?? null,
      decided_at: input.decidedAt === undefined ? null : isoUtc(input.decidedAt),
      decision_reason: input.decisionReason ?? null,
      error_code: null,
      error_message: null,
      created_at: now,
      updated_at: now,
      expires_at: input.expiresAt === undefined ? null : isoUtc(input.expiresAt),
    };
    const {
      rows: [row],
    } = await this.st.run(trx, 'requests.insert', values, (k, v) => k.insertInto('requests').values(v).returningAll());
    if (!row) throw new Error('the new request was not returned');
    const targets = await insertTargets(trx, this.st, row.id, input.targets);
    const approvers = await insertApprovers(trx, this.st, row.id, input.approvers ?? [], row.state);
    await insertAudit(
      trx,
      this.clock,
      (Array.isArray(audit) ? audit : [audit]).map((a) => ({ ...a, requestId: row.id })),
      this.st,
    );
    // What was just written, without reading it back.
    return toRequest(row, targets, approvers);
  }

  async get(id: number): Promise<DeskRequest | undefined> {
    const { rows } = await this.st.run(this.db, 'requests.get', [id], (k, [i]) =>
      k.selectFrom('requests').selectAll().where('id', '=', i),
    );
    if (!rows.length) return undefined;
    const [request] = await hydrate(this.db, this.st, rows);
    return request;
  }

  async transition(
    id: number,
    expected: { state: RequestState; version: number },
    event: RequestEvent,
    changes: RequestChanges,
    audit: Omit<AuditEntry, 'requestId'>,
  ): Promise<DeskRequest | undefined> {
    const to = nextState(expected.state, event);
    if (!to) return undefined;
    if (changes.targets && expected.state !== 'draft') {
      // Targets carry per-person progress once a request leaves draft; replacing them later would
      // erase what was done. This is a caller bug, not a race, so it is loud.
      throw new Error(`Request ${id}: targets can only be replaced on a draft (was ${expected.state}).`);
    }
    return casTransaction(this.db).execute(async (trx) => {
      const set = { ...changedColumns(changes), state: to, updated_at: nowIso(this.clock) };
      const {
        rows: [row],
      } = await this.st.run(
        trx,
        `requests.transition:${Object.keys(set).join(',')}`,
        { set, id, state: expected.state, version: expected.version },
        (k, v) =>
          k
            .updateTable('requests')
            .set((eb) => ({ ...v.set, version: eb('version', '+', 1) }))
            .where('id', '=', v.id)
            .where('state', '=', v.state)
            .where('version', '=', v.version)
            .returningAll(),
      );
      if (!row) return undefined;
      const updated = await applyListChanges(trx, this.st, row, expected.state, changes);
      await insertAudit(trx, this.clock, { ...audit, requestId: id }, this.st);
      await insertFollowing(trx, this.st, this.clock, changes);
      return updated;
    });
  }

  update(
    id: number,
    expectedVersion: number,
    changes: RequestChanges,
    audit: Omit<AuditEntry, 'requestId'>,
  ): Promise<DeskRequest | undefined> {
    return casTransaction(this.db).execute(async (trx) => {
      let q = trx
        .updateTable('requests')
        .set((eb) => ({ ...changedColumns(changes), version: eb('version', '+', 1), updated_at: nowIso(this.clock) }))
        .where('id', '=', id)
        .where('version', '=', expectedVersion);
      // Targets may only be replaced while nobody is acting on them (see transition()).
      if (changes.targets) q = q.where('state', '=', 'draft');
      const row = await q.returningAll().executeTakeFirst();
      if (!row) return undefined;
      const updated = await applyListChanges(trx, this.st, row, undefined, changes);
      await insertAudit(trx, this.clock, { ...audit, requestId: id }, this.st);
      await insertFollowing(trx, this.st, this.clock, changes);
      return updated;
    });
  }

  async setTargetStatus(
    id: number,
    userId: string,
    status: TargetStatus,
    errorCode?: string,
    errorMessage?: string,
  ): Promise<void> {
    await this.db
      .updateTable('request_targets')
      .set({ status, error_code: errorCode ?? null, error_message: errorMessage ?? null })
      .where('request_id', '=', id)
      .where('user_id', '=', userId)
      .execute();
  }

  async listByRequester(requesterId: string, limit: number): Promise<DeskRequest[]> {
    const { rows } = await this.st.run(this.db, `requests.byRequester.${limit}`, [requesterId], (k, [who]) =>
      k
        .selectFrom('requests')
        .selectAll()
        .where('requester_id', '=', who)
        .orderBy('id', 'desc')
        .limit(literalLimit(limit)),
    );
    return hydrate(this.db, this.st, rows);
  }

  async listPendingForApprover(approverId: string, limit: number): Promise<DeskRequest[]> {
    const { rows } = await this.st.run(this.db, `requests.pendingFor.${limit}`, [approverId], (k, [who]) =>
      k
        .selectFrom('request_approvers as a')
        .innerJoin('requests as r', 'r.id', 'a.request_id')
        .selectAll('r')
        .where('a.approver_id', '=', who)
        .where('a.pending', '=', 1)
        // The flag is a copy; the request's own state stays the authority.
        .where('r.state', '=', 'pending')
        .orderBy('a.request_id', 'desc')
        .limit(literalLimit(limit)),
    );
    return hydrate(this.db, this.st, rows);
  }

  async findOpenForTarget(userId: string, kind: RequestKind, subject: string): Promise<DeskRequest[]> {
    const { rows } = await this.st.run(this.db, 'requests.openForTarget', { userId, kind, subject }, (k, v) =>
      k
        .selectFrom('request_targets as t')
        .innerJoin('requests as r', 'r.id', 't.request_id')
        .selectAll('r')
        .where('t.user_id', '=', v.userId)
        .where('r.kind', '=', v.kind)
        .where('r.subject', '=', v.subject)
        .where('r.state', 'in', OPEN_NOT_DRAFT)
        .orderBy('r.id', 'desc'),
    );
    return hydrate(this.db, this.st, rows);
  }

  async listExpired(now: string, limit: number): Promise<DeskRequest[]> {
    const rows = await this.db
      .selectFrom('requests')
      .selectAll()
      .where('state', '=', 'pending')
      .where('expires_at', '<', isoUtc(now))
      .orderBy('expires_at')
      .orderBy('id')
      .limit(literalLimit(limit))
      .execute();
    return hydrate(this.db, this.st, rows);
  }

  async listRunnable(now: string, limit: number): Promise<DeskRequest[]> {
    // Two index range reads instead of one OR, which either engine may turn into a scan.
    const [approved, lapsed] = await Promise.all([
      this.db
        .selectFrom('requests')
        .selectAll()
        .where('state', '=', 'approved')
        .orderBy('updated_at')
        .orderBy('id')
        .limit(literalLimit(limit))
        .execute(),
      this.db
        .selectFrom('requests')
        .selectAll()
        .where('state', '=', 'executing')
        // No lease at all: claimed before leases existed.
        .where((eb) => eb.or([eb('lease_until', '<', isoUtc(now)), eb('lease_until', 'is', null)]))
        .orderBy('lease_until')
        .orderBy('id')
        .limit(literalLimit(limit))
        .execute(),
    ]);
    // Oldest first across both: work is picked up in the order it became runnable.
    const when = (r: RequestRow) => (r.state === 'approved' ? r.updated_at : (r.lease_until ?? ''));
    const rows = [...approved, ...lapsed]
      .sort((x, y) => (when(x) < when(y) ? -1 : when(x) > when(y) ? 1 : x.id - y.id))
      .slice(0, limit);
    return hydrate(this.db, this.st, rows);
  }

  async renewLease(id: number, owner: string, until: string): Promise<number | undefined> {
    const row = await this.db
      .updateTable('requests')
      .set((eb) => ({ lease_until: isoUtc(until), version: eb('version', '+', 1) }))
      .where('id', '=', id)
      .where('state', '=', 'executing')
      .where('lease_owner', '=', owner)
      .returning('version')
      .executeTakeFirst();
    return row?.version;
  }

  async listCreatedBetween(from: string, to: string, limit: number): Promise<DeskRequest[]> {
    const rows = await this.db
      .selectFrom('requests')
      .selectAll()
      .where('created_at', '>=', isoUtc(from))
      .where('created_at', '<', isoUtc(to))
      .orderBy('created_at')
      .orderBy('id')
      .limit(literalLimit(limit))
      .execute();
    // An export may hold thousands: hydrated a page at a time, so no IN list grows without bound.
    const out: DeskRequest[] = [];
    for (let i = 0; i < rows.length; i += EXPORT_PAGE)
      out.push(...(await hydrate(this.db, this.st, rows.slice(i, i + EXPORT_PAGE))));
    return out;
  }
}
