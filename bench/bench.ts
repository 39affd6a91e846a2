/**
 * One benchmark run, every section, as data (bench/run.ts prints it and writes results.json; the
 * smoke test runs it at tiny counts). Each section runs inside a guard: a section that crashes is
 * recorded as `{ error }` and the run goes on, so one broken part never hides the others' figures.
 */
import { measureParser, type ParserResult } from './parser';
import os from 'node:os';
import { checkBudget, type BudgetLine, type Measured } from './budget';
import { measureBulk, type BulkResult } from './bulk';
import { measureClicks, type ClicksOptions, type ClicksResult } from './clicks';
import { measureGrowthPostgres, measureGrowthSqlite, type GrowthEngineResult, type GrowthOptions } from './growth';
import { measureLatency, type LatencyOptions, type LatencyResult } from './latency';
import { closeAgent } from './load';
import { measureMemory, type MemoryResult } from './memory';
import { measureTurns, type TurnsOptions, type TurnsResult } from './turns';
import { personaSpeaker, say, startWorld } from './world';
import { startPostgres } from '../test/helpers/postgres';

export interface BenchOptions {
  /** Generated nurses in the dev tenant: enough for every license request the run makes. */
  nurses: number;
  turns: TurnsOptions & { maxLicenseRequestsPerRound: number };
  clicks: ClicksOptions;
  bulkPeople: number;
  /** Section 6: each user-visible step at Graph's latency. */
  latency: LatencyOptions;
  growth: GrowthOptions & { postgres: boolean };
  memory: { conversations: number; settleMs: number; echoFloor: boolean };
  /** Passes over the development and evaluation sets for the parser's timing (default 5). */
  parserRounds?: number;
  /** Progress lines (stderr in the CLI). */
  log?: (line: string) => void;
}

export const FULL_RUN: BenchOptions = {
  // 2,500 warm-up requests, at most 1,200 per round of (d), the approval clicks and the bulk request.
  nurses: 15000,
  // Ten rounds rather than six: on a shared VM one round's figures can move by half (the echo bot
  // alone went from 517 to 1,027 turns/s between rounds of one run), and more rounds average it.
  turns: {
    concurrency: 20,
    rounds: 10,
    roundMs: 2500,
    // Both sides measured at their steady speed: the echo bot's turns keep getting cheaper for a
    // few thousand turns too (1.3 → 0.8 ms), and (d) needs ~1,750 requests (TurnsOptions).
    warmupMs: 3000,
    maxLicenseRequestsPerRound: 1200,
    licenseWarmupRequests: 2500,
  },
  clicks: { concurrency: 50, clicks: 150, warmup: 20, activeTimeoutMs: 60_000 },
  bulkPeople: 20,
  latency: { runs: 30, latencyMs: 100, bulkPeople: 20 },
  growth: { requests: 100_000, samples: 200, requesters: 5_000, approvers: 200, postgres: true },
  memory: { conversations: 1000, settleMs: 10_000, echoFloor: true },
};

/** `npm run bench -- --quick`: the same sections at small counts (figures are indicative only). */
export const QUICK_RUN: BenchOptions = {
  nurses: 500,
  turns: {
    concurrency: 20,
    rounds: 2,
    roundMs: 1000,
    warmupMs: 500,
    maxLicenseRequestsPerRound: 80,
    licenseWarmupRequests: 150,
  },
  clicks: { concurrency: 50, clicks: 50, warmup: 10, activeTimeoutMs: 30_000 },
  bulkPeople: 20,
  latency: { runs: 3, latencyMs: 100, bulkPeople: 20 },
  growth: { requests: 10_000, samples: 100, requesters: 1_000, approvers: 50, postgres: true },
  // V8 starts shrinking an idle heap only after 8 s (its memory reducer): a shorter settle would
  // read the burst's high-water mark, not what the bot holds.
  memory: { conversations: 200, settleMs: 10_000, echoFloor: true },
};

export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  memoryMb: number;
  node: string;
  platform: string;
  /** 1-minute load average at the start and the end of the run. */
  loadStart: number;
  loadEnd: number;
}

