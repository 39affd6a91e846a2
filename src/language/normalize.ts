/**
 * Turns what someone typed into tokens the rules can read, without losing what they wrote.
 *
 * Every token keeps its original text (`raw`, used for names, justifications, partner and customer
 * names, which are reported as written) next to a normalised form (`norm`: lower case, contractions
 * expanded, key words spell-corrected, synonyms folded). Politeness and filler ("please", "thanks",
 * "hi", "can you …") are dropped so the rules see the request itself. Pure: no I/O.
 */
import { correctKeyword } from './fuzzy';
import { HONORIFICS } from './lexicon';

/**
 * `code` is a figure that mixes digits with letters or separators ("12AB567", "2026-11-21",
 * "555-123-4567", "2nd"): it is read whole so that no digit run is ever taken out of it (a
 * partner id "12" out of "12AB567" would put the wrong partner on a card).
 */
export type TokenKind = 'word' | 'number' | 'code' | 'email' | 'guid' | 'punct';

export interface Token {
  /** As written. */
  raw: string;
  /** Normalised; may hold two words ("I'm" → "i am"). */
  norm: string;
  kind: TokenKind;
  /** Offsets in the original utterance. */
  start: number;
  end: number;
  /** Starts a sentence (so a capital letter says nothing about it being a name). */
  first?: boolean;
}

export interface Normalized {
  source: string;
  tokens: readonly Token[];
  /** The kept tokens' `norm`s joined by single spaces: what the rules match against. */
  text: string;
  /** offsets[i] is where tokens[i].norm starts in `text`. */
  offsets: readonly number[];
  /** The writer said "please" (or similar): a sign of a request even without a verb ("Dragon please"). */
  polite: boolean;
  /** The message opened by asking the bot ("can you …", "could you …"), an opener dropped here. */
  opener?: boolean;
}

/**
 * Alternatives in order: e-mail, GUID, phone number, an amount glued to a time unit ("24h",
 * "30min": split so durations read), a digit-led figure (a plain number, or a `code` when letters
 * or separators are part of it), a word, punctuation.
 */
const TOKEN_RE =
  /(?<email>[\p{L}\p{N}._%+'-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,})|(?<guid>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?![\p{L}\p{N}])|(?<phone>(?<![\p{L}\p{N}])(?:\+\d{1,3}[ .-]?)?(?:\(\d{3}\) ?|\d{3}[ .-])\d{3}[ .-]\d{4})(?![\p{L}\p{N}])|(?<amount>\d+(?:\.\d+)?)(?=(?:minutes?|mins?|m|hours?|hrs?|h|days?|d|weeks?|wks?|w|months?|mos?|years?|yrs?|y)(?![\p{L}\p{M}\p{N}]))|(?<figure>\p{N}[\p{L}\p{M}\p{N}]*(?:[-/.:,_][\p{L}\p{M}\p{N}]+)*)|(?<word>\p{L}[\p{L}\p{M}\p{N}]*(?:['’-][\p{L}\p{M}\p{N}]+)*)|(?<punct>[^\s\p{L}\p{N}])/giu;

const PLAIN_NUMBER_RE = /^\d+(?:\.\d+)?$/;

/** Punctuation that carries structure; everything else (quotes, emoji, markdown) is dropped. */
const KEPT_PUNCT = new Set([',', '.', '?', ':', ';', '(', ')', '#', '&', '+', '/', '-', '=', '|']);

