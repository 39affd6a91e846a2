/**
 * The rules: which intent an utterance expresses. One small function per intent family, tried in
 * a fixed order (the first that answers wins), so the same words always give the same answer.
 *
 * Two principles shape the order and the rules:
 *  - Never guess. An entity the sentence does not state is left out, and the bot asks.
 *  - Things that are not ours stay `unknown`: other products ("a Copilot license") and other roles
 *    ("make me global admin") are refused before any Dragon rule can claim them.
 * Pure: no I/O.
 */
import type { LicenseKind } from '../domain/catalog';
import {
  durationFrom,
  forReasonFrom,
  licenseFromWords,
  offerRolesFrom,
  orgAfter,
  orgBefore,
  partnerIdFrom,
  requestIdFrom,
  rolesInWords,
  selfDescribedLicense,
  statedReasonFrom,
  subscriptionFrom,
} from './entities';
import { OTHER_PRODUCT_PHRASES, OTHER_PRODUCTS } from './lexicon';
import {
  appositionOrg,
  capitalOrgAt,
  earlierOrg,
  fullName,
  holderOrg,
  introducedOrg,
  orgAfterWord,
  subjectOrg,
} from './organisations';
import { subscriptionAfterPreposition } from './subscriptions';
import { changeAsked, isEligibilityQuestion } from './reading';
import { fromTokens, normalize, without, type Normalized } from './normalize';
import { peopleAfter } from './entities';
import type { Reading } from './reading';
import { kindOfTargets, speakerKind } from './professions';
import { otherThingsHanded, withoutReports } from './support';
import { findUsers } from './targets';
import type { Entities, Intent } from './types';
import { mentionsUntil, untilFrom } from './until';

export type Draft = { intent: Intent } & Entities;

/** What the rules may know besides the words: how the message is said, and when. */
export interface ClassifyContext {
  reading?: Reading;
  now: Date;
  /**
   * False when the message forbids, questions or wonders about a change: the rules then only
   * answer questions ("I don't want to remove anyone's license, just see who has one").
   */
  writes: boolean;
  /**
   * The whole message, when the rules read only part of it (a "keep …" clause set aside): what it
   * is about (Dragon, licenses, the role) is read from the whole.
   */
  whole?: Normalized;
}

const OTHER_PRODUCT_PHRASES_RE = new RegExp(`\\b(?:${OTHER_PRODUCT_PHRASES.join('|')})\\b`);

/** The Dragon Administrator role, however written ("Dragon admin", "admin rights in Dragon"). */
const ROLE_MENTION_RE =
  /\bdragon (?:admin|admins)\b|\b(?:admin|admins)\b(?: \S+){0,3} (?:to|in|for|on|of|over|at) (?:the )?dragon\b|\badminister (?:the )?dragon\b/;

/** A kind named as the thing given or taken: "give Dana nursing", "assign physician to Ivy", "add Tariq to nursing". */
const KIND_AS_LICENSE_RE =
  /\b(?:give|giving|assign|assigning|add|adding|remove|removing|revoke|revoking|grant|granting|get|put|switch|change|move|take|taking)\b(?: \S+){0,4} (?:nursing|physician)(?= *$| [.,?;:-]| (?:to|for|from|off|and|too|now|instead|asap|access|license|licenses|seat|seats|dragon|one)\b)/;

/** What every rule may ask about the utterance, computed once. */
export class Utterance {
  readonly text: string;
  readonly dragon: boolean;
  readonly licenseNoun: boolean;
  readonly dragonAdmin: boolean;
  readonly partnerCue: boolean;
  readonly otherProduct: boolean;

  constructor(
    readonly n: Normalized,
    readonly ctx: ClassifyContext = { now: new Date(), writes: true },
  ) {
    this.text = n.text;
    const topic = ctx.whole?.text ?? this.text;
    this.dragon = /\bdragon\b/.test(topic);
    // The kinds name Dragon's licenses here: "does Pat have nursing or physician?".
    this.licenseNoun =
      /\b(?:license|licenses|licensed|licensing|seat|seats)\b|\bholders\b|\b(?:nursing|physician) or (?:nursing|physician)\b/.test(
        topic,
      ) || KIND_AS_LICENSE_RE.test(topic);
    this.dragonAdmin = ROLE_MENTION_RE.test(topic);
    this.partnerCue =
      /\b(?:partner|partners|mpn|dpor|gdap|dap|delegated|pla|reseller|csp|msp)\b|\b(?:gets?|getting) (?:the )?(?:partner )?credit\b|\bcustomer approval link\b/.test(
        this.text,
      ) ||
      // Part of a message about the partner link ("remove the partner link. no, … show me which ID is linked").
      (!!ctx.whole && ctx.whole !== n && /\bpartner links?\b/.test(ctx.whole.text)) ||
      LINK_ID_RE.test(topic) ||
      n.tokens.some((t) => t.raw === 'PAL') ||
      /\b(?:our|the|current|a|add|delete|remove|show|update|change|replace|set up|check|link|unlink|existing) pal\b/.test(
        this.text,
      );
    // "Exchange Administrator" names a role, not the product Exchange.
    this.otherProduct =
      n.tokens.some(
        (t, i) => OTHER_PRODUCTS.has(t.norm) && !['admin', 'admins'].includes(n.tokens[i + 1]?.norm ?? ''),
      ) || OTHER_PRODUCT_PHRASES_RE.test(this.text);
  }

  has(re: RegExp): boolean {
    return re.test(this.text);
  }

  /** Whether a rule may answer with a change. */
  get writes(): boolean {
    return this.ctx.writes;
  }

  /** The license context: Dragon named, or licenses / seats talked about. */
  get aboutLicenses(): boolean {
    return this.dragon || this.licenseNoun;
  }
}

type Rule = (u: Utterance) => Draft | undefined;

// ---------------------------------------------------------------------------------------------
// Shared readers

interface SetAside {
  rest: Normalized;
  justification?: string;
  duration?: string;
  until?: string;
}

function cut(n: Normalized, found: { start: number; end: number } | undefined): Normalized {
  return found ? without(n, found.start, found.end) : n;
}

/**
 * Reads the reason and the duration and sets them aside, so that "because he's covering for
 * Dana" never makes Dana a target and "for 4 hours" never looks like a person.
 */
const setAsides = new WeakMap<Normalized, SetAside>();

function setAside(n: Normalized, now: Date): SetAside {
  const known = setAsides.get(n);
  if (known) return known;
  const found = readSetAside(n, now);
  setAsides.set(n, found);
  return found;
}

function readSetAside(n: Normalized, now: Date): SetAside {
  const stated = statedReasonFrom(n);
  let rest = cut(n, stated);
  const until = mentionsUntil(rest) ? untilFrom(rest, now) : undefined;
  rest = cut(rest, until);
  const duration = durationFrom(rest);
  rest = cut(rest, duration);
  const forReason = stated ? undefined : forReasonFrom(rest);
  rest = cut(rest, forReason);
  return {
    rest,
    justification: stated && !reasonForAsk(n, stated.start) ? undefined : (stated ?? forReason)?.value,
    duration: until?.value ? undefined : duration?.value,
    until: until?.value,
  };
}

/**
 * Whether a reason at token `at` explains the ask: it stands in a sentence that asks for something,
 * or starts a sentence of its own ("Because she covers nights."). "I've been borrowing a
 * workstation because mine doesn't show the mic button. Could you set me up?" explains the
 * borrowing, not the request.
 */
function reasonForAsk(n: Normalized, at: number): boolean {
  let start = at;
  while (start > 0 && !SENTENCE_ENDS.has(n.tokens[start - 1].norm)) start--;
  if (start === at || (start === at - 1 && n.tokens[start].norm === ',')) return true;
  let end = at;
  while (end < n.tokens.length && !SENTENCE_ENDS.has(n.tokens[end].norm)) end++;
  if (start === 0 && end === n.tokens.length) return true;
  const sentence = fromTokens(n.source, n.tokens.slice(start, end));
  return changeAsked(sentence) || ASK_VERB_RE.test(sentence.text);
}

const SENTENCE_ENDS = new Set(['.', '?', ';']);
/** Verbs that ask for a license besides the change words ("kindly license each of them …"). */
const ASK_VERB_RE =
  /\b(?:provision|arrange|enroll|onboard|allocate|issue|register|restore|set \S+ up)\b|(?:^|\b(?:to|and|then|also|just) )license (?!\?)/;

function kindFromWords(n: Normalized): LicenseKind | undefined {
  const k = licenseFromWords(n);
  return k === 'both' ? undefined : k;
}

// ---------------------------------------------------------------------------------------------
// help (a greeting alone counts: "hi" is how people start, and the help card is the right answer)

