/** Turns first: background work waits while turns are answered, one piece at a time, never forever. */
import { TurnGate } from '../../src/bot/turnGate';
import { Worker } from '../../src/worker/worker';
import { ManualClock } from '../../src/clock';
import { silentLogger } from '../../src/log';
import type { RequestEngine } from '../../src/services/requests';
import type { Store } from '../../src/store/types';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('TurnGate', () => {
  test('with no turn in flight, background work goes at once', async () => {
    const gate = new TurnGate();
    let went = false;
    await gate.quiet().then(() => (went = true));
    expect(went).toBe(true);
  });

  test('background work waits for the turns in flight, then goes in the order it asked', async () => {
    const gate = new TurnGate(10_000);
    const turn = deferred();
    const answered = gate.during(() => turn.promise);
    const order: string[] = [];
    const first = gate.quiet().then(() => order.push('first'));
    const second = gate.quiet().then(() => order.push('second'));
    for (let i = 0; i < 5; i++) await tick();
    expect(order).toEqual([]);
    expect(gate.inFlight).toBe(1);
    turn.resolve();
    await answered;
    await Promise.all([first, second]);
    expect(order).toEqual(['first', 'second']);
    expect(gate.inFlight).toBe(0);
  });

  test('a turn that keeps going does not hold background work back longer than the limit', async () => {
    const gate = new TurnGate(30);
    const turn = deferred();
    void gate.during(() => turn.promise);
    const started = Date.now();
    await gate.quiet();
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    turn.resolve();
  });

  test('a turn that fails still stops counting, and its error reaches the caller', async () => {
    const gate = new TurnGate();
    await expect(gate.during(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(gate.inFlight).toBe(0);
    expect(await gate.during(async () => 42)).toBe(42);
  });

  test('a new turn arriving while waiters are being let go holds back the rest', async () => {
    const gate = new TurnGate(10_000);
    const first = deferred();
    void gate.during(() => first.promise);
    const order: string[] = [];
    const waiters = [1, 2, 3].map((n) => gate.quiet().then(() => order.push(`bg${n}`)));
    first.resolve();
    // The first waiter is let go on the next event-loop turn; a turn arrives right after it.
    await new Promise((r) => setImmediate(r));
    const second = deferred();
    void gate.during(() => second.promise);
    for (let i = 0; i < 5; i++) await tick();
    expect(order.length).toBeLessThan(3);
    second.resolve();
    await Promise.all(waiters);
    expect(order).toEqual(['bg1', 'bg2', 'bg3']);
  });
});

describe('the worker yields to turns', () => {
  test('a pass starts only once yieldTo lets it', async () => {
    const calls: string[] = [];
    const store = {
      requests: { listRunnable: async () => (calls.push('listRunnable'), []) },
      timers: { listDue: async () => [] },
    } as unknown as Store;
    const engine = {
      expireDue: async () => (calls.push('expireDue'), 0),
      deliverDue: async () => 0,
      idle: async () => undefined,
    } as unknown as RequestEngine;
    const gate = deferred();
    const worker = new Worker({
      store,
      engine,
      clock: new ManualClock(),
      logger: silentLogger,
      intervalMs: 60_000,
      yieldTo: () => gate.promise,
    });
    const pass = worker.pass();
    for (let i = 0; i < 5; i++) await tick();
    expect(calls).toEqual([]);
    gate.resolve();
    await pass;
    expect(calls).toEqual(['expireDue', 'listRunnable']);
  });
});
