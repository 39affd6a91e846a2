/**
 * The audit trail in words: "show the audit for request 42" (audit.show) and "export Dragon requests
 * for November" (audit.export, with the period and what to export). A rule of its own, asked before
 * the others: it claims only sentences that name the audit of a numbered request, or that ask to
 * export (download, a CSV of …) requests or the audit log. "audit" alone is common context ("a
 * chart audit", "Audit wants it by Friday") and claims nothing.
 *
 * Periods are whole UTC days, read against `now`: a month named without a year is the latest one
 * that has begun ("November" in December 2026 is November 2026; in October 2026, November 2025).
 * Pure: no I/O.
 */
import { requestIdFrom } from './entities';
import type { Normalized } from './normalize';
import type { Entities, Intent } from './types';

type AuditDraft = { intent: Extract<Intent, 'audit.show' | 'audit.export'> } & Pick<
  Entities,
  'requestId' | 'period' | 'dataset'
>;

const AUDIT_RE = /\baudit\b/;
const EXPORT_RE = /\b(?:export|exports|exported|download|csv|spreadsheet|excel|extract|report)\b/;
const REQUESTS_RE = /\b(?:requests|request|reqs)\b/;
/** The audit log itself, not "the audit" as an event ("Audit wants it by Friday"). */
const AUDIT_LOG_RE =
  /\baudit (?:log|logs|trail|trails|events|history|records|entries|rows)\b|\b(?:export|download|extract) (?:the |our |all (?:the )?)?(?:dragon )?audit\b/;

export function auditIntent(n: Normalized, now: Date): AuditDraft | undefined {
  const text = n.text;
  const requestId = requestIdFrom(n)?.value;
  if (AUDIT_RE.test(text) && requestId !== undefined) return { intent: 'audit.show', requestId };
  if (!EXPORT_RE.test(text)) return undefined;
  const dataset = AUDIT_LOG_RE.test(text) ? 'audit' : REQUESTS_RE.test(text) ? 'requests' : undefined;
  if (!dataset) return undefined;
  return { intent: 'audit.export', period: periodFrom(text, now), dataset };
}

// ---------------------------------------------------------------------------------------------
// Periods

const MONTHS: Readonly<Record<string, number>> = {
  january: 1,
  jan: 1,
  february: 2,
  feb: 2,
  march: 3,
  mar: 3,
  april: 4,
  apr: 4,
  may: 5,
  june: 6,
  jun: 6,
  july: 7,
  jul: 7,
  august: 8,
  aug: 8,
  september: 9,
  sept: 9,
  sep: 9,
  october: 10,
  oct: 10,
  november: 11,
  nov: 11,
  december: 12,
  dec: 12,
};
const MONTH = `(${Object.keys(MONTHS).join('|')})(?: \\.)?`;
const DAY = `(\\d{1,2})(?:st|nd|rd|th)?`;
const YEAR = `(\\d{4})`;

/** A calendar date as written: the year may be left out. */
interface Written {
  y?: number;
  m: number;
  d: number;
}

/** "2026-11-01", "1 nov", "1st of november 2026", "nov 1", "november 3rd , 2026". */
const DATE_RES: readonly { re: RegExp; read: (m: RegExpExecArray) => Written }[] = [
  { re: /^(\d{4})-(\d{2})-(\d{2})/, read: (m) => ({ y: +m[1], m: +m[2], d: +m[3] }) },
  {
    re: new RegExp(`^${DAY}(?: of)? ${MONTH}(?: ,)?(?: ${YEAR})?`),
    read: (m) => ({ d: +m[1], m: MONTHS[m[2]], y: m[3] ? +m[3] : undefined }),
  },
  {
    re: new RegExp(`^${MONTH} ${DAY}(?!\\d)(?: ,)?(?: ${YEAR})?`),
    read: (m) => ({ m: MONTHS[m[1]], d: +m[2], y: m[3] ? +m[3] : undefined }),
  },
];

function dateAt(text: string): { date: Written; length: number } | undefined {
  for (const { re, read } of DATE_RES) {
    const m = re.exec(text);
    if (m) return { date: read(m), length: m[0].length };
  }
  return undefined;
}

const iso = (t: Date) => t.toISOString().slice(0, 10);
const utc = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d));