const HELP_RE =
  /^(?:help|help me|help \?|\?+|what can you do(?: for me| here)?|what can you help (?:me )?with|what do you do|what are you|who are you|what is this|what can i (?:ask|say|type|do)(?: you| here)?|how does this (?:bot )?work|how do(?:es)? (?:this|it|bot) work|how do i use (?:this|you|this bot|the bot|bot|it)|commands|menu|options|what are (?:the|your) (?:commands|options)|what are you able to do|what does (?:this|the) bot do|what (?:can|does) (?:this|the) bot do|what (?:can|does) this do|get started|start|hi|hello|hey|hiya|yo|howdy|good (?:morning|afternoon|evening)|bot)(?: bot| there| again)?(?: [?.])*$/;

/** "help with partner stuff": a topic but no request. */
const HELP_WITH_RE =
  /^(?:i need |can i get |need )?help (?:with|on|about) (?:the |my |our )?(?:partner|partners|dragon|license|licenses|licensing|admin|roles|requests|approvals|set up|this|it|everything)?(?: (?:stuff|things|questions|topics|side|bot))?(?: [?.])*$/;

/** Asking what Dragon Desk is for, in any words: "what kinds of things can I ask Dragon Desk?". */
const HELP_ASK_RE =
  /\bwhat (?:(?:\S+ ){0,3}(?:can|could)|(?:can|could)(?: \S+){1,3}) (?:get done|do|ask for|request) (?:through|with|via|using) (?:you|this bot|the bot|bot)\b|\b(?:list|tell me|show me|name) (?:the |all the |all of the )?things you (?:can|could) (?:actually |really )?do\b|\b(?:things|what) (?:are you|can you|you are|you're) able to do\b|\bcapable of\b|\bsample (?:commands|requests|questions|messages)\b|\bhow (?:am i|do i|should i) (?:meant|supposed) to use\b|\bwhat (?:\S+ )?(?:can|could) you (?:\S+ )?help (?:me )?with\b|\bcapabilities\b|\bwhat can i (?:type|say|ask|write)\b|\b(?:explain )?how to use (?:the |this )?(?:desk|bot|you|it)\b|\boverview of what\b|\bwhat (?:exactly )?(?:can|does|could) (?:it|this|this bot|the bot|you) do\b|\b(?:things|everything) (?:you are|you're|you) able to do\b|\bexample (?:requests?|commands?|messages?|questions?)\b|\bhow does (?:this|the|it)(?: bot| thing| desk)? work\b|\b(?:your|the) (?:commands|options)\b|\bwhat (?:kinds? of |sorts? of )?(?:things|commands|questions|requests) (?:can i|do you|does it|can you|could i)\b|\bwhat (?:is|are) (?:it|you|this|this bot|the bot|bot) (?:for|about)\b|\bshow me (?:some |a few )?examples\b|\bhow do i use (?:this|you|it|the bot|bot)\b|\bwhat (?:do|can) you (?:even |actually )?do\b|\bwhat commands\b|\b(?:rundown|overview|summary|run-?through|tour|walk-?through|intro|introduction|explanation) of (?:what|how) (?:you|this|it|the bot)\b|\bwhat you (?:can |could |are able to )?do\b|\b(?:functions|features|capabilities|commands|things|tasks) (?:do|can|does|will) (?:you|it|this bot|the bot) (?:support|offer|handle|do|cover|understand)\b|\b(?:right|best|correct|proper) way to (?:ask|talk to|use|phrase|word) (?:you|this|it|the bot)\b|\bhow (?:do|should|can) i (?:ask|talk to|phrase|word) (?:you|things|requests)\b|\bwhat (?:you are|you can|can you|are you) (?:able to |meant to |supposed to )?(?:do|handle|help with|deal with|cover|manage|support)\b|\b(?:kinds?|sorts?|types?) of (?:requests|things|questions|commands|messages) (?:you|it|the bot|this bot) (?:understand|handle|support|know|accept|take)\b|\bwalk me through (?:what|how) (?:you|this|it)\b/;

const help: Rule = (u) => {
  if (u.has(HELP_RE) || u.has(HELP_WITH_RE)) return { intent: 'help' };
  if (!u.has(HELP_ASK_RE)) return undefined;
  if (!u.aboutLicenses && !u.dragonAdmin && !u.partnerCue) return { intent: 'help' };
  // "… I have no idea where to start. What can you actually help me with?": the last sentence asks.
  const sentences = u.ctx.reading?.sentences ?? [];
  const last = sentences[sentences.length - 1];
  if (!last || !HELP_ASK_RE.test(last.text)) return undefined;
  // "Could you give me a rundown of what you do?": what is handed over is no license.
  const tokens = normalize(last.text);
  const asks = otherThingsHanded(tokens).reduceRight((m, [a, b]) => without(m, a, b), tokens);
  return REQUEST_RE.test(asks.text) ? undefined : { intent: 'help' };
};

// ---------------------------------------------------------------------------------------------
// Not ours: other products, other roles

