/**
 * The benchmark at tiny counts, so its code cannot rot: every section runs against the real bots,
 * store engines and child process, and the results have every figure the table and the budget
 * need. No timing is asserted (that is what `npm run bench` is for).
 */
import { runBench, type BenchOptions, type BenchResults } from '../../bench/bench';
import { isError } from '../../bench/budget';
import { LATENCY_STEPS } from '../../bench/latency';
import { formatReport } from '../../bench/report';
import { TURN_SCENARIOS } from '../../bench/turns';

const TINY: BenchOptions = {
  nurses: 120,
  turns: {
    concurrency: 4,
    rounds: 1,
    roundMs: 300,
    warmupMs: 100,
    maxLicenseRequestsPerRound: 8,
    licenseWarmupRequests: 12,
  },
  clicks: { concurrency: 5, clicks: 5, warmup: 2, activeTimeoutMs: 20_000 },
  bulkPeople: 20,
  latency: { runs: 1, latencyMs: 100, bulkPeople: 20 },
  growth: { requests: 600, samples: 20, requesters: 60, approvers: 10, postgres: true },
  memory: { conversations: 12, settleMs: 100, echoFloor: true },
  parserRounds: 1,
};

function measured<T>(name: string, m: T | { error: string }): T {
  if (isError(m)) throw new Error(`${name} was not measured: ${m.error}`);
  return m;
}

const finite = (n: number) => expect(Number.isFinite(n)).toBe(true);

describe('npm run bench, at tiny counts', () => {
  let r: BenchResults;
  beforeAll(async () => {
    r = await runBench(TINY);
  }, 180_000);

  test('message turns: the echo bot and the three Dragon Desk scenarios, each answered and compared', () => {
    const turns = measured('turns', r.turns);
    for (const name of TURN_SCENARIOS) {
      const s = turns.scenarios[name];
      expect({ name, errors: s.errors, firstError: s.firstError }).toEqual({ name, errors: 0, firstError: undefined });
      expect(s.turns).toBeGreaterThan(0);
      [s.throughput, s.p50, s.p99, s.cpuMsPerTurn, s.throughputRatio, s.p99Ratio].forEach(finite);
    }
    expect(turns.scenarios.echo.throughputRatio).toBe(1);
    expect(turns.licenseRequests.requests * 2).toBe(turns.scenarios.license.turns);
  });

  test('approval clicks: every click answered with a card, every license landed', () => {
    const c = measured('clicks', r.clicks);
    expect(c.errors).toBe(0);
    expect(c.invoke.count).toBe(TINY.clicks.clicks);
    expect(c.clickToActive.count).toBe(TINY.clicks.clicks);
    expect(c.notActive).toBe(0);
  });

  test('bulk: the 20-person request completes and its tenant requests are counted', () => {
    const b = measured('bulk', r.bulk);
    expect(b.completed).toBe(true);
    expect(b.licensed).toBe(20);
    expect(b.executionRequests).toBe(b.calls.length);
    expect(b.executionRequests).toBeGreaterThan(0);
    expect(b.batchItems).toBeGreaterThanOrEqual(20);
  });

  test("at Graph's latency: every step of every journey ran, and its round trips were read from the call log", () => {
    const l = measured('latency', r.latency);
    for (const name of LATENCY_STEPS) {
      const s = l.steps[name];
      expect({ name, errors: s.errors, firstError: s.firstError }).toEqual({ name, errors: 0, firstError: undefined });
      expect(s.runs).toBe(TINY.latency.runs);
      [s.wall.p50, s.wall.p99, s.roundTrips.max, s.roundTrips.p50].forEach(finite);
    }
    // Every step but the warm status question reads the tenant at least once; that one reads nothing.
    expect(LATENCY_STEPS.filter((n) => l.steps[n].roundTrips.max === 0)).toEqual(['statusWarm']);
    expect(l.verification.overshootMs.count).toBe(TINY.latency.runs);
    expect(l.verification.pollWaitMs.count).toBe(TINY.latency.runs);
    expect(l.verification.pollDelaysMs.length).toBeGreaterThan(0);
  });

  test('growth: both engines seeded, timed and explained', () => {
    for (const g of [measured('sqlite', r.growth.sqlite), measured('postgres', r.growth.postgres)]) {
      expect(g.pendingForApprover.count).toBe(TINY.growth.samples);
      expect(g.byRequester.count).toBe(TINY.growth.samples);
      expect(g.plans.length).toBeGreaterThan(0);
      expect(g.plans.every((p) => p.plan.length > 0)).toBe(true);
      expect(g.busiestApproverPending).toBeGreaterThan(0);
    }
  });

  test('memory: Dragon Desk and the echo bot measured in processes of their own', () => {
    for (const m of [measured('memory', r.memory), measured('memory floor', r.memoryFloor)]) {
      expect(m.errors).toBe(0);
      expect(m.conversations).toBe(TINY.memory.conversations);
      [m.start.rssMb, m.afterBurst.rssMb, m.settled.rssMb].forEach(finite);
    }
    expect(measured('memory', r.memory).bot).toBe('dragon-desk');
    expect(measured('memory floor', r.memoryFloor).bot).toBe('echo');
  });

  test('every budget line is judged on a measured figure, and the table shows them all', () => {
    expect(r.budget.map((b) => b.id)).toEqual([
      'turns.help.throughput',
      'turns.help.p99',
      'turns.status.throughput',
      'turns.status.p99',
      'turns.license.throughput',
      'clicks.invoke.p99',
      'bulk.requests',
      'latency.answers.roundTrips',
      'latency.confirm.roundTrips',
      'latency.statusWarm.roundTrips',
      'latency.verification.pollWait',
      'growth.sqlite.pending.p95',
      'growth.sqlite.requester.p95',
      'growth.sqlite.scans',
      'growth.postgresql.scans',
      'memory.rss',
      'parser.p99',
    ]);
    expect(r.budget.filter((b) => b.value === null)).toEqual([]);
    const table = formatReport(r);
    for (const heading of [
      '1. Message turns',
      '2. Approval clicks',
      '3. Bulk',
      '4. Growth',
      '5. Memory',
      "6. At Graph's latency",
      '7. Parser',
      'Budget',
    ])
      expect(table).toContain(heading);
    expect(table.match(/^ {2}(PASS|FAIL) /gm)).toHaveLength(r.budget.length);
  });
});
