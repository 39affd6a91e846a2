/**
 * Which words of a message may supply a change, read from the shape of its clauses rather than
 * from phrases: a write verb that a negation governs ("I'm not trying to get anything removed"),
 * that reports what already happened ("her old profile was removed", "they took my Dragon away"),
 * or that stands in a reason or purpose clause ("because …", "so that she can …") asks for
 * nothing. The safety gate reads the message again without those words; a write that does not
 * survive is not asked. Pure: no I/O.
 */
import { fromTokens, type Normalized } from './normalize';

/** Verbs that carry a change, in every form a message uses. */
const ACTION = new Set([
  'give',
  'gives',
  'giving',
  'given',
  'gave',
  'remove',
  'removes',
  'removing',
  'removed',
  'revoke',
  'revokes',
  'revoking',
  'revoked',
  'take',
  'takes',
  'taking',
  'taken',
  'took',
  'assign',
  'assigning',
  'assigned',
  'reassign',
  'reassigned',
  'grant',
  'granting',
  'granted',
  'add',
  'adding',
  'added',
  'provision',
  'provisioning',
  'provisioned',
  'deprovision',
  'deprovisioned',
  'strip',
  'stripping',
  'stripped',
  'pull',
  'pulling',
  'pulled',
  'delete',
  'deleting',
  'deleted',
  'drop',
  'dropping',
  'dropped',
  'reclaim',
  'reclaiming',
  'reclaimed',
  'release',
  'releasing',
  'released',
  'unassign',
  'unassigned',
  'license',
  'licensing',
  'licensed',
  'offboard',
  'offboarded',
  'demote',
  'demoted',
  'promote',
  'promoted',
  'elevate',
  'elevated',
  'disable',
  'disabled',
  'deactivate',
  'deactivated',
  'link',
  'linked',
  'unlink',
  'unlinked',
  'send',
  'sending',
  'sent',
  'offer',
  'offered',
  'kill',
  'killed',
  'change',
  'changed',
  'end',
  'ended',
  'terminate',
  'terminated',
  'cancel',
  'cancelled',
  'canceled',
  'approve',
  'approved',
  'approving',
  'authorize',
  'authorized',
  'authorise',
  'authorised',
  'process',
  'processed',
  'action',
  'actioned',
]);

/**
 * Words that may stand between a negation and the verb it governs: auxiliaries, modals, verbs of
 * intending, saying and asking, the causative "get" / "have", the infinitive "to", and pronouns
 * ("I'm not asking you to …", "I never said to …", "not trying to get anything removed").
 */
const CHAIN = new Set([
  'be',
  'been',
  'being',
  'is',
  'am',
  'are',
  'was',
  'were',
  'do',
  'does',
  'did',
  'have',
  'has',
  'had',
  'having',
  'will',
  'would',
  'can',
  'could',
  'should',
  'must',
  'may',
  'might',
  'shall',
  'to',
  'for',
  'really',
  'actually',
  'even',
  'ever',
  'yet',
  'just',
  'necessarily',
  'going',
  'trying',
  'try',
  'tried',
  'asking',
  'ask',
  'asked',
  'wanting',
  'want',
  'wanted',
  'meaning',
  'mean',
  'meant',
  'planning',
  'plan',
  'planned',
  'looking',
  'hoping',
  'intending',
  'intend',
  'intended',
  'attempting',
  'requesting',
  'request',
  'requested',
  'wish',
  'expecting',
  'expect',
  'saying',
  'say',
  'said',
  'suggesting',
  'suggest',
  'suggested',
  'proposing',
  'think',
  'need',
  'needed',
  'get',
  'getting',
  'got',
  'let',
  'anything',
  'anyone',
  'anybody',
  'something',
  'someone',
  'it',
  'that',
  'this',
  'them',
  'her',
  'him',
  'you',
  'me',
  'us',
  'i',
  'we',
  'she',
  'he',
  'they',
  'any',
  'go',
  'ahead',
  'and',
  'in',
  'here',
  'there',
  'else',
  'wants',
]);

const CLAUSE_ENDS = new Set(['.', '?', ';', ',', '-', 'but']);

