/**
 * Small text helpers for view models. Pure.
 */
import { BoundedMap } from '../boundedMap';

/**
 * Makes text that came from people or from the directory safe to place in a card:
 * - `${` would look like an unbound template placeholder to our own checks and strippers, so a
 *   zero-width space is slipped between the two characters (invisible to the reader);
 * - `](` is the markdown link syntax Teams renders in TextBlocks and FactSets; breaking it the same
 *   way keeps a justification like "[see form](https://evil.example)" from becoming a link an
 *   approver might trust. Bare URLs are still auto-linked by Teams, but then the reader sees them.
 */
export function userText(value: string | undefined | null): string {
  if (value === undefined || value === null) return '';
  return String(value).replace(/\$\{/g, '$\u200B{').replace(/\]\(/g, ']\u200B(');
}

/** "Ann", "Ann and Bo", "Ann, Bo and Cy", "Ann, Bo, Cy and 4 more" (at most `max` names). */
export function joinNames(names: readonly string[], max = 5): string {
  const shown = names.slice(0, max);
  const rest = names.length - shown.length;
  if (rest > 0) return `${shown.join(', ')} and ${rest} more`;
  if (shown.length <= 1) return shown.join('');
  return `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
}

function isValidTimeZone(timeZone: string): boolean {
  if (formatters.has(timeZone)) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/**
 * "Mar 4, 2026, 2:05 PM (Europe/Amsterdam)". Formatted on the server because card-side
 * `{{DATE()}}` is only honoured in TextBlocks, not in FactSet values [U]. Unknown or missing
 * zones fall back to UTC and say so, rather than showing a time the reader would misread.
 */
export function formatTime(iso: string | undefined, timeZone?: string): string {
  if (!iso) return '';
  const zone = timeZone && isValidTimeZone(timeZone) ? timeZone : 'UTC';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return userText(iso);
  // Keyed by the second, not the instant: each request has its own created and expiry times to the
  // millisecond, and requests made in the same second then share the formatting. Not by the minute
  // the text shows: a historical zone offset can have seconds (Liberia was UTC−0:44:30), so one UTC
  // minute can span two local ones.
  const key = `${Math.floor(ms / 1000)}\u0000${zone}`;
  let text = formatted.get(key);
  if (text === undefined) {
    text = `${dateTimeFormat(zone).format(ms)} (${zone})`;
    formatted.set(key, text);
  }
  return text;
}

/** A request's times are shown on every render of its cards (bench/: formatting was a card's top cost). */
const formatted = new BoundedMap<string, string>(4000);

/**
 * One formatter per time zone: building an Intl.DateTimeFormat costs far more than formatting with
 * it, and every request card shows a few times (bench/ found it among a card's top costs).
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function dateTimeFormat(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      year: 'numeric',
      month: 'short',
      day: 'numeric',
      hour: 'numeric',
      minute: '2-digit',
    });
    formatters.set(zone, f);
  }
  return f;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Only web links: an OpenUrl to anything else (javascript:, file:) must never be rendered. */
export function isWebUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}
