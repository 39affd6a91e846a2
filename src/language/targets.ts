/**
 * Who a license or role request is about. People write the target in many places ("give Dana
 * Dragon", "Dragon for dr patel", "Dana needs Dragon", "remove Dana's license", "I need Dragon");
 * each place is one small reader, tried in an order that depends on the kind of request.
 *
 * A reader can also say "blocked": the sentence clearly names a target that is not a person
 * ("for my team", "give them Dragon"), or names a second target the grammar cannot pair with its
 * own license ("Dana needs Dragon and Sam needs Dragon admin"). Then no reader after it is asked:
 * the parser leaves `users` out and the bot asks, rather than falling back to "me" or dropping
 * someone. Pure: no I/O.
 */
import type { LicenseKind } from '../domain/catalog';
import { isAside, peopleAfter, peopleBefore } from './entities';
import {
  COMMON_WORDS,
  CREDENTIALS,
  DESCRIPTORS,
  DOMAIN_WORDS,
  EVERYDAY_WORDS,
  NON_PERSON_TARGET_STARTERS,
  PERSON_STOP,
  SELF_WORDS,
} from './lexicon';
import { fromTokens, type Normalized, type Token } from './normalize';
import { professionKind } from './professions';

export type TargetMode = 'request' | 'assign' | 'remove' | 'check';

interface Found {
  users: string[];
  /** Token range of the names, when they were read from one place. */
  start?: number;
  end?: number;
}

type Reading = Found | 'blocked' | undefined;

const PRONOUNS = new Set([
  'him',
  'her',
  'them',
  'his',
  'their',
  'hers',
  'theirs',
  'she',
  'he',
  'they',
  'us',
  'everyone',
  'everybody',
  'anyone',
  'anybody',
  'someone',
  'somebody',
]);

const REQUEST_VERBS = new Set([
  'give',
  'get',
  'assign',
  'grant',
  'provision',
  'issue',
  'allocate',
  'set',
  'sign',
  'hook',
  'enroll',
  'onboard',
  'add',
  'license',
  'put',
  'register',
  'send',
]);
const ASSIGN_VERBS = new Set([
  'make',
  'give',
  'grant',
  'add',
  'assign',
  'elevate',
  'promote',
  'set',
  'put',
  'appoint',
  'nominate',
  'upgrade',
  'let',
  'get',
]);
const REMOVE_VERBS = new Set([
  'kill',
  'remove',
  'revoke',
  'take',
  'unassign',
  'deprovision',
  'delete',
  'drop',
  'strip',
  'demote',
  'kick',
  'pull',
  'release',
  'reclaim',
  'free',
  'deactivate',
  'disable',
  'cancel',
  'unlicense',
  'offboard',
]);

/** What may follow the names after a verb: "give Dana [a] …", "take Lee [off] …". */
const OBJECT_FOLLOWERS = new Set([
  'a',
  'an',
  'the',
  'some',
  'dragon',
  'license',
  'licenses',
  'nursing',
  'physician',
  'with',
  'to',
  'up',
  'on',
  'in',
  'for',
  'access',
  'seat',
  'admin',
  'admins',
  'as',
  'into',
  'onto',
  'one',
  'rights',
  'role',
  'too',
  'also',
  'asap',
  'now',
  'today',
  'from',
  'off',
  'out',
  'of',
  'back',
  'away',
  '.',
  '?',
  ',',
  ';',
  ':',
  'temporary',
  'temporarily',
  '(',
]);

/** Words that tie a sentence to what Dragon Desk does; a verb's object is read only in such a sentence. */
const TOPIC_WORDS = new Set([
  'dragon',
  'license',
  'licenses',
  'licensed',
  'seat',
  'seats',
  'nursing',
  'physician',
  'admin',
  'admins',
  'role',
  'access',
  'group',
  'rights',
]);