/** A negated auxiliary of the past or the perfect: what follows reports, it does not forbid. */
const PAST_AUX_NOT = new Set(['has not', 'have not', 'had not', 'did not', 'was not', 'were not']);

/** "was never removed", "had not been given": the auxiliary before the negation. */
const PAST_AUX = new Set(['was', 'were', 'has', 'have', 'had', 'did', 'is', 'are']);

function isParticiple(w: string): boolean {
  return /(?:ed|en)$/.test(w) || w === 'sent' || w === 'took' || w === 'gave';
}

const ASKING_FOR = new Set(['asking', 'ask', 'requesting', 'looking', 'pushing', 'angling']);

/** Words after which a person may stand before "to" and the verb ("mean for Sam's license to be …"). */
const INTENDING = new Set([
  'for',
  'want',
  'wants',
  'wanted',
  'asking',
  'asked',
  'ask',
  'expect',
  'expecting',
  'mean',
  'meant',
]);

/** The "to" (or a write verb: "wants X taken away") within a few words of `from`, in the same clause, or -1. */
function infinitiveAfter(n: Normalized, from: number): number {
  for (let k = from; k < n.tokens.length && k - from < 6; k++) {
    const w = n.tokens[k].norm;
    // "nobody wants Leilani's Dragon taken away" — not "we don't want an MPN linked", which
    // wishes the link gone.
    if (w === 'to' || TAKEN.has(w)) return k;
    if (['.', '?', ';', ',', '-', ':'].includes(w)) return -1;
  }
  return -1;
}

/** Verbs that refuse what follows them ("I refuse to give …", "she declined to remove …"). */
const REFUSING = new Set([
  'refuse',
  'refuses',
  'refused',
  'refusing',
  'decline',
  'declines',
  'declined',
  'declining',
  'unwilling',
  'reluctant',
  'hesitant',
  'loath',
]);
/** "no reason to …", "no need to …", "no point in …". */
const NO_CAUSE = new Set(['reason', 'need', 'point', 'call', 'cause', 'justification']);
/** Fronted negations that govern their whole clause: "under no circumstances should …". */
const FRONTED = new Set(['circumstances', 'circumstance', 'account', 'way', 'case', 'point', 'time']);

/** Participles of taking away: wanting them (or not) is about a removal. */
const TAKEN = new Set([
  'removed',
  'taken',
  'revoked',
  'pulled',
  'deleted',
  'stripped',
  'released',
  'reclaimed',
  'unassigned',
  'disabled',
  'deactivated',
  'dropped',
  'unlinked',
  'ended',
  'cancelled',
  'canceled',
]);

function negates(norm: string): boolean {
  return (
    norm === 'not' ||
    norm === 'never' ||
    norm === 'nobody' ||
    norm === 'noone' ||
    norm.endsWith(' not') ||
    REFUSING.has(norm)
  );
}

/**
 * The negation that governs a write verb, as a token index: "I'm not trying to get anything
 * removed", "I never said to give …", "I hope you're not going to remove …". "Sam should not have
 * Dragon" governs no write verb (it says what Sam should not have: a removal by polarity).
 */
export function negatedActionAt(n: Normalized): number | undefined {
  for (let i = 0; i < n.tokens.length; i++) {
    const at = negationAt(n, i);
    if (at !== undefined && at !== 'report') return at;
  }
  return undefined;
}

/**
 * What the negation at token `i` governs: a write verb (the index where the negation starts), a
 * report of what did not happen ('report': "it was never removed"), or nothing.
 */
