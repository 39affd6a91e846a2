/**
 * Message turns at N concurrent conversations: (a) the echo bot, (b) Dragon Desk answering
 * "help", (c) a status question, (d) a license request (the message that creates the request and
 * the Send click that routes it and posts the approval card: two turns, each counted). The four
 * run in interleaved rounds after a warm-up, so a noisy neighbour on the machine hits them alike.
 */
import { conversationIdOf, type Speaker } from './activities';
import { forget } from './connector';
import { mergeRounds, runLoad, stats, type LoadResult } from './load';
import { askAndSend, say, type World } from './world';

export const TURN_SCENARIOS = ['echo', 'help', 'status', 'license'] as const;
export type TurnScenario = (typeof TURN_SCENARIOS)[number];

export const TURN_LABELS: Record<TurnScenario, string> = {
  echo: '(a) teams-ai echo bot',
  help: '(b) Dragon Desk: "help"',
  status: '(c) Dragon Desk: "how many nursing seats are left?"',
  license: '(d) Dragon Desk: license request (ask + send)',
};

export interface TurnFigures {
  turns: number;
  errors: number;
  firstError?: string;
  /** Turns answered per second. */
  throughput: number;
  p50: number;
  p95: number;
  p99: number;
  /** CPU of the whole bench process per turn (see LoadResult.cpuMsPerOp). */
  cpuMsPerTurn: number;
  /** Throughput and p99 relative to the echo bot's in the same run. */
  throughputRatio: number;
  p99Ratio: number;
}

export interface TurnsResult {
  concurrency: number;
  rounds: number;
  roundMs: number;
  scenarios: Record<TurnScenario, TurnFigures>;
  /** (d) as whole requests (ask + send), for reading: requests per second and ms per request. */
  licenseRequests: { requests: number; perSecond: number; p50: number; p99: number };
}

export interface TurnsOptions {
  concurrency: number;
  rounds: number;
  roundMs: number;
  warmupMs: number;
  /**
   * A round of (d) also ends after this many requests (each uses up one generated nurse). Set above
   * what a round's time allows, so (d)'s rounds last as long as the others: capped at 180 requests
   * (~0.7 s against 2.5 s), the fixed costs of a round (new connections, the last requests running
   * with fewer in flight, the drain of background work) weighed ~3× more on (d), and (d) was
   * measured on a quarter as many turns (bench VM: 0.388× and 0.405× capped, 0.415× and 0.416×
   * time-bound, the same code).
   */
  maxLicenseRequestsPerRound?: number;
  /**
   * Requests (d) runs before it is measured. Its code (SQL, cards, the Graph client, the dev
   * tenant) is far more than a turn of (a)–(c) runs, and it reaches its steady speed only after
   * thousands of requests. Measured from a cold start on the bench VM (2026-12-07), in blocks of
   * 250 requests at 20 conversations, CPU per request: 9.1, 7.5, 5.7, 5.4, 4.8, 4.6 ms, then
   * 3.4–4.0 ms from about 1,750 requests on, through 6,000. A warm-up of 900 measured the rounds on
   * that slope; a server runs far longer than that, so its steady speed is what the line is about.
   * Unset: the time-bounded warm-up, capped at one round's requests.
   */
  licenseWarmupRequests?: number;
}

