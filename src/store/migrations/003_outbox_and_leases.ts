/**
 * Nothing lost to a crash: a stored outbox for every message and card sent in the background, and
 * leases instead of "claimed forever" for executions and timers.
 *  - outbox:    each delivery a row, unique by its key (once per recipient and event), claimed
 *               with a lease while it is being sent, retried with back-off until it is.
 *  - requests:  lease_owner / lease_until on an executing request; a lapsed lease (or a throttled
 *               execution's retry time) makes it runnable again, by any instance.
 *  - timers:    claimed_until while a handler runs; done only after it succeeded.
 * Re-runnable like 001 (SQLite runs migrations outside a transaction): tables and indexes are
 * IF NOT EXISTS, and a column is added only when it is missing.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { Engine } from '../dialect';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the schema of that version, not today's
type AnyDb = Kysely<any>;

async function hasColumn(db: AnyDb, engine: Engine, table: string, column: string): Promise<boolean> {
  if (engine === 'postgres') {
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from information_schema.columns
      where table_schema = current_schema() and table_name = ${table} and column_name = ${column}`.execute(db);
    return rows[0].n > 0;
  }
  const { rows } = await sql<{ name: string }>`select name from pragma_table_info(${table})`.execute(db);
  return rows.some((r) => r.name === column);
}

async function addColumn(
  db: AnyDb,
  engine: Engine,
  table: string,
  column: string,
  type: 'text' | 'integer',
  defaultZero = false,
): Promise<void> {
  if (await hasColumn(db, engine, table, column)) return;
  await db.schema
    .alterTable(table)
    .addColumn(column, type, (c) => (defaultZero ? c.notNull().defaultTo(0) : c))
    .execute();
}

export function outboxAndLeases(engine: Engine): Migration {
  return {
    async up(db: AnyDb): Promise<void> {
      const id = (t: ReturnType<AnyDb['schema']['createTable']>) =>
        engine === 'postgres'
          ? t.addColumn('id', 'serial', (c) => c.primaryKey())
          : t.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
      await id(db.schema.createTable('outbox').ifNotExists())
        .addColumn('dedupe_key', 'text', (c) => c.notNull().unique())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('recipient_id', 'text', (c) => c.notNull())
        .addColumn('request_id', 'integer')
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('due_at', 'text', (c) => c.notNull())
        .addColumn('claim_owner', 'text')
        .addColumn('claimed_until', 'text')
        .addColumn('sent_at', 'text')
        .addColumn('activity_id', 'text')
        .addColumn('error', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      // The deliverer's poll reads only what is still to send.
      await db.schema
        .createIndex('outbox_due')
        .ifNotExists()
        .on('outbox')
        .columns(['due_at', 'id'])
        .where(sql.ref('state'), '=', sql.lit('pending'))
        .execute();

      await addColumn(db, engine, 'requests', 'lease_owner', 'text');
      await addColumn(db, engine, 'requests', 'lease_until', 'text');
      await db.schema
        .createIndex('requests_by_state_lease')
        .ifNotExists()
        .on('requests')
        .columns(['state', 'lease_until'])
        .execute();

      await addColumn(db, engine, 'timers', 'claimed_until', 'text');
      await addColumn(db, engine, 'timers', 'attempts', 'integer', true);
    },
  };
}
