/**
 * The audit trail becomes a hash chain (src/store/auditChain.ts): two columns on audit, the chain
 * head table, and the rows written before this migration hashed once, in id order. Also the two
 * indexes the exports read by: requests by creation time, audit rows by time.
 *
 * Every step can run again: on SQLite Kysely runs migrations outside a transaction, so a start
 * interrupted half-way repeats it (columns and tables are only added when missing, and hashing the
 * existing rows again gives the same hashes). On PostgreSQL it is one transaction.
 */
import type { Kysely, Migration } from 'kysely';
import { CHAIN_HEAD_ID, chainHash, GENESIS_HASH, type ChainedColumns } from '../auditChain';

// The schema of that version, not today's (see 001_initial.ts).
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the schema of that version, not today's
type AnyDb = Kysely<any>;

interface OldAuditRow extends ChainedColumns {
  id: number;
  prev_hash: string | null;
  hash: string | null;
}

const PAGE = 500;

async function hashExistingRows(db: AnyDb): Promise<string> {
  let prev = GENESIS_HASH;
  let after = 0;
  for (;;) {
    const page = (await db
      .selectFrom('audit')
      .selectAll()
      .where('id', '>', after)
      .orderBy('id')
      .limit(PAGE)
      .execute()) as OldAuditRow[];
    for (const row of page) {
      const hash = chainHash(prev, row);
      if (row.prev_hash !== prev || row.hash !== hash)
        await db.updateTable('audit').set({ prev_hash: prev, hash }).where('id', '=', row.id).execute();
      prev = hash;
      after = row.id;
    }
    if (page.length < PAGE) return prev;
  }
}

export function auditHashChain(): Migration {
  return {
    async up(db: AnyDb): Promise<void> {
      const tables = await db.introspection.getTables();
      const audit = tables.find((t) => t.name === 'audit');
      const has = (column: string) => audit?.columns.some((c) => c.name === column) ?? false;
      if (!has('prev_hash')) await db.schema.alterTable('audit').addColumn('prev_hash', 'text').execute();
      if (!has('hash')) await db.schema.alterTable('audit').addColumn('hash', 'text').execute();
      await db.schema
        .createTable('audit_chain')
        .ifNotExists()
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('last_hash', 'text', (c) => c.notNull())
        .execute();
      const last = await hashExistingRows(db);
      await db
        .insertInto('audit_chain')
        .values({ id: CHAIN_HEAD_ID, last_hash: last })
        .onConflict((oc) => oc.column('id').doUpdateSet({ last_hash: last }))
        .execute();
      await db.schema.createIndex('audit_by_time').ifNotExists().on('audit').columns(['at', 'id']).execute();
      await db.schema
        .createIndex('requests_by_created')
        .ifNotExists()
        .on('requests')
        .columns(['created_at', 'id'])
        .execute();
    },
  };
}