export function negationAt(n: Normalized, i: number): number | 'report' | undefined {
  const t = n.tokens;
  const no = t[i].norm === 'no' ? (t[i + 1]?.norm ?? '') : '';
  if (FRONTED.has(no) && ['under', 'in', 'on', 'at', 'by'].includes(t[i - 1]?.norm ?? '')) {
    // The whole clause is negated, whatever its subject: "under no circumstances should X be removed".
    for (let j = i + 2; j < t.length && !CLAUSE_ENDS.has(t[j].norm); j++) if (ACTION.has(t[j].norm)) return i - 1;
    return undefined;
  }
  if (!negates(t[i].norm) && no !== 'one' && !NO_CAUSE.has(no)) return undefined;
  let j = no ? i + 2 : i + 1;
  let infinitive = false;
  for (let steps = 0; j < t.length && steps < 8; j++, steps++) {
    const w = t[j].norm;
    // "I'm not asking for Dragon admin for Keanu": a request the speaker says they do not make.
    if (ASKING_FOR.has(w) && t[j + 1]?.norm === 'for') return i;
    if (ACTION.has(w) || (w === 'set' && t[j + 1]?.norm === 'up')) {
      // "HR hasn't given me her name", "it wasn't removed": a report of what did not happen
      // forbids nothing (the reading of reports sets it aside).
      // "it shouldn't have been removed": what should not have happened, and did.
      const counterfactual = t[i].norm.endsWith(' not') && t[i + 1]?.norm === 'have';
      const pastAux = PAST_AUX_NOT.has(t[i].norm) || PAST_AUX.has(t[i - 1]?.norm ?? '') || counterfactual;
      if (!infinitive && pastAux && isParticiple(w)) return 'report';
      return i;
    }
    if (!CHAIN.has(w)) {
      // "I didn't mean for Sam's license to be revoked": a person between the wish and its verb.
      const to = INTENDING.has(t[j - 1]?.norm ?? '') ? infinitiveAfter(n, j) : -1;
      if (to < 0) return undefined;
      j = to - 1;
      continue;
    }
    if (w === 'to') infinitive = true;
  }
  return undefined;
}

/** Auxiliaries that make a past participle a report of what happened ("was removed", "got revoked"). */
const REPORT_AUX = new Set(['was', 'were', 'been', 'got', 'gotten', 'had', 'already', 'accidentally', 'mistakenly']);
/** Past forms that are never an order ("took", "gave"): a report wherever they stand. */
const PAST_ONLY = new Set(['took', 'gave']);
/** Subjects before a bare past form that make it a report ("you removed", "IT revoked"). */
const REPORT_SUBJECTS = new Set(['i', 'you', 'we', 'they', 'he', 'she', 'someone', 'somebody', 'who', 'which']);

const VERB_GROUP = new Set(['have', 'has', 'had', 'should', 'could', 'would', 'must', 'might', 'not', 'never']);
const MODALS = new Set(['should', 'could', 'would', 'must', 'ought', 'might']);

/** Token ranges [start, end) that report a change that already happened. */
export function reportedChanges(n: Normalized): [number, number][] {
  const out: [number, number][] = [];
  const t = n.tokens;
  for (let i = 0; i < t.length; i++) {
    const w = t[i].norm;
    if (!ACTION.has(w)) continue;
    const past = PAST_ONLY.has(w);
    if (!isParticiple(w)) continue;
    let k = i - 1;
    // "was (accidentally) removed", "has been (mistakenly) revoked".
    while (k >= 0 && /ly$/.test(t[k].norm)) k--;
    const before = t[k]?.norm ?? '';
    // "should have been removed by now" still wants it done.
    const wanted = before === 'been' && t[k - 1]?.norm === 'have' && MODALS.has(t[k - 2]?.norm ?? '');
    const reported = past || ((REPORT_AUX.has(before) || REPORT_SUBJECTS.has(before)) && !wanted);
    if (!reported) continue;
    // "should not have been removed": the whole verb group reports.
    if (before === 'been') while (k > 0 && (VERB_GROUP.has(t[k - 1].norm) || t[k - 1].norm.endsWith(' not'))) k--;
    let end = i + 1;
    // The particle and the rest of the phrase go with it ("took my Dragon away", "was removed during …").
    while (end < t.length && !['.', '?', ';', ',', '-', 'but', 'and', 'so'].includes(t[end].norm)) end++;
    out.push([Math.max(0, k), end]);
  }
  return out;
}

