/**
 * Partner ids (MPN / PartnerLocation / partner id): which digits in a sentence are the partner's id.
 *
 * A partner id goes onto a confirmation card that links a partner to the tenant, so a wrong one is
 * worse than none: when in doubt this answers nothing and the bot asks (and says ids are digits
 * only). Only a whole number token can be an id: never a digit run cut out of a larger figure
 * ("12AB567", "123-4567", "12.5", a date, a phone number, a GUID; the tokenizer keeps those whole),
 * never a request number, a time, a date or a count ("for 3 days", "5 seats").
 * Pure: no I/O.
 */
import type { Normalized, Token } from './normalize';

/** Found in tokens [start, end). */
export interface PartnerIdFound {
  value: string;
  start: number;
  end: number;
}

/**
 * How the sentence uses the id:
 *  - `cued`: only an id introduced as one ("MPN ID 1234567", "partner id: 42", "(1234567)");
 *  - `any`: also a lone number in a sentence already about a partner link ("change PAL to 7654321");
 *  - `update`: like `any`, but the new id wins over the old one ("from 1234567 to 7654321").
 */
export type PartnerIdReading = 'cued' | 'any' | 'update';

/** Words that introduce a partner id. */
const CUES = new Set(['mpn', 'partner', 'partner location', 'pla', 'location', 'pal', 'network']);
/** "MPN *ID* …", "partner *number* …". */
const ID_NOUNS = new Set(['id', 'ids', 'number', 'no', 'nr', '#']);
/** "MPN ID *is* …", "partner id *:* …". */
const LINKING = new Set(['is', 'was', '=', ':', '#', 'of']);
/** What introduces the new value in a change ("to 7654321", "with partner id …", "now …"). */
const TARGETS = new Set(['to', 'with', 'into', 'now', 'new', 'becomes']);
/** Skipped between a target word and the number: "to MPN ID 7654321", "with partner id: …". */
const TARGET_FILLER = new Set([...CUES, ...ID_NOUNS, ...LINKING, 'the', 'our', 'a', 'be', 'microsoft', 'associated']);

const REQUEST_WORDS = new Set(['request', 'requests', 'req', 'ticket', 'tickets', 'case']);
const PHONE_WORDS = new Set([
  'phone',
  'call',
  'tel',
  'telephone',
  'cell',
  'mobile',
  'pager',
  'ext',
  'extension',
  'fax',
  'text',
  'sms',
  'whatsapp',
]);
/** A number before or after these is a date or a time. */
const MONTHS = new Set([
  ...'jan january feb february mar march apr april may jun june jul july aug august sep sept september oct october nov november dec december'.split(
    ' ',
  ),
]);
const TIME_PREPOSITIONS = new Set([
  'at',
  'by',
  'on',
  'before',
  'after',
  'until',
  'till',
  'around',
  'since',
  'in',
  'from',
  'between',
]);
/** A number followed by one of these counts something; it is not an id. */
const COUNTED = new Set([
  ...'minute minutes min mins m hour hours hr hrs h day days d week weeks wk wks w month months mo mos year years yr yrs y'.split(
    ' ',
  ),
  ...'seat seats license licenses user users people person persons staff digit digits character characters'.split(' '),
  ..."am pm percent dollars usd eur gbp times x st nd rd th o'clock oclock".split(' '),
  ...MONTHS,
]);

function isWholeNumber(t: Token | undefined): boolean {
  return !!t && t.kind === 'number' && /^\d+$/.test(t.norm);
}

/** Something a person wrote as an id but that is not digits only ("12AB567", "1234.5", "A1234567"). */
function isMalformedId(t: Token | undefined): boolean {
  if (!t || isWholeNumber(t)) return false;
  return (t.kind === 'code' || t.kind === 'number' || t.kind === 'word') && /\d/.test(t.norm);
}

/** Characters apart in the original text: 0 means the tokens touch ("123" "-" glued). */
function touches(a: Token, b: Token): boolean {
  return a.end === b.start;
}

/**
 * Part of a longer figure written with spaces or glued punctuation: "555 1234567", "1234567-89",
 * "+1234567". The tokenizer already keeps most such figures whole; this catches the rest.
 */
function partOfLargerFigure(tokens: readonly Token[], i: number): boolean {
  const t = tokens[i];
  const prev = tokens[i - 1];
  const next = tokens[i + 1];
  const figure = (x: Token | undefined) => !!x && (x.kind === 'number' || x.kind === 'code');
  if (figure(prev) || figure(next)) return true;
  const gluedPunct = (x: Token | undefined) =>
    !!x && x.kind === 'punct' && ['-', '+', '/', '.', ':', ','].includes(x.norm);
  if (prev && gluedPunct(prev) && touches(prev, t) && (prev.norm === '+' || figure(tokens[i - 2]))) return true;
  if (next && gluedPunct(next) && touches(t, next) && figure(tokens[i + 2]) && touches(next, tokens[i + 2]))
    return true;
  return false;
}