function valid(y: number, m: number, d: number): boolean {
  const t = utc(y, m, d);
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

/** The date as written, in the year it last was (not after today) when no year is given. */
function resolve(w: Written, today: Date, notBefore?: Date): Date | undefined {
  let y = w.y ?? today.getUTCFullYear();
  if (w.y === undefined) {
    if (notBefore) {
      y = notBefore.getUTCFullYear();
      if (valid(y, w.m, w.d) && utc(y, w.m, w.d) < notBefore) y++;
    } else if (valid(y, w.m, w.d) && utc(y, w.m, w.d) > today) y--;
  }
  return valid(y, w.m, w.d) ? utc(y, w.m, w.d) : undefined;
}

function range(start: Date | undefined, end: Date | undefined): string | undefined {
  if (!start || !end || end < start) return undefined;
  return `${iso(start)}/${iso(end)}`;
}

function monthRange(y: number, m: number): string | undefined {
  return range(utc(y, m, 1), utc(y, m + 1, 0));
}

/** "May" is a month only where a month fits: after "for", "in", … or before a year ("may I have …" is not). */
const MAY_CUE = new Set(['for', 'in', 'of', 'during', 'from', 'since', 'to', 'and', 'until']);

function monthNamed(text: string): RegExpExecArray | undefined {
  const re = new RegExp(`\\b${MONTH}(?: ${YEAR})?\\b`, 'g');
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[1] !== 'may' || m[2]) return m;
    const before = text.slice(0, m.index).trimEnd().split(' ').pop() ?? '';
    if (MAY_CUE.has(before)) return m;
  }
  return undefined;
}

/**
 * The period a sentence names, as an ISO 8601 interval of UTC dates, both ends included
 * ("2026-11-01/2026-11-30"); undefined when it names none (or an impossible date).
 */
export function periodFrom(text: string, now: Date): string | undefined {
  const today = utc(now.getUTCFullYear(), now.getUTCMonth() + 1, now.getUTCDate());
  const daysAgo = (n: number) => utc(today.getUTCFullYear(), today.getUTCMonth() + 1, today.getUTCDate() - n);

  // "from 1 nov to 15 nov", "between 2026-11-01 and 2026-11-15", "since november 3rd"
  for (let i = text.search(/\b(?:from|between|since|after)\b/); i >= 0;) {
    const cue = /^(from|between|since|after) /.exec(text.slice(i));
    if (cue) {
      const first = dateAt(text.slice(i + cue[0].length));
      if (first) {
        const rest = text.slice(i + cue[0].length + first.length);
        if (cue[1] === 'since' || cue[1] === 'after') {
          const start = resolve(first.date, today);
          return range(
            start && cue[1] === 'after'
              ? utc(start.getUTCFullYear(), start.getUTCMonth() + 1, start.getUTCDate() + 1)
              : start,
            today,
          );
        }
        const sep = /^ (?:to|and|until|till|through|thru|-) /.exec(rest);
        const second = sep && dateAt(rest.slice(sep[0].length));
        if (second) {
          // "from 1 nov to 15 nov 2026": a year given only at the end holds for both.
          const start = resolve({ ...first.date, y: first.date.y ?? second.date.y }, today);
          return range(start, resolve(second.date, today, start));
        }
      }
    }
    const next = text.slice(i + 1).search(/\b(?:from|between|since|after)\b/);
    i = next < 0 ? -1 : i + 1 + next;
  }

  const relative = /\b(this|last|previous|past) (month|year|week)\b/.exec(text);
  if (relative) {
    const y = today.getUTCFullYear();
    const m = today.getUTCMonth() + 1;
    const back = relative[1] !== 'this';
    if (relative[2] === 'month') return back ? monthRange(m === 1 ? y - 1 : y, m === 1 ? 12 : m - 1) : monthRange(y, m);
    if (relative[2] === 'year')
      return back ? range(utc(y - 1, 1, 1), utc(y - 1, 12, 31)) : range(utc(y, 1, 1), utc(y, 12, 31));
    // Weeks start on Monday (ISO 8601).
    const monday = daysAgo((today.getUTCDay() + 6) % 7);
    const start = back ? utc(monday.getUTCFullYear(), monday.getUTCMonth() + 1, monday.getUTCDate() - 7) : monday;
    return range(start, utc(start.getUTCFullYear(), start.getUTCMonth() + 1, start.getUTCDate() + 6));
  }
  const lastDays = /\b(?:last|past) (\d{1,3}) days\b/.exec(text);
  if (lastDays && +lastDays[1] > 0) return range(daysAgo(+lastDays[1] - 1), today);
  if (/\btoday\b/.test(text)) return range(today, today);
  if (/\byesterday\b/.test(text)) return range(daysAgo(1), daysAgo(1));

  // A single day: "on 3 november", "for 2026-11-03".
  const day = /\b(?:on|for) /.exec(text);
  if (day) {
    const one = dateAt(text.slice(day.index + day[0].length));
    if (one) {
      const d = resolve(one.date, today);
      return range(d, d);
    }
  }

  const month = monthNamed(text);
  if (month) {
    const m = MONTHS[month[1]];
    const y = month[2] ? +month[2] : m <= today.getUTCMonth() + 1 ? today.getUTCFullYear() : today.getUTCFullYear() - 1;
    return monthRange(y, m);
  }
  const year = /\b(?:in|for|during|of) (\d{4})\b/.exec(text);
  if (year) return range(utc(+year[1], 1, 1), utc(+year[1], 12, 31));
  return undefined;
}