const CONTRACTIONS: Readonly<Record<string, string>> = {
  "i'm": 'i am',
  im: 'i am',
  "i've": 'i have',
  "i'd": 'i would',
  "i'll": 'i will',
  "you're": 'you are',
  "we're": 'we are',
  "we've": 'we have',
  "we'd": 'we would',
  "they're": 'they are',
  "they've": 'they have',
  "she's": 'she is',
  "he's": 'he is',
  "it's": 'it is',
  "that's": 'that is',
  "what's": 'what is',
  whats: 'what is',
  "who's": 'who is',
  whos: 'who is',
  "where's": 'where is',
  wheres: 'where is',
  "how's": 'how is',
  "there's": 'there is',
  "here's": 'here is',
  "let's": 'let us',
  "don't": 'do not',
  dont: 'do not',
  "doesn't": 'does not',
  doesnt: 'does not',
  "didn't": 'did not',
  didnt: 'did not',
  "isn't": 'is not',
  isnt: 'is not',
  "aren't": 'are not',
  "wasn't": 'was not',
  "can't": 'can not',
  cant: 'can not',
  cannot: 'can not',
  "won't": 'will not',
  wont: 'will not',
  "shouldn't": 'should not',
  shouldnt: 'should not',
  "wouldn't": 'would not',
  "couldn't": 'could not',
  "they'll": 'they will',
  "she'll": 'she will',
  "he'll": 'he will',
  "we'll": 'we will',
  "you'll": 'you will',
  "mustn't": 'must not',
  "needn't": 'need not',
  "weren't": 'were not',
  "hadn't": 'had not',
  "haven't": 'have not',
  "hasn't": 'has not',
  gimme: 'give me',
  gimmie: 'give me',
  wanna: 'want to',
  gonna: 'going to',
  lemme: 'let me',
  "y'all": 'you',
};

/** One-word synonyms folded so the rules name each thing once. */
const SYNONYMS: Readonly<Record<string, string>> = {
  u: 'you',
  giv: 'give',
  gve: 'give',
  ur: 'your',
  licence: 'license',
  licences: 'licenses',
  licenced: 'licensed',
  lic: 'license',
  administrator: 'admin',
  administrators: 'admins',
  admn: 'admin',
  adm: 'admin',
  dax: 'dragon',
  'dragon-admin': 'dragon admin',
  'dragon-admins': 'dragon admins',
  'dragon-administrator': 'dragon admin',
  'dragon-administrators': 'dragon admins',
  dragons: 'dragon',
  setup: 'set up',
  'set-up': 'set up',
  nvm: 'never mind',
  nevermind: 'never mind',
  'co-worker': 'coworker',
  golive: 'go-live',
  'e-mail': 'email',
  ok: 'okay',
  partnerlocation: 'partner location',
  'partner-of-record': 'partner of record',
  're-point': 'repoint',
  partnerid: 'partner id',
  mpnid: 'mpn id',
  thru: 'through',
  pls: '',
  plz: '',
  plse: '',
  pleas: '',
  please: '',
  pleaseee: '',
  kindly: '',
  thanks: '',
  thx: '',
  thanx: '',
  ty: '',
  tia: '',
  cheers: '',
  thankyou: '',
};

/** Abbreviations whose trailing dot is not a sentence end ("Dr. Patel", "req. 42"). */
const DOTTED = new Set([
  ...HONORIFICS,
  'req',
  'no',
  'nr',
  'approx',
  'st',
  'jr',
  'sr',
  'vs',
  'etc',
  'min',
  'mins',
  'hr',
  'hrs',
]);

/** Company suffixes whose dot is part of the name ("Ltd.", "Inc."). */
const ORG_SUFFIXES = new Set(['ltd', 'inc', 'corp', 'co', 'llc', 'plc', 'gmbh']);

const GREETINGS = new Set([
  'hi',
  'hello',
  'hey',
  'hiya',
  'yo',
  'howdy',
  'greetings',
  'morning',
  'afternoon',
  'evening',
]);
/** Words that may follow a greeting ("hi there", "good morning team"). */
const GREETING_TAILS = new Set([
  'there',
  'team',
  'all',
  'folks',
  'everyone',
  'bot',
  'guys',
  'morning',
  'afternoon',
  'evening',
]);

/**
 * Openers that ask the bot politely; dropped at the start of the message only, so that
 * "what can you do" keeps its meaning.
 */
const LEADING_FILLERS: readonly string[][] = [
  ['i', 'was', 'wondering', 'if', 'you', 'could'],
  ['would', 'you', 'be', 'able', 'to'],
  ['are', 'you', 'able', 'to'],
  ['is', 'it', 'possible', 'to'],
  ['i', 'would', 'like', 'you', 'to'],
  ['would', 'you', 'mind'],
  ['can', 'you'],
  ['could', 'you'],
  ['would', 'you'],
  ['will', 'you'],
  ['do', 'me', 'a', 'favour', 'and'],
  ['do', 'me', 'a', 'favor', 'and'],
  ['quick', 'question'],
  ['question'],
  ['okay', 'so'],
  ['so'],
];

