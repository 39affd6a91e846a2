/**
 * Work that outlives a turn — card updates, notifications, approval cards — tracked so shutdown and
 * tests can wait for it, and started only once the turns being answered have gone first.
 */
import type { Logger } from '../../log';

export class Background {
  private readonly running = new Set<Promise<unknown>>();

  constructor(
    private readonly logger: Logger,
    /** Resolves when turns in flight have gone first (src/bot/turnGate.ts); at once when nothing waits. */
    readonly quiet: () => Promise<void>,
  ) {}

  run(work: Promise<unknown>): void {
    const tracked = work
      .catch((err) => this.logger.error('background work failed', { err: errMessage(err) }))
      .finally(() => this.running.delete(tracked));
    this.running.add(tracked);
  }

  /** Resolves when no background work is left. */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.all([...this.running]);
  }
}

export function errMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