/** Verbs whose second object is the thing handed over ("give me a rundown", "send her the link"). */
const HANDING = new Set(['give', 'get', 'send', 'show', 'offer', 'provide', 'grab', 'find']);
const GETTING = new Set(['getting', 'got', 'gets', 'receiving', 'received', 'seeing']);
/** Things a Dragon request hands over. */
const LICENSE_THINGS = new Set([
  'dragon',
  'copilot',
  'license',
  'licenses',
  'licence',
  'seat',
  'seats',
  'access',
  'one',
  'ones',
  'it',
  'nursing',
  'physician',
  'admin',
  'admins',
  'role',
  'rights',
  'permission',
  'permissions',
  'account',
  'spot',
  'slot',
  'set',
  'up',
  'sorted',
  'going',
  'started',
  'on',
  'onto',
  'into',
  'in',
  'to',
  'for',
  'too',
  'as',
  'back',
]);
/** Words of a noun phrase before its head ("a quick rundown", "the full list"). */
const NP_LEAD = new Set([
  'a',
  'an',
  'the',
  'some',
  'any',
  'quick',
  'short',
  'brief',
  'little',
  'full',
  'rough',
  'good',
  'proper',
  'general',
  'basic',
  'high-level',
  'more',
  'few',
  'simple',
  'clear',
  'better',
]);
/** Words that name which Dragon ("the doctor version", "the nurse one"). */
const KIND_MODIFIERS = new Set(['doctor', 'nurse', 'physician', 'nursing', 'rn', 'md', 'new', 'dragon']);
const VARIANTS = new Set(['version', 'edition', 'type', 'kind', 'flavour', 'flavor', 'variant', 'sku', 'tier']);
const OBJECT_PEOPLE = new Set(['me', 'us', 'him', 'her', 'them', 'you', 'everyone', 'myself']);

/**
 * Token ranges where a handing verb hands over something that is not Dragon: "could you give me a
 * rundown of what you do", "send me the link to the guide". Read to the end of the clause.
 */
export function otherThingsHanded(n: Normalized): [number, number][] {
  const out: [number, number][] = [];
  const t = n.tokens;
  for (let i = 0; i < t.length; i++) {
    if (!HANDING.has(t[i].norm) && !GETTING.has(t[i].norm)) continue;
    let j = i + 1;
    // "give me a rundown"; "been getting a 'no entitlement' message" (what is got, no one named).
    if (OBJECT_PEOPLE.has(t[j]?.norm ?? '')) j++;
    else if (!GETTING.has(t[i].norm)) continue;
    if (!NP_LEAD.has(t[j]?.norm ?? '')) continue;
    while (NP_LEAD.has(t[j]?.norm ?? '') || KIND_MODIFIERS.has(t[j]?.norm ?? '')) j++;
    const head = t[j];
    if (!head || head.kind !== 'word' || LICENSE_THINGS.has(head.norm) || VARIANTS.has(head.norm)) continue;
    let end = j + 1;
    while (end < t.length && !['.', '?', ';', ',', '-', 'and', 'but'].includes(t[end].norm)) end++;
    out.push([i, end]);
  }
  return out;
}

/** Feelings about a change: what follows them is feared or regretted, not asked. */
const FEELING = new Set([
  'worried',
  'worry',
  'worries',
  'afraid',
  'concerned',
  'fear',
  'fears',
  'feared',
  'scared',
  'anxious',
  'nervous',
  'hate',
  'hates',
  'upset',
  'unhappy',
  'annoyed',
  'frustrated',
  'surprised',
  'shocked',
  'confused',
]);
/** Verbs whose clause reports or asks a question ("asked whether …", "want to know why …"). */
const ASKING_ABOUT = new Set([
  'check',
  'checking',
  'confirm',
  'verify',
  'see',
  'out',
  'into',
  'asked',
  'asking',
  'asks',
  'wondered',
  'wondering',
  'wonder',
  'know',
  'knows',
  'knew',
  'understand',
  'explain',
  'curious',
  'unclear',
]);
/** Verbs of telling someone later ("email me when …", "ping us once …"). */
const NOTIFYING = new Set([
  'email',
  'tell',
  'notify',
  'ping',
  'message',
  'text',
  'update',
  'remind',
  'alert',
  'inform',
]);
const WHEN_LINKS = new Set(['when', 'once', 'after', 'if', 'as soon as', 'whenever']);
const FEELING_LINKS = new Set(['that', 'about', 'for', 'if', 'whether', 'why', 'to', 'how', 'when', 'because']);
const QUESTION_LINKS = new Set(['whether', 'if', 'why', 'how', 'when', 'who']);

