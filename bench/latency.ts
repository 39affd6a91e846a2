/**
 * At Graph's latency: Dragon Desk against a dev tenant that answers every call after 100 ms (inner
 * `$batch` requests too, side by side; src/devtenant/latency.ts), one person at a time, so what is
 * measured is what a person waits for. Each user-visible step is timed from the activity sent to
 * its answer, and its tenant calls are read from the dev tenant's call log: the sequential round
 * trips are the longest chain of calls each sent after the previous one was answered (roundTrips.ts),
 * measured, not assumed.
 *
 * A run is six short journeys, each starting with Dragon Desk's directory cache emptied (a person
 * arriving with nothing read for them yet): a new nurse says "hi", asks for a license and sends it,
 * the group owner approves and the worker carries it out; a License Administrator gives a nurse a
 * license and confirms; a nurse asks for the Dragon Administrator role; a partner operator links a
 * partner id; the License Administrator gives 20 nurses a license at once; then a status question
 * with the cache emptied and once more with it warm.
 */
import { NURSING_SKU } from './fixture';
import { conversationIdOf, type Speaker } from './activities';
import { forget, latestCardWith } from './connector';
import { stats, type LatencyStats } from './load';
import { sequentialRoundTrips } from './roundTrips';
import { click, LICENSE_ASK, personaSpeaker, say, SEND, startWorld, type World } from './world';
import { LICENSE_POLL_DELAYS_MS } from '../src/services/licenses/execution';
import type { CallRecord } from '../src/devtenant/faults';

export const LATENCY_STEPS = [
  'hi',
  'ask',
  'send',
  'approve',
  'execution',
  'adminAsk',
  'confirm',
  'roleAsk',
  'roleSend',
  'partnerAsk',
  'partnerConfirm',
  'bulkAsk',
  'bulkConfirm',
  'statusCold',
  'statusWarm',
] as const;
export type LatencyStep = (typeof LATENCY_STEPS)[number];

/** Steps a person waits for in chat: a message turn or a click's answer. The execution is the worker's. */
export const ANSWER_STEPS: readonly LatencyStep[] = LATENCY_STEPS.filter((s) => s !== 'execution');

export const LATENCY_STEP_LABELS: Record<LatencyStep, string> = {
  hi: 'first message ("hi")',
  ask: '"I need a Dragon nursing license"',
  send: 'Send for approval',
  approve: "approver's Approve (answer)",
  execution: 'execution + verification (worker)',
  adminAsk: 'admin: "give <nurse> a Dragon nursing license"',
  confirm: "admin's Confirm",
  roleAsk: '"make me a Dragon administrator…"',
  roleSend: 'role request: Send for approval',
  partnerAsk: 'partner operator: "link our MPN ID …"',
  partnerConfirm: "partner operator's Confirm",
  bulkAsk: 'admin: a license for 20 people (message)',
  bulkConfirm: "admin's Confirm of the 20",
  statusCold: 'status question, cold caches',
  statusWarm: 'status question, warm caches',
};

export interface LatencyOptions {
  /** Runs of every step (a new nurse each run). */
  runs: number;
  /** Every dev tenant answer is held back this long. */
  latencyMs: number;
  /** People in the bulk request (the admin center's limit is 20). */
  bulkPeople: number;
}

export interface StepFigures {
  runs: number;
  wall: LatencyStats;
  /** Sequential tenant round trips on the step's critical path: the worst run and the median. */
  roundTrips: { max: number; p50: number };
  /** Outer tenant HTTP calls per run (a $batch is one), the most in any run. */
  callsMax: number;
  errors: number;
  firstError?: string;
}

export interface LatencyResult {
  latencyMs: number;
  runs: number;
  steps: Record<LatencyStep, StepFigures>;
  /** The license check after the write: how often Dragon Desk reads, and how late it notices. */
  verification: {
    /** Waits before each read of the person's licensing, after the write (the last one repeats). */
    pollDelaysMs: readonly number[];
    /** Group-licensing processing in the dev tenant (Entra's own work), write → license Active. */
    entraMs: LatencyStats;
    /** License Active in the dev tenant → Dragon Desk's read that saw it answered (the overshoot). */
    overshootMs: LatencyStats;
    /**
     * Of that, what the polling schedule adds: from the license Active (or the write answered, if
     * later: Dragon Desk cannot know sooner) until the read that saw it was sent.
     */
    pollWaitMs: LatencyStats;
    /** The Approve click → the license Active; → the request completed. */
    clickToActiveMs: LatencyStats;
    clickToCompletedMs: LatencyStats;
  };
}

interface Sample {
  wallMs: number;
  roundTrips: number;
  calls: number;
}

