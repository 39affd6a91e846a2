/**
 * The first schema. Same code for both engines; the only difference is how an auto-incrementing
 * id is spelled. Indexes exist for each list query of the store, so none scans `requests`:
 *  - listByRequester        requests(requester_id, id DESC)
 *  - listPendingForApprover request_approvers(approver_id, pending, request_id) → requests by id
 *  - findOpenForTarget      request_targets(user_id) → requests by id
 *  - listExpired            requests(state, expires_at)
 *  - listRunnable           requests(state, updated_at)
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { Engine } from '../dialect';

// Kysely's advice for migrations: they describe the schema *as it was* at that version, so they
// are written against an untyped database rather than today's `Database` interface.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the schema of that version, not today's
type AnyDb = Kysely<any>;

/**
 * Every statement is IF NOT EXISTS: on SQLite Kysely runs migrations outside a transaction, so a
 * start interrupted half-way must be able to run this again.
 */
export function initialSchema(engine: Engine): Migration {
  const idColumn = (table: ReturnType<AnyDb['schema']['createTable']>) =>
    engine === 'postgres'
      ? table.addColumn('id', 'serial', (c) => c.primaryKey())
      : // AUTOINCREMENT: an id shown to people as "request 42" is never reused, even after deletes.
        table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());

  return {
    async up(db: AnyDb): Promise<void> {
      await idColumn(db.schema.createTable('requests').ifNotExists())
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('version', 'integer', (c) => c.notNull())
        .addColumn('requester_id', 'text', (c) => c.notNull())
        .addColumn('requester_name', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('justification', 'text')
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('decided_by', 'text')
        .addColumn('decided_by_name', 'text')
        .addColumn('decided_at', 'text')
        .addColumn('decision_reason', 'text')
        .addColumn('error_code', 'text')
        .addColumn('error_message', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text')
        .execute();
      await db.schema
        .createIndex('requests_by_requester')
        .ifNotExists()
        .on('requests')
        .columns(['requester_id', 'id desc'])
        .execute();
      await db.schema
        .createIndex('requests_by_state_expires')
        .ifNotExists()
        .on('requests')
        .columns(['state', 'expires_at'])
        .execute();
      await db.schema
        .createIndex('requests_by_state_updated')
        .ifNotExists()
        .on('requests')
        .columns(['state', 'updated_at'])
        .execute();

      await db.schema
        .createTable('request_targets')
        .ifNotExists()
        .addColumn('request_id', 'integer', (c) => c.notNull().references('requests.id').onDelete('cascade'))
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('user_principal_name', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('error_code', 'text')
        .addColumn('error_message', 'text')
        .addPrimaryKeyConstraint('request_targets_pk', ['request_id', 'user_id'])
        .execute();
      await db.schema
        .createIndex('request_targets_by_user')
        .ifNotExists()
        .on('request_targets')
        .column('user_id')
        .execute();

      await db.schema
        .createTable('request_approvers')
        .ifNotExists()
        .addColumn('request_id', 'integer', (c) => c.notNull().references('requests.id').onDelete('cascade'))
        .addColumn('approver_id', 'text', (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('pending', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('request_approvers_pk', ['request_id', 'approver_id'])
        .execute();
      // `pending` sits between the two so an owner with a long decision history still finds their
      // few pending requests in O(limit); it is a plain column (not a partial-index predicate)
      // because both engines match partial indexes only against literals, not bound parameters.
      await db.schema
        .createIndex('request_approvers_by_approver')
        .ifNotExists()
        .on('request_approvers')
        .columns(['approver_id', 'pending', 'request_id'])
        .execute();

      await idColumn(db.schema.createTable('audit').ifNotExists())
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('actor_id', 'text', (c) => c.notNull())
        .addColumn('actor_name', 'text')
        .addColumn('action', 'text', (c) => c.notNull())
        // No foreign key: the audit trail must outlive anything it talks about.
        .addColumn('request_id', 'integer')
        .addColumn('detail', 'text')
        .addColumn('graph_request_id', 'text')
        .execute();
      await db.schema.createIndex('audit_by_request').ifNotExists().on('audit').columns(['request_id', 'id']).execute();

      await idColumn(db.schema.createTable('card_messages').ifNotExists())
        .addColumn('request_id', 'integer', (c) => c.notNull().references('requests.id').onDelete('cascade'))
        .addColumn('recipient_id', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('conversation_ref', 'text', (c) => c.notNull())
        .addColumn('activity_id', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addUniqueConstraint('card_messages_activity', ['request_id', 'recipient_id', 'activity_id'])
        .execute();

      await db.schema
        .createTable('conversation_refs')
        .ifNotExists()
        .addColumn('aad_object_id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('conversation_ref', 'text', (c) => c.notNull())
        .addColumn('first_seen_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('bot_state')
        .ifNotExists()
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('etag', 'text', (c) => c.notNull())
        .execute();

      await idColumn(db.schema.createTable('timers').ifNotExists())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('request_id', 'integer')
        .addColumn('due_at', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('done_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      // Partial with a literal predicate: the worker's poll reads only timers still to run.
      await db.schema
        .createIndex('timers_due')
        .ifNotExists()
        .on('timers')
        .columns(['due_at', 'id'])
        .where(sql.ref('done_at'), 'is', null)
        .execute();
      await db.schema
        .createIndex('timers_by_request')
        .ifNotExists()
        .on('timers')
        .columns(['request_id', 'due_at'])
        .execute();

      await db.schema
        .createTable('records')
        .ifNotExists()
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('actor_id', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('records_pk', ['kind', 'key'])
        .execute();
    },
  };
}