function isCapitalised(raw: string): boolean {
  return /^\p{Lu}/u.test(raw);
}

function wordToken(raw: string, start: number, atSentenceStart: boolean): Token[] {
  const apostrophe = raw.replace(/’/g, "'");
  const lower = apostrophe.toLowerCase();
  if (lower in CONTRACTIONS) return [{ raw, norm: CONTRACTIONS[lower], kind: 'word', start, end: start + raw.length }];
  // Possessive: "Dana's" is the name "Dana" followed by a possessive marker the rules can see.
  const possessive = /^(.+)'s$/.exec(lower);
  if (possessive) {
    const baseRaw = raw.slice(0, raw.length - 2);
    return [
      ...wordToken(baseRaw, start, atSentenceStart),
      { raw: raw.slice(-2), norm: "'s", kind: 'punct', start: start + baseRaw.length, end: start + raw.length },
    ];
  }
  let norm = lower in SYNONYMS ? SYNONYMS[lower] : lower;
  // A capitalised word mid-sentence is probably a name; names are never spell-corrected.
  if (norm === lower && (atSentenceStart || !isCapitalised(raw))) {
    const corrected = correctKeyword(lower);
    if (corrected) norm = corrected in SYNONYMS ? SYNONYMS[corrected] : corrected;
  }
  return [{ raw, norm, kind: 'word', start, end: start + raw.length, first: atSentenceStart }];
}

/**
 * "asign Dagon nursng to Rosa": the product's name is written with a capital, so a capitalised
 * misspelling of it between words that are not names is the product, not a person.
 */
function dragonMisspelled(tokens: Token[]): void {
  const nameLike = (t: Token | undefined) => !!t && t.kind === 'word' && isCapitalised(t.raw) && !t.first;
  tokens.forEach((t, i) => {
    if (t.kind !== 'word' || t.first || !isCapitalised(t.raw) || t.norm !== t.raw.toLowerCase()) return;
    if (nameLike(tokens[i - 1]) || nameLike(tokens[i + 1])) return;
    if (correctKeyword(t.norm) === 'dragon') tokens[i] = { ...t, norm: 'dragon' };
  });
}

const POLITE = new Set(['please', 'pls', 'plz', 'plse', 'pleas', 'pleaseee', 'kindly']);

