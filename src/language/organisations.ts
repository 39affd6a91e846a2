/**
 * Organisation names (partners, customers) as people write them in a sentence: capitalised words
 * ("Tailspin Toys", "Margie's Travel", "VanArsdel Ltd."), found where a sentence puts a name — after
 * a verb or a preposition, in apposition ("our former MSP, Tailspin Toys"), as the subject of a
 * clause ("Fabrikam shouldn't have admin roles"), or introduced ("Our new Azure partner is
 * Proseware"). A role name ("Global Admin", "Helpdesk") or a product is never an organisation.
 * Pure: no I/O.
 */
import { ENTRA_ROLE_PHRASES, EVERYDAY_WORDS, FUNCTION_WORDS, ORG_STOP, VERBS } from './lexicon';
import { rawOf, type Normalized, type Token } from './normalize';

export interface OrgFound {
  value: string;
  start: number;
  end: number;
}

/** Words that are part of role names ("User admin", "Helpdesk Administrator"): never an organisation. */
const ROLE_NAME_WORDS = new Set(
  ENTRA_ROLE_PHRASES.map(([phrase]) => phrase.split(' ')[0]).filter((w) => !['admin', 'reader', 'role'].includes(w)),
);
ROLE_NAME_WORDS.add('helpdesk');
ROLE_NAME_WORDS.add('global');

/** The role names, word by word, that ROLE_NAME_WORDS takes its first words from. */
const ROLE_PHRASES = ENTRA_ROLE_PHRASES.map(([phrase]) => phrase.split(' ')).filter(
  ([first]) => !['admin', 'reader', 'role'].includes(first),
);

/**
 * Whether a role's name starts at token `j`: "Cloud Application Administrator" yes, the "Cloud"
 * of "Contoso Cloud Services" no. "Global" and "Helpdesk" count alone.
 */
function roleNameAt(n: Normalized, j: number): boolean {
  const t = n.tokens[j];
  if (!t || !ROLE_NAME_WORDS.has(t.norm)) return false;
  if (t.norm === 'global' || t.norm === 'helpdesk') return true;
  return ROLE_PHRASES.some((words) => words.every((w, k) => n.tokens[j + k]?.norm === w));
}

const NOT_ORG = new Set([
  'csp',
  'msp',
  'gdap',
  'dap',
  'mpn',
  'pal',
  'dpor',
  'ga',
  'it',
  'hr',
  'cfo',
  'cmio',
  'ehr',
  'microsoft',
  'azure',
  'partner',
  'i',
  'hey',
  'hi',
  'hello',
  'thanks',
  'quick',
]);

function capitalised(t: Token | undefined): boolean {
  return !!t && t.kind === 'word' && /^\p{Lu}/u.test(t.raw) && !t.norm.includes(' ');
}

function orgWord(n: Normalized, j: number, inside = false): boolean {
  const t = n.tokens[j];
  if (!capitalised(t) || !t) return false;
  // "Adventure Works", "Contoso Partners", "Contoso Cloud Services": a capitalised common word after
  // the first is part of the name, unless a role's name starts there ("Fabrikam Security Reader").
  if (inside && !t.first && !FUNCTION_WORDS.has(t.norm) && !roleNameAt(n, j)) return true;
  if (NOT_ORG.has(t.norm) || ROLE_NAME_WORDS.has(t.norm)) return false;
  // "Tailspin", "Fourth Coffee", "Wide World Importers": capitalised words that are not grammar.
  return !FUNCTION_WORDS.has(t.norm) && !(VERBS.has(t.norm) && t.first) && !ORG_STOP.has(t.norm);
}

/** Joiners inside a name: "Margie's Travel", "R&D", "Fabrikam-Contoso". */
function joiner(n: Normalized, k: number): boolean {
  const t = n.tokens[k];
  return (t?.norm === "'s" || t?.norm === '&') && orgWord(n, k + 1) && k > 0;
}

/** A capitalised organisation name starting at token `from`. */
/** Grammar words that stand between names rather than inside one ("Contoso and Fabrikam"). */
const BETWEEN_NAMES = new Set([
  'the',
  'a',
  'an',
  'to',
  'for',
  'from',
  'with',
  'at',
  'in',
  'on',
  'of',
  'and',
  'or',
  'by',
]);

/** "First Up Consultants": a capitalised grammar word inside a name, before more of it. */
function grammarInsideName(n: Normalized, j: number): boolean {
  const t = n.tokens[j];
  return (
    capitalised(t) && !t.first && FUNCTION_WORDS.has(t.norm) && !BETWEEN_NAMES.has(t.norm) && orgWord(n, j + 1, true)
  );
}

export function capitalOrgAt(n: Normalized, from: number): OrgFound | undefined {
  if (!orgWord(n, from)) return undefined;
  let j = from;
  while (
    j < n.tokens.length &&
    j - from < 6 &&
    (orgWord(n, j, j > from) || (j > from && (joiner(n, j) || grammarInsideName(n, j))))
  )
    j++;
  // A name made of everyday words alone ("Finance", "Production") is not an organisation here.
  const words = n.tokens.slice(from, j).filter((t) => t.kind === 'word');
  if (!words.some((t) => !EVERYDAY_WORDS.has(t.norm))) return undefined;
  return { value: rawOf(n, from, j), start: from, end: j };
}

