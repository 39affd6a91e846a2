/**
 * Entity extractors: people, durations, reasons, request ids, partner ids, subscriptions, license
 * kinds and the roles of a delegated admin offer. Each works on a normalised utterance and reports
 * values as written; each also has a string form (`extract…`) for callers and tests.
 * Pure: no I/O.
 */
import type { LicenseKind } from '../domain/catalog';
import {
  AMBIGUOUS_SELF,
  AMBIGUOUS_SELF_PHRASES,
  CAPITALISED_NAMES,
  COMMON_WORDS,
  CREDENTIALS,
  DESCRIPTORS,
  ENTRA_ROLE_PHRASES,
  EVERYDAY_WORDS,
  FUNCTION_WORDS,
  GIVEN_NAME_WORDS,
  HARD_PERSON_STOP,
  HONORIFICS,
  LIST_SEPARATORS,
  NUMBER_WORDS,
  NURSING_SELF,
  ORG_STOP,
  PERSON_STOP,
  PHYSICIAN_SELF,
  REASON_WORDS,
  SELF_WORDS,
  VERBS,
} from './lexicon';
import { normalize, rawOf, tokenRange, type Normalized, type Token } from './normalize';
import { partnerIdFrom, type PartnerIdReading } from './partnerIds';
import { subscriptionFrom } from './subscriptions';

/** A value and the tokens [start, end) it was read from, so the rules can set them aside. */
export interface Found<T> {
  value: T;
  start: number;
  end: number;
}

function asNormalized(input: Normalized | string): Normalized {
  return typeof input === 'string' ? normalize(input) : input;
}

/** The first match of `re` (compiled with the `d` flag) as a token range, for group `group`. */
export function matchTokens(
  n: Normalized,
  re: RegExp,
  group = 0,
): { start: number; end: number; m: RegExpExecArray } | undefined {
  const m = re.exec(n.text);
  if (!m || !m.indices) return undefined;
  const span = m.indices[group];
  if (!span) return undefined;
  const [start, end] = tokenRange(n, span[0], span[1]);
  return { start, end, m };
}

// ---------------------------------------------------------------------------------------------
// People

