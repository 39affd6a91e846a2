/** The budget check: each line passes or fails on its figure, and an unmeasured section fails. */
import { checkBudget, type BudgetInput } from '../../bench/budget';
import { LATENCY_STEPS, type LatencyStep, type StepFigures } from '../../bench/latency';
import type { TurnFigures } from '../../bench/turns';

const lat = (p95: number, p99 = p95) => ({ count: 10, p50: p95 / 2, p95, p99, max: p99, mean: p95 / 2 });

function turn(throughputRatio: number, p99Ratio: number, errors = 0): TurnFigures {
  return {
    turns: 100,
    errors,
    throughput: 100 * throughputRatio,
    p50: 10,
    p95: 20,
    p99: 20 * p99Ratio,
    cpuMsPerTurn: 1,
    throughputRatio,
    p99Ratio,
  };
}

function input(
  over: Partial<{
    help: TurnFigures;
    status: TurnFigures;
    license: TurnFigures;
    clickP99: number;
    clickErrors: number;
    bulk: number;
    bulkDone: boolean;
    sqliteP95: number;
    scans: number;
    rss: number;
    /** Round trips of some latency steps (the rest: 1, the warm status question 0). */
    trips: Partial<Record<LatencyStep, number>>;
    failedStep: LatencyStep;
    pollWait: number;
  }> = {},
): BudgetInput {
  const o = {
    help: turn(0.9, 1.2),
    status: turn(0.9, 1.2),
    license: turn(0.5, 3),
    clickP99: 120,
    clickErrors: 0,
    bulk: 2,
    bulkDone: true,
    sqliteP95: 0.4,
    scans: 0,
    rss: 140,
    trips: {},
    failedStep: undefined as LatencyStep | undefined,
    pollWait: 50,
    ...over,
  };
  const step = (name: LatencyStep): StepFigures => {
    const trips = o.trips[name] ?? (name === 'statusWarm' ? 0 : 1);
    const failed = o.failedStep === name;
    return {
      runs: failed ? 0 : 30,
      wall: lat(100 * trips),
      roundTrips: { max: trips, p50: trips },
      callsMax: trips,
      errors: failed ? 30 : 0,
      ...(failed ? { firstError: 'no card' } : {}),
    };
  };
  const growth = (engine: 'sqlite' | 'postgres') => ({
    engine,
    requests: 100_000,
    seedMs: 1,
    pendingForApprover: lat(o.sqliteP95),
    byRequester: lat(o.sqliteP95),
    busiestApproverPending: 300,
    plans: [],
    fullScans: o.scans,
  });
  return {
    turns: {
      concurrency: 20,
      rounds: 1,
      roundMs: 1,
      scenarios: { echo: turn(1, 1), help: o.help, status: o.status, license: o.license },
      licenseRequests: { requests: 1, perSecond: 1, p50: 1, p99: 1 },
    },
    clicks: {
      concurrency: 50,
      clicks: 50,
      errors: o.clickErrors,
      invoke: lat(o.clickP99),
      clickToActive: lat(1000),
      notActive: 0,
    },
    bulk: {
      people: 20,
      executionRequests: o.bulk,
      batchRequests: 2,
      batchItems: 40,
      perPersonRequests: 40,
      wholeExchangeRequests: 10,
      calls: [],
      completed: o.bulkDone,
      licensed: 20,
    },
    latency: {
      latencyMs: 100,
      runs: 30,
      steps: Object.fromEntries(LATENCY_STEPS.map((n) => [n, step(n)])) as Record<LatencyStep, StepFigures>,
      verification: {
        pollDelaysMs: [0, 100],
        entraMs: lat(50),
        overshootMs: lat(200),
        pollWaitMs: lat(o.pollWait),
        clickToActiveMs: lat(200),
        clickToCompletedMs: lat(400),
      },
    },
    growth: { sqlite: growth('sqlite'), postgres: growth('postgres') },
    memory: {
      bot: 'dragon-desk',
      nodeFlags: ['--expose-gc'],
      conversations: 1000,
      errors: 0,
      start: { rssMb: 100, heapUsedMb: 1, heapTotalMb: 1, externalMb: 1, gc: true },
      afterBurst: { rssMb: 200, heapUsedMb: 1, heapTotalMb: 1, externalMb: 1, gc: true },
      settled: { rssMb: o.rss, heapUsedMb: 1, heapTotalMb: 1, externalMb: 1, gc: true },
      settleMs: 1,
    },
  };
}

