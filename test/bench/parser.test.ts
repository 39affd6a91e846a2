/** The parser section of `npm run bench`: it runs, its figures are finite, and it has its budget line. */
import { checkBudget } from '../../bench/budget';
import { measureParser } from '../../bench/parser';

test('the parser section measures every development and evaluation utterance and has a budget line', () => {
  const p = measureParser({ rounds: 1 });
  expect(p.messages).toBeGreaterThan(1000);
  for (const v of [p.p50, p.p99, p.max]) expect(Number.isFinite(v)).toBe(true);
  expect(p.p50).toBeLessThanOrEqual(p.p99);
  const error = { error: 'not run' };
  const lines = checkBudget({
    turns: error,
    clicks: error,
    bulk: error,
    latency: error,
    growth: { sqlite: error, postgres: error },
    memory: error,
    parser: p,
  });
  const line = lines.find((l) => l.id === 'parser.p99');
  expect(line).toMatchObject({ what: expect.stringContaining('parser p99 < 1 ms'), limit: 1, unit: 'ms' });
});
