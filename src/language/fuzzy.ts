/**
 * Typo tolerance for the few words that decide an intent or a license ("dargon", "nursng",
 * "licnese", "phyisician", "adminstrator"). Only these keywords are corrected: names are never
 * fuzzed, because turning "Dragan" into "dragon" would change who a request is about.
 * Pure: no I/O.
 */

import {
  CALENDAR_WORDS,
  COMMON_NOUNS,
  CREDENTIALS,
  DESCRIPTORS,
  DOMAIN_WORDS,
  HONORIFICS,
  EVERYDAY_WORDS,
  FUNCTION_WORDS,
  REASON_WORDS,
  VERBS,
} from './lexicon';

/**
 * Optimal string alignment distance (Levenshtein plus adjacent transpositions), so "dargon" is one
 * edit from "dragon" rather than two.
 */
/** Three rows reused across calls: the parser runs on every message and must not make garbage. */
let rows: [Int32Array, Int32Array, Int32Array] = [new Int32Array(32), new Int32Array(32), new Int32Array(32)];

export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const m = a.length;
  const n = b.length;
  if (m === 0) return n;
  if (n === 0) return m;
  if (rows[0].length < n + 1) rows = [new Int32Array(n + 1), new Int32Array(n + 1), new Int32Array(n + 1)];
  let [prevPrev, prev, cur] = rows;
  for (let j = 0; j <= n; j++) {
    prevPrev[j] = 0;
    prev[j] = j;
  }
  for (let i = 1; i <= m; i++) {
    cur[0] = i;
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prevPrev[j - 2] + 1);
      cur[j] = d;
    }
    [prevPrev, prev, cur] = [prev, cur, prevPrev];
  }
  return prev[n];
}

/** The words worth correcting: they decide intent, license kind or role. */
export const KEYWORDS: readonly string[] = [
  'dragon',
  'nursing',
  'nurse',
  'nurses',
  'license',
  'licenses',
  'licensed',
  'licensing',
  'physician',
  'physicians',
  'administrator',
  'administrators',
  'subscription',
  'subscriptions',
  'partner',
  'partners',
  'delegated',
  'relationship',
  'relationships',
  // Verbs and nouns that decide between a change and a question, or name a command.
  'remove',
  'revoke',
  'cancel',
  'status',
  'request',
  'requests',
  'record',
  'seats',
  'pending',
  'approvals',
  'available',
  'remaining',
  // The verbs that decide what is asked, and the words around them (a typo in any of them must
  // not turn a question into a change, nor one change into another).
  'give',
  'show',
  'help',
  'left',
  'link',
  'make',
  'send',
  'need',
  'needs',
  'assign',
  'update',
  'check',
  'offer',
  'admin',
  'roles',
  'holders',
  'retired',
  'started',
  'setup',
  'until',
  'unlink',
  'grant',
  'please',
  'change',
  'delete',
  'start',
  'resigned',
];

/** Real words that sit one edit away from a keyword and must stay as written. */
const LOOKALIKES = new Set([
  'nursery',
  'licensee',
  'licensees',
  'licensor',
  'purse',
  'partnered',
  'partnering',
  'relations',
  'delegate',
  'delegates',
  'drago',
  'remote',
  'removed',
  'revoked',
  'cancer',
  'cancels',
  'canceled',
  'cancelled',
  'statue',
  'stats',
  'state',
  'states',
  'recorded',
  'records',
  'sets',
  'seals',
  'sears',
  'seat',
  'spending',
  'penning',
  'approval',
  'approve',
  'approved',
  'requested',
  'requester',
  'physicist',
  'licenced',
  'nursery',
  'partnership',
  'partnerships',
  'reward',
  'reports',
  'pendant',
  'cheek',
  'chuck',
  'admit',
  'admits',
  'rules',
  'rolls',
  'holes',
  'nerds',
  'needy',
  'offers',
  'hold',
  'lift',
  'loft',
  'lint',
  'mike',
  'male',
  'mate',
  'shoe',
  'shot',
  'hemp',
  'give',
  'gave',
  'lest',
  'sent',
  'seed',
  'grunt',
  'grants',
  'updates',
  'unite',
  'untie',
  'retied',
  'retire',
  'holder',
  'physical',
  'physically',
  'removal',
  'removals',
  'revocation',
  'cancellation',
  'assignment',
  'assignments',
  'requester',
  'renewal',
  'physics',
]);

const KEYWORD_SET = new Set(KEYWORDS);

/** Words the grammar already knows are never "corrected" into another ("updated", "checks", "rules"). */
const KNOWN_WORDS = new Set<string>([
  ...FUNCTION_WORDS,
  ...VERBS,
  ...DOMAIN_WORDS,
  ...EVERYDAY_WORDS,
  ...COMMON_NOUNS,
  ...CALENDAR_WORDS,
  ...REASON_WORDS,
  ...DESCRIPTORS,
  ...HONORIFICS,
  ...CREDENTIALS,
  'starters',
  'joiners',
]);

