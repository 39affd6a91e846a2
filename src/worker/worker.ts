/**
 * Background work: carries out approved requests, takes over executions whose instance died (their
 * lease ran out) or whose retry time came, expires pending requests, delivers what is left in the
 * outbox, and runs timers (reminders, ends of time-bound access). Every step claims its row with a
 * compare-and-swap in the store, and a claim is a lease, so several bot instances can run a worker
 * each, a request is carried out exactly once, and nothing a crash interrupts is left undone.
 */
import type { Clock } from '../clock';
import type { Logger } from '../log';
import type { RequestEngine } from '../services/requests';
import type { Store, Timer } from '../store/types';
import type { Telemetry } from '../telemetry';

export type TimerHandler = (timer: Timer) => Promise<void>;

/** A failed timer runs again after these waits (the last repeats: an end of access is never dropped). */
const TIMER_RETRY_MS = [10_000, 30_000, 60_000];

export interface WorkerOptions {
  store: Store;
  engine: RequestEngine;
  clock: Clock;
  logger: Logger;
  intervalMs: number;
  /** How long a worker holds a timer while its handler runs; a crash lets another run it after. */
  timerClaimMs?: number;
  /** Requests carried out at the same time by this instance. */
  concurrency?: number;
  /**
   * Waited for before each pass: lets turns in flight (an approval click waiting for its answer)
   * go first (src/bot/turnGate.ts). The work itself is never skipped, only started a little later.
   */
  yieldTo?: () => Promise<void>;
  /** A span per execution, and a count of the ones that crash. */
  telemetry?: Telemetry;
}

export class Worker {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;
  private readonly inFlight = new Set<number>();
  private readonly timerHandlers = new Map<string, TimerHandler>();
  private readonly passTasks: (() => Promise<void>)[] = [];

  constructor(private readonly o: WorkerOptions) {}

  onTimer(kind: string, handler: TimerHandler): void {
    this.timerHandlers.set(kind, handler);
  }

  /** Work looked at on every pass (a periodic review that may be due); a failure is logged, the pass goes on. */
  onPass(task: () => Promise<void>): void {
    this.passTasks.push(task);
  }

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => this.kick(), this.o.intervalMs);
    this.kick();
  }

  /** Run a pass now (or right after the current one). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.pass()
      .catch((err) => this.o.logger.error('worker pass failed', { err }))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Wait for the pass in progress (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running || this.inFlight.size) {
      await (this.running ?? new Promise((r) => setTimeout(r, 10)));
    }
    // Card updates and notifications that executions started.
    await this.o.engine.idle();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.idle();
  }

  /** One pass: expire, execute, timers. Executions run in the background up to `concurrency`. */
  async pass(): Promise<void> {
    await this.o.yieldTo?.();
    await this.o.engine.expireDue();
    await this.o.engine.deliverDue();
    const now = this.o.clock.now().getTime();
    const runnable = await this.o.store.requests.listRunnable(new Date(now).toISOString(), 50);
    const limit = this.o.concurrency ?? 4;
    for (const req of runnable) {
      if (this.inFlight.has(req.id) || this.inFlight.size >= limit) continue;
      this.inFlight.add(req.id);
      const telemetry = this.o.telemetry;
      const run = () => this.o.engine.execute(req);
      void (telemetry ? telemetry.execution(req, run) : run())
        .catch((err) => {
          telemetry?.executionCrashed(req.kind);
          this.o.logger.error('execution crashed', { requestId: req.id, err });
        })
        .finally(() => {
          this.inFlight.delete(req.id);
          this.kick();
        });
    }
    for (const task of this.passTasks) await task().catch((err) => this.o.logger.error('worker task failed', { err }));
    const due = await this.o.store.timers.listDue(new Date(now).toISOString(), 50);
    for (const t of due) {
      const handler = this.timerHandlers.get(t.kind);
      if (!handler) continue;
      await this.runTimer(t, handler);
    }
  }

  /**
   * Held while it runs, done only once its handler succeeded: a worker that dies mid-way (or a
   * handler that fails) leaves it to be run again, so handlers are written to be run twice.
   */
  private async runTimer(t: Timer, handler: TimerHandler): Promise<void> {
    const now = this.o.clock.now().getTime();
    const holdMs = this.o.timerClaimMs ?? 60_000;
    if (!(await this.o.store.timers.claim(t.id, new Date(now + holdMs).toISOString()))) return;
    try {
      await handler(t);
      await this.o.store.timers.complete(t.id);
    } catch (err) {
      const waitMs = TIMER_RETRY_MS[Math.min(t.attempts, TIMER_RETRY_MS.length - 1)];
      this.o.logger.error('timer failed; it will run again', {
        timer: t.id,
        kind: t.kind,
        attempts: t.attempts + 1,
        err,
      });
      await this.o.store.timers.retry(t.id, new Date(this.o.clock.now().getTime() + waitMs).toISOString());
    }
  }
}
