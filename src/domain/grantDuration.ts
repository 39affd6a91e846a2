/**
 * Time-bound access: how long a grant lasts, as the language layer writes it (ISO 8601, "PT4H"),
 * checked against the limits Dragon Desk accepts and said back in words. Pure: no I/O.
 */

const PATTERN = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/i;

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/**
 * PIM refuses to end an assignment within 5 minutes of its start (ActiveDurationTooShort, reference
 * §6), so a shorter grant could not be ended on time.
 */
export const MIN_GRANT_MS = 5 * MINUTE_MS;
/**
 * A year: longer than that is not "temporary" any more and should be a permanent assignment that
 * someone reviews. [U] PIM for Groups' own maximum depends on the tenant's policy.
 */
export const MAX_GRANT_MS = 365 * DAY_MS;

/** Milliseconds of an ISO 8601 duration (years = 365 days, months = 30, as the language layer counts), or undefined. */
export function isoDurationMs(iso: string): number | undefined {
  const text = iso.trim();
  const m = PATTERN.exec(text);
  if (!m || text === 'P' || /T$/i.test(text)) return undefined;
  const n = (i: number) => (m[i] ? Number(m[i]) : 0);
  const days = n(1) * 365 + n(2) * 30 + n(3) * 7 + n(4);
  return days * DAY_MS + n(5) * HOUR_MS + n(6) * MINUTE_MS + n(7) * 1000;
}

export type GrantDurationCheck = { ok: true; ms: number; words: string } | { ok: false; reason: string };

/** Is this a duration Dragon Desk can grant the role for? */
export function checkGrantDuration(iso: string): GrantDurationCheck {
  const ms = isoDurationMs(iso);
  if (ms === undefined || ms <= 0)
    return {
      ok: false,
      reason: `I couldn't read “${iso}” as a length of time. Say for example "for 4 hours" or "for 2 days".`,
    };
  if (ms < MIN_GRANT_MS)
    return {
      ok: false,
      reason: 'Time-bound access must last at least 5 minutes (Microsoft will not end an assignment sooner than that).',
    };
  if (ms > MAX_GRANT_MS)
    return {
      ok: false,
      reason:
        'Time-bound access can last at most a year. For longer, ask for the role without a time limit; it stays until someone removes it.',
    };
  return { ok: true, ms, words: durationWords(ms) };
}

/** "4 hours", "1 day and 2 hours", "30 minutes": the largest two units, for people. */
export function durationWords(ms: number): string {
  const units: [number, string][] = [
    [DAY_MS, 'day'],
    [HOUR_MS, 'hour'],
    [MINUTE_MS, 'minute'],
  ];
  const parts: string[] = [];
  let rest = Math.round(ms / MINUTE_MS) * MINUTE_MS;
  for (const [size, name] of units) {
    const n = Math.floor(rest / size);
    if (n > 0 && parts.length < 2) parts.push(`${n} ${name}${n === 1 ? '' : 's'}`);
    rest -= n * size;
  }
  return parts.length ? parts.join(' and ') : 'less than a minute';
}

/** When the reminder goes out: `reminderMinutes` before the end, or undefined when that is already past (a short grant). */
export function reminderAt(startMs: number, endMs: number, reminderMinutes: number): number | undefined {
  const at = endMs - reminderMinutes * MINUTE_MS;
  return at > startMs ? at : undefined;
}