function isPersonWord(t: Token): boolean {
  if (t.kind === 'email') return true;
  if (t.kind !== 'word' || t.norm.includes(' ')) return false;
  if (!/^\p{L}[\p{L}\p{M}'-]*$/u.test(t.norm)) return false;
  if (SELF_WORDS.has(t.norm)) return true;
  const capitalisedMidSentence = !t.first && /^\p{Lu}\p{Ll}/u.test(t.raw);
  if (capitalisedMidSentence && (CAPITALISED_NAMES.has(t.norm) || !HARD_PERSON_STOP.has(t.norm)))
    return !CREDENTIALS.has(t.norm);
  // "Lou Grant", "Kelly Cross": a capitalised verb is a surname, never a name on its own (below).
  if (capitalisedMidSentence && VERBS.has(t.norm) && !FUNCTION_WORDS.has(t.norm)) return true;
  return !PERSON_STOP.has(t.norm) && !CREDENTIALS.has(t.norm) && !EVERYDAY_WORDS.has(t.norm);
}

/**
 * A capitalised everyday word ("Ready", "West", "Pool") is a name only next to a word that is not
 * an everyday word ("Kelly Ward"): a name made only of everyday words is not read as a person.
 */
function plausibleName(toks: readonly Token[], afterHonorific: boolean): boolean {
  if (toks[0].kind === 'word' && VERBS.has(toks[0].norm) && !CAPITALISED_NAMES.has(toks[0].norm)) return false;
  if (afterHonorific) return true;
  return toks.some((t) => t.kind === 'email' || !weakNameWord(t));
}

/**
 * A word that can be part of a name but is not one on its own: an everyday word ("Ready", "West"),
 * a capitalised verb ("Grant"), a particle ("van"), or one of the most common English words typed
 * in lower case ("message", "cleared") unless it is also a given name ("ivy", "grace").
 */
function weakNameWord(t: Token): boolean {
  if (EVERYDAY_WORDS.has(t.norm) || NAME_PARTICLES.has(t.norm) || VERBS.has(t.norm)) return true;
  // "double-check", "follow-up": a compound of common words typed in lower case is no name.
  if (t.norm.includes('-') && !/^\p{Lu}/u.test(t.raw))
    return t.norm.split('-').every((p) => weakNameWord({ ...t, norm: p, raw: p }));
  if (!COMMON_WORDS.has(t.norm) || GIVEN_NAME_WORDS.has(t.norm)) return false;
  // Capitalised in mid-sentence, a common word is a surname only beside a real name ("Kelly Ward").
  return true;
}

function isSeparator(t: Token): boolean {
  return LIST_SEPARATORS.has(t.norm);
}

function isHonorific(tokens: readonly Token[], i: number): boolean {
  const t = tokens[i];
  const next = tokens[i + 1];
  return HONORIFICS.has(t.norm) && !!next && isPersonWord(next) && !SELF_WORDS.has(next.norm);
}

/** A credential directly after a name or a comma after a name ("Dana Reyes, RN"). */
function isCredentialAfterName(tokens: readonly Token[], i: number): boolean {
  if (!CREDENTIALS.has(tokens[i].norm) || i === 0) return false;
  const prev = tokens[i - 1];
  const before = tokens[i - 2];
  return (isPersonWord(prev) && !SELF_WORDS.has(prev.norm)) || (prev.norm === ',' && !!before && isPersonWord(before));
}

/**
 * Part of a short aside in brackets written right after a name: its e-mail, a credential, a shift
 * or a department ("Dana Reyes (dana@contoso.com)", "Kelly (RN) + Jo (LPN)", "Aisha Al-Farsi
 * (nights)", "François Lefèvre (Cardiology)"). The aside belongs to the person before it.
 */
export function isAside(tokens: readonly Token[], i: number): boolean {
  for (let open = i; open >= 0 && i - open <= 4; open--) {
    const t = tokens[open];
    if (t.norm === ')' && open !== i) return false;
    if (t.norm !== '(') continue;
    if (open === 0 || tokens[open - 1].kind !== 'word') return false;
    for (let close = open + 1; close < tokens.length && close - open <= 4; close++) {
      if (tokens[close].norm !== ')') continue;
      if (close < i || close === open + 1) return false;
      // One e-mail, or up to three words.
      const body = tokens.slice(open + 1, close);
      if (body.length === 1 && body[0].kind === 'email') return true;
      return body.every((b) => b.kind === 'word' && !b.norm.includes(' '));
    }
    return false;
  }
  return false;
}

function inRun(tokens: readonly Token[], i: number): boolean {
  const t = tokens[i];
  return (
    isPersonWord(t) ||
    isSeparator(t) ||
    isHonorific(tokens, i) ||
    isCredentialAfterName(tokens, i) ||
    isAside(tokens, i)
  );
}

/** Particles inside a surname ("Mary Ann de la Cruz", "Ludwig van Dijk"): not counted as name words. */
const NAME_PARTICLES = new Set([
  'de',
  'la',
  'del',
  'della',
  'der',
  'den',
  'van',
  'von',
  'da',
  'di',
  'du',
  'le',
  'bin',
  'ibn',
  'al',
  'el',
  'ten',
  'ter',
  'dos',
  'das',
  'st',
]);

export interface PeopleRun {
  users: string[];
  /** Token range of the names, separators included. */
  start: number;
  end: number;
}

/**
 * Reads the names in tokens [start, end): split on commas, "and", "&"; honorifics and trailing
 * credentials dropped; "I", "me", "myself" become "me"; lower-case names capitalised. Undefined when any part is not a name
 * (more than four words, a stray word), because a wrong person is worse than asking.
 */
export function peopleIn(n: Normalized, start: number, end: number): string[] | undefined {
  const users: string[] = [];
  let item: number[] = [];
  // More than one item: the words are read as a list of names.
  const inList = n.tokens.slice(start, end).some((t) => isSeparator(t));
  const flush = (): boolean => {
    // "Dana Reyes (dana.reyes@contoso.com)": one person, known by the e-mail.
    const email = item.find((k) => n.tokens[k].kind === 'email' && isAside(n.tokens, k));
    const kept = item
      .filter((k) => !HONORIFICS.has(n.tokens[k].norm) || !isHonorific(n.tokens, k))
      .filter((k) => !isCredentialAfterName(n.tokens, k))
      .filter((k) => !isAside(n.tokens, k));
    const honorific = item.some((k) => HONORIFICS.has(n.tokens[k].norm) && isHonorific(n.tokens, k));
    item = [];
    if (email !== undefined) {
      users.push(n.tokens[email].raw);
      return true;
    }
    if (kept.length === 0) return true;
    const toks = kept.map((k) => n.tokens[k]);
    if (toks.some((t) => SELF_WORDS.has(t.norm))) {
      if (toks.length !== 1) return false;
      users.push('me');
      return true;
    }
    if (toks.some((t) => t.kind === 'email')) {
      if (toks.length !== 1) return false;
      users.push(toks[0].raw);
      return true;
    }
    if (toks.filter((t) => !NAME_PARTICLES.has(t.norm)).length > 4 || toks.some((t) => !isPersonWord(t))) return false;
    // In a list ("me, Precious and Tomasz") a capitalised common word stands for a name.
    const listed =
      inList &&
      toks.length === 1 &&
      /^\p{Lu}\p{Ll}/u.test(toks[0].raw) &&
      !EVERYDAY_WORDS.has(toks[0].norm) &&
      !VERBS.has(toks[0].norm);
    // "Somehow Priya Nair has …", "FYI Gwen Adeyemi gave notice": a word before the name is not part of it.
    while (
      toks.length > 1 &&
      (toks[0].first || /^\p{Lu}{2,}$/u.test(toks[0].raw)) &&
      weakNameWord(toks[0]) &&
      !GIVEN_NAME_WORDS.has(toks[0].norm)
    ) {
      toks.shift();
      kept.shift();
    }
    if (!listed && !plausibleName(toks, honorific)) return false;
    // "St. Mary's", "St Luke's": a hospital, not a person.
    if (toks[0].norm === 'st' && toks.length > 1) return false;
    if (NAME_PARTICLES.has(toks[0].norm) && toks.length === 1) return false;
    // Contiguous tokens only: a name is never split by something we skipped.
    for (let k = 1; k < kept.length; k++) if (kept[k] !== kept[k - 1] + 1) return false;
    users.push(nameCase(rawOf(n, kept[0], kept[kept.length - 1] + 1)));
    return true;
  };
  for (let i = start; i < end; i++) {
    if (isSeparator(n.tokens[i])) {
      if (!flush()) return undefined;
    } else item.push(i);
  }
  if (!flush()) return undefined;
  const unique = [...new Set(users)];
  return unique.length ? unique : undefined;
}

/**
 * A name typed all in lower case ("dr patel", "dana reyes") is given capitals ("Patel",
 * "Dana Reyes"): lower case is how people type in chat, not how the name is spelt. Anything with a
 * capital in it ("McKay", "DeShawn", "SAM") is kept exactly as written.
 */
export function nameCase(name: string): string {
  if (/\p{Lu}/u.test(name) || name.includes('@')) return name;
  return name.replace(/(^|[\s'’-])(\p{Ll})/gu, (_, sep: string, ch: string) => sep + ch.toUpperCase());
}

function trimRun(n: Normalized, start: number, end: number): [number, number] {
  let s = start;
  let e = end;
  while (s < e && (isSeparator(n.tokens[s]) || isCredentialAfterName(n.tokens, s))) s++;
  while (e > s && isSeparator(n.tokens[e - 1])) e--;
  return [s, e];
}

/** "Dana, I need …": a comma before "I" starts a new clause, it does not continue a list. */
function clauseBreak(tokens: readonly Token[], i: number): boolean {
  return (
    (tokens[i].norm === ',' || tokens[i].norm === ';') && !!tokens[i + 1] && tokens[i + 1].norm.split(' ')[0] === 'i'
  );
}

/** The names that start at token `from` and run forward. */
/**
 * "Gloria Mensah resgined …": a name written with capitals does not go on into a word typed in
 * lower case (other than a particle such as "van" or "de").
 */
function caseBreak(tokens: readonly Token[], from: number, j: number): boolean {
  const t = tokens[j];
  if (t.kind !== 'word' || NAME_PARTICLES.has(t.norm) || /\p{Lu}/u.test(t.raw) || SELF_WORDS.has(t.norm)) return false;
  if (isSeparator(t) || HONORIFICS.has(t.norm) || CREDENTIALS.has(t.norm)) return false;
  const prev = tokens[j - 1];
  // An e-mail is a whole name: "does nadia@contoso.com hold …".
  if (prev?.kind === 'email' && !isAside(tokens, j)) return true;
  return j > from && !!prev && prev.kind === 'word' && /^\p{Lu}/u.test(prev.raw) && !HONORIFICS.has(prev.norm);
}

export function peopleAfter(n: Normalized, from: number): PeopleRun | undefined {
  // "St. Mary's": the rest of a place's name is no person either.
  if (n.tokens[from - 1]?.norm === 'st') return undefined;
  let j = from;
  while (j < n.tokens.length && inRun(n.tokens, j) && !clauseBreak(n.tokens, j) && !caseBreak(n.tokens, from, j)) j++;
  const [s, e] = trimRun(n, from, j);
  if (e <= s) return undefined;
  const users = peopleIn(n, s, e);
  if (users) return { users, start: s, end: e };
  // "for Ben, oh wait …": the names end at a comma where the words stop being names.
  // A list that goes on after the words that are not names ("me, Precious and Tomasz") is not cut.
  for (let k = e - 1; k > s; k--) {
    if (n.tokens[k].norm !== ',' && n.tokens[k].norm !== ';') continue;
    const [s2, e2] = trimRun(n, s, k);
    const head = e2 > s2 ? peopleIn(n, s2, e2) : undefined;
    if (!head) continue;
    const tail = n.tokens.slice(k + 1, e);
    // "Rosa Delgadoo, she's a new RN on nigths": a clause of its own follows the names.
    const clause = /^(?:she|he|they|who|it|we|i)\b/.test(tail[0]?.norm ?? '');
    if (
      !clause &&
      tail.some((t) => t.kind === 'email' || (isPersonWord(t) && !weakNameWord(t) && !SELF_WORDS.has(t.norm)))
    )
      return undefined;
    return { users: head, start: s2, end: e2 };
  }
  return undefined;
}

/** The names that end just before token `before`, read backwards. */
export function peopleBefore(n: Normalized, before: number): PeopleRun | undefined {
  let j = before - 1;
  while (j >= 0 && inRun(n.tokens, j) && !clauseBreak(n.tokens, j)) j--;
  const [s, e] = trimRun(n, j + 1, before);
  if (e <= s) return undefined;
  const users = peopleIn(n, s, e);
  if (users) return { users, start: s, end: e };
  // "the manager for 6 South, Ayesha Raza, needs …": the names start after the comma where the
  // words before them stop being names.
  for (let k = s; k < e; k++) {
    if (n.tokens[k].norm !== ',' && n.tokens[k].norm !== ';') continue;
    const head = n.tokens.slice(s, k);
    if (head.some((t) => t.kind === 'email' || (isPersonWord(t) && !weakNameWord(t) && !SELF_WORDS.has(t.norm))))
      return undefined;
    const [s2, e2] = trimRun(n, k + 1, e);
    const tail = e2 > s2 ? peopleIn(n, s2, e2) : undefined;
    if (tail) return { users: tail, start: s2, end: e2 };
  }
  return undefined;
}

/** "Dana Reyes, Sam and Lee" → ["Dana Reyes", "Sam", "Lee"]; "dr patel" → ["Patel"]. */
export function extractPeople(text: string): string[] | undefined {
  const n = normalize(text);
  const run = peopleAfter(n, 0);
  return run && run.end === n.tokens.length ? run.users : undefined;
}

/** Honorifics dropped: "Dr. Patel" → "Patel". Names are otherwise kept as written. */
export function stripHonorific(name: string): string {
  return name.replace(/^\s*(?:(?:dr|doctor|mr|mrs|ms|mx|miss|prof|professor)\.?\s+)+/i, '').trim();
}

// ---------------------------------------------------------------------------------------------
// Organisation names (partners, customers, subscriptions)

function isOrgWord(t: Token): boolean {
  if (t.kind === 'number') return false;
  if (t.kind !== 'word' || t.norm.includes(' ')) return false;
  return !ORG_STOP.has(t.norm);
}

/** An organisation name starting at `from`: up to six name words, as written. */
export function orgAfter(n: Normalized, from: number): Found<string> | undefined {
  let j = from;
  while (
    j < n.tokens.length &&
    j - from < 6 &&
    (isOrgWord(n.tokens[j]) || (n.tokens[j].norm === '&' && j > from && n.tokens[j + 1] && isOrgWord(n.tokens[j + 1])))
  )
    j++;
  if (j === from) return undefined;
  return { value: rawOf(n, from, j), start: from, end: j };
}

/** An organisation name ending just before `before`. */
export function orgBefore(n: Normalized, before: number): Found<string> | undefined {
  let j = before - 1;
  while (j >= 0 && before - j <= 6 && isOrgWord(n.tokens[j])) j--;
  if (j === before - 1) return undefined;
  return { value: rawOf(n, j + 1, before), start: j + 1, end: before };
}

// ---------------------------------------------------------------------------------------------
// Durations

const AMOUNT = String.raw`(?<amount>\d+(?:\.\d+)?|an?|one|single|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|forty-five|fortyfive|sixty|ninety|(?:a )?couple(?: of)?|half(?: an?)?)`;
const UNIT = String.raw`(?<unit>minutes?|mins?|m|hours?|hrs?|h|days?|d|weeks?|wks?|w|fortnights?|months?|mos?|years?|yrs?|y)`;
const DURATION_RE = new RegExp(
  String.raw`(?:\b(?:for|during|lasting|over|valid for|duration(?: of)?(?: :| =)?|expires? (?:in|after))\s+(?:the\s+)?(?:next\s+)?)?(?<![\w-])${AMOUNT}\s+${UNIT}(?![\w-])(?:\s+(?:long|only|max))?`,
  'd',
);
const THE_UNIT_RE = /\b(?:for|during) the (?:rest of the )?(?<unit>day|week|month|year)\b/d;

function amountOf(word: string): number | undefined {
  if (/^\d/.test(word)) return Number(word);
  if (word.startsWith('half')) return 0.5;
  if (word.includes('couple')) return 2;
  return NUMBER_WORDS[word];
}

/** ISO 8601 for an amount of a unit. Months are 30 days and years 365: calendar units are not reliable across APIs. */
export function isoDuration(amount: number, unit: string): string | undefined {
  if (!(amount > 0) || !Number.isFinite(amount)) return undefined;
  const u = unit.replace(/s$/, '');
  const whole = (x: number) => Math.round(x);
  switch (u) {
    case 'minute':
    case 'min':
    case 'm':
      return `PT${Math.max(1, whole(amount))}M`;
    case 'hour':
    case 'hr':
    case 'h':
      return Number.isInteger(amount) ? `PT${amount}H` : `PT${whole(amount * 60)}M`;
    case 'day':
    case 'd':
      return Number.isInteger(amount) ? `P${amount}D` : `PT${whole(amount * 24)}H`;
    case 'week':
    case 'wk':
    case 'w':
      return `P${whole(amount * 7)}D`;
    case 'fortnight':
      return `P${whole(amount * 14)}D`;
    case 'month':
    case 'mo':
      return `P${whole(amount * 30)}D`;
    case 'year':
    case 'yr':
    case 'y':
      return `P${whole(amount * 365)}D`;
    default:
      return undefined;
  }
}

export function durationFrom(n: Normalized): Found<string> | undefined {
  const hit = matchTokens(n, DURATION_RE);
  if (hit?.m.groups) {
    const amount = amountOf(hit.m.groups.amount);
    const iso = amount === undefined ? undefined : isoDuration(amount, hit.m.groups.unit);
    if (iso) return { value: iso, start: hit.start, end: hit.end };
  }
  const the = matchTokens(n, THE_UNIT_RE);
  if (the?.m.groups) {
    const iso = isoDuration(1, the.m.groups.unit);
    if (iso) return { value: iso, start: the.start, end: the.end };
  }
  return undefined;
}

/** "for 2 hours" → "PT2H", "30 min" → "PT30M", "for a week" → "P7D", "for a month" → "P30D". */
export function extractDuration(input: Normalized | string): string | undefined {
  return durationFrom(asNormalized(input))?.value;
}

// ---------------------------------------------------------------------------------------------
// Justifications

/** Explicit reason markers; the reason runs to the end of the sentence. */
const REASON_CUES: readonly RegExp[] = [
  /(?:^|\s)(?<cue>because(?: of)?|bc|b \/ c|cuz|cause|coz|since(?= (?:i|we|she|he|they|it|the|our|my|his|her|their|there)\b))\s+(?<rest>\S)/d,
  /(?:^|\s)(?<!(?:no|any|not a|every) )(?<cue>(?:business )?(?:reason|justification|reasoning|rationale)(?: is| being| for this(?: is)?)?\s*(?::|-|=|is)?)\s+(?<rest>\S)/d,
  /(?:^|\s)(?<cue>due to|owing to)\s+(?<rest>\S)/d,
  /(?:^|\s)(?<cue>so(?: that)?)\s+(?<rest>(?:i|we|she|he|they|dana|the|our|my)\b)\s+(?:can|could|may|am able)\b/d,
];

const SENTENCE_END = new Set(['.', '?', ';']);
/** A reason given first ("since my license was removed I can't dictate — please …") ends its clause. */
const FRONTED_REASON_END = new Set([...SENTENCE_END, ',', '-']);
const FOR_PHRASE_END = new Set(['.', '?', ';', ',', ':', 'because', 'since', 'so', 'with', 'but', 'until', 'and']);

function clauseEnd(n: Normalized, from: number, stop: ReadonlySet<string>): number {
  let j = from;
  while (j < n.tokens.length && !stop.has(n.tokens[j].norm)) j++;
  return j;
}

function trimmedReason(n: Normalized, start: number, end: number): string | undefined {
  let e = end;
  while (e > start && n.tokens[e - 1].kind === 'punct' && n.tokens[e - 1].norm !== ')') e--;
  if (e <= start) return undefined;
  return rawOf(n, start, e);
}

/**
 * A stated reason: "because …", "reason: …", "due to …", "so I can …". The span to set aside
 * includes the cue word.
 */
export function statedReasonFrom(n: Normalized): Found<string> | undefined {
  let best: Found<string> | undefined;
  for (const re of REASON_CUES) {
    const m = re.exec(n.text);
    if (!m || !m.indices?.groups) continue;
    const cueSpan = m.indices.groups.cue;
    const restSpan = m.indices.groups.rest;
    if (!cueSpan || !restSpan) continue;
    const [cueStart] = tokenRange(n, cueSpan[0], cueSpan[1]);
    const [restStart] = tokenRange(n, restSpan[0], restSpan[1]);
    // A reason given first ("because of the go-live, give Sam …") ends at the comma.
    const end = clauseEnd(n, restStart, cueStart === 0 ? FRONTED_REASON_END : SENTENCE_END);
    const value = trimmedReason(n, restStart, end);
    if (!value) continue;
    let start = cueStart;
    if (start > 0 && n.tokens[start - 1].norm === ',') start--;
    if (!best || start < best.start) best = { value, start, end };
  }
  return best;
}

function fromTokensText(tokens: readonly Token[]): string {
  return tokens.map((t) => t.norm).join(' ');
}

/**
 * "for …" is a reason only when the phrase names one ("for go-live support", "for charting");
 * "for Dana" names a person and "for the Production subscription" a scope.
 */
export function forReasonFrom(n: Normalized): Found<string> | undefined {
  for (let i = 0; i < n.tokens.length; i++) {
    if (n.tokens[i].norm !== 'for') continue;
    const end = clauseEnd(n, i + 1, FOR_PHRASE_END);
    const phrase = n.tokens.slice(i + 1, end);
    // "for Dr. Halvorsen to keep …" names a person; "for the duration of …" names a time.
    const person = peopleAfter(n, i + 1);
    // "for the nurse practitioner who's covering our clinic": a person described, not a reason.
    const described = phrase
      .slice(0, 4)
      .some((t) => DESCRIPTORS.has(t.norm) || DESCRIPTORS.has(t.norm.replace(/s$/, '')));
    if (
      described ||
      (person && person.start === i + 1) ||
      /^(?:the (?:duration|length|rest|course) of)\b/.test(fromTokensText(phrase))
    )
      continue;
    if (
      phrase.some((t) => REASON_WORDS.has(t.norm)) &&
      !phrase.some((t) => t.norm === 'subscription' || t.norm === 'sub')
    ) {
      const value = trimmedReason(n, i + 1, end);
      if (value) return { value, start: i > 0 && n.tokens[i - 1].norm === ',' ? i - 1 : i, end };
    }
  }
  return undefined;
}

export function justificationFrom(n: Normalized): Found<string> | undefined {
  return statedReasonFrom(n) ?? forReasonFrom(n);
}

/** "because go-live support" → "go-live support"; "reason: new hire" → "new hire". */
export function extractJustification(input: Normalized | string): string | undefined {
  return justificationFrom(asNormalized(input))?.value;
}

// ---------------------------------------------------------------------------------------------
// Request ids, partner ids, subscriptions

const REQUEST_ID_RES: readonly RegExp[] = [
  /\b(?:request|requests|req|ticket)\s+(?:#\s*)?(?:(?:number|no|nr|id)\s+)?(?::\s+)?(?<id>\d+)(?!\S)/d,
  /(?:^|\s)#\s*(?<id>\d+)(?!\S)/d,
  /\b(?:cancel|withdraw|status of|track|check on)\s+(?<id>\d+)(?!\S)/d,
];

export function requestIdFrom(n: Normalized): Found<number> | undefined {
  for (const re of REQUEST_ID_RES) {
    const hit = matchTokens(n, re);
    const id = hit?.m.groups?.id;
    if (hit && id) {
      const value = Number(id);
      if (Number.isSafeInteger(value) && value > 0) return { value, start: hit.start, end: hit.end };
    }
  }
  return undefined;
}

/** "request 42", "#42", "req 42" → 42. */
export function extractRequestId(input: Normalized | string): number | undefined {
  return requestIdFrom(asNormalized(input))?.value;
}

export { partnerIdFrom, type PartnerIdReading } from './partnerIds';

/** "MPN ID 1234567", "partner id: 1234567", "(1234567)" → "1234567"; "MPN ID 12AB567" → none. */
export function extractPartnerId(input: Normalized | string, reading: PartnerIdReading = 'cued'): string | undefined {
  return partnerIdFrom(asNormalized(input), reading)?.value;
}

export { subscriptionFrom } from './subscriptions';

/** "the Contoso Health Production subscription" → "Contoso Health Production"; a GUID as written. */
export function extractSubscription(input: Normalized | string): string | undefined {
  return subscriptionFrom(asNormalized(input))?.value;
}

// ---------------------------------------------------------------------------------------------
// License kinds

export type KindReading = LicenseKind | 'both';

const NURSING_WORDS_RE =
  /\bnursing\b|\b(?:nurse|nurses|rn|rns)\s+(?:license|licenses|seat|seats|version|edition|sku|one|plan|group)\b|\b(?:license|licenses|seat|seats|version|edition|dragon|one)\s+for\s+(?:the\s+)?(?:nurses|nursing|rns|nurse(?= [.,;?]|$))\b/;
const PHYSICIAN_WORDS_RE =
  /\bphysicians?\b(?!\s+(?:assistant|assistants|associate|associates|extender))|\b(?:doctor|doctors|provider|providers|md|mds)\s+(?:license|licenses|seat|seats|version|edition|sku|one|plan|group)\b|\b(?:license|licenses|seat|seats|version|edition|dragon|one)\s+for\s+(?:the\s+)?(?:doctors|physicians|providers|mds)\b/;

/** License kind named outright: "nursing", "physician license", "Dragon for nurses". */
export function licenseFromWords(n: Normalized): KindReading | undefined {
  // "Not physician for Kofi — … the nursing license is the right one": a kind ruled out says nothing.
  const text = n.text.replace(/\b(?:not|no) (?:a |an |the )?(?:nursing|physician)(?: licenses?| one| seat)?\b/g, ' ');
  const nursing = NURSING_WORDS_RE.test(text);
  const physician = PHYSICIAN_WORDS_RE.test(text);
  if (nursing && physician) return 'both';
  if (nursing) return 'nursing';
  if (physician) return 'physician';
  return undefined;
}

const SELF_INTRO_RE = /\b(?:i am|i work as|i work in|i work on|i am working as|i am working in|as)\b/g;
const SELF_INTRO_STOP = new Set([
  'and',
  'but',
  'need',
  'needs',
  'want',
  'so',
  'who',
  'with',
  'i',
  'can',
  'could',
  'would',
  'please',
]);

/**
 * The requester's own description of their job: "I'm an RN" → nursing, "I'm a hospitalist" →
 * physician. Advanced practice roles ("nurse practitioner", "PA") are decided by the hospital, so
 * they give no kind; neither does an honorific ("I'm Dr. Patel").
 */
export function selfDescribedLicense(n: Normalized): LicenseKind | undefined {
  const found = new Set<LicenseKind | 'ambiguous'>();
  for (const m of n.text.matchAll(SELF_INTRO_RE)) {
    const after = n.text.slice((m.index ?? 0) + m[0].length).trim();
    const ws = after.split(' ').slice(0, 7);
    for (let k = 0; k < ws.length; k++) {
      const w = ws[k];
      // "I'm an RN and a doctor": a second description continues the first.
      if (w === 'and' && ['a', 'an'].includes(ws[k + 1] ?? '')) continue;
      if (SELF_INTRO_STOP.has(w) || /^[.,;:?()]$/.test(w)) break;
      const pair = `${w} ${ws[k + 1] ?? ''}`;
      if (AMBIGUOUS_SELF_PHRASES.includes(pair) || AMBIGUOUS_SELF.has(w)) {
        found.add('ambiguous');
        break;
      }
      if (NURSING_SELF.has(w)) found.add('nursing');
      else if (PHYSICIAN_SELF.has(w) || (w === 'do' && k > 0 && ['a', 'an'].includes(ws[k - 1])))
        found.add('physician');
      if (HONORIFICS.has(w)) break;
    }
  }
  if (found.size !== 1 || found.has('ambiguous')) return undefined;
  return [...found][0] as LicenseKind;
}

// ---------------------------------------------------------------------------------------------
// Roles in a delegated admin offer (partner side)

/**
 * Entra roles named in a GDAP ask, hyphenated ("License Administrator" → "license-administrator"),
 * in the order written; or the legacy DAP choice, ["full"] or ["limited"].
 */
export function offerRolesFrom(n: Normalized): string[] | undefined {
  // "send it to their global admin": that admin is a person, not a role asked for.
  const words = n.tokens.map((t, i) =>
    ['their', 'our', 'your', 'his', 'her'].includes(n.tokens[i - 1]?.norm ?? '') ? `(${t.norm})` : t.norm,
  );
  return rolesInWords(words);
}

/** The roles named in a sequence of normalised words (see offerRolesFrom). */
/** The role phrases as word lists, split once (the parser runs on every message). */
const ROLE_PHRASE_WORDS = ENTRA_ROLE_PHRASES.map(([phrase, role]) => [phrase.split(' '), role] as const);

export function rolesInWords(norms: readonly string[]): string[] | undefined {
  const roles: string[] = [];
  for (let i = 0; i < norms.length; i++) {
    if (
      ['full', 'limited'].includes(norms[i]) &&
      ['admin', 'administration', 'access', 'dap', 'delegated', 'privileges', 'rights'].includes(norms[i + 1] ?? '')
    ) {
      roles.push(norms[i]);
      i++;
      continue;
    }
    for (const [words, role] of ROLE_PHRASE_WORDS) {
      if (words.every((w, k) => norms[i + k] === w || (w === 'admin' && norms[i + k] === 'admins'))) {
        roles.push(role);
        i += words.length - 1;
        break;
      }
    }
  }
  const unique = [...new Set(roles)];
  return unique.length ? unique : undefined;
}

export function extractOfferRoles(input: Normalized | string): string[] | undefined {
  return offerRolesFrom(asNormalized(input));
}
