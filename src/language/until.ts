/**
 * The end of time-bound access stated as a date: "until Friday", "till Dec 20", "until 5pm
 * tomorrow", read against a reference moment and reported as ISO local time ("2026-12-11",
 * "2026-12-08T17:00"). An end that is not a date ("until end of shift", "until the go-live is
 * over") gives no value, and the bot asks; its words are still set aside so that they never read
 * as a person.
 *
 * chrono-node reads the date (measured against a hand-written reader: it reads every form in the
 * development set and more, deterministically, in ~0.02 ms). Only its English parser is loaded, and
 * only the first time a message says "until": it costs ~8 MB resident that most processes never
 * need. Pure: no I/O.
 */
import { dirname, join } from 'node:path';
import { rawOf, type Normalized } from './normalize';

export interface UntilFound {
  /** Undefined when the end is not a date. */
  value?: string;
  start: number;
  end: number;
}

const CUES = new Set(['until', 'till', 'til', 'untill', 'thru', 'through']);
/** Where the words about the end stop. */
const PHRASE_END = new Set(['.', '?', ';', ',', ':', 'because', 'since', 'so', 'for', 'and', 'but', 'as', 'due']);

interface ChronoResult {
  index: number;
  text: string;
  start: { date(): Date; isCertain(component: 'hour' | 'day' | 'weekday'): boolean };
}
interface ChronoEn {
  casual: { parse(text: string, ref: Date, option?: { forwardDate?: boolean }): ChronoResult[] };
}

let chrono: ChronoEn | undefined;
function chronoEn(): ChronoEn {
  // The English parser alone: the package index loads every locale (~25 MB resident). Its file is
  // found next to the package's entry: jest's resolver does not read the "./*" subpath exports.
  const en = join(dirname(require.resolve('chrono-node')), 'locales', 'en', 'index.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  chrono ??= require(en) as ChronoEn;
  return chrono;
}

const pad = (n: number) => String(n).padStart(2, '0');

export function isoLocal(d: Date, withTime: boolean): string {
  const date = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  return withTime ? `${date}T${pad(d.getHours())}:${pad(d.getMinutes())}` : date;
}

/** Whether the message says "until …" at all: the cheap test before chrono is loaded. */
export function mentionsUntil(n: Normalized): boolean {
  return n.tokens.some((t, i) => CUES.has(t.norm) || (LABELS.has(t.norm) && n.tokens[i + 1]?.norm === ':'));
}

/**
 * "until Friday" → 2026-12-11 (now: Monday 2026-12-07). The date must start right after the cue:
 * "until HR confirms on Friday" is a condition, not an end.
 */
/** Labels that introduce an end in a form ("End: Jan 15", "expires: Friday"). */
const LABELS = new Set(['end', 'ends', 'expires', 'expiry', 'expiration']);

/** "the 18th", "20th": a day of this month, or of the next one when it has passed. */
const ORDINAL_DAY_RE = /^(?:the )?(\d{1,2})(?:st|nd|rd|th)\b/i;

/**
 * A date (or date and time) at the very start of `phrase` ("Friday", "the 5th of January", "5pm
 * tomorrow", "the 18th"), ISO local time; undefined when the phrase does not start with one.
 */
/** Dates read before, by phrase and reference moment: the rules ask again for the same words. */
const dates = new Map<string, string | undefined>();

export function dateAtStart(phrase: string, now: Date): string | undefined {
  const key = `${now.getTime()}|${phrase}`;
  if (dates.has(key)) return dates.get(key);
  const value = readDate(phrase, now);
  if (dates.size > 500) dates.clear();
  dates.set(key, value);
  return value;
}

/** Words a date is written with; a phrase with none of them ("until I say otherwise") is not read. */
const DATE_WORDS_RE =
  /\d|\b(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\b|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b|\b(?:today|tonight|tomorrow|noon|midnight|morning|afternoon|evening|night|week|weekend|month|year|next|this|end|eod|eow|christmas|new year)\b/i;

function readDate(phrase: string, now: Date): string | undefined {
  const text = phrase.trim();
  if (!DATE_WORDS_RE.test(text)) return undefined;
  const [hit] = chronoEn().casual.parse(text, now, { forwardDate: true });
  const lead = hit ? text.slice(0, hit.index).trim().toLowerCase() : undefined;
  if (hit && (lead === '' || lead === 'the' || lead === 'on' || lead === 'on the'))
    return isoLocal(hit.start.date(), hit.start.isCertain('hour'));
  const ordinal = ORDINAL_DAY_RE.exec(text);
  if (ordinal) {
    const day = Number(ordinal[1]);
    if (day < 1 || day > 31) return undefined;
    const d = new Date(now.getFullYear(), now.getMonth(), day);
    if (d.getDate() !== day || d < new Date(now.getFullYear(), now.getMonth(), now.getDate()))
      d.setMonth(d.getMonth() + 1, day);
    return isoLocal(d, false);
  }
  return undefined;
}

export function untilFrom(n: Normalized, now: Date): UntilFound | undefined {
  for (let i = 0; i < n.tokens.length; i++) {
    const label = LABELS.has(n.tokens[i].norm) && n.tokens[i + 1]?.norm === ':';
    if (!CUES.has(n.tokens[i].norm) && !label) continue;
    // "through" is an end only before a day or date ("through Wednesday"), not "through the portal".
    const through = n.tokens[i].norm === 'through' || n.tokens[i].norm === 'thru';
    const from = label ? i + 2 : i + 1;
    let end = from;
    while (end < n.tokens.length && !PHRASE_END.has(n.tokens[end].norm)) end++;
    if (end === from) continue;
    const value = dateAtStart(rawOf(n, from, end), now);
    if (!value) {
      if (through || label) continue;
      return { start: i, end };
    }
    return { value, start: i, end };
  }
  return undefined;
}

/**
 * A date standing alone at the start of a phrase ("Thursday", "Dec 18."), as a correction of an
 * end already stated gives it: ISO local time, or undefined.
 */
export function untilPhrase(n: Normalized, now: Date): string | undefined {
  if (!n.tokens.length) return undefined;
  let from = 0;
  // "correction: through the 5th of January", "wait no, the 18th".
  while (from < n.tokens.length && (CUES.has(n.tokens[from].norm) || n.tokens[from].kind === 'punct')) from++;
  return from < n.tokens.length ? dateAtStart(rawOf(n, from, n.tokens.length), now) : undefined;
}
