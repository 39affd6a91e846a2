/**
 * The dev tenant's latency model: what DEV_TENANT_LATENCY_MS accepts, how long an answer is held
 * back, and that a $batch's inner requests run side by side (a dependent one after its dependency),
 * read from the call log's start and end times rather than from a clock.
 */
import { persona } from '../../src/devtenant/fixture';
import { answerDelayMs, parseLatency, sampleLatency } from '../../src/devtenant/latency';
import { startDevTenant, type DevTenant } from '../../src/devtenant/server';
import { call } from './http';

describe('parseLatency', () => {
  test.each([
    ['100', { minMs: 100, maxMs: 100 }],
    ['80-250', { minMs: 80, maxMs: 250 }],
    [' 80 - 250 ', { minMs: 80, maxMs: 250 }],
    ['12.5', { minMs: 12.5, maxMs: 12.5 }],
    ['0-40', { minMs: 0, maxMs: 40 }],
  ])('%j is %j', (text, latency) => {
    expect(parseLatency(text)).toEqual(latency);
  });

  test.each([undefined, '', '  ', '0', '0-0'])('%j is no latency', (text) => {
    expect(parseLatency(text)).toBeUndefined();
  });

  test.each(['fast', '100ms', '-5', '250-80', '10-20-30', '20000'])('%j is refused with what is expected', (text) => {
    expect(() => parseLatency(text)).toThrow(/expected milliseconds per answer, e\.g\. 100, or a range/);
  });
});

describe('answer delays', () => {
  const spread = { minMs: 80, maxMs: 250 };

  test('a spread is sampled uniformly between its ends; a fixed latency is always itself', () => {
    expect([0, 0.5, 1].map((r) => sampleLatency(spread, () => r))).toEqual([80, 165, 250]);
    expect(sampleLatency({ minMs: 100, maxMs: 100 }, () => 0.73)).toBe(100);
  });

  test('an answer waits for the rest of its sample: time already spent counts, and it never waits less than 0', () => {
    const fixed = { minMs: 100, maxMs: 100 };
    expect(answerDelayMs(fixed, 0)).toBe(100);
    expect(answerDelayMs(fixed, 30)).toBe(70);
    // A $batch whose inner requests took longer than its own sample answers as soon as they are done.
    expect(answerDelayMs(fixed, 180)).toBe(0);
  });
});

describe('a dev tenant with latency', () => {
  let t: DevTenant;
  beforeAll(async () => {
    t = await startDevTenant({ latency: '20' });
  });
  afterAll(() => t.close());
  beforeEach(() => t.calls.reset());

  const dana = persona('dana');
  const sam = persona('sam');
  const overlap = (a: { startMs: number; endMs: number }, b: { startMs: number; endMs: number }) =>
    a.startMs < b.endMs && b.startMs < a.endMs;

  test('says what it holds answers back by', () => {
    expect(t.latency).toEqual({ minMs: 20, maxMs: 20 });
  });

  test("a $batch's independent requests run side by side, and the batch answers after the last of them", async () => {
    const r = await call(t, 'POST', '/v1.0/$batch', {
      body: {
        requests: [
          { id: '1', method: 'GET', url: `/users/${dana.id}?$select=id` },
          { id: '2', method: 'GET', url: `/users/${sam.id}?$select=id` },
          { id: '3', method: 'GET', url: '/subscribedSkus' },
        ],
      },
    });
    expect(r.body.responses.map((x: { status: number }) => x.status)).toEqual([200, 200, 200]);
    const inner = t.calls.list({ inBatch: true });
    const [outer] = t.calls.list({ inBatch: false });
    expect(inner).toHaveLength(3);
    for (const a of inner) for (const b of inner) if (a !== b) expect(overlap(a, b)).toBe(true);
    for (const i of inner) {
      expect(i.startMs).toBeGreaterThanOrEqual(outer.startMs);
      expect(i.endMs).toBeLessThanOrEqual(outer.endMs);
    }
  });

  test('a request that dependsOn another starts only once that one has answered', async () => {
    await call(t, 'POST', '/v1.0/$batch', {
      body: {
        requests: [
          { id: 'read', method: 'GET', url: `/users/${dana.id}?$select=id` },
          { id: 'then', method: 'GET', url: `/users/${sam.id}?$select=id`, dependsOn: ['read'] },
        ],
      },
    });
    const [first, second] = t.calls.list({ inBatch: true });
    expect(first.path).toContain(dana.id);
    expect(second.startMs).toBeGreaterThanOrEqual(first.endMs);
  });
});
