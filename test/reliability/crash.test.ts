/**
 * Nothing lost to a crash, tried with real processes: Dragon Desk instances run as `npm start`
 * runs them (compiled, own process), share one PostgreSQL and one dev tenant, and are killed with
 * SIGKILL at chosen moments. What must hold afterwards: every request completes once, every
 * notification arrives once, and another instance takes work over within seconds (LEASE_SECONDS),
 * not minutes.
 */
import { startDevTenant, type DevTenant } from '../../src/devtenant/server';
import { openStore } from '../../src/store';
import type { Store } from '../../src/store/types';
import type { DeskRequest } from '../../src/domain/request';
import { benchFixture, benchUser } from '../../bench/fixture';
import { FakeConnector, cardActions, cardOf, messageText } from '../helpers/connector';
import { startPostgres, type TestPostgres } from '../helpers/postgres';
import { buildDist, eventually, ProcessPerson, startInstance, type Instance } from '../helpers/processes';

const NURSING_GROUP = '11111111-aaaa-4aaa-8aaa-000000000001';
const MEMBER_ADD = `/v1.0/groups/${NURSING_GROUP}/members/$ref`;
const LEASE = { LEASE_SECONDS: '3', LICENSE_VERIFY_TIMEOUT_SECONDS: '60' };

let pg: TestPostgres;
let connector: FakeConnector;
let tenant: DevTenant;
let store: Store;
let running: Instance[] = [];

beforeAll(async () => {
  await buildDist();
  pg = await startPostgres();
}, 120_000);
afterAll(async () => pg?.stop());

beforeEach(async () => {
  connector = new FakeConnector();
  await connector.start();
});
afterEach(async () => {
  await Promise.all(running.map((i) => i.kill9()));
  running = [];
  await store?.close();
  await tenant?.close();
  await connector.stop();
});

async function cluster(opts: { nurses?: number; licenseProcessingDelayMs?: number } = {}): Promise<string> {
  tenant = await startDevTenant({
    fixture: benchFixture(opts.nurses ?? 0),
    licenseProcessingDelayMs: opts.licenseProcessingDelayMs ?? 50,
  });
  const url = await pg.createDatabase();
  store = await openStore({ databaseUrl: url });
  return url;
}

async function instance(name: string, databaseUrl: string): Promise<Instance> {
  const i = await startInstance({ name, databaseUrl, devTenantUrl: tenant.url, env: LEASE });
  running.push(i);
  return i;
}

function chatTexts(p: ProcessPerson): string[] {
  return connector.messages(p.conversationId).map((m) => messageText(m.activity));
}

function count(p: ProcessPerson, re: RegExp): number {
  return chatTexts(p).filter((t) => re.test(t)).length;
}

/** The newest card in a chat, as it stands now, and its button's action. */
function button(p: ProcessPerson, title: string): { verb: string; data: Record<string, unknown>; activityId: string } {
  const withCards = connector.messages(p.conversationId).filter((m) => cardOf(m.activity));
  const last = withCards[withCards.length - 1];
  if (!last) throw new Error(`no card in ${p.alias}'s chat: ${JSON.stringify(chatTexts(p))}`);
  const current = connector.current.get(last.activityId)!;
  const action = cardActions(cardOf(current.activity)).find((a) => a.title === title);
  if (!action) throw new Error(`no “${title}” on ${p.alias}'s card`);
  return { ...action, activityId: last.activityId };
}

/** A nurse asks for herself and sends it; Nina's approval card goes out. Returns the request id. */
async function asksAndSends(at: Instance, nurse: ProcessPerson): Promise<number> {
  await nurse.say(at, 'I need a Dragon nursing license');
  const send = button(nurse, 'Send for approval');
  await nurse.click(at, send.verb, { ...send.data, justification: 'night shift charting' }, send.activityId);
  const id = Number(send.data.requestId);
  await eventually(
    async () => (await store.outbox.list(id)).some((d) => d.kind === 'approval-card' && d.state === 'sent'),
    10_000,
    () => `Nina's approval card for #${id} was not sent`,
  );
  return id;
}

async function approve(at: Instance, nina: ProcessPerson, requestId: number): Promise<void> {
  const req = (await store.requests.get(requestId))!;
  await nina.click(at, 'request.approve', { requestId, version: req.version });
}

async function requestState(id: number): Promise<DeskRequest['state'] | undefined> {
  return (await store.requests.get(id))?.state;
}

function nurse(n: number): ProcessPerson {
  const u = benchUser(n);
  return new ProcessPerson({ alias: `nurse-${n}`, id: u.id, displayName: u.displayName }, connector.url);
}

function persona(alias: string): ProcessPerson {
  return ProcessPerson.persona(alias, connector.url);
}

