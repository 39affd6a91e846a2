/**
 * How a message is said, read once before any rule looks at what it asks: its sentences and the
 * mood of each (an order, a request, a question, a hypothetical, a statement), whether a change is
 * negated, retracted or corrected by a later clause, whether the text tries to change Dragon
 * Desk's rules, and whether it asks about a whole population. The rules and the safety gate read
 * these facts instead of each guessing them again. Pure: no I/O.
 */
import { peopleAfter, statedReasonFrom } from './entities';
import { dropDescriptors } from './targets';
import { negatedActionAt, negationAt } from './support';
import { fromTokens, normalize, tokenAt, type Normalized, type Token } from './normalize';

export type Mood = 'order' | 'request' | 'question' | 'hypothetical' | 'statement';

export interface Sentence {
  /** Token range [start, end) in the normalised message, end punctuation excluded. */
  start: number;
  end: number;
  /** The sentence's match text, polite openers ("can you", "please") dropped. */
  text: string;
  mood: Mood;
  /** The sentence's tokens, polite openers included. */
  tokens?: readonly Token[];
}

export interface Reading {
  sentences: Sentence[];
  /** The sentence that carries the change asked for (the last one that names one), if any. */
  focus?: Sentence;
  /** The speaker talks about themselves ("I", "me", "my"). */
  firstPerson: boolean;
  /** Text that tries to change the rules ("ignore your rules", "SYSTEM OVERRIDE", "skip approval"). */
  rules: boolean;
  /** A change asked over a whole population ("everyone", "all nurses", "the whole ICU team"). */
  population: boolean;
  /** A later clause takes the change back ("no wait, keep it", "never mind", "scratch that"). */
  retracted: boolean;
  /** Where the retraction starts (a token index), when there is one. */
  retractedAt?: number;
  /** A change forbidden rather than asked ("don't give …", "never remove …", "hold off on …"). */
  prohibited: boolean;
  /** Where the prohibition starts (a token index), when there is one. */
  prohibitedAt?: number;
  /**
   * A correction ("— actually make that physician", "sorry, I meant nursing"): the change is read
   * from the tokens before `at`, and what follows `from` replaces what it names.
   */
  correction?: { at: number; from: number };
  /**
   * A leading clause that sets a condition or a time for a question ("before you give Sam a
   * license, how many seats are left?"): the main clause starts here.
   */
  mainFrom?: number;
}

const SENTENCE_END = new Set(['.', '?', ';']);

/** Words that name a change, for finding the sentence that carries it. */
const CHANGE_WORD_RE =
  /\b(?:give|giving|get|getting|gets|assign|grant|add|provision|set up|make|remove|removing|removed|revoked|released|reclaimed|revoke|take|unassign|strip|reclaim|release|free up|need|needs|want|wants|would like|request|requesting|send|link|unlink|change|update|drop|pull|offboard|demote|promote|elevate|disable|cancel|end|should|no longer|go back|can go|left|resigned|retired|quit|restore|reinstate|reactivate)\b/;

/** Openers that make a question a polite request ("can you …", "would you be able to …"). */
const POLITE_OPENER_RE =
  /^(?:(?:hi|hello|hey|so|okay|ok|also|and|but|then|now) )*(?:please )?(?:(?:can|could|would|will) you (?:please )?(?:be able to |kindly )?|would you mind |is it possible to |would it be possible (?:for (?:me|us)(?: and (?:\S+ ){0,3}\S+)? )?to |are you able to |i was wondering if you could |i would like you to |do you mind )/;

const IMPERATIVE_START_RE =
  /^(?:please )?(?:give|get|assign|grant|add|provision|set|make|remove|revoke|take|unassign|strip|reclaim|release|free|drop|pull|offboard|demote|promote|elevate|disable|deactivate|delete|cancel|end|send|link|unlink|change|update|register|enroll|sign|hook|put|let|issue|allocate|create|prepare|draft|show|list|check|tell|stop|terminate|kick|accept|approve|offer|attach|designate|associate|swap|replace|switch)\b/;

