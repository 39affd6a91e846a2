/**
 * Work that a crash or a throttle interrupts is picked up again, in process (the real-process
 * crash tests are in crash.test.ts): a timer is held while it runs and done only after its handler
 * succeeded, so an end of time-bound access interrupted half-way still happens, and people are told
 * once; a reminder that runs late, after the end, is not sent; a throttled execution is retried at
 * Graph's Retry-After instead of waiting for a staleness rule.
 */
import { ManualClock } from '../../src/clock';
import { ROLE_TEMPLATE } from '../../src/domain/catalog';
import { persona } from '../../src/devtenant/fixture';
import { Harness, cardText } from '../helpers/harness';
import { danaAsksForNursing, MEMBER_ADD_PATH, settleUntilFinal } from '../helpers/licenseSteps';

const MIN = 60_000;
const HOUR = 60 * MIN;

function holdsDragonAdmin(h: Harness, alias: string): boolean {
  return h.desk
    .devTenant!.state.heldRoleTemplateIds(persona(alias).id, true)
    .includes(ROLE_TEMPLATE.dragonAdministrator);
}

async function graceGivesSamAdmin(h: Harness, how: string): Promise<void> {
  const grace = h.as('grace');
  await grace.say(`give Sam Carter Dragon admin ${how} because go-live support`);
  await grace.click(grace.lastCard(), 'Confirm');
  await h.settle();
  await h.settle();
  expect(holdsDragonAdmin(h, 'sam')).toBe(true);
}

let h: Harness;
afterEach(async () => h?.stop());

test('an end of access whose worker died half-way is run again once the hold lapses; Sam is told once', async () => {
  const clock = new ManualClock();
  h = await Harness.start({ startWorker: false, clock, env: { LEASE_SECONDS: '30' } });
  const sam = h.as('sam');
  await sam.say('hi');
  await graceGivesSamAdmin(h, 'for 4 hours');
  clock.advance(4 * HOUR);
  // Another instance's worker claimed the end and died before it finished.
  const [end] = (await h.desk.store.timers.listDue(clock.now().toISOString(), 10)).filter(
    (t) => t.kind === 'grant.end',
  );
  expect(await h.desk.store.timers.claim(end.id, new Date(clock.now().getTime() + 30_000).toISOString())).toBe(true);
  await h.settle();
  expect(holdsDragonAdmin(h, 'sam')).toBe(true); // held: nobody else runs it yet

  clock.advance(31_000);
  await h.settle();
  expect(holdsDragonAdmin(h, 'sam')).toBe(false);
  expect(sam.texts().filter((t) => /time-bound Dragon Administrator role has ended/.test(t))).toHaveLength(1);
  // Run once more (a second instance also got it): nothing more happens, nobody is told twice.
  const rerun = h.desk.store.timers;
  expect(await rerun.complete(end.id)).toBe(false);
  await h.settle();
  expect(sam.texts().filter((t) => /has ended/.test(t))).toHaveLength(1);
});

test('a reminder that runs after the end (a late worker) is not sent', async () => {
  const clock = new ManualClock();
  h = await Harness.start({ startWorker: false, clock });
  const sam = h.as('sam');
  await sam.say('hi');
  await graceGivesSamAdmin(h, 'for 30 minutes');
  const before = sam.texts().length;
  // The worker was down from before the reminder (15 min before the end) until after the end.
  clock.advance(31 * MIN);
  await h.settle();
  const told = sam.texts().slice(before).join('\n');
  expect(told).not.toMatch(/Heads-up: your Dragon Administrator role ends/);
  expect(told).toMatch(/has ended/);
});

test('a throttled execution is tried again at its Retry-After, and completes once', async () => {
  h = await Harness.start({ startWorker: false });
  const { requestId, approvals } = await danaAsksForNursing(h);
  // Throttled longer than the $batch's own retries wait: the execution gives the lease back.
  h.desk.devTenant!.faults.failNext({
    method: 'POST',
    path: MEMBER_ADD_PATH,
    status: 429,
    retryAfterSeconds: 2,
    count: 4,
  });
  await h.as('nina').click(approvals.nina, 'Approve');
  await h.desk.worker.pass();
  await h.desk.worker.idle();
  const throttled = (await h.desk.store.requests.get(requestId))!;
  expect(throttled.state).toBe('executing');
  expect(throttled.lease?.owner).toBeUndefined();
  const retryIn = Date.parse(throttled.lease!.until) - Date.now();
  expect(retryIn).toBeGreaterThan(0);
  expect(retryIn).toBeLessThanOrEqual(2_500);
  expect(throttled.payload.throttled).toBe(1);
  await new Promise((r) => setTimeout(r, retryIn + 100));
  const done = await settleUntilFinal(h, requestId);
  expect(done.state).toBe('completed');
  const audit = await h.desk.store.audit.listForRequest(requestId);
  expect(audit.filter((a) => a.action === 'execution.completed')).toHaveLength(1);
  expect(cardText(h.as('dana').lastCard().card)).toMatch(/Done|complete/i);
});
