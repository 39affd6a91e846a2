/**
 * The audit trail as a hash chain: every row stores the hash of the row before it (`prev_hash`) and
 * its own (`hash` = SHA-256 over the previous hash and a canonical serialisation of the row). A row
 * changed, removed or slipped in afterwards no longer matches its hash or its successor's
 * `prev_hash`; rows cut off the end no longer match the chain head (table `audit_chain`, one row),
 * which every append moves forward in the same transaction.
 *
 * The canonical form is written down here and in README ("Audit trail") so that an auditor can
 * recompute the chain from an export without Dragon Desk: the JSON array
 *   ["dragon-desk.audit.v1", at, tenant_id, actor_id, actor_name, action, request_id, detail, graph_request_id]
 * of the stored column values (NULL as null, request_id a number, detail the stored JSON text), and
 *   hash = hex(SHA-256(prev_hash + "\n" + that JSON)),
 * with 64 zeros as the first row's prev_hash. The row id is not part of it: ids are handed out by
 * the database when the row is inserted, after its hash is computed; the order is carried by the
 * links instead.
 */
import { createHash } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { AuditTable, Database } from './schema';

/** The previous hash of the first row ever written. */
export const GENESIS_HASH = '0'.repeat(64);

/** The one row of table audit_chain. */
export const CHAIN_HEAD_ID = 1;

/** The columns a row's hash covers, as stored. */
export type ChainedColumns = Pick<
  AuditTable,
  'at' | 'tenant_id' | 'actor_id' | 'actor_name' | 'action' | 'request_id' | 'detail' | 'graph_request_id'
>;

const FORMAT = 'dragon-desk.audit.v1';

export function chainHash(prevHash: string, row: ChainedColumns): string {
  const canonical = JSON.stringify([
    FORMAT,
    row.at,
    row.tenant_id,
    row.actor_id,
    row.actor_name,
    row.action,
    row.request_id,
    row.detail,
    row.graph_request_id,
  ]);
  return createHash('sha256').update(prevHash).update('\n').update(canonical).digest('hex');
}

export type ChainVerdict =
  | { ok: true; rows: number; headHash: string }
  | {
      ok: false;
      /** Rows that were checked and found sound before the break. */
      rows: number;
      /** The first row that does not fit; absent when the rows are sound but the head is not. */
      rowId?: number;
      reason: string;
    };

const PAGE = 1000;

/**
 * Walks the whole trail in id order and reports the first break. Runs in one transaction, so rows
 * appended meanwhile by another instance are either all seen (with the head that covers them) or
 * not at all: REPEATABLE READ on PostgreSQL, and SQLite's read transaction is a snapshot anyway.
 */
export function verifyChain(db: Kysely<Database>): Promise<ChainVerdict> {
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute((trx) => walk(trx));
}

async function walk(trx: Transaction<Database>): Promise<ChainVerdict> {
  const head = await trx
    .selectFrom('audit_chain')
    .select('last_hash')
    .where('id', '=', CHAIN_HEAD_ID)
    .executeTakeFirst();
  if (!head) return { ok: false, rows: 0, reason: 'the chain head (table audit_chain) is missing' };
  let prev = GENESIS_HASH;
  let prevId: number | undefined;
  let rows = 0;
  for (;;) {
    let q = trx.selectFrom('audit').selectAll().orderBy('id').limit(PAGE);
    if (prevId !== undefined) q = q.where('id', '>', prevId);
    const page = await q.execute();
    for (const row of page) {
      const after = prevId === undefined ? 'the start of the trail' : `row ${prevId}`;
      if (row.hash === null || row.prev_hash === null)
        return { ok: false, rows, rowId: row.id, reason: 'it has no hash (written without the chain)' };
      if (row.prev_hash !== prev)
        return {
          ok: false,
          rows,
          rowId: row.id,
          reason: `its previous hash does not match ${after}: a row before it was changed, removed or inserted`,
        };
      if (chainHash(prev, row) !== row.hash)
        return { ok: false, rows, rowId: row.id, reason: 'its content does not match its hash: it was changed' };
      prev = row.hash;
      prevId = row.id;
      rows++;
    }
    if (page.length < PAGE) break;
  }
  if (head.last_hash !== prev)
    return {
      ok: false,
      rows,
      reason:
        rows === 0
          ? 'the trail is empty but the chain head says rows were written: they were removed'
          : `the chain head does not match the last row (${prevId}): rows after it were removed`,
    };
  return { ok: true, rows, headHash: prev };
}