/** Questions and hypotheticals whose change is not asked for ("should I …", "what happens if …"). */
const HYPOTHETICAL_RE =
  /^(?!would it be possible for (?:\S+ ){1,12}to (?:have|get|be given)\b(?!.*\b(?:if|unless)\b)|how (?:can|do|could|would|should) (?:i|we) (?:go about )?(?:get|getting|obtain|request|requesting|have|sign up for|setting up)\b|what is the (?:\S+ )?(?:process|procedure|way) (?:to|for) (?:get|getting|set up|setting up|request|requesting)\b)(?:what (?:happens|would happen|will happen|if|would it take|should)|what is the (?:process|way)|if|suppose|supposing|assuming|in case|when (?:i|we|you|someone|somebody|a|an|the)|why|how (?:do|does|did|can|could|would|should|to|come)|is there (?:a|any) way|are there (?:a|any) ways?|would (?:\S+ing|it)|does (?:\S+ing)|do (?:\S+ing)|will (?:\S+ing)|who (?:can|could|should|would|do|does|will|approves|decides)|should (?:i|we|they|he|she|it|you|there|this|that)|which (?:\S+ )?should|i (?:wonder|am wondering|was wondering) (?:if|whether|how|why)|does it make sense|do you think|would it be (?:ok|okay|fine|better|wise)|is it (?:ok|okay|fine|possible|wise|worth|allowed|normal|true|better) (?:for|if|that|to|\S+ing)|is it worth|is there (?:any )?reason|what would|what do (?:i|we) (?:need|have) to do|what does it take|do (?:i|we) need (?:approval|permission|sign-?off|to)|(?:does|do) (?!i\b|we\b)\S+(?: \S+){0,2} (?:have|need) to (?:approve|sign off)|(?:in principle|in general|generally|out of interest|out of curiosity|just wondering)\b)\b/;

const QUESTION_START_RE =
  /^(?:who|whom|whose|what|which|where|when|why|how|is|are|am|was|were|do|does|did|has|have|had|can|could|may|might|should|would|will|shall)\b/;

/** A yes/no question about a person's eligibility: "can Sam get Dragon?", "could Dr. Ortiz have …". */
const ELIGIBILITY_RE = /^(?:can|could|may|might) (?!i\b|we\b|you\b)/;

