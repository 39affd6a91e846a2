/**
 * Azure subscriptions named in a sentence: a GUID, or a display name next to the word
 * "subscription" ("the Contoso Health Dev/Test subscription", "subscription R&D - Imaging (2025)").
 *
 * Display names are free text in Azure, so a name may hold "/", "-", "&", "+", digits and
 * parentheses; it is reported as written. A name is read only up to a grammar word ("for", "the",
 * "on" …); when the words around "subscription" do not make a clear name, none is reported and the
 * bot asks. Pure: no I/O.
 */
import { FUNCTION_WORDS, ORG_STOP, VERBS } from './lexicon';
import { rawOf, type Normalized, type Token } from './normalize';

export interface SubscriptionFound {
  value: string;
  start: number;
  end: number;
}

const SUBSCRIPTION_WORDS = new Set(['subscription', 'sub', 'subscriptions']);
/** What may stand before a name that ends at the word "subscription". */
const BEFORE_NAME = new Set(['the', 'for', 'on', 'to', 'in', 'of', 'under', 'with', 'our', 'my', ':', '-']);
/** What may stand between "subscription" and the name that follows it. */
const NAME_INTRODUCERS = new Set(['named', 'called', ':', 'id']);
/** Punctuation that joins the parts of one name: "Dev/Test", "R&D", "Prod - EU", "(2025)". */
const JOINERS = new Set(['/', '-', '&', '+', '(', ')']);

/**
 * Ordinary words that are part of a name when written with a capital mid-sentence ("Dev/Test",
 * "Dragon Pilot", "Full Stack"); lower case, they are the sentence's own words.
 */
const CAPITALISED_NAME_WORDS = new Set([
  ...VERBS,
  ...'dragon license licenses admin admins access limited full reader readers writers offer request role roles rights'.split(
    ' ',
  ),
]);

function isNameWord(t: Token): boolean {
  if (t.kind !== 'word' || t.norm.includes(' ')) return false;
  if (!ORG_STOP.has(t.norm)) return true;
  return !t.first && /^\p{Lu}/u.test(t.raw) && CAPITALISED_NAME_WORDS.has(t.norm);
}

function isJoiner(t: Token | undefined): boolean {
  return !!t && t.kind === 'punct' && JOINERS.has(t.norm);
}

/** "dev/test" typed in lower case: a word glued to a name word by a joiner is part of the name. */
function gluedToName(tokens: readonly Token[], k: number): boolean {
  const t = tokens[k];
  if (t.kind !== 'word' || t.norm.includes(' ') || FUNCTION_WORDS.has(t.norm) || SUBSCRIPTION_WORDS.has(t.norm))
    return false;
  const glued = (a: Token | undefined, b: Token | undefined) => !!a && !!b && a.end === b.start;
  const [p2, p1, n1, n2] = [tokens[k - 2], tokens[k - 1], tokens[k + 1], tokens[k + 2]];
  return (
    (isJoiner(p1) && glued(p2, p1) && glued(p1, t) && isNameWord(p2)) ||
    (isJoiner(n1) && glued(t, n1) && glued(n1, n2) && isNameWord(n2))
  );
}

function isNamePart(tokens: readonly Token[], k: number): boolean {
  const t = tokens[k];
  return isNameWord(t) || t.kind === 'number' || t.kind === 'code' || isJoiner(t) || gluedToName(tokens, k);
}

/**
 * Narrows [start, end) to a well-formed name: no joiner at either edge (except a closing or opening
 * parenthesis that is matched inside), parentheses balanced, at least one word.
 */
