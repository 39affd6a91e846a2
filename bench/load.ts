/**
 * A closed-loop load generator over loopback HTTP: N workers, each sending its next operation as
 * soon as its previous one was answered (that is how N people in N chats behave: nobody types the
 * next message before the bot answered). Bounded by a count, a duration, or both.
 */
import http from 'node:http';

export interface LatencyStats {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export interface LoadResult extends LatencyStats {
  /** Operations that threw (HTTP errors, unexpected answers): not part of the latency figures. */
  errors: number;
  firstError?: string;
  wallMs: number;
  /** Completed operations per second of wall time. */
  throughput: number;
  /**
   * CPU time of this whole process (bots, connector, dev tenant, load generator) per operation.
   * Steadier than throughput when other processes share the machine.
   */
  cpuMsPerOp: number;
  /** Every latency (ms) in completion order, for merging rounds. */
  samples: number[];
}

export interface LoadOptions {
  concurrency: number;
  /** Stop after this many operations (all workers together). */
  count?: number;
  /** Stop starting new operations after this long. */
  durationMs?: number;
  /** One operation by worker `worker`; `i` counts operations across all workers from 0. */
  op(worker: number, i: number): Promise<void>;
  /**
   * Work the operations left running after their answers (card updates, notifications): waited
   * for at the end and counted in the wall time and CPU, so throughput includes it.
   */
  drain?(): Promise<void>;
  /** Use the keep-alive connections open now (default: start on new ones, see forgetIdleConnections). */
  keepConnections?: boolean;
}

/** Nearest-rank percentile of an ascending list (0 when empty). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function stats(samples: readonly number[]): LatencyStats {
  const sorted = [...samples].sort((a, b) => a - b);
  const sum = sorted.reduce((s, x) => s + x, 0);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1] : 0,
    mean: sorted.length ? sum / sorted.length : 0,
  };
}

export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  if (opts.count === undefined && opts.durationMs === undefined) throw new Error('runLoad needs a count or a duration');
  if (!opts.keepConnections) forgetIdleConnections();
  const samples: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let next = 0;
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  const deadline = opts.durationMs === undefined ? Infinity : started + opts.durationMs;
  const more = () => (opts.count === undefined || next < opts.count) && performance.now() < deadline;

  const worker = async (w: number) => {
    while (more()) {
      const i = next++;
      const t0 = performance.now();
      try {
        await opts.op(w, i);
        samples.push(performance.now() - t0);
      } catch (err) {
        errors++;
        firstError ??= err instanceof Error ? err.message : String(err);
      }
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, (_, w) => worker(w)));
  await opts.drain?.();
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  return {
    ...stats(samples),
    errors,
    firstError,
    wallMs,
    throughput: samples.length / (wallMs / 1000),
    cpuMsPerOp: samples.length ? cpuMs / samples.length : 0,
    samples,
  };
}

/** Several rounds of the same scenario as one: latencies pooled, throughput over the summed wall time. */
export function mergeRounds(rounds: readonly LoadResult[]): LoadResult {
  const samples = rounds.flatMap((r) => r.samples);
  const wallMs = rounds.reduce((s, r) => s + r.wallMs, 0);
  const errors = rounds.reduce((s, r) => s + r.errors, 0);
  const cpuMs = rounds.reduce((s, r) => s + r.cpuMsPerOp * r.samples.length, 0);
  return {
    ...stats(samples),
    errors,
    firstError: rounds.find((r) => r.firstError)?.firstError,
    wallMs,
    throughput: wallMs > 0 ? samples.length / (wallMs / 1000) : 0,
    cpuMsPerOp: samples.length ? cpuMs / samples.length : 0,
    samples,
  };
}

// ------------------------------------------------------------------ HTTP

/**
 * Keep-alive, like the Bot Connector service in front of a bot: a new TCP connection per turn
 * would measure the kernel, not the bot. Fetch (undici) is avoided for the same reason it is
 * avoided in load tools: its per-request overhead sits in this same process as the bots.
 */
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

export interface HttpAnswer {
  status: number;
  body: string;
}

export function postJson(url: string, payload: unknown): Promise<HttpAnswer> {
  const body = JSON.stringify(payload);
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Idle keep-alive connections from an earlier phase may be closed by the server (its keep-alive
 * timeout) just as a request goes out on them (ECONNRESET); each load starts on fresh ones.
 */
function forgetIdleConnections(): void {
  for (const sockets of Object.values(agent.freeSockets)) for (const s of sockets ?? []) s.destroy();
}

/**
 * Opens `n` keep-alive connections to the server of `url` (n concurrent GETs, answers ignored),
 * so a burst that follows arrives on connections already open, as the Bot Connector service keeps
 * its connections to a bot open. Use with `keepConnections`.
 */
export async function openConnections(url: string, n: number): Promise<void> {
  forgetIdleConnections();
  await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<void>((resolve) => {
          const req = http.request(url, { method: 'GET', agent }, (res) => {
            res.resume();
            res.on('end', () => resolve());
          });
          req.on('error', () => resolve());
          req.end();
        }),
    ),
  );
}

/** Closes idle keep-alive sockets so the process can exit. */
export function closeAgent(): void {
  agent.destroy();
}