const failed = (i: BudgetInput) =>
  checkBudget(i)
    .filter((l) => !l.pass)
    .map((l) => l.id);

describe('checkBudget', () => {
  test('figures inside every limit pass every line', () => {
    expect(failed(input())).toEqual([]);
  });

  test.each([
    ['help too slow', { help: turn(0.69, 1) }, ['turns.help.throughput']],
    ['help p99 over 2×', { help: turn(0.9, 2.01) }, ['turns.help.p99']],
    ['status exactly at the limits', { status: turn(0.7, 2) }, []],
    ['status turns failing', { status: turn(0.9, 1, 3) }, ['turns.status.throughput']],
    ['license under 0.4×', { license: turn(0.39, 1) }, ['turns.license.throughput']],
    ['click p99 at 300 ms', { clickP99: 300 }, ['clicks.invoke.p99']],
    ['a click failed', { clickErrors: 1 }, ['clicks.invoke.p99']],
    ['bulk of 4 requests', { bulk: 4 }, ['bulk.requests']],
    ['bulk not completed', { bulkDone: false }, ['bulk.requests']],
    ['SQLite p95 at 5 ms', { sqliteP95: 5 }, ['growth.sqlite.pending.p95', 'growth.sqlite.requester.p95']],
    ['a whole-table read', { scans: 1 }, ['growth.sqlite.scans', 'growth.postgresql.scans']],
    ['150 MB resident', { rss: 150 }, ['memory.rss']],
    ['a message turn in 3 round trips', { trips: { adminAsk: 3 } }, ['latency.answers.roundTrips']],
    [
      'a Confirm in 3 round trips',
      { trips: { bulkConfirm: 3 } },
      ['latency.answers.roundTrips', 'latency.confirm.roundTrips'],
    ],
    ['every answer in 2 round trips', { trips: { hi: 2, confirm: 2, bulkAsk: 2 } }, []],
    ['a warm status question that reads the tenant', { trips: { statusWarm: 1 } }, ['latency.statusWarm.roundTrips']],
    ['a step whose runs all failed', { failedStep: 'send' }, ['latency.answers.roundTrips']],
    ['the read that saw a license sent 100 ms after it was Active', { pollWait: 100 }, []],
    ['… sent 101 ms after', { pollWait: 101 }, ['latency.verification.pollWait']],
    ['an execution that failed', { failedStep: 'execution' }, ['latency.verification.pollWait']],
  ] as const)('%s', (_name, over, expected) => {
    expect(failed(input(over))).toEqual(expected);
  });

  test('the round-trip line names the step over the budget', () => {
    const line = checkBudget(input({ trips: { partnerAsk: 3 } })).find((l) => l.id === 'latency.answers.roundTrips');
    expect(line?.note).toMatch(/link our MPN ID.* 3/);
  });

  test('turns that failed are noted next to the line', () => {
    const line = checkBudget(input({ status: turn(0.9, 1, 3) })).find((l) => l.id === 'turns.status.throughput');
    expect(line?.note).toMatch(/3 turns failed/);
  });

  test('a section that could not be measured fails its lines and says why', () => {
    const i = input();
    i.growth.postgres = { error: 'PostgreSQL did not start' };
    const lines = checkBudget(i).filter((l) => !l.pass);
    expect(lines.map((l) => [l.id, l.value, l.note])).toEqual([
      ['growth.postgresql.scans', null, 'not measured: PostgreSQL did not start'],
    ]);
  });
});