export async function measureTurns(world: World, opts: TurnsOptions): Promise<TurnsResult> {
  // One person per conversation, the same N people for (a)–(c); (d) needs a new person per request.
  const regulars: Speaker[] = Array.from({ length: opts.concurrency }, () => world.freshNurse());
  const requestTimes: number[] = [];
  // The connector keeps only the chats of license requests in flight (the one thing read back: the
  // draft card to click). Kept history would grow this process's heap over a round, and the
  // garbage collector's extra work would be charged to whichever scenario is running.
  const inFlight = new Set<string>();
  const retainBefore = world.connector.retain;
  world.connector.retain = (conversationId) => inFlight.has(conversationId);

  const scenario = async (
    name: TurnScenario,
    durationMs: number,
    licenseRequests = opts.maxLicenseRequestsPerRound,
  ): Promise<LoadResult> => {
    if (name !== 'license') {
      const url = name === 'echo' ? world.echo.messagesUrl : world.dd.messagesUrl;
      const text = name === 'status' ? 'how many nursing seats are left?' : name === 'help' ? 'help' : 'hello there';
      return runLoad({
        concurrency: opts.concurrency,
        durationMs,
        op: (w) => say(world, url, regulars[w], text),
        drain: () => world.settle(),
      });
    }
    // Each operation is two turns; the load generator times the pair, the turns are timed here.
    const turnSamples: number[] = [];
    const pairs = await runLoad({
      concurrency: opts.concurrency,
      durationMs,
      count: licenseRequests,
      op: async () => {
        if (world.nursesLeft() === 0) throw new Error('out of generated nurses');
        const nurse = world.freshNurse();
        const chat = conversationIdOf(nurse);
        inFlight.add(chat);
        try {
          const { askMs, sendMs } = await askAndSend(world, nurse);
          turnSamples.push(askMs, sendMs);
          requestTimes.push(askMs + sendMs);
        } finally {
          inFlight.delete(chat);
        }
      },
      // The approval cards go out after the Send click is answered; their cost belongs to (d).
      drain: () => world.settle(),
    });
    const perTurn = turnSamples.length ? (pairs.cpuMsPerOp * pairs.count) / turnSamples.length : 0;
    return {
      ...pairs,
      ...stats(turnSamples),
      samples: turnSamples,
      throughput: turnSamples.length / (pairs.wallMs / 1000),
      cpuMsPerOp: perTurn,
    };
  };

  const rounds: Record<TurnScenario, LoadResult[]> = { echo: [], help: [], status: [], license: [] };
  try {
    // Warm-up: JIT, connection pools, prepared statements, the 30 s status caches. (d) warms up by
    // request count, bounded by time only as a safeguard (see licenseWarmupRequests).
    for (const name of TURN_SCENARIOS) {
      if (name === 'license' && opts.licenseWarmupRequests !== undefined)
        await scenario(name, Math.max(opts.warmupMs, 60_000), opts.licenseWarmupRequests);
      else await scenario(name, opts.warmupMs);
    }
    requestTimes.length = 0;
    forget(world.connector);

    for (let r = 0; r < opts.rounds; r++) {
      // Rotating the order keeps "runs right after the license phase" from always hitting one scenario.
      const order = TURN_SCENARIOS.map((_, i) => TURN_SCENARIOS[(i + r) % TURN_SCENARIOS.length]);
      for (const name of order) {
        rounds[name].push(await scenario(name, opts.roundMs));
        forget(world.connector);
      }
    }
  } finally {
    world.connector.retain = retainBefore;
  }

  const merged = Object.fromEntries(TURN_SCENARIOS.map((n) => [n, mergeRounds(rounds[n])])) as Record<
    TurnScenario,
    LoadResult
  >;
  const echo = merged.echo;
  const figures = Object.fromEntries(
    TURN_SCENARIOS.map((n) => {
      const m = merged[n];
      const f: TurnFigures = {
        turns: m.count,
        errors: m.errors,
        throughput: m.throughput,
        p50: m.p50,
        p95: m.p95,
        p99: m.p99,
        cpuMsPerTurn: m.cpuMsPerOp,
        throughputRatio: echo.throughput > 0 ? m.throughput / echo.throughput : 0,
        p99Ratio: echo.p99 > 0 ? m.p99 / echo.p99 : 0,
      };
      if (m.firstError) f.firstError = m.firstError;
      return [n, f];
    }),
  ) as Record<TurnScenario, TurnFigures>;
  const req = stats(requestTimes);
  const licenseWall = rounds.license.reduce((s, r) => s + r.wallMs, 0);
  return {
    concurrency: opts.concurrency,
    rounds: opts.rounds,
    roundMs: opts.roundMs,
    scenarios: figures,
    licenseRequests: {
      requests: req.count,
      perSecond: licenseWall > 0 ? req.count / (licenseWall / 1000) : 0,
      p50: req.p50,
      p99: req.p99,
    },
  };
}
