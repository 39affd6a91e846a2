/**
 * Recertification (access reviews): every RECERTIFY_EVERY_DAYS days the owners of each license
 * group say who keeps the license. Pure: when the next round is due, when it must be answered, and
 * who a round leads to removing.
 */
import type { RequestState, RequestTarget } from './request';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The last round started for a license kind, as recorded. */
export interface LastRound {
  round: number;
  startedAt: string;
}

/**
 * The round to start now, or undefined when none is due: the first one as soon as recertification
 * is on, then one every `everyDays` days after the last one started. Off (0 or less): never.
 */
export function dueRound(last: LastRound | undefined, now: Date, everyDays: number): number | undefined {
  if (!(everyDays > 0)) return undefined;
  if (!last) return 1;
  const since = now.getTime() - Date.parse(last.startedAt);
  return since >= everyDays * DAY_MS ? last.round + 1 : undefined;
}

/** The latest of the recorded rounds (undefined when there is none). */
export function lastRound(rounds: readonly LastRound[]): LastRound | undefined {
  return rounds.reduce<LastRound | undefined>((a, b) => (!a || b.round > a.round ? b : a), undefined);
}

/** When the owners must have answered a round started at `start`. */
export function answerBy(start: Date, answerDays: number): string {
  return new Date(start.getTime() + Math.max(1, answerDays) * DAY_MS).toISOString();
}

/** When the owners are reminded: half-way between the start and the deadline. */
export function reminderAt(start: Date, deadline: string): string {
  const end = Date.parse(deadline);
  return new Date(start.getTime() + Math.floor((end - start.getTime()) / 2)).toISOString();
}

/**
 * The people a review leads to removing: the ones the reviewer did not keep once it was submitted
 * (left out, so `skipped`); everyone not reviewed when it expired, but only when silence removes;
 * nobody while it waits, or when it was cancelled.
 */
export function removalsOf<T extends Pick<RequestTarget, 'status'>>(
  review: { state: RequestState; targets: readonly T[] },
  removeOnSilence: boolean,
): T[] {
  switch (review.state) {
    case 'approved':
    case 'executing':
    case 'completed':
    case 'failed':
      return review.targets.filter((t) => t.status === 'skipped');
    case 'expired':
      return removeOnSilence ? [...review.targets] : [];
    default:
      return [];
  }
}