/**
 * Token ranges of clauses that a feeling or a question governs: "Lee is worried that her license
 * will be removed", "I'd hate for Lee to lose her license", "Sam asked whether he could get
 * Dragon admin", "stop asking me whether to remove …". Not "I was wondering if you could …",
 * which asks politely.
 */
export function governedClauses(n: Normalized): [number, number][] {
  const out: [number, number][] = [];
  const t = n.tokens;
  for (let i = 0; i < t.length; i++) {
    const w = t[i].norm;
    let link = i + 1;
    if (FEELING.has(w)) {
      if (!FEELING_LINKS.has(t[link]?.norm ?? '')) continue;
    } else if (NOTIFYING.has(w) || (w === 'know' && t[i - 2]?.norm === 'let')) {
      // "email me when Dana's license is ready", "let me know once …": a notification, asked for later.
      if (w !== 'know') {
        if (!OBJECT_PEOPLE.has(t[link]?.norm ?? '')) continue;
        link++;
      }
      if (!WHEN_LINKS.has(t[link]?.norm ?? '')) continue;
    } else if (ASKING_ABOUT.has(w)) {
      // "find out for me if …", "check with me whether …".
      if (['for', 'with'].includes(t[link]?.norm ?? '') && OBJECT_PEOPLE.has(t[link + 1]?.norm ?? '')) link++;
      if (OBJECT_PEOPLE.has(t[link]?.norm ?? '')) link++;
      if (!QUESTION_LINKS.has(t[link]?.norm ?? '')) continue;
      const polite = ['you', 'u'].includes(t[link + 1]?.norm ?? '') && MODAL_ASKS.has(t[link + 2]?.norm ?? '');
      if (polite) continue;
    } else continue;
    let end = link + 1;
    while (end < t.length && !CLAUSE_ENDS.has(t[end].norm)) end++;
    // "would like to know why …": the wish to know goes with what it wants to know.
    let start = i;
    if (t[i - 1]?.norm === 'to') {
      start = i - 1;
      while (start > 0 && WISHING.has(t[start - 1].norm)) start--;
    }
    out.push([start, end]);
  }
  return out;
}

const WISHING = new Set([
  'like',
  'love',
  'want',
  'wants',
  'wanted',
  'need',
  'needs',
  'would',
  'just',
  'really',
  'also',
]);
const MODAL_ASKS = new Set(['could', 'can', 'would', 'will', 'might']);

/**
 * The message without the words that report a change or sit in a clause a feeling or a question
 * governs: what is left may name a change ("she was removed from the pilot by mistake" names none).
 */
export function withoutReports(n: Normalized): Normalized {
  const spans = [...reportedChanges(n), ...governedClauses(n)];
  if (!spans.length) return n;
  const gone = new Set<number>();
  for (const [a, b] of spans) for (let i = a; i < b; i++) gone.add(i);
  return fromTokens(
    n.source,
    n.tokens.filter((_, i) => !gone.has(i)),
    n.polite,
  );
}

/**
 * Token ranges of an intention that was not carried out: "I was going to ask you to make Ravi a
 * Dragon admin, but …", "we had planned to remove …". Read to the end of the sentence.
 */
export function pastIntentions(n: Normalized): [number, number][] {
  const out: [number, number][] = [];
  const t = n.tokens;
  for (let i = 0; i + 2 < t.length; i++) {
    const a = t[i].norm;
    const b = t[i + 1].norm;
    const progressive = (a === 'was' || a === 'were') && ['going', 'about', 'planning', 'meaning'].includes(b);
    const perfect = a === 'had' && ['planned', 'intended', 'meant', 'wanted', 'hoped'].includes(b);
    if (!(progressive || perfect) || t[i + 2].norm !== 'to') continue;
    let end = i + 3;
    while (end < t.length && !['.', '?', ';'].includes(t[end].norm)) end++;
    out.push([i, end]);
  }
  return out;
}