/** Licenses that are not software: a driving licence, a state nursing licence and its renewal. */
const NOT_SOFTWARE_LICENSE_RE =
  /\bpartner center (?:\S+ ){0,2}(?:support|phone|number|login|password|account|hours)\b|\b(?:driver 's license|drivers license|driving license|license to drive|state license|medical license|dea license|license renewal|compact license|renew(?:al|ing)? (?:of )?(?:\S+ ){0,2}license)\b/;

// A partner administration message names Microsoft products as its background ("our previous
// reseller handled our Microsoft 365 renewals"): the partner rules read it.
const otherProduct: Rule = (u) =>
  (u.otherProduct || u.has(NOT_SOFTWARE_LICENSE_RE)) && !u.dragon && !(u.partnerCue && u.has(STRONG_PARTNER_RE))
    ? { intent: 'unknown' }
    : undefined;

/**
 * "I'm a License Administrator, give Dana Dragon" describes the requester and asks for no role;
 * "add Lee as License Administrator" asks for one.
 */
const SELF_ROLE_RE = /^as (?:an? |the |our )?(?:\S+ ){0,2}admin\b|\bi am (?:an? |the |our )?(?:\S+ ){0,2}admin\b/g;
/** A verb whose object, a few words on, is an admin role: "make me an admin", "I need admin rights". */
const ROLE_ASK_RE =
  /\b(?:make|give|grant|add|assign|need|want|get|elevate|promote|remove|revoke|set|request|be|become)\b(?: \S+){0,4} (?:admin|admins)\b/;

const otherRole: Rule = (u) => {
  if (u.dragonAdmin) return undefined;
  // "am I an admin?": the only admin role Dragon Desk knows is its own.
  if (
    u.has(
      /^(?:(?:am i|i am) (?:an? )?admin|(?:do i have|have i got) (?:an? )?admin(?: rights| role| access)?)(?: now| currently| still| here)?(?: [?.])*$/,
    )
  )
    return { intent: 'role.check', users: ['me'], role: 'dragon-admin' };
  const rest = u.text.replace(SELF_ROLE_RE, ' ');
  const named = (rolesInWords(rest.split(' ')) ?? []).filter(
    (r) => r !== 'dragon-administrator' && r !== 'full' && r !== 'limited',
  );
  if (named.length) return { intent: 'unknown' };
  if (ROLE_ASK_RE.test(rest)) return { intent: 'unknown' };
  return undefined;
};

// ---------------------------------------------------------------------------------------------
// request.*, approvals.pending

const APPROVALS_RES: readonly RegExp[] = [
  /\b(?:waiting|pending|queued) (?:for|on) (?:me|my (?:approval|review|decision|sign-off|ok))\b/,
  /\b(?:need|have|got) to (?:approve|review|sign off)\b/,
  /\bfor me to (?:approve|review|decide|sign off)\b/,
  // "anything I need to approve?", "requests to approve" — not "my manager refused to approve …".
  /\b(?:i|me|we|us|anything|something|requests?|what|any) (?:\S+ ){0,3}to approve\b/,
  /\b(?:my|pending|open|outstanding|waiting) approvals?\b/,
  /\bneeds? (?:my|an) (?:approval|review|decision|sign-off)\b/,
  /\bapprovals? queue\b|\bmy queue\b|\bmy inbox\b/,
  /^(?:show |list )?(?:the |my )?approvals?(?: \?)?$/,
  /^(?:my |any |show |list )?(?:approvals? )?pending(?: approvals?| requests?)?(?: [?.])*$/,
  /^(?:show |list |any )?(?:the )?(?:pending|open|waiting) requests?(?: for me| to approve)?(?: \?)?$/,
  /\bwhat (?:is|are) (?:waiting|pending)(?: for me| on me)?(?: \?)?$/,
  /^(?:what|which|any) (?:\S+ )?requests? (?:are |is )?(?:pending|waiting|open)\b(?!.*\bmy\b)/,
  /\brequests? (?:waiting|pending) (?:for|on) (?:approval|review|a decision)\b/,
  // Decisions are made on the cards; asking to approve by text shows what waits.
  /^(?:approve|reject|deny|decline)\b.*\b(?:request|requests|req)\b|^(?:approve|reject|deny|decline) #? ?\d+/,
];

/** "are Dragon admins allowed to approve requests?", "does my manager have to approve …?": the process. */
const APPROVAL_PROCESS_RE =
  /\b(?:will|would|could|might|must|may|should) (?!i\b)\S+(?: \S+){0,2} (?:have|need) to approve\b|\b(?:allowed|able|permitted|supposed) to approve\b|\b(?:does|do) (?!i\b)\S+(?: \S+)? (?:have|need) to approve\b|\bwho (?:approves|can approve|should approve)\b|\bbefore i can\b/;

const approvals: Rule = (u) =>
  !u.partnerCue && !u.has(APPROVAL_PROCESS_RE) && APPROVALS_RES.some((re) => u.has(re))
    ? { intent: 'approvals.pending' }
    : undefined;

const REQUEST_NOUN_RE =
  /\b(?:my|the|this|that|our|your|his|her|dragon|license|pending|open|last|latest|recent|previous|admin|role|of|on|about|to|with|for) (?:\S+ )?(?:request|requests|req)\b|\b(?:request|requests|req|ticket)s? (?:#|\d|number|no|id|status)|(?:^| )# ?\d+|^(?:request|requests|req)\b/;
const CANCEL_RE = /\b(?:cancel|withdraw|retract|scrap|abort|call off|rescind|never mind|kill|drop)\b/;
const CANCEL_IT_RE = /\b(?:cancel|withdraw|scrap|retract) (?:it|that|this|\d+)\b/;

const cancelRequest: Rule = (u) => {
  if (!u.has(CANCEL_RE)) return undefined;
  if (u.has(/^(?:cancel|never mind|withdraw)(?: [.?])*$/)) return { intent: 'request.cancel' };
  if (!u.has(REQUEST_NOUN_RE) && !u.has(CANCEL_IT_RE)) return undefined;
  return { intent: 'request.cancel', requestId: requestIdFrom(u.n)?.value };
};

const STATUS_WORDS_RE =
  /\bany (?:movement|joy|luck|progress|news|word|update)\b|\b(?:status|where|update|updates|news|happened|happening|progress|track|check|approved|rejected|done|complete|completed|finished|stuck|show|list|see|view|eta|going on|how is|any word|pending|open|still|yet|processed|who)\b/;
const ONLY_A_REFERENCE_RE =
  /^(?:(?:all|of|my|the|open|pending|dragon|license) )*(?:request|requests|req|ticket)s?(?: (?:#|number|no|id))? ?(?:\d+)?(?: [?.])*$|^# ?\d+(?: [?.])*$/;

const requestStatus: Rule = (u) => {
  if (u.has(/^(?:my |request )?status(?: [?.])*$/)) return { intent: 'request.status' };
  if (!u.has(REQUEST_NOUN_RE)) return undefined;
  // "who approves physician license requests?" asks about the process; a partner's request is theirs.
  if ((u.has(/^who (?:approves|can approve|signs|decides|handles|reviews)\b/) && !u.has(/\bmy\b|#|\d/)) || u.partnerCue)
    return undefined;
  if (!u.has(STATUS_WORDS_RE) && !u.has(ONLY_A_REFERENCE_RE)) return undefined;
  // "please open the request and I'll add the person later" asks for a new request.
  if (
    u.has(
      /\b(?:open|start|raise|create|submit) (?:a|the|new) (?:new )?request\b|\b(?:get|have) the request (?:started|going|opened)\b/,
    ) &&
    !u.has(/\bstatus\b/)
  )
    return undefined;
  return { intent: 'request.status', requestId: requestIdFrom(u.n)?.value };
};

/** "where is my Dragon license?", "has my Dragon been approved?" — a request in flight. */
const STATUS_OF_MINE_RES: readonly RegExp[] = [
  /\bwhere (?:is|are) my\b/,
  /\b(?:did|has|have|was|is) my (?:\S+ ){0,3}(?:been |get |got )?(?:approved|processed|done|gone through|go through|granted|completed|rejected)\b/,
  /\bany (?:news|update|updates|word) (?:on|about) my\b/,
  /\b(?:status|progress) (?:of|on) my\b/,
  /\bwhat happened (?:to|with) my\b/,
];

const statusOfMine: Rule = (u) =>
  STATUS_OF_MINE_RES.some((re) => u.has(re)) ? { intent: 'request.status' } : undefined;

// ---------------------------------------------------------------------------------------------
// license.purchase (before partner rules: "can our partner sell us nursing licenses?")

const PURCHASE_RES: readonly RegExp[] = [
  /\b(?:buy|buying|bought|purchase|purchasing|procure|procurement|acquire|sell|sells|selling|cost|costs|price|prices|pricing|quote|budget)\b/,
  /\border(?:ing)? (?:\S+ ){0,3}(?:license|licenses|seat|seats|dragon)\b/,
  /\b(?:get|need|add|want|request|obtain|order) (?:\S+ ){0,2}more\b(?! than\b)/,
  /\bmore (?:\S+ ){0,2}(?:licenses|seats)\b/,
  /\bincrease (?:\S+ ){0,2}(?:licenses|seats|license count|seat count)\b/,
  /\badd(?:ing)? (?:\d+|another \d+|a (?:few|couple of|block of)) (?:\S+ ){0,2}(?:seats|licenses)\b/,
  /\b(?:how|where) (?:do|can|would|should) (?:we|i) get (?:\S+ )?more\b/,
];

const purchase: Rule = (u) => {
  if (!u.aboutLicenses || u.dragonAdmin) return undefined;
  // "Rhiannon Price works in billing": a surname is no price.
  if (
    u.n.tokens.some((t) => ['price', 'cost', 'quote', 'budget'].includes(t.norm) && /^\p{Lu}/u.test(t.raw) && !t.first)
  )
    return undefined;
  if (!PURCHASE_RES.some((re) => u.has(re))) return undefined;
  // "… they still have License Administrator through GDAP": a role's name in a partner message
  // is no license to buy.
  if (u.has(STRONG_PARTNER_RE) && !/\b(?:licen[sc]es?|seats?|dragon)\b/.test(u.text.replace(/\blicense admin\b/g, '')))
    return undefined;
  return { intent: 'license.purchase', license: kindFromWords(u.n) };
};

// ---------------------------------------------------------------------------------------------
// partner.* (partner cues present)

const RECORD_RE =
  /\b(?:partner of record|dpor)\b|\b(?:gets?|getting|receives?|receiving|earns?) (?:the )?(?:partner )?(?:credit|attribution)\b|\bpartner credit\b|\b(?:which|who|what)\b[^.?]*\b(?:attributed|credited|attribution)\b|\battributed partner\b/;
const RECORD_SET_RE =
  /\b(?:make|set|add|attach|assign|designate|register|name|named|associate|link|change|update|use|nominate|choose|put|give|replace|switch|go ahead)\b|\b(?:should|will|to) be (?:our|the)\b|\bas (?:our|the) (?:new )?(?:digital )?(?:partner of record|dpor)\b/;
const QUESTION_RE =
  /^(?:who|which|what|show|list|check|view|see|display|tell|get|is|are|do|does|did|has)\b|\b(?:who|which|what|show|list|check|view|see|display|do we have|is there|tell me|current|currently)\b|\?/;

/** "Tailspin Toys (MPN 3344556) should be …": where the name ends, before a parenthesised id. */
function parenthesisedBefore(n: Normalized, at: number): number {
  if (n.tokens[at - 1]?.norm !== ')') return at;
  for (let j = at - 2; j >= 0 && at - j <= 6; j--) if (n.tokens[j].norm === '(') return j;
  return at;
}

function partnerForRecord(n: Normalized): string | undefined {
  // "replace Fabrikam with Litware as partner of record": the one put in place.
  const replacing = n.tokens.findIndex((t) => t.norm === 'replace');
  if (replacing >= 0) {
    const org = orgAfterWord(n, ['with', 'by']);
    if (org) return org.value;
  }
  // "switch partner of record … from Northwind Traders to Tailspin Toys".
  if (n.tokens.some((t) => t.norm === 'from')) {
    const to = orgAfterWord(n, ['to']);
    if (to) return to.value;
  }
  for (let i = 0; i < n.tokens.length; i++) {
    // "make them our partner of record": the partner introduced before.
    if (RECORD_SET_RE.test(n.tokens[i].norm) && ['them', 'they', 'it'].includes(n.tokens[i + 1]?.norm ?? '')) {
      const org = introducedOrg(n) ?? appositionOrg(n) ?? subjectOrg(n) ?? earlierOrg(n, i);
      if (org) return org.value;
    }
    // "… should be Litware, MPN 4567890".
    if (['should', 'will', 'to'].includes(n.tokens[i].norm) && n.tokens[i + 1]?.norm === 'be') {
      const org = capitalOrgAt(n, i + 2);
      if (org) return org.value;
    }
  }
  for (let i = 0; i < n.tokens.length; i++) {
    const t = n.tokens[i].norm;
    if (RECORD_SET_RE.test(t)) {
      const org = orgAfter(n, i + 1);
      const next = org && n.tokens[org.end];
      if (
        org &&
        (!next ||
          [
            '(',
            'as',
            'our',
            'the',
            'partner',
            'partner of record',
            'dpor',
            ',',
            'digital',
            'a',
            'to',
            'for',
            'on',
          ].includes(next.norm))
      )
        return org.value;
    }
    // "Fabrikam should be our partner of record"
    if (['should', 'will'].includes(t) && n.tokens[i + 1]?.norm === 'be') {
      const org = orgBefore(n, parenthesisedBefore(n, i));
      if (org) return org.value;
    }
    if (
      (t === 'record' || t === 'dpor' || t === 'partner of record') &&
      ['to', 'is', '=', ':', 'as', '-'].includes(n.tokens[i + 1]?.norm ?? '')
    ) {
      const org = capitalOrgAt(n, i + 2) ?? orgAfter(n, i + 2);
      if (org) return org.value;
    }
  }
  // "Our reseller, Wide World Importers, … asked to be named as our partner of record".
  const named = appositionOrg(n) ?? introducedOrg(n);
  if (named) return named.value;
  // "partner of record for EHR-Prod: Adatum (MPN 6543210)".
  const colon = n.tokens.findIndex((t) => t.norm === ':');
  if (colon >= 0) return capitalOrgAt(n, colon + 1)?.value;
  return undefined;
}

/** "Imaging-Prod partner of record -> Relecloud": a subscription code written just before the record. */
function subscriptionBeforeRecord(n: Normalized): { value: string; start: number; end: number } | undefined {
  const i = n.tokens.findIndex((t) => t.norm === 'partner of record' || t.norm === 'dpor' || t.norm === 'partner');
  const t = n.tokens[i - 1];
  if (
    i > 0 &&
    t &&
    (t.kind === 'code' || /^[\p{L}\p{N}]+(?:[-/][\p{L}\p{N}]+)+$/u.test(t.raw)) &&
    /\p{Lu}/u.test(t.raw)
  )
    return { value: t.raw, start: i - 1, end: i };
  return undefined;
}

/** The mood of the last sentence that matches `re` (what that part of the message does). */
function moodOf(u: Utterance, re: RegExp): string | undefined {
  const sentences = u.ctx.reading?.sentences ?? [];
  for (let k = sentences.length - 1; k >= 0; k--) if (re.test(sentences[k].text)) return sentences[k].mood;
  return u.ctx.reading?.focus?.mood;
}

function asked(u: Utterance, re: RegExp): boolean {
  const mood = moodOf(u, re);
  return mood === 'question' || mood === 'hypothetical';
}

function partnerRecord(u: Utterance): Draft | undefined {
  if (!u.has(RECORD_RE)) return undefined;
  const subscription = subscriptionAfterPreposition(u.n) ?? subscriptionBeforeRecord(u.n);
  const rest = cut(u.n, subscription);
  // "I'm about to update the DPOR, so first tell me which partner is on Billing-Prod": a question first.
  const looking = u.has(
    /\b(?:about to|before i|going to) (?:update|change|set|switch)\b|\b(?:tell me|show me|confirm) (?:which|who|what)\b/,
  );
  const setting = u.has(RECORD_SET_RE) && u.writes && !asked(u, RECORD_RE) && !looking;
  if (!setting && u.has(QUESTION_RE)) return { intent: 'partner.record.show', subscription: subscription?.value };
  const partnerId = partnerIdFrom(rest, 'any');
  const partner = partnerForRecord(rest);
  if (!u.writes || (!setting && !partner && !partnerId))
    return { intent: 'partner.record.show', subscription: subscription?.value };
  return { intent: 'partner.record', partnerId: partnerId?.value, partner, subscription: subscription?.value };
}

/** A link and an ID in one message: the partner admin link ("before I link anything, what ID is on there?"). */
const LINK_ID_RE = /\b(?:link|linked|unlink|relink)\b.*\bid\b|\bid\b.*\b(?:link|linked|unlink|relink)\b/;
const LINK_RE = /\b(?:mpn|pal|partner admin link|partner id|partner location|pla|partner network id|partner ids)\b/;
/**
 * The Partner Admin Link in everyday words: "the partner link", "unlink the partner", "our linked
 * partner". Not when a delegated admin offer is meant ("a GDAP link for Contoso"): that link is
 * an offer, and the offer rule reads it.
 */
const LINK_EVERYDAY_RE =
  /\bpartner links?\b|\b(?:un|re)link(?:ed)? (?:\S+ )?partners?\b|\b(?:linked|relinked) partner\b|\bpartner (?:is |was )?(?:linked|relinked)\b|\blink (?:to|with) (?:the |our )?partner\b|\bpartners?\b.*\brelink\b/;
const LINK_REMOVE_RE =
  /\b(?:remove|removed|unlink|delete|detach|disconnect|disassociate|dissociate|drop|clear|take (?:\S+ ){0,4}off|get rid of|revoke|stop|(?:needs|has|have|can|should) (?:to )?go|no longer (?:want|need)|do not want (?:\S+ ){0,3}(?:linked|link))\b/;
const LINK_UPDATE_RE =
  /\b(?:change|changed|update|updated|replace|switch|swap|modify|correct|edit|wrong|different|relink|re-point|repoint|point|become|becomes|move|stale|outdated|out of date|instead|ought to be|should (?:now )?be|should read|taken over)\b/;
const LINK_SHOW_RE =
  /^(?:what|which|show|is|are|do|does|check|view|see|display|who|tell|list|get)\b|\b(?:what|which|show|is there|check|view|see|display|do we have|current|currently|list)\b/;

const LINK_MENTION_RE = /\b(?:mpn|pal|partner|pla|link|linked|unlink)\b/;

function isAboutLink(u: Utterance): boolean {
  if (u.has(LINK_RE) || u.n.tokens.some((t) => t.raw === 'PAL')) return true;
  // "before I link anything, what ID is on there now?": the topic is set by the whole message.
  const whole = u.ctx.whole?.text ?? u.text;
  if (u.ctx.whole && u.ctx.whole !== u.n && (LINK_RE.test(whole) || /\bpartner links?\b/.test(whole))) return true;
  if (LINK_ID_RE.test(whole)) return true;
  return u.has(LINK_EVERYDAY_RE) && !u.has(OFFER_KIND_RE);
}

function partnerLink(u: Utterance): Draft | undefined {
  if (!isAboutLink(u)) return undefined;
  // "PAL status?", "which MPN ID did Fabrikam link?": a question about the link, never a change.
  if (!u.writes || asked(u, LINK_MENTION_RE) || u.has(/\bstatus\b/)) return { intent: 'partner.link.show' };
  // The contract's partner.link.remove carries no id: only the identity that made the link can
  // remove it, and the service reads which id that is from the tenant, not from the sentence.
  if (u.has(LINK_REMOVE_RE)) return { intent: 'partner.link.remove' };
  // A duration or a subscription name may hold digits ("for 90 days", "the R&D 2025 subscription").
  let rest = cut(u.n, durationFrom(u.n));
  rest = cut(rest, subscriptionFrom(rest));
  if (u.has(LINK_UPDATE_RE)) return { intent: 'partner.link.update', partnerId: partnerIdFrom(rest, 'update')?.value };
  const partnerId = partnerIdFrom(rest, 'any')?.value;
  const asksToLink = /\b(?:link|associate|connect|add|set up|register|attach)\b/.test(
    u.text.replace(/\bpartner (?:admin )?links?\b/g, ''),
  );
  // "is partner ID 1234567 linked?" asks; only the person who asks to link gets a link card.
  const question = u.has(/^(?:is|are|do|does|did|has|have|what|which)\b/);
  if ((!partnerId || question) && u.has(LINK_SHOW_RE) && !asksToLink) {
    return { intent: 'partner.link.show' };
  }
  return { intent: 'partner.link', partnerId };
}

const ROLES_REMOVE_VERB_RE =
  /\b(?:(?:like|want|need|needs|wants)(?: \S+){1,4} (?:removed|revoked|ended|taken away|gone)|remove|revoke|terminate|end(?! up)|take (?:\S+ ){0,2}away|strip|cancel|delete|kill|stop|pull(?! (?:\S+ )?together)|withdraw|disable|cut off|should not (?:have|keep|hold)|no longer (?:have|has|need|needs|hold)|not (?:\S+ ){1,6}any ?more|(?:should|must|needs? to|can) (?:now )?be (?:removed|revoked|ended|terminated|taken away))\b/;
const ROLES_NOUN_RE =
  /\b(?:roles|role|access|relationship|relationships|gdap|dap|delegated|permissions|rights|privileges)\b/;

/** The partner whose roles are removed: "Fabrikam's roles", "from Fabrikam", "with Fabrikam". */
function partnerForRoles(n: Normalized): string | undefined {
  for (let i = 0; i < n.tokens.length; i++) {
    if (n.tokens[i].norm === "'s") {
      const org = orgBefore(n, i);
      if (org) return org.value;
    }
  }
  // "our former MSP, Tailspin Toys", "Tailspin still has Global Admin", "… from Fabrikam".
  const named =
    appositionOrg(n) ?? subjectOrg(n) ?? orgAfterWord(n, ['by', 'from', 'with', 'for', 'of']) ?? holderOrg(n);
  if (named) return fullName(n, named.value);
  for (let i = 0; i < n.tokens.length; i++) {
    if (['from', 'with', 'for', 'of'].includes(n.tokens[i].norm)) {
      const org = orgAfter(n, i + 1);
      // "… still live with Global Reader": a role's name is no partner.
      const role = org && rolesInWords(n.tokens.slice(org.start, org.end + 1).map((t) => t.norm));
      if (org && !role?.length) return org.value;
    }
  }
  return undefined;
}

function partnerRolesRemove(u: Utterance): Draft | undefined {
  if (!u.writes || !u.has(ROLES_REMOVE_VERB_RE) || !u.has(ROLES_NOUN_RE)) return undefined;
  if (asked(u, ROLES_REMOVE_VERB_RE)) return undefined;
  return { intent: 'partner.roles.remove', partner: partnerForRoles(u.n) };
}

const OFFER_VERB_RE =
  /\b(?:send|create|prepare|draft|make|new|request|requesting|generate|set up|start|invite|get|need|want|build|issue|establish|initiate|open|raise|offer)\b|^(?:new )?g?dap (?:offer )?(?:for|to|-|:)/;
/** The customer side of an offer: accepting or approving one is a question about the partner. */
const ACCEPT_RE = /\b(?:accept|accepting|accepted|approve|approving|click accept|decline|reject)\b/;
const OFFER_NOUN_RE = /\b(?:offer|invite|invitation|request|relationship|link|gdap|dap|delegated admin)\b/;
const OFFER_KIND_RE = /\b(?:gdap|dap|delegated)\b/;

function customerFor(n: Normalized): string | undefined {
  for (let i = 0; i < n.tokens.length; i++) {
    if (!['send', 'invite', 'offer', 'give', 'get', 'create', 'prepare', 'draft', 'issue'].includes(n.tokens[i].norm))
      continue;
    const named = capitalOrgAt(n, i + 1);
    if (named) return named.value;
    // "Can you send them a GDAP offer?": the customer named before.
    if (['them', 'they'].includes(n.tokens[i + 1]?.norm ?? '')) {
      const org = earlierOrg(n, i);
      if (org) return org.value;
    }
  }
  const after = subjectOrg(n) ?? orgAfterWord(n, ['for', 'to', 'with', '-', ':']);
  if (after) return after.value;
  for (let i = 0; i < n.tokens.length; i++) {
    if (['send', 'invite', 'offer', 'give'].includes(n.tokens[i].norm)) {
      const org = orgAfter(n, i + 1);
      if (org) return org.value;
    }
  }
  for (let i = 0; i < n.tokens.length; i++) {
    if (['for', 'to', 'with', 'from'].includes(n.tokens[i].norm)) {
      const org = orgAfter(n, i + 1);
      if (org) return org.value;
    }
  }
  return undefined;
}

/** "I need to see our GDAP relationships" asks to look, not to send anything. */
const LOOK_RE = /\b(?:see|show|list|view|display|check|which|what)\b/;

function partnerOffer(u: Utterance): Draft | undefined {
  if (!u.writes || !u.has(OFFER_VERB_RE) || !u.has(OFFER_NOUN_RE) || !u.has(OFFER_KIND_RE) || u.has(LOOK_RE))
    return undefined;
  if (u.has(ACCEPT_RE) || asked(u, OFFER_KIND_RE)) return undefined;
  const duration = durationFrom(u.n);
  const rest = cut(u.n, duration);
  return {
    intent: 'partner.offer',
    customer: customerFor(rest),
    roles: offerRolesFrom(rest),
    duration: duration?.value,
  };
}

/** The partner a "what can they do" question is about. */
function partnerAskedAbout(n: Normalized): string | undefined {
  const asked = askedOrg(n);
  if (asked) return asked;
  const patterns: readonly RegExp[] = [
    /^what (?:can|could|may) (?<org>.+?) do\b/d,
    /\bwhat (?:\S+ )?(?:roles|role|access|permissions|rights|privileges) (?:does|do) (?<org>.+?) have\b/d,
    /\bdoes (?<org>.+?) have (?:any )?(?:\S+ )?(?:access|roles|permissions|rights)\b/d,
    /^what is (?<org>.+?) allowed to do\b/d,
    /\bwhat (?<org>.+?) (?:is|are) (?:able|allowed|permitted) to (?:do|see|access|change)\b/d,
    /\bwhat (?<org>.+?) (?:can|could) (?:do|see|access|change)\b/d,
    /\b(?:relationship|relationships|access|roles) (?:with|for|of) (?<org>.+?)(?: [?.,]|$)/d,
  ];
  for (const re of patterns) {
    const span = re.exec(n.text)?.indices?.groups?.org;
    if (!span) continue;
    const startToken = n.offsets.indexOf(span[0]);
    if (startToken < 0) continue;
    // The whole group must be a name: "what can Fabrikam do" yes, "what can the partner do" no.
    const org = orgAfter(n, startToken);
    if (org && endsAtChar(n, org.end, span[1])) return org.value;
  }
  for (let i = 0; i < n.tokens.length; i++) {
    if (n.tokens[i].norm === "'s") {
      const org = orgBefore(n, i);
      if (org) return org.value;
    }
  }
  return holderOrg(n)?.value;
}

/** Where a question names the partner: "is Northwind Traders a reseller …", "request from Fabrikam". */
function askedOrg(n: Normalized): string | undefined {
  for (let i = 0; i < n.tokens.length; i++) {
    const w = n.tokens[i].norm;
    if (['is', 'does', 'do', 'can', 'could', 'did', 'has'].includes(w)) {
      const org = capitalOrgAt(n, i + 1);
      if (org) return org.value;
    }
    if (['what', 'which one is', 'one'].includes(w) || (w === 'is' && n.tokens[i - 1]?.norm === 'one')) {
      const org = capitalOrgAt(n, i + 1);
      if (org) return org.value;
    }
  }
  const from = orgAfterWord(n, ['from', 'with', 'about']);
  if (from) return from.value;
  return subjectOrg(n)?.value;
}

function endsAtChar(n: Normalized, end: number, charEnd: number): boolean {
  const last = end - 1;
  return last >= 0 && n.offsets[last] + n.tokens[last].norm.length === charEnd;
}

const RELATIONSHIPS_RE =
  /\b(?:partners|partner|relationships|relationship|gdap|dap|delegated|csp|msp|reseller|approval link)\b/;

function partnerRelationships(u: Utterance): Draft | undefined {
  if (!u.has(RELATIONSHIPS_RE)) return undefined;
  // "If we remove Proseware's admin roles, does that end our relationship with them?": the
  // question is read alone, the partner it points back to from the whole message.
  const whole = u.ctx.whole;
  const partner =
    partnerAskedAbout(u.n) ??
    // "our former MSP, Tailspin Toys, still has Global Administrator": the partner in apposition.
    appositionOrg(u.n)?.value ??
    (whole && whole !== u.n && u.has(/\b(?:them|they|their)\b/) ? partnerAskedAbout(whole) : undefined);
  return { intent: 'partner.relationships', partner };
}

const STRONG_PARTNER_RE =
  /\b(?:mpn|dpor|gdap|dap|delegated|pla|pal|reseller|csp|msp|partner of record|partner admin link|partner id|partner link|partner roles?|partner relationships?|partners?'? (?:admin )?(?:roles|access))\b/;

const partnerWithCue: Rule = (u) => {
  if (!u.partnerCue) return undefined;
  // "Dr. Amadi moved to our partner hospital … their physician Dragon license": about Dragon.
  if (
    (u.dragon || u.licenseNoun || u.dragonAdmin) &&
    !u.has(STRONG_PARTNER_RE) &&
    !u.n.tokens.some((t) => t.raw === 'PAL')
  )
    return undefined;
  return partnerRecord(u) ?? partnerLink(u) ?? partnerRolesRemove(u) ?? partnerOffer(u) ?? partnerRelationships(u);
};

/**
 * Partner questions that name the partner but not the word "partner": "what can Fabrikam do in
 * our tenant?", "remove Fabrikam's admin roles". Only without any Dragon words, so "remove Sam's
 * Dragon admin role" stays a role request.
 */
const partnerWithoutCue: Rule = (u) => {
  if (u.dragon) return undefined;
  if (u.has(/^what (?:can|could|may) (?!you\b|i\b|we\b|they\b|it\b|bot\b)\S+/) && u.has(/\bdo\b/)) {
    const partner = partnerAskedAbout(u.n);
    if (partner) return { intent: 'partner.relationships', partner };
  }
  if (
    u.has(/\bwhat (?:admin )?(?:roles|access|permissions|rights|privileges) (?:does|do) (?!i\b|you\b|we\b)/) ||
    u.has(/\bwhat (?!you\b|i\b|we\b)\S+(?: \S+)? (?:can|could) (?:access|see|do|change)\b/) ||
    // "what exactly can First Up Consultants get at in our environment?"
    (u.has(
      /^what (?:exactly |else )?(?:can|could) (?!you\b|i\b|we\b|they\b|it\b|bot\b)(?:\S+ ){1,4}(?:access|see|get at|get into|touch|reach|change|manage)\b/,
    ) &&
      u.has(/\b(?:tenant|environment|directory|users|systems|subscription|subscriptions)\b/)) ||
    u.has(
      /\b(?:what|which) (?:\S+ )?(?:roles|access|permissions|rights) (?:has|have|does|do|is|are) (?!i\b|you\b|we\b)/,
    ) ||
    (/\b(?:has|have) access\b/.test(u.text) && u.n.tokens.some((t, i) => !!capitalOrgAt(u.n, i) && !t.first)) ||
    (!!subjectOrg(u.n) && u.has(/\b(?:has|have) (?:\S+ )?access\b|\b(?:able|allowed) to\b/)) ||
    (u.has(/^(?:is|are) /) && !!capitalOrgAt(u.n, 1) && u.has(/\b(?:able|allowed) to\b/)) ||
    (u.has(/^(?:does|do|can|could) (?!i\b|you\b|we\b|they\b|it\b)/) &&
      !!capitalOrgAt(u.n, 1) &&
      u.has(/\b(?:admin|access|roles|rights|permissions|reset|passwords|users|tenant)\b/)) ||
    u.has(
      /^(?:does|do) (?!i\b|you\b|we\b|they\b)\S+(?: \S+){0,3} (?:have|hold) (?:any )?(?:\S+ )?(?:admin|delegated|gdap|access|roles|rights|permissions)\b/,
    ) ||
    u.has(/^what is (?!this\b|it\b|that\b)\S+(?: \S+){0,3} allowed to (?:do|touch|see|access|change|reach|manage)\b/) ||
    (u.has(
      /\bwhat (?!you\b|i\b|we\b)\S+(?: \S+){0,3} (?:is|are) (?:able|allowed|permitted) to (?:do|see|access|change|touch|reach|manage|get at)\b/,
    ) &&
      u.has(/\b(?:tenant|directory|users|admin|access|roles)\b/))
  ) {
    return { intent: 'partner.relationships', partner: partnerAskedAbout(u.n) };
  }
  if (
    u.writes &&
    u.has(ROLES_REMOVE_VERB_RE) &&
    (u.has(/\b(?:admin roles|roles|admin access|admin rights|admin permissions|delegated access)\b/) ||
      (!!rolesInWords(u.n.tokens.map((t) => t.norm))?.some((r) => r !== 'dragon-administrator') &&
        u.has(/\b(?:them|they|their|contract|vendor|provider|reseller|supplier|company|firm|msp|csp)\b/)))
  ) {
    const partner = partnerForRoles(u.n);
    if (partner) return { intent: 'partner.roles.remove', partner };
  }
  return undefined;
};

// ---------------------------------------------------------------------------------------------
// setup

const SETUP_VERB_RE =
  /\b(?:set up|configure|config|initialize|initialise|init|prepare|bootstrap|create|build|run|start|enable|turn on|establish|get)\b/;
const SETUP_NOUN_RE =
  /\b(?:licensing|group-based|group based|license groups?|licensing groups?|admin group|admin groups|groups|security groups?|bot|tenant|environment|set up|wizard)\b/;
const SETUP_ALONE_RE =
  /^(?:(?:initial|first|run|start|begin|do|the|a) )*set up(?: (?:again|now|wizard))?(?: [?.])*$|\binitial set up\b|\bfirst(?:-| )time set up\b/;

const setup: Rule = (u) => {
  if (u.has(SETUP_ALONE_RE)) return { intent: 'setup' };
  // "run Dragon setup", "start the dragon licensing setup".
  if (u.has(/\b(?:run|start|do|begin|kick off|launch)\b(?: the)?(?: dragon| bot)?(?: licensing| license)? set up\b/))
    return { intent: 'setup' };
  if (
    u.has(SETUP_VERB_RE) &&
    u.has(SETUP_NOUN_RE) &&
    !u.has(/\bset up (?!the\b|dragon\b|group|licensing|bot\b)\S+ (?:with|for)\b/)
  ) {
    // "set up dragon for dr patel" is a license request; licensing and groups are the set-up.
    if (
      u.has(
        /\b(?:licensing|group-based|group based|groups?|tenant|environment|wizard)\b|\b(?:set up|configure) (?:the |this )?bot\b/,
      )
    )
      return { intent: 'setup' };
  }
  return undefined;
};

// ---------------------------------------------------------------------------------------------
// role.* (the Dragon Administrator role)

/**
 * Said as a fact or a wish, not as a verb: "Sam shouldn't be a Dragon admin any more", "Lee no
 * longer needs it", "her license should go back to the pool", "Tom's seat can go".
 */
const NO_LONGER = String.raw`(?:should|needs? to|must) be (?:cleaned up|tidied up)|needs? (?:tidying|cleaning) up|(?:seat|license) (?:is|can be|should be) free(?:d)?(?: up)?|(?:should|must|can|has to|needs to) go\b|(?:do not|does not|did not) want (?:\S+ ){0,3}to (?:have|be|keep|hold)|(?:not|no longer) (?:necessary|needed|required) for (?:\S+ ){1,4}to (?:have|keep|hold|be)|no (?:need|reason) for (?:\S+ ){1,4}to (?:have|keep|hold|be)|(?:will not|would not|won't) be needed|(?:needs?|has|have) to be (?:removed|revoked|taken away|taken off|ended|released|reclaimed)|should be (?:removed|revoked|taken away|taken off|ended|released|reclaimed|freed up|given back)|removed|revoked|should not (?:have|be|keep|hold|get)|need not|no longer|not (?:\S+ ){0,3}any ?more|(?:needs?|need) (?:\S+ ){0,4}any longer|neither of them needs?|will not (?:need|be using|use|require)|not needed|go back to (?:the )?pool|back (?:in|into|to) (?:the )?pool|can (?:go|be released|be freed|be reclaimed|be removed|be taken)|(?<!\bi (?:\S+ )?)(?:need|want) (?:\S+ ){1,3}back|\bi (?:\S+ )?(?:need|want) (?!it\b|my\b|mine\b)(?:\S+ ){1,3}back|is free to reclaim|does not need to be|do not need to be|does not need|do not need`;

const ROLE_REMOVE_RE = new RegExp(
  String.raw`\b(?:remove|revoke|take (?:\S+ ){0,6}(?:out|off|away)|demote|strip|deactivate|unassign|drop|delete|disable|end|kick|pull|downgrade|cancel|stop|${NO_LONGER})\b`,
);
const ROLE_HOLDERS_RE =
  /\bhow many\b|\b(?:show|list|see|view)(?: me)? (?:the )?(?:current |full |whole )?(?:list|admins)\b|^who (?!would|should|do i|can i|could i|will|approves|decides)|\bwho (?:has|have|holds|is|are|got|else|currently|already|all|can)\b|^(?:list|show|display|export|get|give me|see)\b(?:.*\badmins\b|.* list\b)|\b(?:everyone|everybody|anyone|all (?:the )?(?:users|people)) (?:with|who|that)\b|\bwhich (?:users|people)\b/;
/** "am I a Dragon admin?", "is Sam still a Dragon administrator?", "check whether Omar is …". */
const ROLE_CHECK_RE =
  /^(?:does|do|did|is|am|are|was|were|has|have)\b|\b(?:check|verify|confirm|see|tell me|know|find out|look up|not sure|unsure|wondering|wonder)(?: \S+){0,3} (?:if|whether)\b|\blook (?:that|it|this) up\b|(?:^|[,;-] )(?:only|just|simply|merely) (?:whether|if)\b/;

/** "dragon admins?", "the Dragon admin list": the role and nothing else. */
const ROLE_ONLY_RE =
  /^(?:(?:the|our|current|all|list|of) )*dragon admins?(?: (?:list|now|currently|right now|today))?(?: [?.])*$/;
const ROLE_COUNT_RE =
  /\bhow many\b|^who (?!would|should|do|does|can|could|will|approves|decides)|\bwho (?:is|are|has|have|holds|currently)\b/;
/** Said as a question even without a question mark: "ravi dragon admin yes/no", "admin status for Ravi". */
const YES_NO_RE =
  /\byes (?:\/ |or )no\b|\by \/ n\b|\bor not\b|\bstatus\b|\bmembership\b|\bcheck\b|\b(?:expire|expires|expiry|expiration)\b(?! :)|\bhow long\b/;
const ROLE_WORDS_RE = new RegExp(ROLE_MENTION_RE.source);

/** The mood of the last sentence that names the role: "… greyed out. Am I still a Dragon admin?". */
function roleSentenceMood(u: Utterance): string | undefined {
  const sentences = u.ctx.reading?.sentences ?? [];
  for (let k = sentences.length - 1; k >= 0; k--) if (ROLE_WORDS_RE.test(sentences[k].text)) return sentences[k].mood;
  return u.ctx.reading?.focus?.mood;
}

const role: Rule = (u) => {
  if (!u.dragonAdmin) return undefined;
  const asking = !u.has(/\b(?:make|grant|assign|elevate|promote)\b/);
  if (u.has(ROLE_HOLDERS_RE) && asking) return { intent: 'role.holders', role: 'dragon-admin' };
  const { rest, justification, duration, until } = setAside(u.n, u.ctx.now);
  // The remove words are read without the end of access: "until end of shift" ends nothing.
  const removing = ROLE_REMOVE_RE.test(withoutReports(rest).text);
  const mood = roleSentenceMood(u);
  // "can Sam be a Dragon admin?" may be a polite request: the gate offers both.
  const eligibility = isEligibilityQuestion(u.ctx.reading?.focus) && u.writes && !removing;
  const sentences = u.ctx.reading?.sentences ?? [];
  // "Should Dr. Li still be a Dragon admin? I don't think so — please remove it.": the last word is an order.
  const lastText = sentences.length > 1 ? sentences[sentences.length - 1].text : '';
  const lastOrder =
    sentences.length > 1 &&
    ROLE_REMOVE_RE.test(lastText) &&
    (['order', 'request'].includes(sentences[sentences.length - 1].mood) ||
      lastText
        .split(/ [,-] /)
        .some((c) => /^(?:please )?(?:go ahead and )?(?:remove|revoke|take|drop|end|stop|strip)\b/.test(c)));
  const question = ((mood === 'question' && !eligibility) || (u.has(YES_NO_RE) && asking)) && !lastOrder;
  if (question || (u.has(ROLE_CHECK_RE) && !lastOrder && (asking || !u.writes))) {
    const users = findUsers(rest, 'check');
    if (users) return { intent: 'role.check', users, role: 'dragon-admin' };
    if (
      u.has(ROLE_ONLY_RE) ||
      u.has(ROLE_COUNT_RE) ||
      u.has(/\b(?:list|show|see|view)\b(?: \S+){0,4} (?:admins|list)\b/)
    )
      return { intent: 'role.holders', role: 'dragon-admin' };
    if (!question || u.has(/^(?:is|are|does|do) (?:anyone|anybody|someone|somebody|any)\b/))
      return { intent: 'role.holders', role: 'dragon-admin' };
    // "can Dragon admins assign licenses?", "what's the max duration for a Dragon admin?".
    return { intent: 'unknown' };
  }
  if (!u.writes) return undefined;
  if (removing) return { intent: 'role.remove', users: findUsers(rest, 'remove'), role: 'dragon-admin' };
  // "The previous Dragon admin, Sam Carter, left in May": a departure, not an ask for the role.
  if (!u.has(ROLE_ASK_CUE_RE) && !u.n.polite) {
    if (u.has(DEPARTURE_RE)) return { intent: 'role.remove', users: findUsers(rest, 'remove'), role: 'dragon-admin' };
    if (u.has(/\b(?:was|were|is|are|has|have|had)\b/) && !u.has(/\bfor\b/)) return { intent: 'unknown' };
  }
  return {
    intent: 'role.assign',
    users: findUsers(rest, 'assign'),
    role: 'dragon-admin',
    duration,
    until,
    justification,
  };
};

/** Words that ask for the role ("make", "grant", "needs", "could Sam be …"), as opposed to naming it. */
const ROLE_ASK_CUE_RE =
  /\b(?:make|making|grant|give|assign|add|need|needs|want|wants|would like|like|elevate|promote|upgrade|appoint|nominate|set|request|requesting|get|have|be|become|access|require|requires|put|sort|arrange|enable|restore)\b|^(?:dragon admin|admin)\b/;

// ---------------------------------------------------------------------------------------------
// license.*

const LICENSE_REMOVE_RE = new RegExp(
  String.raw`\b(?:free (?:up )?(?:the|her|his|their|that) (?:\S+ )?(?:license|seat)|get rid of|kill|scrap|remove|revoke|take (?:\S+ ){0,6}(?:away|off|back)|unassign|deprovision|delete|strip|reclaim|release|free up|deactivate|disable|cancel|drop|pull|unlicense|offboard|stop (?:\S+ ){0,3}(?:access|license|dragon)|will not be using|${NO_LONGER})\b`,
);
/**
 * A departure stated as a fact next to Dragon or a license ("Lee retired, his Dragon seat can
 * go"): a removal, unless the message also asks for something ("… joined the ICU and needs Dragon").
 */
const DEPARTURE_RE =
  /\b(?<!(?:are|is|be|have|has|any|seats|licenses|still|remain|we|nothing|anything|weeks|days|months|hours|shifts|clinics|time|ones|one|some|none|few|much|many|lot|those|these|them|spots|slots|were|was) )left(?! \?| over| if| after| to| blank| out| empty|$| (?:me|it|a|an|some|behind|notes?|messages?|instructions)\b)|\b(?:is leaving|leaving|resigned|has resigned|retired|has retired|is retiring|retiring|quit|no longer works|finished (?:her|his|their) (?:contract|assignment|rotation)|contract (?:ended|is over|has ended))\b/;
const ASKS_RE = /\b(?:need|needs|give|get|set up|assign|add|grant|provision|would like|want|wants)\b/;
/** "seats", "dragon seats?", "nursing licenses left". */
const SEATS_ALONE_RE =
  /^(?:(?:dragon|nursing|physician|license|licenses|the|any|our) )*(?:seats?|seat count|licenses)(?: (?:left|available|remaining|free|now|today))?(?: [?.])*$|^(?:do|does) (?:we|the hospital|our \S+) (?:still )?have (?:any )?(?:\S+ ){0,2}(?:seats|licenses) ?/;
const SEATS_RE =
  /\bhow many\b|\b(?:left(?! blank| out| empty)|available|remaining|remain|spare|unused|unassigned|in use|usage|utilisation|utilization|count|enough|out of|total|capacity|balance|inventory|free(?! up| the| her| his| their| \S+ 's))\b/;
const HOLDERS_RE =
  /\bwhich (?:\S+ )?(?:nurses|physicians|doctors|residents|hospitalists|attendings|surgeons|clinicians|providers|rns|lpns)\b|^who\b|(?:^|[.?;:] |\b(?:see|know|tell me|list|show me|find out) )who (?:has|have|holds|is|are|got|else|currently|already|all)\b|^holders\b|^(?:list|show|export|display|report|pull|give me)\b.*\b(?:users|holders|everyone|everybody|people|list|all)\b|\b(?:license holders|holders|roster)\b|\b(?:everyone|everybody|anyone|all (?:the )?(?:users|people|staff|clinicians)) (?:with|who|that)\b|\bwhich (?:users|people|staff|clinicians)\b/;
const CHECK_RE =
  /^(?:does|do|did|has|have|is|am|are|was)\b|(?:[.?:] |- )(?:does|do|did|is|am|are|was)\b|\b(?:state|status) of \S+(?: \S+)? 's\b|^(?:check|verify|look up|confirm)\b(?! (?:out|in|off)\b)|\b(?:check|checking|verify|verifying|confirm|confirming|see|know|find out|finding out|tell me|look into|looking into)(?: (?:for|with) (?:me|us))? (?:if|whether)\b|\b(?:has|have|got)\b(?: (?!to\b)\S+){0,4} (?:dragon|license|licenses|seat)\b[^.]*\?$|\b(?:what|which) (?:\S+ ){0,2}(?:license|licenses|kind of license|type of license) (?:does|do|is)\b|\bam i licensed\b|\bis my (?:\S+ ){0,2}(?:license|dragon)\b|\b(?:confirm|verify|double-check)\b(?: that)? (?:\S+ ){0,3}(?:license|dragon|seat)\b(?! (?:for|to)\b)/;
const REQUEST_RE =
  /\b(?:(?:is|are) after (?:a |some )?(?:dragon|license)|(?:neither|none) of (?:us|them) (?:has|have)|asking for|need|needs|needed|want|wants|give|get|gets|set up|set|assign|provision|grant|add|request|requesting|requested|would (?:\S+ )?like|would love|would benefit|benefit from|would appreciate|appreciate having|ask (?:here |you )?for|arrange|prepare|prepared|sort out|sorted out|sorted|enroll|sign|hook|access|allocate|issue|onboard|enable|put|register|require|requires|requesting|send|have|process|restore|reinstate|reactivate|re-enable|sort(?! of))\b|^license (?!\?)\S/;
/** Whether the words ask for something with a verb of asking ("process a license for …", "set me up"). */
export function namesAnAsk(n: Normalized): boolean {
  return REQUEST_RE.test(n.text);
}

/** A report of something broken is a support question, not a license request. */
// "issue" the noun ("an issue with my mic"), not the verb ("could you issue a Dragon license to …").
const SUPPORT_RE =
  /\b(?:error|errors|crash|crashes|crashing|crashed|broken|not working|does not work|do not work|(?<!\b(?:you|please|pls|kindly|to|and|can|could) )issue(?! (?:a|an|him|her|them|me|us|dragon|licen[sc]es?|seats?|physician|nursing)\b)|issues|problem|problems|bug|slow|freezes|freezing|frozen|fails|failing|failed|mic|microphone|password|login|log in|install|installing|download|downloading|dictate|how do i use)\b/;

/** `rest` is the utterance without its reason: "because she's a nursing supervisor" picks no license. */
function licenseKindFor(users: string[] | undefined, rest: Normalized): LicenseKind | undefined {
  const explicit = licenseFromWords(rest);
  if (explicit === 'both') return undefined;
  if (explicit) return explicit;
  // The requester's own job says which license only when the request is for the requester.
  if (users && users.length === 1 && users[0] === 'me') return selfDescribedLicense(rest) ?? speakerKind(rest);
  // "our LPN Dana", "Dr Ahmed, our new hospitalist", "Kelly (RN) + Jo (LPN)", "a new nurse".
  return kindOfTargets(rest, users);
}

/** "check Alan Brooks": one name after "check" is a question about that person's license. */
const CHECK_NAME_RE = /^(?:check|look up|verify|look into) (?!the\b|my\b|our\b|status\b|seats\b|request)/;

/** "nursing → a@x, b@x", "priya.patel@contoso.com physician", "Remove: A; B; C", "new license". */
function telegraphicLicense(u: Utterance): Draft | undefined {
  const t = u.n.tokens;
  if (u.has(/^(?:a )?new (?:dragon )?(?:license|seat)(?: request)?(?: [.?])*$/)) return { intent: 'license.request' };
  const kindFirst = /^(?:nursing|physician)(?: licenses?)? [-:]/.exec(u.text);
  if (kindFirst) {
    const users = peopleAfterAll(u.n, t.findIndex((x) => x.norm === '-' || x.norm === ':') + 1);
    if (users) return { intent: 'license.request', users, license: t[0].norm as LicenseKind };
  }
  const run = peopleAfter(u.n, 0);
  const kind = run && run.start === 0 ? t[run.end]?.norm : undefined;
  if (run && (kind === 'nursing' || kind === 'physician') && run.end + 1 >= t.length && !run.users.includes('me'))
    return { intent: 'license.request', users: run.users, license: kind };
  if (/^(?:remove|revoke|offboard)(?: licenses?)? :/.test(u.text)) {
    const users = peopleAfterAll(u.n, t.findIndex((x) => x.norm === ':') + 1);
    if (users) return { intent: 'license.remove', users };
  }
  return undefined;
}

const license: Rule = (u) => {
  if (u.writes) {
    const telegraphic = telegraphicLicense(u);
    if (telegraphic) return telegraphic;
  }
  if (!u.aboutLicenses) {
    if (!u.has(CHECK_NAME_RE)) return undefined;
    const skip = u.n.tokens[1]?.norm === 'up' || u.n.tokens[1]?.norm === 'into' ? 2 : 1;
    const users = peopleAfterAll(u.n, skip);
    return users ? { intent: 'license.check', users } : undefined;
  }
  // "can you tell me if I'm allowed to give Dana a license myself?": a question about permission.
  if (
    u.has(
      /\b(?:i am|we are|am i|are we)(?: \S+)? (?:allowed|permitted|supposed|meant|entitled|authori[sz]ed) to (?:give|remove|assign|grant|add|revoke|take|license|approve|hand out|give out)\b/,
    )
  )
    return { intent: 'unknown' };
  const { rest, justification } = setAside(u.n, u.ctx.now);
  // The reason set aside names no change: "… because her old profile was removed" asks for one.
  // Nor does a report of what happened ("she was removed from the pilot group by mistake").
  if (u.writes && (LICENSE_REMOVE_RE.test(withoutReports(rest).text) || (u.has(DEPARTURE_RE) && !u.has(ASKS_RE)))) {
    const users = findUsers(rest, 'remove');
    return { intent: 'license.remove', users, license: kindFromWords(u.n) ?? kindOfTargets(rest, users) };
  }
  // "is Ivy Chen's nursing license actually assigned, or … her usage location?": about a person.
  // "could we each have a physician seat?" asks for seats; it does not ask whether we have them.
  const politeHave = u.has(
    /\b(?:can|could|may|might) (?:i|we|they|he|she)(?: (?:each|all|both|also))? (?:have|get)\b|^would it be possible for (?:\S+ ){1,12}to (?:have|get)\b/,
  );
  const checked =
    u.has(CHECK_RE) && !politeHave && !u.has(/^(?:can|could|may|are there|is there)\b|\bany\b/)
      ? findUsers(rest, 'check')
      : undefined;
  if (checked && !u.has(/\bhow many\b/))
    return { intent: 'license.check', users: checked, license: kindFromWords(u.n) };
  if (
    ((u.has(SEATS_RE) && u.has(/\b(?:seats?|licen[sc]es?|dragon)\b|\bhow many\b/)) || u.has(SEATS_ALONE_RE)) &&
    !u.has(/\b(?:give|assign|grant|provision)\b|\bleft out\b/)
  )
    return { intent: 'license.seats', license: kindFromWords(u.n) };
  // "who removed Lee's license?" asks who did something, not who holds one.
  if (
    u.has(
      /^who (?:(?!is\b|are\b|was\b|were\b)\S+ )?(?:removed|revoked|gave|assigned|granted|took|added|approved|changed|deleted|released)\b/,
    )
  )
    return { intent: 'unknown' };
  // "who can approve a license for Amir?" asks about the process, not who holds one.
  if (u.has(/^who (?:can|could|should|would|will|do|does|is allowed to|approves|decides|signs)\b/)) return undefined;
  if (u.has(HOLDERS_RE)) return { intent: 'license.holders', license: kindFromWords(u.n) };
  if (u.has(CHECK_RE) && !politeHave && !u.has(/^(?:can|could|may)\b/)) {
    const users = findUsers(rest, 'check');
    if (users || !u.has(REQUEST_RE)) return { intent: 'license.check', users, license: kindFromWords(u.n) };
  }
  // A report of something broken is support, unless the message also asks for a license.
  // (A reason set aside — "because his old login was disabled" — is no report of a fault.)
  if (!u.writes || (SUPPORT_RE.test(rest.text) && !asksPolitely(u))) return undefined;
  // "could you give me a rundown of what you do": what is handed over is not Dragon.
  const handed = otherThingsHanded(rest);
  const asking = handed.length ? handed.reduceRight((m, [a, b]) => without(m, a, b), rest) : rest;
  if (handed.length && !REQUEST_RE.test(asking.text)) return undefined;
  const users = findUsers(rest, 'request');
  const forSomeone = !!users && /\bfor\b/.test(rest.text);
  if (!u.has(REQUEST_RE) && !forSomeone && !u.n.polite) return undefined;
  return { intent: 'license.request', users, license: licenseKindFor(users, rest), justification };
};

/** Whether a sentence of the message is an order or a request with a request verb ("Could you set me up?"). */
function asksPolitely(u: Utterance): boolean {
  return (u.ctx.reading?.sentences ?? []).some(
    (s) => (s.mood === 'order' || s.mood === 'request') && REQUEST_RE.test(s.text) && !SUPPORT_RE.test(s.text),
  );
}

function peopleAfterAll(n: Normalized, from: number): string[] | undefined {
  const run = peopleAfter(n, from);
  return run && run.start === from && run.end === n.tokens.length && !run.users.includes('me') ? run.users : undefined;
}

/** The order matters: each rule only sees what the rules before it declined. */
export const RULES: readonly Rule[] = [
  help,
  otherProduct,
  approvals,
  cancelRequest,
  requestStatus,
  purchase,
  partnerWithCue,
  partnerWithoutCue,
  otherRole,
  setup,
  role,
  statusOfMine,
  license,
];

export function classify(n: Normalized, ctx?: ClassifyContext): Draft {
  const u = new Utterance(n, ctx);
  for (const rule of RULES) {
    const draft = rule(u);
    if (draft) return draft;
  }
  return { intent: 'unknown' };
}