/** "from Fabrikam", "to Alpine Ski House", "for the Contoso Health renewal": after one of `preps`. */
export function orgAfterWord(n: Normalized, words: readonly string[]): OrgFound | undefined {
  for (let i = 0; i < n.tokens.length; i++) {
    if (!words.includes(n.tokens[i].norm)) continue;
    // "Femi from Procurement", "Priya at Relecloud": who is writing, not the organisation meant.
    if (['from', 'at'].includes(n.tokens[i].norm) && speakerIntro(n, i)) continue;
    let j = i + 1;
    if (['the', 'our'].includes(n.tokens[j]?.norm ?? '')) j++;
    const org = capitalOrgAt(n, j);
    // "— Bram from Tailspin here": a person introducing themselves, not an organisation.
    if (org && ['from', 'at', 'here'].includes(n.tokens[org.end]?.norm ?? '')) continue;
    if (org) return org;
  }
  return undefined;
}

/** "Hello, Bianca from Finance Systems", "Priya at Relecloud again": a person introducing themselves. */
function speakerIntro(n: Normalized, at: number): boolean {
  const prev = n.tokens[at - 1];
  if (!capitalised(prev) || !prev) return false;
  const before = n.tokens[at - 2];
  return !before || ['.', ',', '-', ':', 'i am', 'this is', 'it is'].includes(before.norm) || before.first === true;
}

/** Nouns that name a partner's role, before its name in apposition. */
const PARTNER_NOUNS = new Set([
  'partner',
  'msp',
  'csp',
  'reseller',
  'provider',
  'one',
  'vendor',
  'supplier',
  'customer',
]);

/** The first name after a partner noun and `marker` ("partner ," / "partner is"). */
function orgAfterPartnerNoun(n: Normalized, marker: string): OrgFound | undefined {
  for (let i = 1; i < n.tokens.length; i++) {
    if (n.tokens[i].norm !== marker || !PARTNER_NOUNS.has(n.tokens[i - 1].norm)) continue;
    const org = capitalOrgAt(n, i + 1);
    if (org) return org;
  }
  return undefined;
}

/** "our former MSP, Tailspin Toys", "our previous support partner, Lucerne Publishing". */
export function appositionOrg(n: Normalized): OrgFound | undefined {
  return orgAfterPartnerNoun(n, ',');
}

/** "Our new Azure partner is Proseware", "the customer is VanArsdel Ltd.". */
export function introducedOrg(n: Normalized): OrgFound | undefined {
  return orgAfterPartnerNoun(n, 'is');
}

/** Verbs after which a clause's subject is the organisation talked about ("Fabrikam shouldn't have …"). */
const SUBJECT_VERBS = new Set([
  'emailed',
  'wrote',
  'wants',
  'called',
  'renews',
  'needs',
  'wants',
  'kept',
  'keeps',
  'got',
  'just',
  'acquired',
  'merged',
  'is',
  'was',
  'has',
  'had',
  'still',
  'should',
  'should not',
  'does not',
  'do not',
  'sent',
  'can',
  'could',
  'will',
  'shows',
  'signed',
  'holds',
  'no',
  'asked',
  // "City Power & Light managed our Office 365 tenant as an MSP until September".
  'managed',
  'handled',
  'ran',
  'administered',
]);

/** "Tailspin still has Global Admin", "Fabrikam sent us a GDAP offer": the subject of a clause. */
export function subjectOrg(n: Normalized): OrgFound | undefined {
  for (let i = 0; i < n.tokens.length; i++) {
    const prev = n.tokens[i - 1]?.norm;
    if (i > 0 && !['.', '?', ';', ',', '-', ':', 'and', 'but', 'so'].includes(prev ?? '')) continue;
    const org = capitalOrgAt(n, i);
    if (!org) continue;
    const next = n.tokens[org.end];
    if (next && SUBJECT_VERBS.has(next.norm)) return org;
  }
  return undefined;
}

/**
 * "Lakeshore Technology Partners set up our tenant … Lakeshore still has …": a short form of a
 * name written in full elsewhere in the message stands for the full name.
 */
export function fullName(n: Normalized, value: string): string {
  for (let i = 0; i < n.tokens.length; i++) {
    const org = capitalOrgAt(n, i);
    if (org && org.value.startsWith(`${value} `)) return org.value;
  }
  return value;
}

/** The organisation a pronoun ("them") points back to: the last one named in an earlier sentence. */
export function earlierOrg(n: Normalized, before: number): OrgFound | undefined {
  let found: OrgFound | undefined;
  for (let i = 0; i < before; i++) {
    const org = capitalOrgAt(n, i);
    if (org && org.end <= before) {
      found = org;
      i = org.end - 1;
    }
  }
  return found;
}

/** Verbs and adverbs after which a name holds something: "… that Contoso Partners still has". */
const HOLDING = new Set(['has', 'have', 'holds', 'holding', 'still', 'currently', 'keeps', 'retains']);

/**
 * An organisation anywhere in the sentence as the one that holds something: "which admin roles
 * are Relecloud currently holding", "list everything Northwind Traders has access to".
 */
export function holderOrg(n: Normalized): OrgFound | undefined {
  for (let i = 1; i < n.tokens.length; i++) {
    if (capitalised(n.tokens[i - 1]) && !n.tokens[i - 1].first) continue;
    const org = capitalOrgAt(n, i);
    if (org && HOLDING.has(n.tokens[org.end]?.norm ?? '')) return org;
  }
  return undefined;
}