/** The tenant calls of a step: outer calls sent after it started and answered before it ended. */
function outerCallsBetween(calls: readonly CallRecord[], fromMs: number, toMs: number): CallRecord[] {
  return calls.filter((c) => !c.inBatch && c.startMs >= fromMs && c.endMs <= toMs);
}

const upnOf = (s: Speaker) => `bench.nurse${s.alias.replace('bench', '')}@contosohealth.onmicrosoft.com`;

async function waitFor(what: string, done: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await done())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

export async function measureLatency(opts: LatencyOptions): Promise<LatencyResult> {
  // Per run: a nurse for the journey, one for the admin's request, one for the role, the bulk's.
  const perRun = 3 + opts.bulkPeople;
  const world = await startWorld({
    nurses: (opts.runs + 1) * perRun,
    latency: { minMs: opts.latencyMs, maxMs: opts.latencyMs },
  });
  try {
    return await runAll(world, opts);
  } finally {
    await world.stop();
  }
}

async function runAll(world: World, opts: LatencyOptions): Promise<LatencyResult> {
  const { devTenant, services, store } = world.dd.desk;
  if (!devTenant) throw new Error('the bench needs the in-process dev tenant');
  const nina = personaSpeaker('nina');
  const leo = personaSpeaker('leo');
  const tomas = personaSpeaker('tomas');
  // They have talked to Dragon Desk before (approval cards reach Nina); the nurses are new.
  for (const p of [nina, leo, tomas]) await say(world, world.dd.messagesUrl, p, 'hi');

  const samples = Object.fromEntries(LATENCY_STEPS.map((s) => [s, [] as Sample[]])) as Record<LatencyStep, Sample[]>;
  const errors = Object.fromEntries(LATENCY_STEPS.map((s) => [s, [] as string[]])) as Record<LatencyStep, string[]>;
  const entra: number[] = [];
  const overshoot: number[] = [];
  const pollWait: number[] = [];
  const clickToActive: number[] = [];
  const clickToCompleted: number[] = [];
  let measuring = false;
  let partnerId = 7_000_000;

  /** One step: background work of the one before is done first; the step's own calls are read after. */
  const step = async <T>(name: LatencyStep, act: () => Promise<T>): Promise<T> => {
    await world.settle();
    const t0 = performance.now();
    const out = await act();
    const t1 = performance.now();
    const outer = outerCallsBetween(devTenant.calls.list(), t0, t1);
    if (measuring)
      samples[name].push({ wallMs: t1 - t0, roundTrips: sequentialRoundTrips(outer), calls: outer.length });
    return out;
  };
  const fresh = () => services.directory.invalidate();
  const card = (who: Speaker, button: string) => {
    const c = latestCardWith(world.connector, conversationIdOf(who), button);
    if (!c) throw new Error(`${who.displayName} got no card with “${button}”`);
    return c;
  };
  const requestOf = async (who: Speaker) => {
    const r = (await store.requests.listByRequester(who.id, 1))[0];
    if (!r) throw new Error(`${who.displayName} has no request`);
    return r;
  };
  const settled = async (who: Speaker) => {
    await world.settle();
    const r = await requestOf(who);
    if (r.state !== 'completed') throw new Error(`request #${r.id} ended ${r.state}: ${r.errorMessage ?? ''}`);
  };
  /** A journey's steps in order; one that fails skips the rest of its journey, not the run. */
  const journey = async (steps: LatencyStep[], run: () => Promise<void>) => {
    try {
      fresh();
      await run();
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      for (const s of steps) if (measuring) errors[s].push(message);
    }
  };

  const oneRun = async () => {
    // A new nurse: "hi", the license request, Send; Nina approves; the worker carries it out.
    const nurse = world.freshNurse();
    await journey(['hi', 'ask', 'send', 'approve', 'execution'], async () => {
      await step('hi', () => say(world, world.dd.messagesUrl, nurse, 'hi'));
      await step('ask', () => say(world, world.dd.messagesUrl, nurse, LICENSE_ASK));
      await step('send', () =>
        click(world, nurse, card(nurse, SEND), SEND, { justification: 'Go-live in the emergency department' }),
      );
      await world.settle();
      const request = await requestOf(nurse);
      const approval = card(nina, 'Approve');
      const worker = world.dd.desk.worker;
      // Held until the click is answered, so the click's calls and the execution's are told apart.
      await worker.stop();
      const clickedAt = performance.now();
      await step('approve', () => click(world, nina, approval, 'Approve'));
      const started = performance.now();
      // Date and performance clocks paired once: the dev tenant stamps licensing with the date.
      const dateOffset = Date.now() - performance.now();
      worker.start();
      await waitFor('the execution', async () => {
        const r = await store.requests.get(request.id);
        return r?.state === 'completed' || r?.state === 'failed';
      });
      const ended = performance.now();
      const outer = outerCallsBetween(devTenant.calls.list(), started, ended);
      const state = devTenant.state
        .getUser(nurse.id)
        ?.licenseAssignmentStates.find((s) => s.skuId.toLowerCase() === NURSING_SKU && s.state === 'Active');
      if (!state) throw new Error(`the license did not land on ${nurse.displayName}`);
      const activeAt = Date.parse(state.lastUpdatedDateTime) - dateOffset;
      // Entra's part starts with the write (handled as it arrives); Dragon Desk notices with the
      // first read handled after the license was Active, when that read's answer is back.
      const write = outer[0];
      const noticing = outer.find((c) => c !== write && c.startMs >= activeAt);
      if (measuring) {
        samples.execution.push({
          wallMs: ended - started,
          roundTrips: sequentialRoundTrips(outer),
          calls: outer.length,
        });
        clickToActive.push(activeAt - clickedAt);
        clickToCompleted.push(ended - clickedAt);
        if (write) entra.push(activeAt - write.startMs);
        if (noticing) overshoot.push(noticing.endMs - activeAt);
        if (noticing && write) pollWait.push(noticing.startMs - Math.max(activeAt, write.endMs));
      }
    });

    // A License Administrator gives a nurse a license directly.
    const target = world.freshNurse();
    await journey(['adminAsk', 'confirm'], async () => {
      await step('adminAsk', () =>
        say(world, world.dd.messagesUrl, leo, `give ${upnOf(target)} a Dragon nursing license`),
      );
      await step('confirm', () => click(world, leo, card(leo, 'Confirm'), 'Confirm'));
      await settled(leo);
    });

    // A nurse asks for the Dragon Administrator role for herself (it goes to the group's owner).
    const roleAsker = world.freshNurse();
    await journey(['roleAsk', 'roleSend'], async () => {
      await say(world, world.dd.messagesUrl, roleAsker, 'hi');
      fresh();
      await step('roleAsk', () =>
        say(world, world.dd.messagesUrl, roleAsker, 'make me a Dragon administrator because go-live support'),
      );
      await step('roleSend', () =>
        click(world, roleAsker, card(roleAsker, SEND), SEND, { justification: 'Go-live support' }),
      );
    });

    // A partner operator links a partner id (a new one each run, so there is always a change).
    await journey(['partnerAsk', 'partnerConfirm'], async () => {
      partnerId += 1;
      await step('partnerAsk', () => say(world, world.dd.messagesUrl, tomas, `link our MPN ID ${partnerId}`));
      await step('partnerConfirm', () => click(world, tomas, card(tomas, 'Confirm'), 'Confirm'));
      await settled(tomas);
    });

    // The License Administrator gives 20 nurses a license in one message.
    const people = Array.from({ length: opts.bulkPeople }, () => upnOf(world.freshNurse()));
    await journey(['bulkAsk', 'bulkConfirm'], async () => {
      const text = `give ${people.slice(0, -1).join(', ')} and ${people[people.length - 1]} a Dragon nursing license`;
      await step('bulkAsk', () => say(world, world.dd.messagesUrl, leo, text));
      await step('bulkConfirm', () => click(world, leo, card(leo, 'Confirm'), 'Confirm'));
      await settled(leo);
    });

    // A status question with nothing cached, then the same once more.
    await journey(['statusCold', 'statusWarm'], async () => {
      await step('statusCold', () => say(world, world.dd.messagesUrl, leo, 'how many nursing seats are left?'));
      await step('statusWarm', () => say(world, world.dd.messagesUrl, leo, 'how many nursing seats are left?'));
    });
    forget(world.connector);
  };

  // One run to warm up (JIT, connections, prepared statements), then the measured ones.
  await oneRun();
  measuring = true;
  for (let i = 0; i < opts.runs; i++) await oneRun();

  const steps = Object.fromEntries(
    LATENCY_STEPS.map((s) => {
      const xs = samples[s];
      const trips = stats(xs.map((x) => x.roundTrips));
      const f: StepFigures = {
        runs: xs.length,
        wall: stats(xs.map((x) => x.wallMs)),
        roundTrips: { max: trips.max, p50: trips.p50 },
        callsMax: Math.max(0, ...xs.map((x) => x.calls)),
        errors: errors[s].length,
      };
      if (errors[s].length) f.firstError = errors[s][0];
      return [s, f];
    }),
  ) as Record<LatencyStep, StepFigures>;
  return {
    latencyMs: opts.latencyMs,
    runs: opts.runs,
    steps,
    verification: {
      pollDelaysMs: LICENSE_POLL_DELAYS_MS,
      entraMs: stats(entra),
      overshootMs: stats(overshoot),
      pollWaitMs: stats(pollWait),
      clickToActiveMs: stats(clickToActive),
      clickToCompletedMs: stats(clickToCompleted),
    },
  };
}