test('kill -9 right after an Approve click: every message of the decision and the execution arrives, once', async () => {
  const url = await cluster({ nurses: 1 });
  const a = await instance('a', url);
  const nina = persona('nina');
  const dana = nurse(1);
  await nina.say(a, 'hi');
  const id = await asksAndSends(a, dana);

  // Teams is slow to accept messages: the instance dies with them still in flight.
  connector.delayMs = 2_000;
  await approve(a, nina, id);
  await a.kill9();
  connector.delayMs = 0;
  expect(count(dana, /approved your request/)).toBe(0);

  const b = await instance('b', url);
  const took = await eventually(
    async () => (await requestState(id)) === 'completed' && count(dana, /Done: request #\d+ is complete/) === 1,
    40_000,
    async () => `#${id} is ${await requestState(id)}; Dana saw ${JSON.stringify(chatTexts(dana))}\n${b.output()}`,
  );
  expect(took).toBeLessThan(30_000);
  // Everything delivered exactly once: the decision (its claim lapses with the dead instance's lease),
  // the completion, and every copy of the card brought up to date.
  await eventually(
    async () => (await store.outbox.list(id)).every((d) => d.state !== 'pending'),
    20_000,
    async () => JSON.stringify(await store.outbox.list(id)),
  );
  expect(count(dana, /Nina Okafor approved your request/)).toBe(1);
  expect(count(dana, /Done: request #\d+ is complete/)).toBe(1);
  const deliveries = await store.outbox.list(id);
  expect(new Set(deliveries.map((d) => d.key)).size).toBe(deliveries.length);
}, 90_000);

test('kill -9 in the middle of an execution: another instance takes it over within seconds and completes it once', async () => {
  // Entra takes 4 s to apply a group license: the execution is waiting to verify when it dies.
  const url = await cluster({ nurses: 1, licenseProcessingDelayMs: 4_000 });
  const a = await instance('a', url);
  const nina = persona('nina');
  const dana = nurse(1);
  await nina.say(a, 'hi');
  const id = await asksAndSends(a, dana);
  await approve(a, nina, id);
  await eventually(
    async () => (await requestState(id)) === 'executing' && tenant.calls.count({ path: MEMBER_ADD }) > 0,
    10_000,
    () => 'the execution did not start',
  );
  await a.kill9();

  const restarted = Date.now();
  await instance('b', url);
  await eventually(
    async () => (await requestState(id)) === 'completed',
    40_000,
    async () => `#${id} is ${await requestState(id)}`,
  );
  // The lease (3 s) and Entra's own 4 s, not a five-minute staleness rule.
  expect(Date.now() - restarted).toBeLessThan(20_000);
  const audit = await store.audit.listForRequest(id);
  expect(audit.filter((e) => e.action === 'execution.completed')).toHaveLength(1);
  expect(audit.filter((e) => e.action === 'execution.resume')).toHaveLength(1);
  // The second instance's add found the membership there: the person is in the group once.
  expect(tenant.state.memberIds(NURSING_GROUP).filter((m) => m === dana.id)).toHaveLength(1);
  await eventually(
    () => count(dana, /Done: request/) === 1,
    10_000,
    () => JSON.stringify(chatTexts(dana)),
  );
}, 90_000);

test('two instances, a 50% throttling storm on Graph writes, then kill -9 of both: all complete once, every message once', async () => {
  const nurses = 6;
  const url = await cluster({ nurses, licenseProcessingDelayMs: 300 });
  const a = await instance('a', url);
  const b = await instance('b', url);
  const nina = persona('nina');
  await nina.say(a, 'hi');
  const ids: number[] = [];
  for (let n = 1; n <= nurses; n++) ids.push(await asksAndSends(n % 2 ? a : b, nurse(n)));

  // Every other write to the license group is throttled (Retry-After: 1 s), for as long as the test runs.
  tenant.faults.failNext({
    method: 'POST',
    path: MEMBER_ADD,
    status: 429,
    retryAfterSeconds: 1,
    count: 1000,
    every: 2,
  });
  for (const [i, id] of ids.entries()) await approve(i % 2 ? a : b, nina, id);
  await new Promise((r) => setTimeout(r, 400));
  await Promise.all([a.kill9(), b.kill9()]);

  const restarted = Date.now();
  await Promise.all([instance('a2', url), instance('b2', url)]);
  await eventually(
    async () => (await Promise.all(ids.map(requestState))).every((s) => s === 'completed'),
    60_000,
    async () => `states ${JSON.stringify(await Promise.all(ids.map(requestState)))}`,
  );
  expect(Date.now() - restarted).toBeLessThan(60_000);
  await new Promise((r) => setTimeout(r, 1_500));
  for (let n = 1; n <= nurses; n++) {
    const p = nurse(n);
    expect(tenant.state.memberIds(NURSING_GROUP).filter((m) => m === p.id)).toHaveLength(1);
    expect(count(p, /approved your request/)).toBe(1);
    expect(count(p, /Done: request #\d+ is complete/)).toBe(1);
  }
  for (const id of ids) {
    const audit = await store.audit.listForRequest(id);
    expect(audit.filter((e) => e.action === 'execution.completed')).toHaveLength(1);
    expect((await store.outbox.list(id)).filter((d) => d.state === 'pending')).toEqual([]);
  }
}, 150_000);