function tidy(tokens: readonly Token[], start: number, end: number): [number, number] | undefined {
  let s = start;
  let e = end;
  for (;;) {
    const before = [s, e];
    while (s < e && tokens[s].kind === 'punct' && tokens[s].norm !== '(') s++;
    while (e > s && tokens[e - 1].kind === 'punct' && tokens[e - 1].norm !== ')') e--;
    // Unbalanced parentheses belong to the sentence, not the name ("(MPN 3344556)" after it).
    let depth = 0;
    let firstOpen = -1;
    for (let k = s; k < e; k++) {
      if (tokens[k].norm === '(') {
        if (depth === 0) firstOpen = k;
        depth++;
      } else if (tokens[k].norm === ')') {
        if (depth === 0) {
          // A stray ")" cuts the name: keep the side that is nearer the word "subscription"
          // (callers pass the far side as `start` for names read backwards, `end` for forwards).
          s = k + 1;
          continue;
        }
        depth--;
      }
    }
    if (depth > 0 && firstOpen >= 0) e = firstOpen;
    if (s === before[0] && e === before[1]) break;
  }
  if (e <= s || !tokens.slice(s, e).some((t, k) => isNameWord(t) || gluedToName(tokens, s + k))) return undefined;
  return [s, e];
}

/** "the Contoso Health Dev/Test subscription": the name ending just before token `at`. */
function nameBefore(n: Normalized, at: number): SubscriptionFound | undefined {
  let j = at - 1;
  while (j >= 0 && at - j <= 12 && isNamePart(n.tokens, j)) j--;
  const span = tidy(n.tokens, j + 1, at);
  if (!span) return undefined;
  const [s, e] = span;
  if (e !== at) return undefined;
  if (s > 0 && !BEFORE_NAME.has(n.tokens[s - 1].norm)) return undefined;
  return { value: rawOf(n, s, e), start: s, end: at + 1 };
}

/** "subscription Contoso Health Dev/Test", "subscription named R&D (2025)": the name after token `at`. */
function nameAfter(n: Normalized, at: number): SubscriptionFound | undefined {
  let from = at + 1;
  if (n.tokens[from] && NAME_INTRODUCERS.has(n.tokens[from].norm)) from++;
  let j = from;
  while (j < n.tokens.length && j - from < 12 && isNamePart(n.tokens, j)) j++;
  const span = tidy(n.tokens, from, j);
  if (!span || span[0] !== from) return undefined;
  return { value: rawOf(n, span[0], span[1]), start: at, end: span[1] };
}

export function subscriptionFrom(n: Normalized): SubscriptionFound | undefined {
  const guid = n.tokens.findIndex((t) => t.kind === 'guid');
  if (guid >= 0) return { value: n.tokens[guid].raw, start: guid, end: guid + 1 };
  for (let i = 0; i < n.tokens.length; i++) {
    if (!SUBSCRIPTION_WORDS.has(n.tokens[i].norm)) continue;
    const found = nameBefore(n, i) ?? nameAfter(n, i);
    if (found) return found;
  }
  return undefined;
}

/**
 * A subscription named without the word "subscription", after "on" / "for" in a sentence about
 * the partner of record: "on EHR-Prod", "for Dev/Test", "on Contoso Health Production". Only a
 * name that looks like one (a capital or a hyphenated code), so "for usage" or "for our Azure
 * consumption" name none.
 */
export function subscriptionAfterPreposition(n: Normalized): SubscriptionFound | undefined {
  const named = subscriptionFrom(n);
  if (named) return named;
  for (let i = 0; i < n.tokens.length; i++) {
    if (!['on', 'for', 'under'].includes(n.tokens[i].norm)) continue;
    let from = i + 1;
    if (['the', 'our'].includes(n.tokens[from]?.norm ?? '')) from++;
    const first = n.tokens[from];
    if (!first || first.kind !== 'word' || !(/\p{Lu}/u.test(first.raw) || /[-/]/.test(first.raw))) continue;
    if (!isNameWord(first) && !gluedToName(n.tokens, from)) continue;
    let j = from;
    // "on Billing-Prod right now": the name's words keep their capitals or codes.
    while (
      j < n.tokens.length &&
      j - from < 8 &&
      isNamePart(n.tokens, j) &&
      n.tokens[j].norm !== '(' &&
      (j === from || !/^\p{Ll}+$/u.test(n.tokens[j].raw) || gluedToName(n.tokens, j))
    )
      j++;
    const span = tidy(n.tokens, from, j);
    if (!span || span[0] !== from) continue;
    return { value: rawOf(n, span[0], span[1]), start: i, end: span[1] };
  }
  return undefined;
}
