/**
 * ISO 8601 durations as PIM (`PT2H`, `P1D`) and GDAP (`P730D`, `P2Y`) use them. Years count as 365
 * days and months as 30: GDAP's own bound P2Y equals P730D, which is what the Partner Center UI
 * offers as its maximum.
 */

export interface IsoDuration {
  years: number;
  months: number;
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
}

const PATTERN = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i;

export function parseIsoDuration(text: string): IsoDuration | undefined {
  const m = PATTERN.exec(text.trim());
  if (!m || text.trim() === 'P' || /T$/i.test(text.trim())) return undefined;
  const n = (i: number) => (m[i] ? Number(m[i]) : 0);
  return { years: n(1), months: n(2), days: n(3) * 7 + n(4), hours: n(5), minutes: n(6), seconds: n(7) };
}

export function durationMs(d: IsoDuration): number {
  const days = d.years * 365 + d.months * 30 + d.days;
  return ((days * 24 + d.hours) * 60 + d.minutes) * 60_000 + d.seconds * 1000;
}

export const DAY_MS = 86_400_000;

/** Milliseconds of an ISO duration, or undefined when it is not one. */
export function isoDurationMs(text: string): number | undefined {
  const d = parseIsoDuration(text);
  return d ? durationMs(d) : undefined;
}