/** "request 42", "req # 42", "ticket number 42": a request's number, never a partner's. */
function isRequestNumber(tokens: readonly Token[], i: number): boolean {
  for (let j = i - 1, hops = 0; j >= 0 && hops < 3; j--, hops++) {
    const w = tokens[j].norm;
    if (REQUEST_WORDS.has(w)) return true;
    if (!ID_NOUNS.has(w) && w !== ':' && w !== '.') return false;
  }
  return false;
}

function isDateTimeOrCount(tokens: readonly Token[], i: number): boolean {
  const prev = tokens[i - 1]?.norm ?? '';
  const next = tokens[i + 1]?.norm ?? '';
  return MONTHS.has(prev) || TIME_PREPOSITIONS.has(prev) || COUNTED.has(next);
}

function nearPhoneWord(tokens: readonly Token[], i: number): boolean {
  for (let j = Math.max(0, i - 3); j < i; j++) if (PHONE_WORDS.has(tokens[j].norm)) return true;
  return false;
}

/**
 * Whether token i is introduced as a partner id: "MPN 1234567", "MPN ID is 1234567", "partner id:
 * 42", "id = 42", "(1234567)", "(MPN 3344556)".
 */
function isCued(tokens: readonly Token[], i: number): boolean {
  let j = i - 1;
  if (tokens[j]?.norm === 'now') j--;
  if (LINKING.has(tokens[j]?.norm ?? '')) j--;
  let idNoun = false;
  if (ID_NOUNS.has(tokens[j]?.norm ?? '')) {
    idNoun = tokens[j].norm === 'id' || tokens[j].norm === 'ids';
    j--;
  }
  const before = tokens[j]?.norm ?? '';
  if (CUES.has(before) || idNoun) return true;
  // "(1234567)" right after a name, as in "make Fabrikam (1234567) partner of record".
  return tokens[i - 1]?.norm === '(' && tokens[i + 1]?.norm === ')';
}

/** Whether token i is the new value of a change: "to 7654321", "with partner ID 9988776", "now 4455667". */
function isTarget(tokens: readonly Token[], i: number): boolean {
  for (let j = i - 1, hops = 0; j >= 0 && hops < 4; j--, hops++) {
    const w = tokens[j].norm;
    if (TARGETS.has(w)) return true;
    if (!TARGET_FILLER.has(w)) return false;
  }
  return false;
}

interface Candidate {
  value: string;
  index: number;
  cued: boolean;
  target: boolean;
}

/** The one value all the candidates agree on, or undefined when there are none or they differ. */
function single(cands: readonly Candidate[]): Candidate | undefined {
  if (cands.length === 0) return undefined;
  return cands.every((c) => c.value === cands[0].value) ? cands[0] : undefined;
}

const LIST_SEPARATORS = new Set([',', 'and', 'or', '&', '/', 'plus']);

function listed(tokens: readonly Token[], cands: readonly Candidate[]): boolean {
  return cands.some((a) =>
    cands.some(
      (b) =>
        b.index > a.index &&
        b.value !== a.value &&
        tokens
          .slice(a.index + 1, b.index)
          .every((t) => LIST_SEPARATORS.has(t.norm) || ID_NOUNS.has(t.norm) || CUES.has(t.norm)),
    ),
  );
}

function found(c: Candidate | undefined): PartnerIdFound | undefined {
  return c && { value: c.value, start: c.index, end: c.index + 1 };
}

/**
 * The partner id in `n`, or undefined when there is none or it is not clear which number it is.
 * Digits only, as written (leading zeros kept: "0012345" stays a string).
 */
export function partnerIdFrom(n: Normalized, reading: PartnerIdReading = 'cued'): PartnerIdFound | undefined {
  const { tokens } = n;
  const candidates: Candidate[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    // An id slot filled with something that is not digits: the person's id is malformed, and no
    // other number in the sentence is a safe substitute.
    if (isMalformedId(t) && (isCued(tokens, i) || isTarget(tokens, i))) return undefined;
    if (!isWholeNumber(t)) continue;
    // "… should read 9191919 instead of 9191991": the number ruled out is not the id.
    const before2 = `${tokens[i - 2]?.norm ?? ''} ${tokens[i - 1]?.norm ?? ''}`;
    if (/(?:instead of|rather than|not|^ not)$/.test(before2.trim())) continue;
    if (partOfLargerFigure(tokens, i) || isRequestNumber(tokens, i) || nearPhoneWord(tokens, i)) continue;
    const cued = isCued(tokens, i);
    if (!cued && isDateTimeOrCount(tokens, i)) continue;
    if (cued && COUNTED.has(tokens[i + 1]?.norm ?? '')) continue;
    candidates.push({ value: t.norm, index: i, cued, target: isTarget(tokens, i) });
  }
  // "MPN 1234567 and 7654321": two ids given, and choosing one would be a guess.
  if (listed(tokens, candidates)) return undefined;
  if (reading === 'update') {
    const targets = candidates.filter((c) => c.target);
    if (targets.length) return found(single(targets));
  }
  const cued = candidates.filter((c) => c.cued);
  if (cued.length) return found(single(cued));
  if (reading === 'cued') return undefined;
  return found(single(candidates));
}