function tokenizeWithFlags(utterance: string): { tokens: Token[]; polite: boolean; opener: boolean } {
  // Teams mentions arrive as <at>Name</at>: keep the name, blank the tags (same length, so
  // offsets into the original stay valid).
  const source = utterance.replace(/<\/?[a-z][^<>]{0,200}>/gi, (m) => ' '.repeat(m.length));
  const out: Token[] = [];
  let sentenceStart = true;
  for (const m of source.matchAll(TOKEN_RE)) {
    const g = m.groups ?? {};
    const raw = m[0];
    const start = m.index ?? 0;
    const end = start + raw.length;
    if (g.email) out.push({ raw, norm: raw.toLowerCase(), kind: 'email', start, end });
    else if (g.guid) out.push({ raw, norm: raw.toLowerCase(), kind: 'guid', start, end });
    else if (g.phone) out.push({ raw, norm: raw, kind: 'code', start, end });
    else if (g.amount) out.push({ raw, norm: raw, kind: 'number', start, end });
    else if (g.figure) {
      const plain = PLAIN_NUMBER_RE.test(raw);
      out.push({ raw, norm: plain ? raw : raw.toLowerCase(), kind: plain ? 'number' : 'code', start, end });
    } else if (g.word) out.push(...wordToken(raw, start, sentenceStart));
    else {
      const prev = out[out.length - 1];
      const ch = raw === '’' ? "'" : raw;
      if (
        ch === "'" &&
        prev &&
        prev.end === start &&
        prev.kind === 'word' &&
        /s$/i.test(prev.raw) &&
        !/^[\p{L}\p{N}]/u.test(source.slice(end, end + 1))
      ) {
        // "Traders' roles": a possessive after a plural or a name ending in s.
        out.push({ raw, norm: "'s", kind: 'punct', start, end });
      } else if (ch === '—' || ch === '–' || ch === '→' || ch === '⇒' || ch === '➡') {
        // Dashes set off a clause or a list item ("GDAP for Contoso – License Administrator – 90 days").
        out.push({ raw, norm: '-', kind: 'punct', start, end });
      } else if (ch === '|') {
        // "Role: Dragon admin | User: Efosa | End: Jan 15": fields of a form.
        out.push({ raw, norm: ';', kind: 'punct', start, end });
      } else if (ch === '!' || ch === '…') {
        out.push({ raw, norm: '.', kind: 'punct', start, end });
      } else if (KEPT_PUNCT.has(ch)) {
        if (ch === '.' && prev && prev.end === start && DOTTED.has(prev.norm)) continue;
        // "VanArsdel Ltd.": the dot belongs to the company's name.
        if (ch === '.' && prev && prev.end === start && ORG_SUFFIXES.has(prev.norm) && /^\p{Lu}/u.test(prev.raw)) {
          out[out.length - 1] = { ...prev, raw: `${prev.raw}.`, end };
          continue;
        }
        out.push({ raw, norm: ch, kind: 'punct', start, end });
      }
    }
    const last = out[out.length - 1];
    sentenceStart = !!last && last.kind === 'punct' && ['.', '?', ':', ';'].includes(last.norm);
  }
  const polite = out.some((t) => t.norm === '' && POLITE.has(t.raw.toLowerCase()));
  dragonMisspelled(out);
  const joined = joinPhrases(out.filter((t) => t.norm !== ''));
  const tokens = dropFiller(joined);
  const opener = joined.slice(0, joined.length - tokens.length).some((t) => t.norm === 'you');
  return { tokens, polite, opener };
}

const SENTENCE_PUNCT = new Set(['.', '?', ';']);

const UNITS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
const TEENS = [
  'ten',
  'eleven',
  'twelve',
  'thirteen',
  'fourteen',
  'fifteen',
  'sixteen',
  'seventeen',
  'eighteen',
  'nineteen',
];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
/** Words after which a number names a request ("request forty-two", "ticket number twelve"). */
const NUMBERED = new Set(['request', 'req', 'ticket', 'number', '#']);
/** What may follow such a number: the end of a clause, not a noun ("request two licenses"). */
const AFTER_NUMBER = new Set(['please', 'is', 'was', 'has', 'yet', 'now', 'again', 'today', 'and', 'for', 'status']);

/** A number written in words from token `at` (up to 99, "forty-two", "forty two"): its value and length. */
function numberInWords(tokens: readonly Token[], at: number): { value: number; length: number } | undefined {
  const w = tokens[at]?.norm ?? '';
  const [head, tail] = w.split('-');
  if (TEENS.includes(w)) return { value: TEENS.indexOf(w) + 10, length: 1 };
  if (TENS.indexOf(head) >= 2) {
    const unit = tail ? UNITS.indexOf(tail) : UNITS.indexOf(tokens[at + 1]?.norm ?? '');
    if (tail) return unit > 0 ? { value: TENS.indexOf(head) * 10 + unit, length: 1 } : undefined;
    return unit > 0
      ? { value: TENS.indexOf(head) * 10 + unit, length: 2 }
      : { value: TENS.indexOf(head) * 10, length: 1 };
  }
  const unit = UNITS.indexOf(w);
  return unit >= 2 ? { value: unit, length: 1 } : undefined;
}

