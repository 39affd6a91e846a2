/**
 * Time-bound access lengths: what people write (as the language layer turns it into ISO 8601) is
 * read correctly, said back in words, and refused with a reason outside the limits.
 */
import { checkGrantDuration, durationWords, isoDurationMs, reminderAt } from '../../src/domain/grantDuration';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

describe('isoDurationMs', () => {
  test.each([
    ['PT4H', 4 * HOUR],
    ['PT30M', 30 * MIN],
    ['P1D', DAY],
    ['P7D', 7 * DAY],
    ['P2W', 14 * DAY],
    ['P1DT2H', DAY + 2 * HOUR],
    ['pt2h', 2 * HOUR],
    ['P1M', 30 * DAY],
    ['P1Y', 365 * DAY],
  ])('%s is %d ms', (iso, ms) => {
    expect(isoDurationMs(iso)).toBe(ms);
  });

  test.each(['', 'P', 'PT', '4 hours', 'PT4', 'P1DT', 'H4TP'])('%p is not a duration', (iso) => {
    expect(isoDurationMs(iso)).toBeUndefined();
  });
});

describe('checkGrantDuration', () => {
  test.each([
    ['PT4H', '4 hours'],
    ['PT5M', '5 minutes'],
    ['P1DT2H', '1 day and 2 hours'],
    ['P365D', '365 days'],
  ])('%s is accepted and read back as “%s”', (iso, words) => {
    const c = checkGrantDuration(iso);
    expect(c.ok).toBe(true);
    if (c.ok) expect(c.words).toBe(words);
  });

  test.each([
    ['PT4M', /at least 5 minutes/],
    ['P2Y', /at most a year/],
    ['PT0M', /couldn't read/],
    ['soon', /couldn't read “soon”/],
  ])('%s is refused: %s', (iso, why) => {
    const c = checkGrantDuration(iso);
    expect(c.ok).toBe(false);
    if (!c.ok) expect(c.reason).toMatch(why);
  });
});

describe('durationWords', () => {
  test.each([
    [HOUR, '1 hour'],
    [90 * MIN, '1 hour and 30 minutes'],
    [DAY + HOUR + MIN, '1 day and 1 hour'],
    [20_000, 'less than a minute'],
  ])('%d ms → %s', (ms, words) => {
    expect(durationWords(ms)).toBe(words);
  });
});

describe('reminderAt', () => {
  test('reminds the configured minutes before the end', () => {
    expect(reminderAt(0, 4 * HOUR, 15)).toBe(4 * HOUR - 15 * MIN);
  });
  test('no reminder when the grant is shorter than the reminder lead', () => {
    expect(reminderAt(0, 10 * MIN, 15)).toBeUndefined();
  });
});
