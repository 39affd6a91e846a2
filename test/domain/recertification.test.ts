/** When a round of license reviews is due, when it must be answered, and who it leads to removing. */
import { answerBy, dueRound, lastRound, reminderAt, removalsOf } from '../../src/domain/recertification';
import type { RequestState, TargetStatus } from '../../src/domain/request';

const DAY = 24 * 3_600_000;
const now = new Date('2026-12-07T09:00:00Z');
const daysAgo = (d: number) => new Date(now.getTime() - d * DAY).toISOString();

describe('dueRound', () => {
  test.each([
    ['off (0 days)', undefined, 0, undefined],
    ['off (negative)', undefined, -5, undefined],
    ['never run, on: round 1 now', undefined, 90, 1],
    ['last round 89 days ago', { round: 3, startedAt: daysAgo(89) }, 90, undefined],
    ['last round exactly 90 days ago', { round: 3, startedAt: daysAgo(90) }, 90, 4],
    ['last round 200 days ago: the next, not a catch-up of two', { round: 3, startedAt: daysAgo(200) }, 90, 4],
    ['turned off after rounds ran', { round: 3, startedAt: daysAgo(200) }, 0, undefined],
    ['a round started in the future (clock skew)', { round: 1, startedAt: daysAgo(-1) }, 1, undefined],
  ])('%s', (_why, last, every, expected) => {
    expect(dueRound(last, now, every)).toBe(expected);
  });
});

describe('lastRound', () => {
  test.each([
    [[], undefined],
    [[{ round: 1, startedAt: daysAgo(180) }], 1],
    [
      [
        { round: 2, startedAt: daysAgo(90) },
        { round: 1, startedAt: daysAgo(180) },
        { round: 3, startedAt: daysAgo(0) },
      ],
      3,
    ],
  ])('%j → round %s', (rounds, expected) => {
    expect(lastRound(rounds)?.round).toBe(expected);
  });
});

describe('answerBy', () => {
  test.each([
    [14, '2026-12-21T09:00:00.000Z'],
    [1, '2026-12-08T09:00:00.000Z'],
    [0, '2026-12-08T09:00:00.000Z'],
  ])('%s days → %s', (days, expected) => {
    expect(answerBy(now, days)).toBe(expected);
  });
});

describe('reminderAt', () => {
  test.each([
    ['2026-12-21T09:00:00.000Z', '2026-12-14T09:00:00.000Z'],
    ['2026-12-08T09:00:00.000Z', '2026-12-07T21:00:00.000Z'],
  ])('deadline %s → reminded %s', (deadline, expected) => {
    expect(reminderAt(now, deadline)).toBe(expected);
  });
});

describe('removalsOf', () => {
  const people = (...s: TargetStatus[]) => s.map((status, i) => ({ userId: `u${i}`, status }));
  const ids = (list: { userId: string }[]) => list.map((p) => p.userId);
  test.each<[RequestState, TargetStatus[], boolean, string[]]>([
    ['pending', ['waiting', 'waiting'], true, []],
    ['approved', ['waiting', 'skipped', 'skipped'], false, ['u1', 'u2']],
    ['executing', ['done', 'skipped'], false, ['u1']],
    ['completed', ['done', 'done'], true, []],
    ['completed', ['done', 'skipped'], true, ['u1']],
    ['expired', ['waiting', 'waiting'], false, []],
    ['expired', ['waiting', 'waiting'], true, ['u0', 'u1']],
    ['cancelled', ['waiting'], true, []],
  ])('%s with %j, remove on silence %s → %j', (state, statuses, silence, expected) => {
    expect(ids(removalsOf({ state, targets: people(...statuses) }, silence))).toEqual(expected);
  });
});
