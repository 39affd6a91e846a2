/**
 * The append-only audit trail: who did what to which request, and what Graph said. Rows form a
 * hash chain (auditChain.ts); every append extends it inside the caller's transaction.
 */
import type { Kysely, Transaction } from 'kysely';
import { CHAIN_HEAD_ID, chainHash, verifyChain, type ChainVerdict } from './auditChain';
import { fromJson, nowIso, opt, toJson, type StoreClock } from './codec';
import { casTransaction, literalLimit } from './dialect';
import { PreparedStatements } from './prepared';
import type { AuditDbRow, Database } from './schema';
import type { AuditEntry, AuditRow, AuditStore, ChainedAuditRow } from './types';

/**
 * Inserts audit rows, in the order given, chained to the newest row, inside `trx`.
 *
 * The chain head row is locked first (an UPDATE that returns it), which puts every append, from any
 * instance, in one order: on PostgreSQL a second appender waits for the first to commit and then
 * reads the hash it left; SQLite has one writer at a time anyway. The lock is held to the end of the
 * transaction, so callers append last, after their other writes: the wait stays short, and every
 * transaction takes its row locks in the same order (its own rows, then the chain), so two cannot
 * deadlock.
 */
export async function insertAudit(
  trx: Transaction<Database>,
  clock: StoreClock,
  entries: AuditEntry | readonly AuditEntry[],
  st: PreparedStatements,
): Promise<void> {
  const list: readonly AuditEntry[] = isList(entries) ? entries : [entries];
  if (list.length === 0) return;
  const {
    rows: [head],
  } = await st.run(trx, 'audit_chain.lock', [CHAIN_HEAD_ID], (k, [id]) =>
    k
      .updateTable('audit_chain')
      .set((eb) => ({ last_hash: eb.ref('last_hash') }))
      .where('id', '=', id)
      .returning('last_hash'),
  );
  if (!head) throw new Error('The audit chain head is missing: the store was not migrated.');
  const at = nowIso(clock);
  let prev = head.last_hash;
  const rows = list.map((entry) => {
    const content = {
      at,
      tenant_id: entry.tenantId,
      actor_id: entry.actorId,
      actor_name: entry.actorName ?? null,
      action: entry.action,
      request_id: entry.requestId ?? null,
      detail: entry.detail ? toJson(entry.detail) : null,
      graph_request_id: entry.graphRequestId ?? null,
    };
    const hash = chainHash(prev, content);
    const row = { ...content, prev_hash: prev, hash };
    prev = hash;
    return row;
  });
  await st.run(trx, `audit.insert.${rows.length}`, rows, (k, values) => k.insertInto('audit').values(values));
  await st.run(trx, 'audit_chain.advance', { hash: prev, id: CHAIN_HEAD_ID }, (k, v) =>
    k.updateTable('audit_chain').set({ last_hash: v.hash }).where('id', '=', v.id),
  );
}

function toAuditRow(row: AuditDbRow): AuditRow {
  const out: AuditRow = { id: row.id, at: row.at, tenantId: row.tenant_id, actorId: row.actor_id, action: row.action };
  if (row.actor_name !== null) out.actorName = row.actor_name;
  if (row.request_id !== null) out.requestId = row.request_id;
  if (row.detail !== null) out.detail = fromJson<Record<string, unknown>>(row.detail);
  const graphRequestId = opt(row.graph_request_id);
  if (graphRequestId !== undefined) out.graphRequestId = graphRequestId;
  return out;
}

/** IN lists stay well under both engines' limits on bound parameters. */
const IDS_PER_QUERY = 500;

export class SqlAuditStore implements AuditStore {
  private readonly st: PreparedStatements;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: StoreClock,
  ) {
    this.st = new PreparedStatements(db);
  }

  append(entry: AuditEntry): Promise<void> {
    return casTransaction(this.db).execute((trx) => insertAudit(trx, this.clock, entry, this.st));
  }

  async listForRequest(requestId: number): Promise<AuditRow[]> {
    const rows = await this.db
      .selectFrom('audit')
      .selectAll()
      .where('request_id', '=', requestId)
      .orderBy('id')
      .execute();
    return rows.map(toAuditRow);
  }

  async listForRequests(requestIds: readonly number[]): Promise<AuditRow[]> {
    const out: AuditRow[] = [];
    for (let i = 0; i < requestIds.length; i += IDS_PER_QUERY) {
      const ids = requestIds.slice(i, i + IDS_PER_QUERY);
      const rows = await this.db
        .selectFrom('audit')
        .selectAll()
        .where('request_id', 'in', ids)
        .orderBy('request_id')
        .orderBy('id')
        .execute();
      out.push(...rows.map(toAuditRow));
    }
    return out;
  }

  async listRecent(limit: number): Promise<AuditRow[]> {
    const rows = await this.db
      .selectFrom('audit')
      .selectAll()
      .orderBy('id', 'desc')
      .limit(literalLimit(limit))
      .execute();
    return rows.map(toAuditRow);
  }

  async listBetween(from: string, to: string, limit: number): Promise<ChainedAuditRow[]> {
    const rows = await this.db
      .selectFrom('audit')
      .selectAll()
      .where('at', '>=', from)
      .where('at', '<', to)
      .orderBy('id')
      .limit(literalLimit(limit))
      .execute();
    return rows.map((r) => ({ ...toAuditRow(r), detailJson: r.detail, prevHash: r.prev_hash, hash: r.hash }));
  }

  verify(): Promise<ChainVerdict> {
    return verifyChain(this.db);
  }
}

function isList(entries: AuditEntry | readonly AuditEntry[]): entries is readonly AuditEntry[] {
  return Array.isArray(entries);
}