/** Multi-word folds: "thank you", "Dragon Copilot", "Dragon Desk"; repeated sentence ends folded. */
function joinPhrases(tokens: Token[]): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const next = tokens[i + 1];
    const prev = out[out.length - 1];
    // "where is request forty-two": the request's number, as digits.
    const spelled = prev && NUMBERED.has(prev.norm) ? numberInWords(tokens, i) : undefined;
    const follower = spelled && tokens[i + spelled.length];
    if (spelled && (!follower || follower.kind === 'punct' || AFTER_NUMBER.has(follower.norm))) {
      const last = tokens[i + spelled.length - 1];
      out.push({ ...t, raw: rawSpan(t, last), norm: String(spelled.value), kind: 'number', end: last.end });
      i += spelled.length - 1;
      continue;
    }
    if (SENTENCE_PUNCT.has(t.norm) && prev && SENTENCE_PUNCT.has(prev.norm)) continue;
    if (t.norm === 'thank' && next && next.norm === 'you') {
      i++;
      continue;
    }
    if (t.norm === 'thank') continue;
    if (t.norm === 'dragon' && next && next.norm === 'copilot') {
      out.push(t);
      i++;
      continue;
    }
    if (t.norm === 'dragon' && next && (next.norm === 'desk' || next.norm === 'bot')) {
      out.push({ ...t, raw: `${t.raw} ${next.raw}`, norm: 'bot', end: next.end });
      i++;
      continue;
    }
    if (t.norm === 'dragondesk') {
      out.push({ ...t, norm: 'bot' });
      continue;
    }
    out.push(t);
  }
  return out;
}

function rawSpan(first: Token, last: Token): string {
  return first === last ? first.raw : `${first.raw} ${last.raw}`;
}

function startsWith(tokens: Token[], at: number, phrase: string[]): boolean {
  if (at + phrase.length > tokens.length) return false;
  return phrase.every((w, k) => tokens[at + k].norm === w);
}

/** Drops greetings and polite openers at the start, when something else follows them. */
function dropFiller(tokens: Token[]): Token[] {
  let i = 0;
  for (;;) {
    const t = tokens[i];
    if (!t) break;
    if (GREETINGS.has(t.norm) || (t.norm === 'good' && tokens[i + 1] && GREETING_TAILS.has(tokens[i + 1].norm))) {
      i++;
      while (tokens[i] && GREETING_TAILS.has(tokens[i].norm)) i++;
      continue;
    }
    if (t.kind === 'punct' && [',', '.', '-', ':'].includes(t.norm)) {
      i++;
      continue;
    }
    const filler = LEADING_FILLERS.find((p) => startsWith(tokens, i, p));
    if (filler && i + filler.length < tokens.length) {
      i += filler.length;
      continue;
    }
    break;
  }
  // A greeting alone ("hi") is the whole message: keep it so the bot can answer it.
  if (i >= tokens.length) return tokens;
  return tokens.slice(i);
}

/** Builds the match text and offsets for a token list. */
export function fromTokens(source: string, tokens: readonly Token[], polite = false): Normalized {
  const offsets: number[] = [];
  let text = '';
  for (const t of tokens) {
    if (text.length) text += ' ';
    offsets.push(text.length);
    text += t.norm;
  }
  return { source, tokens, text, offsets, polite };
}

export function normalize(utterance: string): Normalized {
  const { tokens, polite, opener } = tokenizeWithFlags(utterance);
  return { ...fromTokens(utterance, tokens, polite), opener };
}

/** The same utterance with tokens [start, end) removed (a duration or reason already read). */
export function without(n: Normalized, start: number, end: number): Normalized {
  return fromTokens(n.source, [...n.tokens.slice(0, start), ...n.tokens.slice(end)], n.polite);
}

/** Index of the token that covers character `offset` of `n.text`. */
export function tokenAt(n: Normalized, offset: number): number {
  let lo = 0;
  let hi = n.offsets.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (n.offsets[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Token range [start, end) covered by characters [from, to) of `n.text`. */
export function tokenRange(n: Normalized, from: number, to: number): [number, number] {
  if (to <= from) return [tokenAt(n, from), tokenAt(n, from)];
  return [tokenAt(n, from), tokenAt(n, to - 1) + 1];
}

/**
 * The original text of tokens [start, end), as written: original spacing between kept tokens is
 * folded to one space, and dropped filler inside the span is left out.
 */
export function rawOf(n: Normalized, start: number, end: number): string {
  let out = '';
  for (let i = start; i < end; i++) {
    const t = n.tokens[i];
    if (i > start) out += n.tokens[i - 1].end === t.start ? '' : ' ';
    out += t.raw;
  }
  return out;
}