export interface BenchResults {
  startedAt: string;
  durationMs: number;
  machine: MachineInfo;
  options: Omit<BenchOptions, 'log'>;
  turns: Measured<TurnsResult>;
  clicks: Measured<ClicksResult>;
  bulk: Measured<BulkResult>;
  latency: Measured<LatencyResult>;
  growth: { sqlite: Measured<GrowthEngineResult>; postgres: Measured<GrowthEngineResult> };
  memory: Measured<MemoryResult>;
  /** The language layer alone: time per message over the development and evaluation sets. */
  parser: Measured<ParserResult>;
  /** The bare echo bot under the same 1,000 turns: the floor for the memory figure. */
  memoryFloor: Measured<MemoryResult>;
  budget: BudgetLine[];
}

async function guarded<T>(name: string, log: (l: string) => void, run: () => Promise<T>): Promise<Measured<T>> {
  const t0 = Date.now();
  log(`${name}…`);
  try {
    const out = await run();
    log(`${name}: done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return out;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    log(`${name}: FAILED: ${message}`);
    return { error: message };
  }
}

export async function runBench(opts: BenchOptions): Promise<BenchResults> {
  const log = opts.log ?? (() => undefined);
  const started = Date.now();
  const loadStart = os.loadavg()[0];
  const skipped = { error: 'not run: the bots did not start' };
  let turns: Measured<TurnsResult> = skipped;
  let clicks: Measured<ClicksResult> = skipped;
  let bulk: Measured<BulkResult> = skipped;

  const world = await guarded('starting the echo bot and Dragon Desk', log, () => startWorld({ nurses: opts.nurses }));
  if (!('error' in world)) {
    try {
      const nina = personaSpeaker('nina');
      // The nursing group's owner has talked to Dragon Desk, so approval cards can reach her.
      await say(world, world.dd.messagesUrl, nina, 'hi');
      turns = await guarded('message turns', log, () => measureTurns(world, opts.turns));
      clicks = await guarded('approval clicks', log, () => measureClicks(world, nina, opts.clicks));
      bulk = await guarded('bulk request', log, () => measureBulk(world, personaSpeaker('leo'), opts.bulkPeople));
    } finally {
      await world.stop();
      closeAgent();
    }
  }

  // Its own Dragon Desk and dev tenant (answers held back), started after the others have stopped.
  const latency = await guarded(`at Graph's latency (${opts.latency.latencyMs} ms per call)`, log, () =>
    measureLatency(opts.latency),
  );

  const sqlite = await guarded(`growth on SQLite (${opts.growth.requests} requests)`, log, () =>
    measureGrowthSqlite(opts.growth),
  );
  const postgres: Measured<GrowthEngineResult> = opts.growth.postgres
    ? await guarded(`growth on PostgreSQL (${opts.growth.requests} requests)`, log, async () => {
        const pg = await startPostgres();
        try {
          return await measureGrowthPostgres(pg.url, opts.growth);
        } finally {
          await pg.stop();
        }
      })
    : { error: 'skipped (growth.postgres = false)' };

  const memory = await guarded(`memory (${opts.memory.conversations} conversations)`, log, () =>
    measureMemory({ conversations: opts.memory.conversations, settleMs: opts.memory.settleMs }),
  );
  const memoryFloor: Measured<MemoryResult> = opts.memory.echoFloor
    ? await guarded('memory of the echo bot (the floor)', log, () =>
        measureMemory({ conversations: opts.memory.conversations, settleMs: opts.memory.settleMs, bot: 'echo' }),
      )
    : { error: 'skipped' };
  closeAgent();
  const parser = await guarded('parser', log, () => Promise.resolve(measureParser({ rounds: opts.parserRounds ?? 5 })));

  const { log: _log, ...options } = opts;
  const cpus = os.cpus();
  return {
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    machine: {
      cpus: cpus.length,
      cpuModel: cpus[0]?.model ?? 'unknown',
      memoryMb: Math.round(os.totalmem() / 1024 / 1024),
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
      loadStart,
      loadEnd: os.loadavg()[0],
    },
    options,
    turns,
    clicks,
    bulk,
    latency,
    growth: { sqlite, postgres },
    memory,
    parser,
    memoryFloor,
    budget: checkBudget({ turns, clicks, bulk, latency, growth: { sqlite, postgres }, memory, parser }),
  };
}