/** Statements whose subject is the target: "Dana needs Dragon", "Lee doesn't need it anymore", "Sam shouldn't have Dragon". */
const SUBJECT_ANCHORS_RE =
  /(?:^| )(?<anchor>needs?|wants?|requires?|would (?:both |all |also |really )?like|would love|would benefit from|does not work here|do not work here|is requesting|are requesting|should (?:get|have|be)|should not (?:have|be|keep|get)|has to have|have to have|is asking for|are asking for|(?:is|are) after|(?:neither|none) of (?:us|them) (?:has|have)|asked for|is missing|does not need|do not need|need not|no longer|is no longer|are no longer|will not (?:need|be using|use|require)|does not have|do not have|left|has left|have left|is leaving|retired|has retired|quit|resigned|has resigned|is retiring|moved|has moved|transferred|has transferred|finished|has finished|(?:is|'s|are) not with us|start|starts|started|is starting|are starting|begins|joins|joined|has joined|will need|will be needing)(?= |$)/g;
const LEAVE_RE =
  /(?:^| )(?<anchor>left|has left|is leaving|retired|has retired|quit|resigned|is retiring|moved|transferred|no longer works)(?= |$)/g;
const CLAUSE_BOUNDARY = new Set([
  ',',
  '-',
  '.',
  '?',
  ';',
  ':',
  '(',
  'and',
  'but',
  'so',
  'also',
  'then',
  'because',
  'if',
  'whether',
  'that',
  'who',
  'well',
  'now',
  'okay',
  'hey',
  'hi',
  'hello',
]);

const POSSESSED = new Set([
  'dragon',
  'license',
  'licenses',
  'seat',
  'admin',
  'admins',
  'role',
  'roles',
  'nursing',
  'physician',
  'access',
  'rights',
  'permissions',
  'account',
]);

/** "covering for Dana" explains; it does not ask for Dana. */
const NOT_BENEFICIARY_BEFORE_FOR = new Set([
  'covering',
  'cover',
  'covers',
  'in',
  'subbing',
  'standing',
  'filling',
  'replacing',
  'asked',
  'asking',
  'looking',
  'waiting',
  'applied',
  'apply',
  'applying',
  // "sorry for the typos", "thanks for your help": an apology or thanks names nobody.
  'sorry',
  'apologies',
  'apologise',
  'apologize',
  'thanks',
  'grateful',
  'excuse',
]);

/** Words after "for" that say nothing about who: "Dragon for now", "for sure". */
const HARMLESS_AFTER_FOR = new Set([
  'now',
  'today',
  'tomorrow',
  'sure',
  'real',
  'example',
  'instance',
  'once',
  'free',
  'ever',
  'awhile',
  'a',
  'an',
  'it',
  'that',
  'this',
  'which',
  'what',
  'how',
  'long',
  'more',
  'less',
]);

function tokenIndexAtChar(n: Normalized, offset: number): number {
  return n.offsets.indexOf(offset);
}

function tokenAt(n: Normalized, offset: number): number {
  let k = 0;
  while (k + 1 < n.offsets.length && n.offsets[k + 1] <= offset) k++;
  return k;
}

function sentenceAround(n: Normalized, i: number): Token[] {
  let s = i;
  while (s > 0 && !['.', '?', ';'].includes(n.tokens[s - 1].norm)) s--;
  let e = i;
  while (e < n.tokens.length && !['.', '?', ';'].includes(n.tokens[e].norm)) e++;
  return n.tokens.slice(s, e);
}

/** Words that may stand before a description ("our new charge nurse", "two RNs"). */
const DESCRIPTOR_DETERMINERS = new Set([
  'our',
  'my',
  'the',
  'a',
  'an',
  'his',
  'her',
  'their',
  'your',
  'two',
  'three',
  'both',
]);
const DESCRIPTOR_ADJECTIVES = new Set([
  'new',
  'other',
  'fellow',
  'icu',
  'er',
  'ed',
  'emergency',
  'night',
  'float',
  'travel',
  'charge',
  'senior',
  'junior',
  'registered',
  'staff',
]);

interface Described {
  n: Normalized;
  /** The kinds the descriptions of named people imply. */
  kinds: Set<LicenseKind | 'ask'>;
}

function nameFollows(t: readonly Token[], at: number): boolean {
  const next = t[at];
  return (
    !!next &&
    next.kind !== 'punct' &&
    !SELF_WORDS.has(next.norm) &&
    (next.kind === 'email' || !PERSON_STOP.has(next.norm))
  );
}

/** A description at `i` ("our new charge nurse", "my nurse practitioner"): the index after it, or -1. */
function descriptionEnd(t: readonly Token[], i: number): number {
  let j = i;
  if (t[j] && DESCRIPTOR_DETERMINERS.has(t[j].norm)) {
    j++;
    // "our physical therapist", "our informatics nurse": up to two words that say what kind.
    for (let k = 0; k < 2; k++) {
      const w = t[j + k];
      const next = t[j + k + 1];
      if (!w || !next || w.kind !== 'word' || /^\p{Lu}/u.test(w.raw) || PERSON_STOP_STRICT.has(w.norm)) break;
      if (DESCRIPTORS.has(next.norm) && !DESCRIPTORS.has(w.norm)) {
        j += k + 1;
        break;
      }
    }
  }
  while (
    t[j] &&
    DESCRIPTOR_ADJECTIVES.has(t[j].norm) &&
    t[j + 1] &&
    (DESCRIPTORS.has(t[j + 1].norm) || DESCRIPTOR_ADJECTIVES.has(t[j + 1].norm))
  )
    j++;
  // "my co-intern Priscilla", "her orientee D'Andre": a word for who the person is, before a name.
  if (
    j > i &&
    ['my', 'our', 'his', 'her', 'their'].includes(t[i].norm) &&
    t[j] &&
    t[j].kind === 'word' &&
    !/^\p{Lu}/u.test(t[j].raw) &&
    !PERSON_STOP_STRICT.has(t[j].norm) &&
    !DESCRIPTORS.has(t[j].norm) &&
    t[j + 1]?.kind === 'word' &&
    /^\p{Lu}/u.test(t[j + 1].raw)
  )
    return j + 1;
  if (!t[j] || !(DESCRIPTORS.has(t[j].norm) || DESCRIPTORS.has(t[j].norm.replace(/s$/, '')))) return -1;
  while (t[j] && (DESCRIPTORS.has(t[j].norm) || DESCRIPTORS.has(t[j].norm.replace(/s$/, '')) || t[j].norm === 'member'))
    j++;
  return j;
}

function kindsOf(t: readonly Token[], from: number, to: number, into: Set<LicenseKind | 'ask'>): void {
  const words = t.slice(from, to).map((x) => x.norm);
  const phrase = words.join(' ');
  if (
    /\b(?:nurse practitioners?|physician assistants?|physician associates?|nurse anesthetists?|nurse midwi(?:fe|ves))\b/.test(
      phrase,
    )
  ) {
    into.add('ask');
    return;
  }
  for (const w of words) {
    const k = professionKind(w);
    if (k) into.add(k);
  }
}

/**
 * Drops a description in front of or beside a name so the name can be read, and notes what the
 * description says about the license: "our new nurse Maria" → "Maria" (nursing), "Dr Ahmed, our
 * new hospitalist, needs …" → "Dr Ahmed needs …" (physician), "Sam Carter, RN" (nursing),
 * "Kelly (RN)" (nursing), "my nurse practitioner Riley Chen" → "Riley Chen" (ask).
 */
export function describe(n: Normalized): Described {
  const t = n.tokens;
  const keep: Token[] = [];
  const kinds = new Set<LicenseKind | 'ask'>();
  const listed = appositionList(n);
  for (let i = 0; i < t.length; i++) {
    if (listed && i >= listed.start && i < listed.end) {
      if (i === listed.start) kindsOf(t, listed.start, listed.end, kinds);
      continue;
    }
    // Apposition: "Dr Ahmed, our new hospitalist, needs …".
    if (t[i].norm === ',' && i > 0 && t[i - 1].kind === 'word' && !PERSON_STOP.has(t[i - 1].norm)) {
      const end = descriptionEnd(t, i + 1);
      if (end > 0 && t[end]?.norm === ',') {
        kindsOf(t, i + 1, end, kinds);
        i = end - 1;
        continue;
      }
    }
    if (CREDENTIALS.has(t[i].norm) && i > 0 && (t[i - 1].norm === ',' || isAside(t, i) || t[i - 1].kind === 'word'))
      kindsOf(t, i, i + 1, kinds);
    else if (isAside(t, i) && t[i].kind === 'word') kindsOf(t, i, i + 1, kinds);
    const end = descriptionEnd(t, i);
    if (end > 0) {
      const afterComma = t[end] && t[end].norm === ',' ? end + 1 : end;
      if (nameFollows(t, afterComma) && !DESCRIPTORS.has(t[afterComma].norm)) {
        kindsOf(t, i, end, kinds);
        i = end - 1;
        continue;
      }
    }
    keep.push(t[i]);
  }
  return { n: keep.length === t.length ? n : fromTokens(n.source, keep, n.polite), kinds };
}

/** Nouns that name the people a list then names ("our newest members, A and B"). */
const PEOPLE_NOUNS = new Set([
  ...DESCRIPTORS,
  'members',
  'hires',
  'starters',
  'joiners',
  'colleagues',
  'people',
  'folks',
]);
const APPOSITION_MARKS = new Set([',', '-', ':']);
const LIST_DETERMINERS = new Set([...DESCRIPTOR_DETERMINERS, 'these', 'those', 'four', 'five', 'some', 'a couple of']);

/**
 * A description followed by the names it stands for: "for the two RNs joining 4 West next week —
 * Marek Kowalczyk and Fatou Diallo", "for our hospitalist group's newest members, Dr. A and Dr. B",
 * "can our two new RNs, Imogen and Paulo, get …". The description (from its determiner to the mark
 * before the names) is set aside; the names stand where it stood.
 */
function appositionList(n: Normalized): { start: number; end: number } | undefined {
  const t = n.tokens;
  for (let d = 2; d < t.length - 1; d++) {
    if (!APPOSITION_MARKS.has(t[d].norm)) continue;
    const run = peopleAfter(n, d + 1);
    if (!run || run.start !== d + 1 || run.users.includes('me')) continue;
    const after = t[run.end]?.norm;
    if (after !== undefined && !['.', '?', ';', ',', '-', ')'].includes(after)) continue;
    // Back from the mark to the determiner, over words only, through a people noun.
    let noun = -1;
    for (let s = d - 1; s >= 0 && d - s <= 10; s--) {
      const w = t[s];
      if (w.kind === 'punct' && w.norm !== "'s") break;
      if (noun < 0 && PEOPLE_NOUNS.has(w.norm)) noun = s;
      if (noun < 0 || !LIST_DETERMINERS.has(w.norm)) continue;
      // "our two new RNs": the determiners before it belong to it.
      let from = s;
      while (from > 0 && LIST_DETERMINERS.has(t[from - 1].norm)) from--;
      // "both of our new LPNs — Ingrid and Tomasz —".
      if (
        t[from - 1]?.norm === 'of' &&
        ['both', 'all', 'each', 'two', 'three', 'four'].includes(t[from - 2]?.norm ?? '')
      )
        from -= 2;
      // Between the determiner and the noun, no name: "our Dana, …" describes nobody.
      const named = t.slice(s + 1, noun).some((x) => /^\p{Lu}/u.test(x.raw) && !CREDENTIALS.has(x.norm));
      return named ? undefined : { start: from, end: d + 1 };
    }
  }
  return undefined;
}

/** Descriptions dropped once per message: every reader of every rule starts from them. */
const described = new WeakMap<Normalized, Normalized>();

export function dropDescriptors(n: Normalized): Normalized {
  const known = described.get(n);
  if (known) return known;
  const clean = describe(n).n;
  described.set(n, clean);
  return clean;
}

/** Grammar words that never describe a person's job ("our new …" is read by the adjectives). */
const PERSON_STOP_STRICT = new Set([
  'and',
  'or',
  'the',
  'a',
  'an',
  'to',
  'for',
  'of',
  'with',
  'from',
  'in',
  'on',
  'at',
  'is',
  'are',
]);

/** Nouns after a profession word that make it a license kind ("a physician license"), not a person. */
const KIND_NOUNS = new Set(['license', 'licenses', 'seat', 'seats', 'one', 'version', 'edition', 'dragon', 'access']);

/** Pronouns that point back to a person named earlier ("Dana starts Monday, please get her a license"). */
const REFERRING = new Set(['him', 'her', 'them', 'his', 'their', 'she', 'he', 'they']);

/**
 * The person (or list) a pronoun at `at` points back to: the people named at the start of a clause
 * earlier in the message. With none, the target is blocked: the bot asks rather than guessing.
 */
function referent(n: Normalized, at: number, pronoun = n.tokens[at]?.norm ?? ''): Reading {
  const plural = ['them', 'their', 'they', 'both', 'we', 'us'].includes(pronoun);
  const withMe = pronoun === 'we' || pronoun === 'us';
  const found: Found[] = [];
  for (let i = 0; i < at; i++) {
    // "For Rosa and Minh: … they both …": the people the message is for count too.
    const forWhom = plural && n.tokens[i - 1]?.norm === 'for';
    const t = n.tokens[i];
    if (t.kind !== 'word' && t.kind !== 'email') continue;
    if (!atClauseStart(n, i) && !forWhom && !subjectPosition(n, i)) continue;
    const run = peopleAfter(n, i);
    if (run && run.start === i && run.end <= at && (withMe || !run.users.includes('me'))) {
      // "Dr. Bianchi retired. Dr. Mendoza transferred … reclaim both": each subject named before.
      if (!plural) return run;
      found.push(run);
      i = run.end - 1;
    }
  }
  if (!found.length) {
    // "… a removal for Abena, I only want to check whether she still has her license": the one
    // person named anywhere before, when there is exactly one.
    const named = new Set<string>();
    let only: Found | undefined;
    for (let i = 0; i < at; i++) {
      const run = peopleAfter(n, i);
      if (run && run.start === i && run.end <= at && !run.users.includes('me')) {
        run.users.forEach((u) => named.add(u));
        only = run;
        i = run.end - 1;
      }
    }
    return !plural && named.size === 1 && only ? only : 'blocked';
  }
  const users = [...new Set(found.flatMap((f) => f.users))];
  return found.length === 1 ? found[0] : { users };
}

/** Verbs after which a name is the subject of its clause ("From next week Leila looks after …"). */
const SUBJECT_VERBISH = new Set([
  'is',
  'was',
  'has',
  'had',
  'will',
  'would',
  'looks',
  'works',
  'moved',
  'started',
  'joined',
]);

function subjectPosition(n: Normalized, i: number): boolean {
  const run = peopleAfter(n, i);
  if (!run || run.start !== i) return false;
  const next = n.tokens[run.end];
  const prev = n.tokens[i - 1];
  return (
    !!next &&
    (SUBJECT_VERBISH.has(next.norm) || /^(?:he|she|they) /.test(next.norm)) &&
    prev?.kind === 'word' &&
    !['to', 'from', 'at', 'in', 'on', 'with', 'by', 'of', 'into', 'for'].includes(prev.norm)
  );
}

/** A phrase after a verb or preposition that names a group or a pronoun, not a person. */
function startsNonPersonTarget(n: Normalized, i: number): boolean {
  const t = n.tokens[i];
  if (!t) return false;
  if (PRONOUNS.has(t.norm)) return true;
  if (!NON_PERSON_TARGET_STARTERS.has(t.norm)) return false;
  // "for my team", "for the new ICU nurses": a group or a person described.
  for (let k = 1; k <= 3; k++) {
    const w = n.tokens[i + k];
    if (!w || w.kind === 'punct') break;
    // "the physician one", "the nursing license": a kind, not a person.
    if (KIND_NOUNS.has(n.tokens[i + k + 1]?.norm ?? '')) break;
    if (GROUP_NOUNS.has(w.norm) || DESCRIPTORS.has(w.norm) || DESCRIPTORS.has(w.norm.replace(/s$/, ''))) return true;
  }
  const next = n.tokens[i + 1];
  // "for the weekend", "for the record": a time or a thing, nobody at all.
  if (next && (COMMON_WORDS.has(next.norm) || EVERYDAY_WORDS.has(next.norm)) && !DOMAIN_WORDS.has(next.norm))
    return false;
  return !next || !DOMAIN_WORDS.has(next.norm);
}

/** Nouns that name a group of people ("my team", "the whole unit"). */
const GROUP_NOUNS = new Set([
  'team',
  'teams',
  'staff',
  'people',
  'users',
  'unit',
  'units',
  'floor',
  'department',
  'group',
  'members',
  'member',
  'hires',
  'hire',
  'starters',
  'folks',
  'crew',
  'colleagues',
  'everyone',
  'everybody',
  'ward',
  'service',
  'nurses',
  'doctors',
  'residents',
  'physicians',
]);

/** "I'm asking on behalf of Ravi Shah, who needs …": the person the speaker asks for. */
function onBehalfOf(n: Normalized): Reading {
  for (let i = 0; i + 3 < n.tokens.length; i++) {
    if (n.tokens[i].norm !== 'on' || n.tokens[i + 1].norm !== 'behalf' || n.tokens[i + 2].norm !== 'of') continue;
    const run = peopleAfter(n, i + 3);
    if (run && run.start === i + 3 && !run.users.includes('me')) return run;
  }
  return undefined;
}

/** "kill the nursing license on ivy.chen@contoso.com": a person named right after "on". */
function onPerson(n: Normalized): Reading {
  for (let i = 0; i < n.tokens.length; i++) {
    if (n.tokens[i].norm !== 'on') continue;
    const run = peopleAfter(n, i + 1);
    const first = n.tokens[i + 1];
    if (run && run.start === i + 1 && first && (first.kind === 'email' || /^\p{Lu}/u.test(first.raw))) return run;
  }
  return undefined;
}

/**
 * Names right after position `i`. With `strict`, anything there that is neither a name nor part
 * of the license vocabulary blocks ("Dragon for work"), so that the parser does not fall back to
 * "me" when the sentence named someone it could not read.
 */
/** Idioms after "for" that name nobody: "for the record", "for the time being". */
const FOR_IDIOM_RE =
  /^(?:the record|the time being|the moment|the most part|the rest of|the duration of|the sake of|now|a while|example|instance)\b/;

function readAfter(n: Normalized, i: number, needFollower: boolean, strict = false): Reading {
  if (n.tokens[i - 1]?.norm === 'for' && FOR_IDIOM_RE.test(fromTokens(n.source, n.tokens.slice(i, i + 4)).text))
    return undefined;
  if (n.tokens[i]?.norm === ',') i++;
  if (n.tokens[i] && REFERRING.has(n.tokens[i].norm)) return referent(n, i);
  // "reclaim both physician licenses": the people named before.
  if (n.tokens[i]?.norm === 'both' && !peopleAfter(n, i + 1)) return referent(n, i);
  // "set all three of them up", "license both of them".
  for (let k = i; k <= i + 3 && k < n.tokens.length; k++) {
    if (
      n.tokens[k].norm === 'of' &&
      n.tokens[k + 1]?.norm === 'them' &&
      ['all', 'both', 'each', 'two', 'three', 'four'].includes(n.tokens[i].norm)
    )
      return referent(n, k + 1);
  }
  if (startsNonPersonTarget(n, i)) return 'blocked';
  // "for a new nurse", "to my new resident": a person described but not named; the bot asks who.
  const described = descriptionEnd(n.tokens, i);
  // "for a new nurse", "to my new resident" — not "assign physician to …", a kind named bare.
  if (
    described > i &&
    !KIND_NOUNS.has(n.tokens[described]?.norm ?? '') &&
    !(described === i + 1 && !DESCRIPTOR_DETERMINERS.has(n.tokens[i].norm))
  )
    return 'blocked';
  const run = peopleAfter(n, i);
  if (!run || run.start !== i) {
    const t = n.tokens[i];
    if (strict && t && t.kind === 'word' && !DOMAIN_WORDS.has(t.norm) && !HARMLESS_AFTER_FOR.has(t.norm))
      return 'blocked';
    return undefined;
  }
  if (needFollower) {
    const follower = n.tokens[run.end];
    if (follower && !OBJECT_FOLLOWERS.has(follower.norm.split(' ')[0])) return undefined;
  }
  return run;
}

/** "for Dana", "from Dana", "to Dana". */
function afterPreposition(n: Normalized, prep: string, strict = false): Reading {
  for (let i = 0; i < n.tokens.length; i++) {
    if (n.tokens[i].norm !== prep) continue;
    if (prep === 'for' && i > 0 && NOT_BENEFICIARY_BEFORE_FOR.has(n.tokens[i - 1].norm)) continue;
    // "is moving to our unit", "transferred to Mercy West": a place one goes to, not a recipient.
    if (prep === 'to' && !givenTo(n, i)) continue;
    const r = readAfter(n, i + 1, false, strict);
    if (r) return r;
  }
  return undefined;
}

/** Words after which "to X" names who gets something: "give … to", "assign … to", "a license to". */
const GIVING = new Set([
  ...REQUEST_VERBS,
  ...ASSIGN_VERBS,
  'provide',
  'license',
  'licenses',
  'access',
  'role',
  'admin',
  'seat',
  'it',
  'one',
  'them',
  'dragon',
  'rights',
  'over',
]);

function givenTo(n: Normalized, at: number): boolean {
  for (let j = at - 1; j >= 0 && at - j <= 8; j--) {
    const w = n.tokens[j].norm;
    if (['.', '?', ';'].includes(w)) return false;
    if (GIVING.has(w.split(' ').pop() ?? w)) return true;
  }
  return false;
}

/** "give Dana Dragon", "take Lee off Dragon", "sign me up": only in a sentence about Dragon. */
function afterVerb(n: Normalized, verbs: ReadonlySet<string>): Reading {
  for (let i = 0; i < n.tokens.length; i++) {
    if (!verbs.has(n.tokens[i].norm)) continue;
    if (!sentenceAround(n, i).some((t) => t.norm.split(' ').some((w) => TOPIC_WORDS.has(w)))) continue;
    let from = i + 1;
    // "set up Sam with Dragon": the particle comes first.
    if (n.tokens[from]?.norm === 'up' && ['set', 'sign', 'hook'].includes(n.tokens[i].norm)) from++;
    const r = readAfter(n, from, true);
    if (r) return r;
  }
  return undefined;
}

/** Verbs of saying whose complement is a clause of its own ("Lee told me she no longer needs …"). */
const SAYING = new Set(['told', 'tells', 'said', 'says', 'mentioned', 'thinks', 'think', 'reckons', 'confirmed']);

function atClauseStart(n: Normalized, start: number): boolean {
  if (start === 0 || CLAUSE_BOUNDARY.has(n.tokens[start - 1].norm)) return true;
  const before = n.tokens[start - 1].norm === 'me' || n.tokens[start - 1].norm === 'us' ? start - 2 : start - 1;
  return SAYING.has(n.tokens[before]?.norm ?? '');
}

/** "Dana Reyes and Sam need Dragon", "Tom Baker, who needs …", "Lee doesn't need it". */
/** Words between a subject and its verb ("Sam and I would both like", "she'll still need"). */
const BETWEEN_SUBJECT_AND_VERB = new Set([
  'both',
  'also',
  'all',
  'each',
  'too',
  'really',
  'still',
  'now',
  'have',
  'has',
  'had',
  'will',
  'would',
  'somehow',
  'definitely',
  'probably',
  'then',
  'certainly',
]);
/** Pronoun subjects, also inside a contraction token ("he will" from "he'll"). */
const SUBJECT_PRONOUNS = new Set(['she', 'he', 'they', 'both', 'we']);

function subjectOf(n: Normalized, re: RegExp = SUBJECT_ANCHORS_RE): Reading {
  for (const m of n.text.matchAll(re)) {
    const anchorText = m.groups?.anchor ?? '';
    const offset = (m.index ?? 0) + m[0].indexOf(anchorText);
    const at = tokenIndexAtChar(n, offset);
    if (at < 0) {
      // "he'll need": the anchor starts inside the token "he will"; its first word is the subject.
      const inside = tokenAt(n, offset);
      const word = n.tokens[inside].norm.split(' ')[0];
      if (!SUBJECT_PRONOUNS.has(word) || !atClauseStart(n, inside)) continue;
      const r = referent(n, inside, word);
      if (r !== 'blocked') return r;
      continue;
    }
    // "…; both need Dragon", "all need nursing Dragon": everyone named before.
    const lead = n.tokens[at - 1];
    if (lead && ['both', 'all', 'each'].includes(lead.norm) && atClauseStart(n, at - 1)) {
      const r = referent(n, at - 1, 'both');
      if (r !== 'blocked') return r;
    }
    let before = at;
    while (BETWEEN_SUBJECT_AND_VERB.has(n.tokens[before - 1]?.norm ?? '')) before--;
    // "…, Tom Baker, who needs …": a relative clause names its person wherever the name stands.
    const relative = n.tokens[before - 1]?.norm === 'who';
    if (n.tokens[before - 1]?.norm === 'who' || n.tokens[before - 1]?.norm === 'that') before--;
    if (n.tokens[before - 1]?.norm === ',') before--;
    // "Ruth, Minh and Abdi from nights want Dragon": a short place or shift phrase after the subject.
    for (let k = before - 2; k >= Math.max(0, before - 4); k--) {
      if (['from', 'on', 'in', 'at'].includes(n.tokens[k].norm) && peopleBefore(n, k)) {
        before = k;
        break;
      }
    }
    const subjectToken = n.tokens[before - 1];
    const subject = subjectToken && { ...subjectToken, norm: subjectToken.norm.split(' ')[0] };
    // "neither of them needs", "both need", "they'll need".
    if (subject && subject.norm === 'them' && ['of'].includes(n.tokens[before - 2]?.norm ?? '')) {
      const r = referent(n, before - 1);
      if (r !== 'blocked') return r;
      continue;
    }
    if (subject && SUBJECT_PRONOUNS.has(subject.norm) && atClauseStart(n, before - 1)) {
      const r = referent(n, before - 1);
      if (r !== 'blocked') return r;
      continue;
    }
    // "Luis Ortega is a physical therapist and shouldn't have …": the subject of the clause before "and".
    if (subject && subject.norm === 'and') {
      const r = referent(n, before - 1, 'he');
      if (r !== 'blocked') return r;
    }
    const run = peopleBefore(n, before);
    if (run && (atClauseStart(n, run.start) || relative)) return run;
  }
  return undefined;
}

/**
 * Someone who has the thing, named as the subject: "Olamide somehow has two nursing licenses",
 * "Ravi was only supposed to have Dragon admin", "dana doesn't have dragon anymore?".
 */
function holderSubject(n: Normalized): Reading {
  for (let i = 0; i < n.tokens.length; i++) {
    if (!atClauseStart(n, i)) continue;
    const run = peopleAfter(n, i);
    if (!run || run.start !== i || run.users.includes('me')) continue;
    for (let k = run.end; k < n.tokens.length && k - run.end <= 6; k++) {
      const w = n.tokens[k].norm;
      if (['.', '?', ';', ','].includes(w)) break;
      if (
        [
          'has',
          'have',
          'had',
          'holds',
          'got',
          'does not have',
          'do not have',
          'ended',
          'assigned',
          'given',
          'granted',
        ].includes(w)
      )
        return run;
    }
  }
  return undefined;
}

/** "It is not necessary for Dr. Tanaka to keep his license", "no need for Sam to have Dragon". */
function forXTo(n: Normalized, withMe = false): Reading {
  for (let i = 0; i < n.tokens.length; i++) {
    if (n.tokens[i].norm !== 'for') continue;
    const run = peopleAfter(n, i + 1);
    if (!run || run.start !== i + 1 || (!withMe && run.users.includes('me'))) continue;
    let k = run.end;
    if (n.tokens[k]?.norm === 'to' && ['each', 'both', 'all'].includes(n.tokens[k + 1]?.norm ?? '')) k++;
    const verb = n.tokens[k + 1]?.norm ?? '';
    if (
      (n.tokens[k]?.norm === 'to' || n.tokens[k - 1]?.norm === 'to') &&
      ['keep', 'have', 'hold', 'be', 'get', 'retain'].includes(verb)
    )
      return run;
  }
  return undefined;
}

/** "neither of them should keep …", "both of them need …", "they both need …": everyone named before. */
function pluralSubject(n: Normalized): Reading {
  for (let i = 0; i < n.tokens.length; i++) {
    const w = n.tokens[i].norm;
    const ofThem = ['neither', 'none', 'both', 'all', 'each'].includes(w) && n.tokens[i + 1]?.norm === 'of';
    const pronoun = ofThem
      ? n.tokens[i + 2]?.norm
      : w === 'they' && ['both', 'all'].includes(n.tokens[i + 1]?.norm ?? '')
        ? 'they'
        : '';
    if (!['them', 'us', 'they'].includes(pronoun ?? '')) continue;
    const at = ofThem ? i + 2 : i;
    const r = referent(n, at, pronoun === 'us' ? 'us' : 'them');
    if (r && r !== 'blocked') return r;
  }
  return undefined;
}

/** "Should Dr. Li still be a Dragon admin? I don't think so — please remove it." */
function shouldStillBe(n: Normalized): Reading {
  for (let i = 0; i < n.tokens.length; i++) {
    if (!['should', 'does', 'do', 'is'].includes(n.tokens[i].norm)) continue;
    const run = peopleAfter(n, i + 1);
    if (run && run.start === i + 1 && ['still', 'need', 'be', 'have'].includes(n.tokens[run.end]?.norm ?? ''))
      return run;
  }
  return undefined;
}

/** "I have 2 dragon licenses, can you remove the physician one", "why do I have one? Take it off." */
function selfHolder(n: Normalized): Reading {
  for (let i = 0; i < n.tokens.length; i++) {
    const w = n.tokens[i].norm;
    // "i somehow got both …", "I've ended up with a license".
    if (
      (w === 'i' || w === 'i have') &&
      n.tokens.slice(i + 1, i + 4).some((t) => ['got', 'ended', 'received'].includes(t.norm))
    )
      return { users: ['me'] };
    const haveAt = w === 'i have' ? i : w === 'i' && n.tokens[i + 1]?.norm === 'have' ? i + 1 : -1;
    const asked = w === 'have' && n.tokens[i + 1]?.norm === 'i' ? i + 1 : -1;
    const after = haveAt >= 0 ? haveAt + 1 : asked >= 0 ? asked + 1 : -1;
    if (after < 0) continue;
    const next = n.tokens[after];
    if (
      next &&
      (['one', 'it', 'a', 'an', 'two', 'dragon', 'license', 'licenses', 'both'].includes(next.norm) ||
        next.kind === 'number')
    )
      return { users: ['me'] };
  }
  return undefined;
}

/** A list after a colon that runs to the end of the sentence: "Dragon for the following: Sam Lee, Kim Park". */
function colonList(n: Normalized): Reading {
  for (let i = 0; i < n.tokens.length; i++) {
    if (n.tokens[i].norm !== ':') continue;
    const run = peopleAfter(n, i + 1);
    if (!run || run.start !== i + 1) continue;
    const next = n.tokens[run.end];
    if (!next || ['.', '?', ';'].includes(next.norm)) return run;
  }
  return undefined;
}

/** "we don't want Ivy to have Dragon admin", "I'd like Sam to be a Dragon admin". */
function wantedToHave(n: Normalized): Reading {
  for (let i = 0; i < n.tokens.length; i++) {
    if (!['want', 'wants', 'like'].includes(n.tokens[i].norm)) continue;
    const run = peopleAfter(n, i + 1);
    if (!run || run.start !== i + 1 || run.users.includes('me')) continue;
    if (n.tokens[run.end]?.norm === 'to' && ['have', 'be', 'keep', 'get'].includes(n.tokens[run.end + 1]?.norm ?? ''))
      return run;
  }
  return undefined;
}

/** "can Dana get Dragon?", "could I have …", "can Lee be a Dragon admin?". */
function modalSubject(n: Normalized): Reading {
  for (let i = 0; i < n.tokens.length; i++) {
    if (!['can', 'could', 'may', 'should', 'will', 'would'].includes(n.tokens[i].norm)) continue;
    // "Could they each get a nursing license?", "can we all get dragon": the people named before.
    const pronoun = n.tokens[i + 1]?.norm ?? '';
    if (['they', 'she', 'he', 'we'].includes(pronoun) && i > 0) {
      const r = referent(n, i + 1);
      if (r && r !== 'blocked' && (pronoun !== 'we' || r.users.includes('me'))) return r;
    }
    if (startsNonPersonTarget(n, i + 1) && n.tokens[i + 1].norm !== 'we') return 'blocked';
    const run = peopleAfter(n, i + 1);
    if (!run || run.start !== i + 1) continue;
    let follow = run.end;
    if (n.tokens[follow]?.norm === ',' || n.tokens[follow]?.norm === '-') follow++;
    const next = n.tokens[follow];
    // "what would I have to do …": an obligation, not something the subject gets.
    if (next?.norm === 'have' && n.tokens[follow + 1]?.norm === 'to') continue;
    if (
      next &&
      [
        'get',
        'have',
        'be',
        'receive',
        'use',
        'access',
        'also',
        'please',
        'gain',
        'become',
        'keep',
        'both',
        'all',
        'each',
      ].includes(next.norm)
    )
      return run;
  }
  return undefined;
}

/** "does Dana have …", "is Sam licensed …", "check if Lee has …". */
function questionSubject(n: Normalized): Reading {
  for (let i = 0; i < n.tokens.length; i++) {
    if (
      !['does', 'do', 'did', 'has', 'have', 'is', 'am', 'are', 'was', 'were', 'if', 'whether'].includes(
        n.tokens[i].norm,
      )
    )
      continue;
    // "… tell me if she has that role already": the person named before.
    if (['she', 'he'].includes(n.tokens[i + 1]?.norm ?? '') && i > 0) {
      const r = referent(n, i + 1);
      if (r && r !== 'blocked') return r;
    }
    const run = peopleAfter(n, i + 1);
    if (!run || run.start !== i + 1) continue;
    const next = n.tokens[run.end];
    if (
      next &&
      [
        'are',
        'hold',
        'holds',
        'ever',
        'qualify',
        'qualifies',
        'eligible',
        'allowed',
        'entitled',
        'approved',
        'both',
        'each',
        'all',
        'now',
        'have',
        'has',
        'got',
        'licensed',
        'already',
        'still',
        'own',
        'get',
        'on',
        'assigned',
        'set',
        'is',
        'a',
        'an',
        'currently',
        'actually',
        'been',
        'dragon',
        'made',
        'an',
        'the',
        'admin',
        'admins',
        'given',
        'set',
        'still',
      ].includes(next.norm.split(' ')[0])
    )
      return run;
  }
  return undefined;
}

/** "am I a Dragon admin", "I'm not a Dragon admin?": the speaker as the subject of a question. */
function copulaSelf(n: Normalized): Reading {
  for (let i = 0; i < n.tokens.length; i++) {
    const w = n.tokens[i].norm;
    if (w === 'i am' || w === 'i was' || (['am', 'was'].includes(w) && n.tokens[i + 1]?.norm === 'i'))
      return { users: ['me'] };
  }
  return undefined;
}

/** Separators that set off a name in a telegraphic message ("Anh - dragon admin?", "Uma: dragon-admin"). */
const SEGMENT_ENDS = new Set(['-', ':', ';', '.', '?', '=']);

/**
 * Names that stand at the start of the message before the thing asked ("ravi dragon admin
 * yes/no", "Uma Singh, Ravi Shah — Dragon admin", "dana.kim@contoso.com - remove license"), or
 * that make up a whole segment between dashes or colons ("nursing → a@x, b@x", "Dragon
 * Administrator role → Jordan Blake → until Dec 31").
 */
function telegraphicNames(n: Normalized): Reading {
  const first = peopleAfter(n, 0);
  const next = first && n.tokens[first.end];
  if (
    first &&
    first.start === 0 &&
    !first.users.includes('me') &&
    next &&
    (SEGMENT_ENDS.has(next.norm) ||
      next.norm.split(' ').some((w) => TOPIC_WORDS.has(w)) ||
      (['a', 'an', 'still'].includes(next.norm) &&
        n.tokens.slice(first.end + 1, first.end + 3).some((t) => t.norm.startsWith('dragon'))))
  )
    return first;
  let s = 0;
  for (let i = 0; i <= n.tokens.length; i++) {
    if (i < n.tokens.length && !SEGMENT_ENDS.has(n.tokens[i].norm)) continue;
    if (i > s && s > 0) {
      const run = peopleAfter(n, s);
      if (run && run.start === s && run.end === i && !run.users.includes('me')) return run;
    }
    s = i + 1;
  }
  return undefined;
}

/** The one person a pronoun points back to: "Sam left the hospital, remove his license". */
function pronounReferent(n: Normalized): Reading {
  return subjectOf(n, LEAVE_RE) ?? 'blocked';
}

/**
 * "my license and Dr. Greene's", "Dana's and Sam's licenses", "Dr. Greene's and my licenses": the
 * other owners joined by "and" in the same clause.
 */
function morePossessors(n: Normalized, from: number, first: Found): Found {
  const users = [...first.users];
  for (let i = from; i < n.tokens.length; i++) {
    const w = n.tokens[i].norm;
    if (['.', '?', ';', '-', 'but', 'because', 'so'].includes(w)) break;
    if (w !== 'and' && w !== ',' && w !== '&') continue;
    const next = n.tokens[i + 1];
    if (next?.norm === 'my' || next?.norm === 'mine') {
      users.push('me');
      continue;
    }
    const run = peopleAfter(n, i + 1);
    if (run && run.start === i + 1 && n.tokens[run.end]?.norm === "'s") users.push(...run.users);
  }
  const unique = [...new Set(users)];
  return unique.length === first.users.length ? first : { users: unique };
}

/** "Dana's Dragon license", "my license", "Fabrikam's roles". */
function possessive(n: Normalized): Reading {
  for (let i = 0; i < n.tokens.length; i++) {
    const t = n.tokens[i];
    const after = n.tokens[i + 1];
    // "Keep Rosa's license. Remove Minh's.": the thing owned is left out after the name.
    const elided =
      t.norm === "'s" &&
      (!after ||
        ['.', '?', ';', ',', '-', 'too', 'as', 'and', 'instead', 'please', 'now', 'as well', 'that', 'which'].includes(
          after.norm,
        ));
    const nextOwned =
      elided || n.tokens.slice(i + 1, i + 4).some((x) => x.norm.split(' ').some((w) => POSSESSED.has(w)));
    if (!nextOwned) continue;
    if (t.norm === "'s") {
      const run = peopleBefore(n, i);
      if (run) return morePossessors(n, i + 1, run);
      continue;
    }
    if (t.norm === 'my') return morePossessors(n, i + 1, { users: ['me'] });
    if (t.norm === 'their') {
      const r = referent(n, i);
      if (r !== 'blocked') return r;
    }
    if (['his', 'her', 'their'].includes(t.norm)) {
      const r = pronounReferent(n);
      return r === 'blocked' ? referent(n, i) : r;
    }
  }
  return undefined;
}

/** Verbs after which "me" is who is told or asked, not who a change is for ("tell me", "asked me to"). */
const ME_NOT_TARGET_AFTER = new Set([
  'tell',
  'told',
  'let',
  'lets',
  'show',
  'ask',
  'asked',
  'asks',
  'help',
  'email',
  'emailed',
  'message',
  'messaged',
  'ping',
  'pinged',
  'call',
  'called',
  'text',
  'texted',
  'remind',
  'logged',
  'locked',
  'kicked',
  'signed',
  'send',
  'sent',
  'forwarded',
  'cc',
  'notify',
  'update',
  'killing',
  'said',
]);
/** What the speaker asks for themselves when they are the subject: "I need …", "can I get …". */
const SELF_ASK_VERBS = new Set([
  'need',
  'needs',
  'want',
  'like',
  'love',
  'require',
  'get',
  'have',
  'be',
  'become',
  'receive',
  'use',
  'access',
  'keep',
  'requesting',
  'request',
  'still',
]);
/** "I need to request a license for …": the speaker asks on someone else's behalf. */
const ON_BEHALF_AFTER_TO = new Set([
  'request',
  'ask',
  'know',
  'check',
  'see',
  'find',
  'submit',
  'fill',
  'report',
  'add',
  'give',
  'remove',
  'set',
  'order',
  'make',
  'grant',
  'assign',
  'revoke',
  'escalate',
  'confirm',
  'verify',
  'sort',
]);

/** "I need / want / would like …", "can I get …": the speaker as the subject of an ask. */
function selfAsksAt(n: Normalized, i: number): boolean {
  const words = n.tokens[i].norm.split(' ');
  if (words[0] !== 'i') return false;
  for (let j = i + 1; j < n.tokens.length && j - i <= 10; j++) {
    const w = n.tokens[j].norm.split(' ')[0];
    if (['.', '?', ';', ':', '-', 'but', 'because', 'if', 'so', 'since', 'that', 'whether'].includes(w)) return false;
    // Another subject takes over: "I think Dana needs Dragon".
    if (['he', 'she', 'they', 'we', 'you', 'it', 'i'].includes(w)) return false;
    const run = peopleAfter(n, j);
    if (run && run.start === j && !run.users.includes('me')) return false;
    // "I was told to ask here for a Dragon license": the speaker asks for it.
    if ((w === 'ask' || w === 'apply') && n.tokens[j - 1]?.norm === 'to') {
      const k = ['here', 'you'].includes(n.tokens[j + 1]?.norm ?? '') ? j + 2 : j + 1;
      if (n.tokens[k]?.norm === 'for') return true;
    }
    if (!SELF_ASK_VERBS.has(w)) continue;
    // "I have a question" states; "can I have …", "I'd like to have …" ask.
    if (w === 'have' && !['can', 'could', 'may', 'to', 'should', 'would'].includes(n.tokens[j - 1]?.norm ?? ''))
      continue;
    // "what would I have to do so that she can …": an obligation, not something the speaker gets.
    if (w === 'have' && n.tokens[j + 1]?.norm === 'to') continue;
    return !(n.tokens[j + 1]?.norm === 'to' && ON_BEHALF_AFTER_TO.has(n.tokens[j + 2]?.norm ?? ''));
  }
  return false;
}

/**
 * The requester, only where the sentence is about the speaker as the one who gets (or loses) the
 * thing: "I need Dragon", "give me …", "can I get …", "sign me up", "me and Sam". Not "tell me
 * whether …", "Nina asked me to request …", "I don't think so, remove it".
 */
function self(n: Normalized): Reading {
  for (let i = 0; i < n.tokens.length; i++) {
    const w = n.tokens[i].norm;
    if (w === 'myself') return { users: ['me'] };
    if (w === 'me' || w.endsWith(' me')) {
      const prev = w === 'me' ? n.tokens[i - 1]?.norm : w.split(' ')[0];
      if (prev && ME_NOT_TARGET_AFTER.has(prev)) continue;
      return { users: ['me'] };
    }
    if (selfAsksAt(n, i)) return { users: ['me'] };
  }
  return undefined;
}

const BARE_ASK_WORDS = new Set([
  'a',
  'an',
  'the',
  'dragon',
  'license',
  'nursing',
  'physician',
  'one',
  'seat',
  'access',
  'to',
  '.',
  '?',
  'too',
]);

function splitAt(n: Normalized, ends: readonly string[]): Token[][] {
  const out: Token[][] = [[]];
  for (const t of n.tokens) {
    if (ends.includes(t.norm)) out.push([]);
    else out[out.length - 1].push(t);
  }
  return out.filter((s) => s.length);
}

/**
 * A first-person request with the "I" left out: "need Dragon", "requesting Dragon nursing", or
 * just "Dragon license please".
 */
function implicitSelf(n: Normalized): Reading {
  if (
    /^(?:need|want|would like|requesting|in need of|looking for|could use)\b/.test(n.text) &&
    !/^\S+ (?:\S+ ){0,3}:/.test(n.text)
  )
    return { users: ['me'] };
  if (n.polite && n.tokens.every((t) => BARE_ASK_WORDS.has(t.norm))) return { users: ['me'] };
  // "I am a surgeon. Dragon please.": a bare ask after the speaker introduced themselves.
  const sentences = splitAt(n, ['.', '?', ';']);
  if (
    sentences.length > 1 &&
    /^i am\b/.test(fromTokens(n.source, sentences[0]).text) &&
    sentences.slice(1).every((s) => s.every((t) => BARE_ASK_WORDS.has(t.norm)))
  )
    return { users: ['me'] };
  return undefined;
}

/** Followers that make a second name the target of its own request ("… and Lee a physician license"). */
const SECOND_TARGET_FOLLOWERS = new Set([
  'needs',
  'need',
  'wants',
  'want',
  'a',
  'an',
  'the',
  'dragon',
  'license',
  'licenses',
  'nursing',
  'physician',
  'should',
  'would',
  'also',
  'too',
  'as',
  'from',
  'off',
  'out',
]);

/**
 * True when, besides the names already read, the sentence names another target in a clause of
 * its own: "Dana needs Dragon and Sam needs Dragon admin", "give dragon to Sam and to Lee",
 * "I need Dragon and so does Sam". One request cannot carry both correctly.
 */
function namesAnotherTarget(n: Normalized, found: Found): boolean {
  const inFound = (i: number) =>
    found.start !== undefined && found.end !== undefined && i >= found.start && i < found.end;
  for (let i = 0; i < n.tokens.length; i++) {
    const t = n.tokens[i].norm;
    let from = -1;
    let viaPreposition = false;
    if (t === 'and' || t === ',' || t === ';' || t === 'plus') {
      from = i + 1;
      if (['to', 'for', 'also'].includes(n.tokens[from]?.norm ?? '')) {
        viaPreposition = n.tokens[from].norm !== 'also';
        from++;
      }
    } else if ((t === 'so' || t === 'as') && ['does', 'do', 'did'].includes(n.tokens[i + 1]?.norm ?? '')) {
      from = i + 2;
    }
    if (from < 0 || inFound(from) || inFound(i)) continue;
    const run = peopleAfter(n, from);
    if (!run || run.start !== from || inFound(run.start)) continue;
    const same = run.users.every((u) => found.users.includes(u));
    // "…; I need a license for Carlos": the requester speaking is not a second target.
    if (same || run.users.every((u) => u === 'me')) continue;
    const follower = n.tokens[run.end];
    const soDoes = t === 'so' || t === 'as';
    if (soDoes || viaPreposition || (follower && SECOND_TARGET_FOLLOWERS.has(follower.norm))) return true;
  }
  return false;
}

const ORDER: Record<TargetMode, ((n: Normalized) => Reading)[]> = {
  request: [
    colonList,
    onBehalfOf,
    pluralSubject,
    wantedToHave,
    (n) => forXTo(n, true),
    (n) => afterPreposition(n, 'for', true),
    (n) => afterVerb(n, REQUEST_VERBS),
    (n) => afterPreposition(n, 'to'),
    (n) => subjectOf(n),
    modalSubject,
    possessive,
    telegraphicNames,
    self,
    implicitSelf,
  ],
  assign: [
    colonList,
    onBehalfOf,
    wantedToHave,
    (n) => afterVerb(n, ASSIGN_VERBS),
    (n) => afterPreposition(n, 'to'),
    (n) => afterPreposition(n, 'for', true),
    (n) => subjectOf(n),
    modalSubject,
    possessive,
    telegraphicNames,
    self,
    implicitSelf,
  ],
  remove: [
    colonList,
    pluralSubject,
    forXTo,
    possessive,
    wantedToHave,
    (n) => afterPreposition(n, 'from'),
    (n) => afterPreposition(n, 'for'),
    (n) => afterPreposition(n, 'off'),
    onPerson,
    (n) => afterVerb(n, REMOVE_VERBS),
    (n) => subjectOf(n),
    holderSubject,
    modalSubject,
    telegraphicNames,
    selfHolder,
    shouldStillBe,
    self,
  ],
  check: [
    questionSubject,
    possessive,
    holderSubject,
    copulaSelf,
    telegraphicNames,
    (n) => afterPreposition(n, 'for'),
    (n) => afterPreposition(n, 'of'),
    (n) => afterPreposition(n, 'to'),
    self,
  ],
};

/**
 * The people a request is about, or undefined when the sentence does not say (or says something
 * that is not a person, or names more targets than one request can carry). `n` should already
 * have its duration and reason set aside.
 */
export function findUsers(n: Normalized, mode: TargetMode): string[] | undefined {
  const clean = dropDescriptors(n);
  for (const read of ORDER[mode]) {
    const r = read(clean);
    if (r === 'blocked') return undefined;
    if (!r) continue;
    if (mode !== 'request' && mode !== 'assign') return namesAnotherTarget(clean, r) ? undefined : r.users;
    const joined = otherFrames(clean, r);
    if (joined === 'blocked') return undefined;
    const added = withAdded(clean, joined);
    return namesAnotherTarget(clean, added) ? undefined : added.users;
  }
  return undefined;
}

function overlaps(a: Found, b: Found): boolean {
  return a.start !== undefined && b.start !== undefined && a.end !== undefined && b.end !== undefined
    ? a.start < b.end && b.start < a.end
    : false;
}

/**
 * Both a verb's object and a "for …" name people ("give Jean-Baptiste a nursing license and also
 * one for Aoife"): joined by "and", they are one list in the order written; otherwise the sentence
 * pairs different people with different things, and the bot asks.
 */
function otherFrames(n: Normalized, r: Found): Found | 'blocked' {
  if (r.start === undefined || r.end === undefined) return r;
  const frames = [afterVerb(n, REQUEST_VERBS), afterPreposition(n, 'for'), afterPreposition(n, 'to')];
  let out: Found = r;
  for (const f of frames) {
    if (!f || f === 'blocked' || f.start === undefined || f.end === undefined) continue;
    if (overlaps(f, out) || f.users.every((u) => out.users.includes(u)) || f.users.includes('me')) continue;
    const [a, b] = f.start < (out.start ?? 0) ? [f, out] : [out, f];
    const between = n.tokens.slice(a.end, b.start).map((t) => t.norm);
    if (!between.includes('and') && !between.includes('plus')) return 'blocked';
    out = { users: [...new Set([...a.users, ...b.users])], start: a.start, end: b.end };
  }
  return out;
}

const TOO = new Set(['too', 'also', 'aswell']);

/**
 * "… and my friend ruth on days too", "…, and her orientee D'Andre Williams too": a person added
 * at the end of the request with "too" / "as well".
 */
function withAdded(n: Normalized, r: Found): Found {
  if (r.end === undefined) return r;
  const users = [...r.users];
  for (let i = r.end; i < n.tokens.length; i++) {
    // "… and one for Siobhan", "… and also one for Aoife": another of the same for someone else.
    if (['and', ',', 'plus'].includes(n.tokens[i].norm)) {
      let k = i + 1;
      if (['also', 'then'].includes(n.tokens[k]?.norm ?? '')) k++;
      if (['another', 'one'].includes(n.tokens[k]?.norm ?? '') && n.tokens[k + 1]?.norm === 'one') k++;
      // "… and also for my colleague ahmed": the same preposition again.
      if (n.tokens[k]?.norm === 'for') {
        const r = readAfter(n, k + 1, false);
        if (r && r !== 'blocked' && !r.users.includes('me')) {
          users.push(...r.users.filter((u) => !users.includes(u)));
          continue;
        }
      }
      if (['one', 'another'].includes(n.tokens[k]?.norm ?? '') && n.tokens[k + 1]?.norm === 'for') {
        const run = peopleAfter(n, k + 2);
        if (run && run.start === k + 2 && !run.users.includes('me')) {
          users.push(...run.users.filter((u) => !users.includes(u)));
          continue;
        }
      }
    }
    // "I need Dragon and so does my buddy Keisha".
    if (
      (n.tokens[i].norm === 'so' || n.tokens[i].norm === 'as') &&
      ['does', 'do'].includes(n.tokens[i + 1]?.norm ?? '')
    ) {
      let k = i + 2;
      if (['my', 'our', 'her', 'his', 'their'].includes(n.tokens[k]?.norm ?? '')) k++;
      const w = n.tokens[k];
      if (w && w.kind === 'word' && !/^\p{Lu}/u.test(w.raw) && !peopleAfter(n, k)?.users.length) k++;
      const run = peopleAfter(n, k);
      if (run && run.start === k && !run.users.includes('me'))
        users.push(...run.users.filter((u) => !users.includes(u)));
      continue;
    }
    if (n.tokens[i].norm !== 'and') continue;
    // "Dana Reyes needs Dragon and I need it too", "… and me too": the speaker as well.
    if (
      /^and (?:i (?:\S+ ){1,3}(?:too|as well)|me too|so do i)\b/.test(
        fromTokens(n.source, n.tokens.slice(i, i + 6)).text,
      ) &&
      !users.includes('me')
    ) {
      users.push('me');
      continue;
    }
    let j = i + 1;
    if (['my', 'our', 'her', 'his', 'their'].includes(n.tokens[j]?.norm ?? '')) {
      j++;
      // "her orientee D'Andre": one word that says who the person is to the speaker.
      const w = n.tokens[j];
      if (w && w.kind === 'word' && !/^\p{Lu}/u.test(w.raw) && !peopleAfter(n, j + 1)?.users.includes('me')) j++;
    }
    const run = peopleAfter(n, j);
    if (!run || run.start !== j || run.users.includes('me')) continue;
    const tail = n.tokens.slice(run.end, run.end + 4).map((t) => t.norm);
    const asWell = tail.some((w, k) => TOO.has(w) || (w === 'as' && tail[k + 1] === 'well'));
    if (asWell) users.push(...run.users.filter((u) => !users.includes(u)));
  }
  return users.length === r.users.length ? r : { ...r, users };
}