/** First-person asks: "I need …", "can I get …", "we'd like …". */
const FIRST_PERSON_ASK_RE =
  /^what(?: is|'s) the (?:\S+ )?way to (?:get|set up|request)\b|^what is the (?:\S+ )?(?:process|procedure|way) (?:to|for) (?:get|getting|set up|setting up|request|requesting)\b|^what (?:do|should) (?:i|we) (?:need|have) to do (?:so|to get)\b|^how (?:can|do|could|would|should) (?:i|we) (?:go about )?(?:get|getting|obtain|request|requesting|have|sign up for|setting up)\b|^what (?:do|should|can) (?:i|we) do (?:so|to get)\b|^(?:i|we) (?:\S+ )?(?:need|needs|want|would like|would love|am requesting|are requesting|request|require)\b|^(?:can|could|may) (?:i|we) (?:please |each |all |both |also )?(?:get|have|be|receive|use|access|gain|request|become)\b|^(?:need|want|would like|requesting|in need of|looking for)\b/;

const RULES_RES: readonly RegExp[] = [
  /\b(?:ignore|forget|disregard|override|bypass|overrule|circumvent) (?:(?:all|any|every|your|the|previous|prior|earlier|above|those|these|my|our|its|standard|usual|normal|security|safety|approval|system) )*(?:rules?|instructions?|polic(?:y|ies)|restrictions?|guardrails?|prompts?|guidelines?|checks?|constraints?|safeguards?|process|workflow|limits?)\b/,
  /\bsystem (?:override|prompt|message|instruction|instructions|command|admin|note)\b/,
  /\b(?:admin|administrator|manager|security|emergency|developer|dev) override\b|\boverride (?:mode|code|approval|approvals|the approval)\b/,
  /\b(?:maintenance|developer|debug|god|test|admin|sudo|root|jailbreak|unrestricted|dev) mode\b/,
  /\b(?:skip|skipping|bypass|bypassing|circumvent|avoid|without|no need for|no need to wait for|get around|side-?step)\b(?: \S+){0,3} (?:approval|approvals|approving|approver|approvers|confirmation|confirmations|confirm|confirming|checks?|checking|review|sign-off|permission|asking anyone|asking|card|cards|the card)\b/,
  /\b(?:do not|does not|no) need to (?:check|ask|confirm|wait|get approval)\b/,
  /\bwithout (?:checking|asking|telling|confirming|waiting)\b/,
  /\b(?:pretend|imagine) (?:you|that you|to be|you are)\b|\bact as (?:if|an?|the|my)\b|\byou are now\b|\bfrom now on you\b|\bnew (?:instructions|rules|policy)\b/,
  /\bauto-?approve\b|\bi (?:hereby )?authori[sz]e you\b|\bno (?:restrictions|limits|rules)\b|\bapproval rules? (?:do not|does not) apply\b|\b(?:rules|policy|policies) (?:do not|does not) apply\b/,
  /\bsystem\s*\]|\[\s*system\b|^system\s*:/,
  /\b(?:approvals?|confirmations?|sign-?offs?|reviews?)(?: (?:step|steps|process|rules?|cards?))? (?:is|are|has been|have been|was|were|got) (?:\S+ ){0,2}(?:disabled|off|turned off|switched off|skipped|waived|suspended|bypassed|not (?:needed|required|necessary))\b/,
  /\b(?:do not|does not|no|never) needs? (?:\S+ ){0,2}(?:sign-?off|approval|approvals|confirmation|confirmations|review)\b|\bno need to (?:route|send|wait|ask|get)\b(?: \S+){0,3} (?:approval|approvals|confirmation|sign-?off)\b/,
  /\b(?:license|role|partner)\.(?:request|assign|remove|check|link|record|offer)\b|\bapproved by (?:an? )?admin\b/,
  /\b(?:from (?:today|now on)|as of (?:today|now)|starting (?:today|now))\b.*\b(?:entitled|allowed|eligible|get|gets|can have)\b|\b(?:are|is) now (?:entitled|allowed|eligible)\b/,
  /\bsystem notice\b|\bsigned off on everything\b|\bpre-?cleared\b/,
  /\b(?:disabled|turned off|switched off|suspended|bypassed) (?:the |all )?(?:approvals?|confirmations?|confirmation cards?|approval cards?|checks?|sign-?offs?)\b|\b(?:turned|switched|shut|disabled|turning|switching) (?:\S+ ){0,2}(?:approvals?|confirmations?|checks?|sign-?offs?) off\b|\b(?:turned|switched) off (?:the )?(?:approvals?|confirmations?|checks?)\b/,
  /\b(?:from|as of|starting|effective) (?:today|now|this week|this month|monday)\b.*\b(?:qualify|qualifies|entitled|allowed|eligible)\b|\bautomatically (?:qualify|qualifies|get|gets|approved)\b/,
  /\b(?:treat|consider|count|mark) (?:\S+ ){0,3}(?:requests?|this|these|it|them|everything) as (?:pre-?)?approved\b|\bpre-? ?approved\b|\bauto-?approved?\b/,
  /\b(?:the )?(?:rules?|policy|policies|process) (?:have |has )?(?:just )?changed\b|\b(?:policy|policies|rules?) (?:\S+ ){0,5}(?:has been|have been|was|were|is now|are now) (?:updated|changed|lifted|relaxed)\b/,
  /"intent"\s*:|\bexecute\s*[{[]|<<\s*\w+\s*>>|^\s*\[\s*(?:admin|system|root|sudo|override)\s*\]/,
];

/** Token words that point at a whole population when they stand for the target of a change. */
const POPULATION_RE =
  /\b(?:all|every|each) (?:of )?(?:the |our |my )?(?:\S+ )?partners?(?:'s| 's)?\b|\ball of (?!them\b|us\b|you\b|their\b|his\b|her\b|its\b|these\b|those\b|the following\b|my (?:requests|licenses?)\b|it\b|that\b|this\b|\S+ 's\b)\S+|^(?:can|could|may|do|does|should|are|will) (?:\S+ )?(?:nurses|physicians|doctors|residents|practitioners|nps|pas|providers|staff|people|users|hospitalists|attendings|surgeons|interns|fellows|clinicians|pharmacists|therapists|scribes)\b|\b(?:everyone|everybody|every ?one|(?<!\b(?:they|we|you|them|us|will|would|can|could|should|may|might|must|are|were|both) )all (?:of )?(?:the |our |my |these |those )?(?:\S+ )?(?:nurses|physicians|doctors|residents|users|staff|people|clinicians|employees|providers|hospitalists|attendings|surgeons|interns|fellows|members|licenses|seats|admins|administrators|rns|lpns|nps|pas|accounts|team|teams|unit|units|department|departments|ward|wards|floor|floors|new hires|hires|grads|graduates|new grads|starters|new starters|joiners|nursing|physician|dragon|charge)|every (?:\S+ )?(?:nurse|physician|doctor|resident|user|member|person|clinician|employee|provider|hospitalist|attending|surgeon|intern|fellow|license|seat|admin|rn|lpn|np|pa|account|one|single|hire|grad|starter|joiner|partner)(?:'s| 's)?(?! roles?\b| rights?\b| access\b)|(?:the )?(?:whole|entire) (?:\S+ ){0,2}(?:team|teams|unit|department|dept|staff|floor|ward|hospital|icu|ed|er|service|group|org|organisation|organization|tenant|clinic|practice|nursing|shift)|each (?:nurse|physician|doctor|resident|user|member|person|one))\b/;

/** A later clause that takes the change back. */
const RETRACTION_RE =
  /(?:^|[.?;,:-] |\b(?:no|wait|oops|sorry|actually|oh|hmm|hold on|hang on|on second thought) )(?:(?:no|wait|oops|sorry|actually|oh|hmm|ok|okay|hold on|hang on|on second thought|,|-|\.) )*(?:never mind|scratch that|forget (?:it|that|about it|i asked)|disregard(?: that| this| it| me| my (?:last )?(?:message|request))?|ignore (?:that|this|me|my (?:last )?(?:message|request))|cancel that|belay that|do not|keep (?:it|them|her|his|their)|leave (?:it|them|her|him)|no need|not yet|hold off|wait until(?= \S))(?= [.?;,:-]| *$|,| (?:she|he|they|i|it|that|wrong|my|until|the|we|procurement|legal|hr)\b)/;

/** Where a correction starts: "— actually make that physician", "sorry, I meant nursing", "no, 4 hours". */
const CORRECTION_RE =
  /(?:[.?;,:-]|^) (?:(?:no|oh|oops|sorry|wait|hmm|um|uh|er|erm|lol|haha|ugh|ah|better|let us|lets|hang on|hold on) [,.-]? ?)*(?:actually(?: ,)?(?: (?:on reflection|on second thought) ,?)?(?: make (?:that|it))?|i meant|i mean|sorry i meant|correction [:,-]?|on second thought(?: ,)?(?: make (?:that|it))?|make (?:that|it)|or rather|rather|no ,|no -|no(?= \d)|oh wait|wait|sorry [,-]|typo [,:-]|(?:er|erm|um|uh) [,-]|lol no ,?|(?:hang|hold) on ,|scratch(?! that\b)|leave(?= \S+(?: \S+)? (?:out|off)\b))(?= )/g;

/** A change forbidden: "don't give …", "never remove …", "we shouldn't give …", "hold off on giving …". */
const PROHIBITION_RE =
  /\b(?:do not|does not|did not|never|should not|shall not|must not|you will not|can not|could not|would not|no need to|not to|hold off(?: on)?|refrain from|nobody should|no one should|noone should|nobody is to|no one is to|avoid)\b(?: (?:please|yet|ever|actually|really|want|wanna|want to|need to|have to|go|go ahead and|be|to|you|we|i)){0,3} (?:give|giving|remove|removing|assign|assigning|make|making|revoke|revoking|take|taking|add|adding|grant|granting|send|sending|unlink|unlinking|provision|provisioning|set|setting|strip|stripping|pull|pulling|delete|deleting|end|ending|terminate|drop|dropping|put|putting|reclaim|release|touch|change|offer|offering|link|license|licensing|reassign|reassigned|reassigning|removed|revoked|taken|given|assigned|granted|reclaimed|released|do (?:it|that|this|anything)|get|receive|be given|be made)\b|\bwould (?:rather|prefer) (?:\S+ ){0,4}not (?:receive|get|have|be given|be made|become)\b|\bnot (?:asking|requesting) (?:you )?to\b|\bnot (?:asking|requesting) (?:for )?(?:a |any )?(?:removal|change|revocation)\b|\bnot (?:asking|requesting) (?:you )?(?:for )?(?:anything|something|it|her|him|them) to be (?:removed|changed|revoked|taken)\b|\bhold off on\b|\bdo not bother\b|\b(?:is not|was not) a request to\b|\b(?:not comfortable|uncomfortable|not happy|object to|objecting to|against) (?:with )?(?:\S+ ){0,3}(?:holding|having|getting|being|receiving)\b|\bdo not (?:action|process|proceed with|go ahead with)\b/;

/** A question that sets a condition first: "just curious — if someone leaves, does their license …?". */
const CONDITION_IN_QUESTION_RE =
  /(?:^|[,:-] )(?:(?:just curious|quick question|curious|hypothetically|out of interest|out of curiosity) [,:-] )?(?:what if|if|suppose|supposing|assuming|in case|when (?:someone|somebody|a|an|the|i|we|they|he|she))\b/;

/**
 * Doubt or a judgement about the change, not an order: "I'm not sure if we should remove …",
 * "we're debating whether to give …", "it would be a mistake to remove …". Not "I was wondering if
 * you could …", which asks politely.
 */
const HEDGE_RE =
  /\b(?:not sure|unsure|undecided|uncertain|debating|deciding|wondering|considering|thinking|weighing up|on the fence|in two minds|torn)\b(?: \S+){0,2} (?:(?:if|whether)(?! (?:you|u) (?:could|can|would|will)\b)(?: \S+){0,4} (?:should|ought|to|would|could|can|must|need|needs)\b|about \S+ing\b)|\b(?:be|is|was|would be|will be) (?:a |an )?(?:big |huge |real )?(?:mistake|wrong|unfair|premature|too early|too soon|bad idea|unwise|overkill|pointless|unnecessary) to\b|\b(?:probably|eventually|at some point|some day|someday|one day|in the future|down the line|sooner or later|in due course)\b|\b(?:might|may) (?:not |no longer |also |well )?(?:need|want|use|require)\b/;

/** Words before an order that keep it one ("just give her nursing for now"). */
const CONJUNCTION_LEAD_RE = /^(?:(?:so|and|but|then|also) )+/;
const ORDER_LEAD_RE = /^(?:(?:just|so|then|and|but|okay|for now|maybe|please|in the meantime) )+/;

function hedged(text: string): boolean {
  const clauses = text.split(/ [,:;-] /);
  return (
    clauses.some((c) => HEDGE_RE.test(c) && CHANGE_WORD_RE.test(c)) &&
    !clauses.some((c) => IMPERATIVE_START_RE.test(c.replace(ORDER_LEAD_RE, '')) && !HEDGE_RE.test(c))
  );
}

/** "Don't forget to give …", "never fail to …": a negated order of not doing, i.e. an order. */
const DOUBLE_NEGATIVE_RE = /^(?:do not|never) (?:forget|fail|neglect|hesitate) to\b/;

/** "If Dana passes her boards, please give her a nursing license": an order under a condition. */
const CONDITIONAL_ORDER_RE = /^(?:if|when|once|after|as soon as) [^,?]+ , (?:(?:then|just|please) )*(?=\S)/;

function sentenceMood(text: string, endsWithQuestion: boolean): Mood {
  if (DOUBLE_NEGATIVE_RE.test(text) && !endsWithQuestion) return 'order';
  const conditional = CONDITIONAL_ORDER_RE.exec(text);
  if (conditional && !endsWithQuestion && IMPERATIVE_START_RE.test(text.slice(conditional[0].length))) return 'order';
  if (HYPOTHETICAL_RE.test(text) || hedged(text)) return 'hypothetical';
  if (endsWithQuestion && CONDITION_IN_QUESTION_RE.test(text)) return 'hypothetical';
  if (IMPERATIVE_START_RE.test(text)) return 'order';
  // "I'm a nurse on 4 West, could I get Dragon?": the ask may follow an introduction, and its
  // conjunction ("…, so could I have a license set up?").
  if (text.split(/ [,:-] /).some((clause) => FIRST_PERSON_ASK_RE.test(clause.replace(CONJUNCTION_LEAD_RE, ''))))
    return 'request';
  if (endsWithQuestion || QUESTION_START_RE.test(text)) return 'question';
  return 'statement';
}

function splitSentences(n: Normalized): Sentence[] {
  const out: Sentence[] = [];
  let s = 0;
  const push = (end: number) => {
    if (end > s) {
      const raw = fromTokens(n.source, n.tokens.slice(s, end)).text;
      const opener = POLITE_OPENER_RE.exec(raw);
      const text = opener ? raw.slice(opener[0].length) : raw;
      // The opener of the first sentence ("could you …") was dropped with the filler.
      const polite =
        !!opener ||
        (s === 0 && !!n.opener) ||
        raw
          .split(/ [,-] /)
          .some((clause) =>
            /^(?:(?:so|and|but|then) )?(?:(?:can|could|would|will) you|would you be able to)\b/.test(clause),
          );
      const question = n.tokens[end]?.norm === '?';
      let mood = sentenceMood(text, question);
      // A polite opener turns a question into an order ("could you give Dana a license?").
      if (polite && mood !== 'hypothetical') mood = 'order';
      out.push({ start: s, end, text, mood, tokens: n.tokens.slice(s, end) });
    }
  };
  for (let i = 0; i < n.tokens.length; i++) {
    if (SENTENCE_END.has(n.tokens[i].norm)) {
      push(i);
      s = i + 1;
    }
  }
  push(n.tokens.length);
  return out;
}

/** "before you give Sam a license, how many seats are left?": where the question begins. */
const LEADING_CONDITION_RE = /^(?:before|if|when|once|after|unless|until|in case|assuming|prior to|ahead of)\b/;

function mainClauseStart(n: Normalized, first: Sentence | undefined): number | undefined {
  if (!first || !LEADING_CONDITION_RE.test(first.text)) return undefined;
  for (let i = first.start; i < first.end; i++) {
    if (![',', ':', '-'].includes(n.tokens[i].norm)) continue;
    const rest = fromTokens(n.source, n.tokens.slice(i + 1, first.end)).text;
    if (QUESTION_START_RE.test(rest) || n.tokens[first.end]?.norm === '?') return i + 1;
    return undefined;
  }
  return undefined;
}

function correctionOf(n: Normalized): { at: number; from: number } | undefined {
  // A leading space lets the marker match at the very start too; offsets below undo it.
  const text = ` ${n.text}`;
  for (const m of text.matchAll(CORRECTION_RE)) {
    const index = m.index ?? 0;
    const at = tokenAt(n, Math.max(0, index - 1));
    const from = tokenAt(n, index + m[0].length);
    // Something must come before the marker, and something must follow it.
    if (at > 1 && from > at && from < n.tokens.length) return { at, from };
  }
  return undefined;
}

function firstPerson(tokens: readonly Token[]): boolean {
  return tokens.some((t) => t.norm.split(' ').some((w) => ['i', 'me', 'my', 'myself', 'mine'].includes(w)));
}

export function readMessage(n: Normalized): Reading {
  const sentences = splitSentences(n);
  const withChange = sentences.filter((s) => CHANGE_WORD_RE.test(s.text));
  const focus = withChange[withChange.length - 1] ?? sentences[0];
  const text = n.text;
  const raw = n.source.toLowerCase();
  const rules = RULES_RES.some((re) => re.test(text) || re.test(raw));
  const retraction = RETRACTION_RE.exec(text);
  const prohibition = PROHIBITION_RE.exec(text);
  const negated = negatedActionAt(n);
  const matchedAt = prohibition ? tokenAt(n, prohibition.index) : undefined;
  // "it was never removed after he left": a report of what did not happen forbids nothing.
  const reported = matchedAt !== undefined && negationAt(n, matchedAt) === 'report';
  // A negation inside a stated reason ("since I can't remove licenses myself, please …") forbids nothing.
  const reason = matchedAt !== undefined || negated !== undefined ? statedReasonFrom(n) : undefined;
  const inReason = (at: number | undefined) => !!reason && at !== undefined && at >= reason.start && at < reason.end;
  const prohibitedAt = [
    reported || inReason(matchedAt) ? undefined : matchedAt,
    inReason(negated) ? undefined : negated,
  ]
    .filter((x): x is number => x !== undefined)
    .reduce<number | undefined>((a, b) => (a === undefined ? b : Math.min(a, b)), undefined);
  // A retraction counts only after something was asked: "keep her license" alone asks for nothing,
  // and "not yet" ends a request only when it stands after it.
  const retracted = !!retraction && retraction.index > 0 && CHANGE_WORD_RE.test(text.slice(0, retraction.index));
  return {
    sentences,
    focus,
    firstPerson: firstPerson(n.tokens),
    rules,
    population: POPULATION_RE.test(text),
    retracted,
    retractedAt: retracted && retraction ? tokenAt(n, retraction.index) : undefined,
    prohibited: prohibitedAt !== undefined,
    prohibitedAt,
    correction: correctionOf(n),
    mainFrom: mainClauseStart(n, sentences[0]),
  };
}

const PASSIVE_ASK_RE =
  /^(?:can|could|may) (?:\S+ ){1,5}be (?:set up|given|assigned|provisioned|sorted(?: out)?|arranged|added|granted|prepared|licensed)\b/;

/** Whether the text names a change at all ("give", "remove", "needs", "no longer" …). */
export function changeAsked(n: Normalized): boolean {
  return CHANGE_WORD_RE.test(n.text);
}

/** Whether the message asks (yes/no) if someone may have something: "can Sam get a Dragon license?". */
/** Eligibility read once per sentence: the planner, the gate and the rules all ask. */
const eligibility = new WeakMap<Sentence, boolean>();

export function isEligibilityQuestion(s: Sentence | undefined): boolean {
  if (!s) return false;
  const known = eligibility.get(s);
  if (known !== undefined) return known;
  const value = eligibilityOf(s);
  eligibility.set(s, value);
  return value;
}

function eligibilityOf(s: Sentence): boolean {
  // "could her Dragon nursing license be sorted out?", "can Dragon be set up for …?": a polite ask.
  if (s.text.split(/ [,-] /).some((c) => PASSIVE_ASK_RE.test(c))) return true;
  // "would it be possible for our two new charge nurses, A and B, to have Dragon set up?": asked of others.
  if (/^would it be possible for (?!me\b|us\b)(?:\S+ ){1,12}to (?:have|get|be given)\b/.test(s.text)) return true;
  // "are our two new night LPNs, A and B, able to get Dragon yet?", "is Sam allowed to have Dragon?"
  if (
    /^(?:is|are) (?!i\b|we\b|you\b|there\b)(?:\S+ ){1,12}(?:able|allowed|eligible) to (?:get|have|be given)\b/.test(
      s.text,
    )
  )
    return true;
  if (!ELIGIBILITY_RE.test(s.text)) return false;
  // "can my co-intern Priscilla get dragon too?": someone described, then named.
  if (/^(?:can|could|may) (?:my|our|his|her|their) \S+ \S+/.test(s.text) && / (?:get|have|be given)\b/.test(s.text))
    return true;
  // "can someone on my unit get dragon", "could our incoming surgeon get Dragon": someone unnamed.
  if (
    /^(?:can|could|may) (?:someone|somebody|(?:my|our|the) (?:\S+ ){0,3}(?:nurse|surgeon|resident|hospitalist|physician|doctor|fellow|intern|rn|lpn|hire|starter|colleague)s?) (?:\S+ ){0,4}(?:get|have|be given)\b/.test(
      s.text,
    )
  )
    return true;
  // "can Sam get …", "could she have …" — not "can Dragon admins assign licenses?".
  const tokens = s.tokens ?? normalize(s.text).tokens;
  const modal = tokens.findIndex((t) => ['can', 'could', 'may', 'might'].includes(t.norm));
  const subject = dropDescriptors(fromTokens('', tokens.slice(modal + 1)));
  if (['he', 'she', 'they', 'her', 'him'].includes(subject.tokens[0]?.norm ?? '')) return true;
  const run = peopleAfter(subject, 0);
  return !!run && run.start === 0;
}
