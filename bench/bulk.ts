/**
 * Bulk: a License Administrator gives 20 people a nursing license in one message (the admin
 * center's bulk limit), confirms, and the worker carries it out. Counted: the HTTP requests Dragon
 * Desk sends to the tenant while carrying it out (writes and the check that the licenses landed),
 * as the tenant sees them (a $batch is one request however many items it holds), against a client
 * that sends one request per person for the writes and one per person for the check.
 */
import { conversationIdOf, type Speaker } from './activities';
import { latestCardWith } from './connector';
import { NURSING_SKU } from './fixture';
import { click, say, type World } from './world';

export interface BulkResult {
  people: number;
  /** Tenant HTTP requests while carrying the request out (claim to completed). */
  executionRequests: number;
  /** Of those, $batch requests, and the items they carried. */
  batchRequests: number;
  batchItems: number;
  /** What a one-request-per-person client would send for the same writes and check. */
  perPersonRequests: number;
  /** Tenant HTTP requests for the whole exchange: the message, the Confirm click and the execution. */
  wholeExchangeRequests: number;
  /** method + path of each execution request, in order. */
  calls: string[];
  completed: boolean;
  licensed: number;
}

export async function measureBulk(world: World, admin: Speaker, people = 20, timeoutMs = 30_000): Promise<BulkResult> {
  const { services, devTenant, worker, store } = world.dd.desk;
  if (!devTenant) throw new Error('the bench needs the in-process dev tenant');
  const targets = Array.from({ length: people }, () => world.freshNurse());
  const upn = (s: Speaker) => `bench.nurse${s.alias.replace('bench', '')}@contosohealth.onmicrosoft.com`;
  const names = targets.map(upn);
  const text = `give ${names.slice(0, -1).join(', ')} and ${names[names.length - 1]} a Dragon nursing license`;

  await world.settle();
  // Held while the request is made, so counting starts exactly when the execution can.
  await worker.stop();
  const before = devTenant.calls.count({ inBatch: false });
  await say(world, world.dd.messagesUrl, admin, text);
  const confirmCard = latestCardWith(world.connector, conversationIdOf(admin), 'Confirm');
  if (!confirmCard) throw new Error(`${admin.displayName} got no confirmation card for the 20 people`);
  await click(world, admin, confirmCard, 'Confirm');
  const requestId = (await store.requests.listByRequester(admin.id, 1))[0]?.id;
  if (requestId === undefined) throw new Error('no request was created');
  const beforeExecution = devTenant.calls.list().length;
  const outerBeforeExecution = devTenant.calls.count({ inBatch: false });

  worker.start();
  const deadline = Date.now() + timeoutMs;
  let state = (await store.requests.get(requestId))?.state;
  while (state !== 'completed' && state !== 'failed' && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 25));
    state = (await store.requests.get(requestId))?.state;
  }
  await world.settle();
  services.directory.invalidate();

  const executionCalls = devTenant.calls.list().slice(beforeExecution);
  const outer = executionCalls.filter((c) => !c.inBatch);
  const licensed = targets.filter((t) =>
    devTenant.state
      .getUser(t.id)
      ?.licenseAssignmentStates.some((s) => s.skuId.toLowerCase() === NURSING_SKU && s.state === 'Active'),
  ).length;
  return {
    people,
    executionRequests: outer.length,
    batchRequests: outer.filter((c) => c.path.endsWith('/$batch')).length,
    batchItems: executionCalls.filter((c) => c.inBatch).length,
    perPersonRequests: 2 * people,
    wholeExchangeRequests: outerBeforeExecution - before + outer.length,
    calls: outer.map((c) => `${c.method} ${c.path}`),
    completed: state === 'completed',
    licensed,
  };
}