/** Misspellings too far from the word for the edit-distance rule, but common enough to know. */
const KNOWN_MISSPELLINGS: Readonly<Record<string, string>> = {
  lisence: 'license',
  lisences: 'licenses',
  lisense: 'license',
  lisenses: 'licenses',
  liscence: 'license',
  licsense: 'license',
  lincense: 'license',
  licens: 'license',
  nuring: 'nursing',
  nusring: 'nursing',
  phisician: 'physician',
  physcian: 'physician',
  physicain: 'physician',
  fisician: 'physician',
  adminstrator: 'administrator',
  aprovals: 'approvals',
  aproval: 'approvals',
  approvels: 'approvals',
  staus: 'status',
  stauts: 'status',
  adminsitrator: 'administrator',
  admininstrator: 'administrator',
  ofer: 'offer',
  chek: 'check',
  chk: 'check',
  lnk: 'link',
  hav: 'have',
  sory: 'sorry',
  plese: 'please',
  pleae: 'please',
  wat: 'what',
  cn: 'can',
  amdin: 'admin',
  admn: 'admin',
  setpu: 'setup',
  roels: 'roles',
  recrod: 'record',
  holdres: 'holders',
  nedes: 'needs',
  startd: 'started',
  workin: 'working',
  remvoe: 'remove',
  remoev: 'remove',
  revmove: 'remove',
  frm: 'from',
  dyas: 'days',
  dys: 'days',
  hrs: 'hours',
  lft: 'left',
  semd: 'send',
  offr: 'offer',
  monhts: 'months',
  mnths: 'months',
  whther: 'whether',
  wether: 'whether',
  comands: 'commands',
  commnds: 'commands',
  culd: 'could',
  coud: 'could',
  shud: 'should',
  wud: 'would',
  whethr: 'whether',
  stil: 'still',
  wut: 'what',
  wot: 'what',
  hw: 'how',
  mnay: 'many',
  remian: 'remain',
  craete: 'create',
  invitaton: 'invitation',
  tkae: 'take',
  transfered: 'transferred',
  giv: 'give',
};

/**
 * Short words collide with ordinary ones ("nurse" vs "norse"); allow fewer edits. Two edits from
 * seven letters up ("phsyican", "remvoe" is one with a transposition), where few real words sit
 * that close to a keyword with the same first letter.
 */
function maxEdits(length: number): number {
  if (length < 4) return 0;
  if (length === 4) return 1;
  return length >= 7 ? 2 : 1;
}

/** Four letters: only a swap of two neighbours ("shwo", "hlep", "lfet") is close enough. */
function isTransposition(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  const diff: number[] = [];
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) diff.push(i);
  return diff.length === 2 && diff[1] === diff[0] + 1 && a[diff[0]] === b[diff[1]] && a[diff[1]] === b[diff[0]];
}

/**
 * The keyword `word` is a misspelling of, or undefined. Lower-case input expected. A correction
 * must keep the first letter (people rarely mistype it, and it keeps names such as "Aragon" apart)
 * and be unambiguous: two keywords at the same distance means no correction.
 */
export function correctKeyword(word: string): string | undefined {
  if (word in KNOWN_MISSPELLINGS) return KNOWN_MISSPELLINGS[word];
  if (KEYWORD_SET.has(word) || LOOKALIKES.has(word) || KNOWN_WORDS.has(word)) return undefined;
  // "checked", "links", "updating": a keyword with an ending is that word, not a typo.
  const stem = /^(.{4,}?)(?:s|es|ed|d|ing)$/.exec(word)?.[1];
  if (
    stem &&
    (KEYWORD_SET.has(stem) || KEYWORD_SET.has(`${stem}e`) || KNOWN_WORDS.has(stem) || KNOWN_WORDS.has(`${stem}e`))
  )
    return undefined;
  // "reassigned", "unassigned", "deactivated": a known word with a prefix is a word, not a typo.
  if (/^(?:re|un|de|dis|pre)/.test(word) && KNOWN_WORDS.has(word.replace(/^(?:re|un|de|dis|pre)/, '')))
    return undefined;
  const limit = maxEdits(word.length);
  if (limit === 0) return undefined;
  let best: string | undefined;
  let bestDistance = Infinity;
  let tie = false;
  for (const keyword of KEYWORDS) {
    if (keyword[0] !== word[0]) continue;
    if (word.length === 4 || keyword.length === 4) {
      if (isTransposition(word, keyword)) return keyword;
      continue;
    }
    if (Math.abs(keyword.length - word.length) > limit) continue;
    // A word of the same length as the keyword wins a tie ("nures" is "nurse", not "nurses").
    const d = editDistance(word, keyword) + (keyword.length === word.length ? 0 : 0.5);
    if (d > limit + 0.5) continue;
    if (d < bestDistance) {
      best = keyword;
      bestDistance = d;
      tie = false;
    } else if (d === bestDistance && keyword !== best) {
      tie = true;
    }
  }
  return tie ? undefined : best;
}
