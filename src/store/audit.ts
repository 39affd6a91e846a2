/** The append-only audit trail: who did what to which request, and what Graph said. */
import type { Kysely, Transaction } from 'kysely';
import { fromJson, nowIso, opt, toJson, type StoreClock } from './codec';
import { literalLimit } from './dialect';
import { PreparedStatements } from './prepared';
import type { AuditDbRow, Database } from './schema';
import type { AuditEntry, AuditRow, AuditStore } from './types';

/**
 * Inserts audit rows, in the order given, with one statement; used on its own and inside request
 * transactions (with the caller's prepared statements).
 */
export async function insertAudit(
  db: Kysely<Database> | Transaction<Database>,
  clock: StoreClock,
  entries: AuditEntry | readonly AuditEntry[],
  st: PreparedStatements,
): Promise<void> {
  const list: readonly AuditEntry[] = isList(entries) ? entries : [entries];
  if (list.length === 0) return;
  const at = nowIso(clock);
  const rows = list.map((entry) => ({
    at,
    tenant_id: entry.tenantId,
    actor_id: entry.actorId,
    actor_name: entry.actorName ?? null,
    action: entry.action,
    request_id: entry.requestId ?? null,
    detail: entry.detail ? toJson(entry.detail) : null,
    graph_request_id: entry.graphRequestId ?? null,
  }));
  await st.run(db, `audit.insert.${rows.length}`, rows, (k, values) => k.insertInto('audit').values(values));
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

export class SqlAuditStore implements AuditStore {
  private readonly st: PreparedStatements;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: StoreClock,
  ) {
    this.st = new PreparedStatements(db);
  }

  append(entry: AuditEntry): Promise<void> {
    return insertAudit(this.db, this.clock, entry, this.st);
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

  async listRecent(limit: number): Promise<AuditRow[]> {
    const rows = await this.db
      .selectFrom('audit')
      .selectAll()
      .orderBy('id', 'desc')
      .limit(literalLimit(limit))
      .execute();
    return rows.map(toAuditRow);
  }
}

function isList(entries: AuditEntry | readonly AuditEntry[]): entries is readonly AuditEntry[] {
  return Array.isArray(entries);
}
