/**
 * One message in: what it asks (the parse contract), how it is said (the reading), and what the
 * safety gate makes of it (propose, choose, answer). `parse` is the first of the three. Pure and
 * deterministic: the same text and reference moment always give the same answer.
 */
import { auditIntent } from './audit';
import { delegationIntent } from './delegation';
import { decide, type Decision, type Verdict } from './gate';
import { classify, namesAnAsk, type Draft } from './intents';
import { normalize, fromTokens, type Normalized } from './normalize';
import { clausesOf, isNoChange, withoutClauses, type Clause } from './clauses';
import { changeAsked, isEligibilityQuestion, readMessage, type Reading } from './reading';
import { correctionFrom } from './corrections';
import { statedReasonFrom } from './entities';
import { governedClauses, negatedActionAt, pastIntentions, reportedChanges, withoutReports } from './support';
import { INTENT_ENTITIES, isWriteIntent, type Entities, type ParseOptions, type ParseResult } from './types';

/** Longer messages are refused outright: nobody types a request that long, and parsing it would cost. */
export const MAX_UTTERANCE_CHARS = 2000;

export interface Understanding {
  result: ParseResult;
  /** Undefined when the message was not read (empty, too long, not text). */
  reading?: Reading;
  decision: Decision;
}

function present(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return false;
  return !Array.isArray(value) || value.length > 0;
}

/** Keeps only the entities the intent may carry, in the contract's order. */
function shape(draft: Draft): ParseResult {
  const out: ParseResult = { intent: draft.intent };
  const target = out as unknown as Record<string, unknown>;
  for (const name of INTENT_ENTITIES[draft.intent]) {
    const value = (draft as Entities)[name];
    if (present(value)) target[name] = value;
  }
  return out;
}

function tooLong(utterance: string): boolean {
  // Characters as people count them (code points), not UTF-16 units.
  if (utterance.length <= MAX_UTTERANCE_CHARS) return false;
  let count = 0;
  for (const _ of utterance) if (++count > MAX_UTTERANCE_CHARS) return true;
  return false;
}

/** Writes whose targets are people; a whole population is never one of them. */
const PEOPLE_WRITES = new Set(['license.request', 'license.remove', 'role.assign', 'role.remove']);

const UNKNOWN: Draft = { intent: 'unknown' };

const DISMISSAL_RE = /^(?:neither|none(?: of (?:these|them|those|the above))?|no thanks|nothing|no|nope)(?: [.?])*$/;

/** Question intents that a negated or hypothetical change can look like ("do not revoke Omar's …"). */
const ECHOED_BY_NEGATION = new Set([
  'license.check',
  'role.check',
  'role.holders',
  'partner.link.show',
  'partner.record.show',
  'partner.relationships',
  'request.cancel',
]);
/** An order that changes something: with a whole population as its target, never a write. */
const WRITE_START_RE =
  /^(?:please )?(?:give|get|assign|grant|add|provision|set up|make|remove|revoke|take|unassign|strip|reclaim|release|drop|pull|offboard|demote|promote|elevate|disable|license|enroll|sign up|hook up)\b/;
const QUESTION_CUE_RE =
  /\b(?:who|which|what|how many|see|show|list|check|confirm|verify|double-check|whether|tell me|know if|find out)\b/;

function slice(n: Normalized, from: number, to = n.tokens.length): Normalized {
  return fromTokens(n.source, n.tokens.slice(from, to), n.polite);
}

/** "what would happen if …", "what if …": a question about consequences nobody can answer from the tenant. */
const WHAT_IF_RE = /\bwhat (?:would |will )?happens?\b.*\bif\b|\bwhat if\b/;
/** A seats question still asked inside a hypothetical ("if I license four residents, how many are left?"). */
const SEATS_ASKED_RE = /\bhow many\b|\b(?:left|available|remaining|spare|enough)\b/;

/**
 * Whether a question the rules read is one the message really asks: a check needs someone to
 * check; inside a hypothetical, only a seats question ("… will we still have seats spare?") or a
 * partner look-up is answered, and "what would happen if …" is not.
 */
function answerable(asked: Draft, hypothetical: boolean, n: Normalized): Draft {
  if ((asked.intent === 'license.check' || asked.intent === 'role.check') && !asked.users) return UNKNOWN;
  if (!hypothetical) return asked;
  if (WHAT_IF_RE.test(n.text)) return UNKNOWN;
  // "who can administer Dragon?" asks who holds the role; "who would I ask …" asks about the process.
  if (asked.intent === 'role.holders' && /^who can (?!approve|i\b|we\b)/.test(n.text)) return asked;
  if (['license.check', 'role.check', 'role.holders', 'license.holders'].includes(asked.intent)) return UNKNOWN;
  if (asked.intent === 'license.seats' && !SEATS_ASKED_RE.test(n.text)) return UNKNOWN;
  return asked;
}

/** A population right after the verb or preposition that carries the change: "give all nurses …", "for everyone". */
const POPULATION_TARGET_RE =
  /\b(?:give|giving|assign|grant|license|provision|remove|revoke|set up|for|to|from|off)(?: the| our| my)? (?:all|every|everyone|everybody|each|whole|entire)\b/;

/** A change said with its verb ("remove", "revoke", "give", "assign"), not only as a fact ("she resigned"). */
const EXPLICIT_CHANGE_RE =
  /\b(?:remove|removed|revoke|revoked|take|taken|reclaim|release|released|free|give|assign|grant|add|provision|make|drop|pull|offboard|unassign|delete|strip|need|needs|should go|can go|no longer|any ?more)\b/;

/** Actions that are not tenant writes but that a later "leave it" / "ignore me" still takes back. */
const RETRACTABLE = new Set(['request.cancel', 'setup']);

const GO_AHEAD_RE =
  /\b(?:go ahead|proceed|please do|do it now|you can do it|it is fine now|it is ok now|green light)\b/;
const REPLACEMENT_RE = /\b(?:needs?|instead|rather|should (?:get|have)|give (?:her|him|them))\b/;
/** The words that make an order a prohibition, taken out to read the order itself. */
const NEGATORS = new Set(['do not', 'does not', 'never', 'should not', 'will not', 'do', 'not', 'please', 'yet']);

function liftedProhibition(n: Normalized, reading: Reading, now: Date, whole: Normalized): Draft | undefined {
  const at = reading.prohibitedAt;
  if (at === undefined) return undefined;
  let end = at;
  while (end < n.tokens.length && !['.', ';', ',', '-', '?'].includes(n.tokens[end].norm)) end++;
  const after = slice(n, Math.min(end + 1, n.tokens.length));
  if (!after.tokens.length) return undefined;
  let v = at;
  while (v < end && NEGATORS.has(n.tokens[v].norm)) v++;
  const order = fromTokens(
    n.source,
    [...n.tokens.slice(0, at), ...n.tokens.slice(v, end).filter((t) => t.norm !== 'yet')],
    n.polite,
  );
  const base = classify(order, { reading: readMessage(order), now, writes: true, whole });
  if (!isWriteIntent(base.intent)) return undefined;
  if (GO_AHEAD_RE.test(after.text)) return base;
  if (!REPLACEMENT_RE.test(after.text)) return undefined;
  const replaced = correctionFrom(base, after, {
    now,
    marker: '',
    ask: (m) => classify(m, { reading, now, writes: false, whole }),
  });
  const changed = (['license', 'duration', 'until', 'role'] as const).some(
    (k) => replaced[k] !== undefined && replaced[k] !== base[k],
  );
  return changed ? replaced : undefined;
}

/**
 * "Don't remove Ilse's license; it's Gustavo's that should go": a prohibition governs its own
 * sentence; a later sentence may still ask for a change of its own.
 */
function nextClauseChange(n: Normalized, reading: Reading, now: Date, whole: Normalized): Draft | undefined {
  const at = reading.prohibitedAt;
  if (at === undefined) return undefined;
  let end = at;
  // A comma ends the prohibition too when a clause of its own follows ("…, I just want my nursing license").
  // Not when it only points back ("don't take my dragon away, i'll need it when i'm back").
  const ownClause = (k: number) =>
    n.tokens[k].norm === ',' &&
    /^(?:(?:just|only|but|so) )*(?:i|we|she|he|they)\b(?=.*\b(?:license|licenses|dragon|admin|seat|role)\b)/.test(
      slice(n, k + 1).text,
    );
  while (end < n.tokens.length && !['.', ';', '-'].includes(n.tokens[end].norm) && !ownClause(end)) end++;
  if (end >= n.tokens.length - 1) return undefined;
  const rest = slice(n, end + 1);
  const restReading = readMessage(rest);
  if (restReading.prohibited || restReading.retracted || !changeAsked(rest)) return undefined;
  if (restReading.focus?.mood === 'question' || restReading.focus?.mood === 'hypothetical') return undefined;
  // What the later clause is about is its own ("… a Dragon admin, I just want my nursing license"),
  // or, when it names nothing, the message's.
  const own = classify(rest, { reading: restReading, now, writes: true });
  const draft = isWriteIntent(own.intent) ? own : classify(rest, { reading: restReading, now, writes: true, whole });
  return isWriteIntent(draft.intent) && (!PEOPLE_WRITES.has(draft.intent) || !!draft.users?.length) ? draft : undefined;
}

/** The change read before a correction, with what the correction states put in place. */
function corrected(n: Normalized, reading: Reading, now: Date, whole: Normalized): Draft | undefined {
  if (!reading.correction) return undefined;
  const { at, from } = reading.correction;
  const before = classify(slice(n, 0, at), { reading, now, writes: true, whole });
  if (!isWriteIntent(before.intent) && before.requestId === undefined) return undefined;
  return correctionFrom(before, slice(n, from), {
    now,
    marker: fromTokens(n.source, n.tokens.slice(at, from)).text,
    ask: (m) => classify(m, { reading, now, writes: false, whole }),
  });
}

const STILL_NEEDED_RE = /\bstill (?:need|needs|want|wants|use|uses|require|requires)\b/;
const TAKEN_AWAY = new Set([
  'took',
  'taken',
  'removed',
  'revoked',
  'pulled',
  'deleted',
  'disabled',
  'deactivated',
  'stripped',
]);

function restored(whole: Normalized, keep: readonly Clause[], now: Date): Draft | undefined {
  const taken = reportedChanges(whole).some(([a, b]) => whole.tokens.slice(a, b).some((t) => TAKEN_AWAY.has(t.norm)));
  if (!taken) return undefined;
  if (!keep.some((c) => STILL_NEEDED_RE.test(c.text))) return undefined;
  // Read without the report, the message says who needs what ("… but she still needs it").
  const rest = withoutReports(whole);
  const draft = classify(rest, { reading: readMessage(rest), now, writes: true, whole });
  return draft.intent === 'license.request' || draft.intent === 'role.assign' ? draft : undefined;
}

/** What the message asks, with the reading's verdict on whether a change is really asked. */
function draftOf(whole: Normalized, first: Reading, now: Date): { draft: Draft; verdict: Verdict; lifted?: boolean } {
  if (first.rules) return { draft: UNKNOWN, verdict: { turnedDown: 'rules' } };
  // "Neither" on a choice card, or a plain "no thanks".
  if (DISMISSAL_RE.test(whole.text)) return { draft: UNKNOWN, verdict: { turnedDown: 'retracted' } };
  // "Keep Rosa's license. Remove Minh's.": a clause that keeps things as they are asks for nothing,
  // and the rules read the rest; with nothing else asked, nothing is changed.
  let n = whole;
  let reading = first;
  const keep = first.retracted ? [] : clausesOf(whole).filter(isNoChange);
  // "they took my dragon away by mistake, i still need it": what was taken is still needed — a
  // request to have it back.
  const back = keep.length ? restored(whole, keep, now) : undefined;
  if (back) return { draft: back, verdict: {} };
  if (keep.length) {
    const rest = withoutClauses(whole, keep);
    // Nothing but punctuation left ("… still needs her license?"): nothing else is asked.
    if (!rest.tokens.some((t) => t.kind !== 'punct')) return { draft: UNKNOWN, verdict: { turnedDown: 'not-asked' } };
    if (!changeAsked(rest)) {
      const asked = classify(rest, { reading, now, writes: false, whole });
      if (asked.intent !== 'unknown' && !ECHOED_BY_NEGATION.has(asked.intent)) return { draft: asked, verdict: {} };
      return { draft: UNKNOWN, verdict: { turnedDown: 'not-asked' } };
    }
    n = rest;
    reading = readMessage(rest);
    // "Dr. Abara resigned …, so leave her license active for now": a departure said as a fact, with
    // the license kept, asks for nothing.
    if (
      !reading.sentences.some((s) => s.mood === 'order' || s.mood === 'request') &&
      !EXPLICIT_CHANGE_RE.test(rest.text)
    )
      return { draft: UNKNOWN, verdict: { turnedDown: 'not-asked' } };
  }
  const questionsOnly = (m: Normalized) => classify(m, { reading, now, writes: false, whole });
  // "before you give Sam a license, how many seats are left?": the question is the main clause.
  if (reading.mainFrom !== undefined) {
    const conditional = /^(?:if|when|once|unless|in case|assuming)\b/.test(n.text);
    const main = answerable(questionsOnly(slice(n, reading.mainFrom)), conditional, n);
    if (main.intent !== 'unknown') return { draft: main, verdict: {} };
    return { draft: UNKNOWN, verdict: { turnedDown: 'not-asked' } };
  }
  // A prohibition lifted later ("don't give Abena a license yet — oh wait, she started today, go
  // ahead") or turned into another value ("do NOT give Brianna a physician license — she needs nursing").
  const lifted = reading.prohibited
    ? (liftedProhibition(n, reading, now, whole) ?? nextClauseChange(n, reading, now, whole))
    : undefined;
  if (lifted) return { draft: lifted, verdict: {}, lifted: true };
  // A change forbidden or wondered about is not asked: what is left is a question, or nothing.
  if (reading.prohibited || reading.focus?.mood === 'hypothetical') {
    const asked = answerable(questionsOnly(n), !reading.prohibited, n);
    // "don't remove Maria's license" starts like "does Maria have …": only a question the message
    // really asks counts ("I don't want to remove anyone's license, I just want to see who has one").
    const echo =
      (reading.prohibited && ECHOED_BY_NEGATION.has(asked.intent) && !QUESTION_CUE_RE.test(n.text)) ||
      // "does removing a license delete the user's notes?" asks about nobody's license.
      ((asked.intent === 'license.check' || asked.intent === 'role.check') && !asked.users);
    if (asked.intent === 'unknown' || echo) return { draft: UNKNOWN, verdict: { turnedDown: 'not-asked' } };
    return { draft: asked, verdict: {} };
  }
  if (reading.population && WRITE_START_RE.test(reading.focus?.text ?? ''))
    return { draft: UNKNOWN, verdict: { turnedDown: 'rules' } };
  let draft = classify(n, { reading, now, writes: true, whole });
  if (reading.retracted && RETRACTABLE.has(draft.intent))
    return { draft: UNKNOWN, verdict: { turnedDown: 'retracted' } };
  // "cancel request 41 — I mean 42": a correction of a number outside a change.
  if (!isWriteIntent(draft.intent) && reading.correction && draft.requestId !== undefined)
    return { draft: corrected(n, reading, now, whole) ?? draft, verdict: {} };
  if (!isWriteIntent(draft.intent)) {
    const asked = answerable(draft, false, n);
    return {
      draft: asked,
      verdict: asked.intent === 'unknown' && draft.intent !== 'unknown' ? { turnedDown: 'not-asked' } : {},
    };
  }
  // A whole population as the target ("give all nurses Dragon"); a description of people named
  // one by one ("Kofi, Léa and Sven. All RNs.") is not one.
  const named = PEOPLE_WRITES.has(draft.intent) && !!draft.users?.length && !POPULATION_TARGET_RE.test(n.text);
  if ((PEOPLE_WRITES.has(draft.intent) || draft.intent === 'partner.roles.remove') && reading.population && !named)
    return { draft: UNKNOWN, verdict: { turnedDown: 'rules' } };
  // A change asked in a question that is neither addressed to the bot ("could you …") nor asked for
  // oneself ("can I get …") nor about someone's eligibility ("can Sam get …"): "does it make sense
  // to give Abdi a license?", "can I assign Dragon directly or …?" — a question, never a change.
  if (reading.focus?.mood === 'question' && !isEligibilityQuestion(reading.focus)) {
    const asked = answerable(questionsOnly(n), false, n);
    return { draft: asked, verdict: asked.intent === 'unknown' ? { turnedDown: 'not-asked' } : {} };
  }
  if (reading.retracted) {
    // "remove the partner link. no, keep it, just show me which ID is linked": what is asked after.
    if (reading.retractedAt !== undefined) {
      const asked = questionsOnly(slice(n, reading.retractedAt));
      if (asked.intent !== 'unknown' && QUESTION_CUE_RE.test(slice(n, reading.retractedAt).text))
        return { draft: asked, verdict: {} };
    }
    return { draft: UNKNOWN, verdict: { turnedDown: 'retracted' } };
  }
  if (reading.correction) draft = corrected(n, reading, now, whole) ?? draft;
  return { draft, verdict: {} };
}

/**
 * The words that cannot supply a change: a stated reason ("because her old profile was removed"),
 * a report of what already happened ("they took my Dragon away"), a negated write ("not trying to
 * get anything removed"). Token indexes.
 */
function cannotSupply(n: Normalized, lifted: boolean): Set<number> {
  const out = new Set<number>();
  const add = (from: number, to: number) => {
    for (let i = from; i < to; i++) out.add(i);
  };
  const reason = statedReasonFrom(n);
  if (reason) add(reason.start, reason.end);
  for (const [from, to] of reportedChanges(n)) add(from, to);
  for (const [from, to] of governedClauses(n)) add(from, to);
  for (const [from, to] of pastIntentions(n)) add(from, to);
  // A prohibition lifted later ("don't give Abena a license yet — oh wait, … go ahead") asks after all.
  const negated = lifted ? undefined : negatedActionAt(n);
  if (negated !== undefined) add(negated, clauseEndAt(n, negated));
  return out;
}

function clauseEndAt(n: Normalized, from: number): number {
  let end = from;
  while (end < n.tokens.length && !['.', ';', ',', '-', '?', 'but'].includes(n.tokens[end].norm)) end++;
  return end;
}

/**
 * A write stands only when the words that may supply one still ask for it: read again without
 * the reasons, reports and negated writes, the message must ask for the same change. Otherwise
 * the change was never asked, and only a question the message asks is answered.
 */
function supported(whole: Normalized, reading: Reading, read: { draft: Draft; lifted?: boolean }, now: Date): Draft {
  const draft = read.draft;
  if (!isWriteIntent(draft.intent)) return draft;
  const gone = cannotSupply(whole, !!read.lifted);
  // "Ravi Shah was a Dragon admin until last month": a past state, with nothing asked of it.
  const pastState =
    !changeAsked(whole) &&
    !/\b(?:ask|asking|apply) (?:\S+ ){0,2}for\b/.test(whole.text) &&
    !whole.polite &&
    reading.focus?.mood === 'statement' &&
    /\b(?:was|were|had been|used to be|used to have)\b/.test(whole.text);
  if (!gone.size && !pastState) return draft;
  const kept = fromTokens(
    whole.source,
    whole.tokens.filter((_, i) => !gone.has(i)),
    whole.polite,
  );
  if (kept.tokens.length && !pastState) {
    // What the change is about (Dragon, the role) may be named anywhere; the words that ask for
    // it ("give", "remove", "needs") must be among those kept.
    const keptReading = readMessage(kept);
    const again = classify(kept, { reading: keptReading, now, writes: true, whole });
    const asks = changeAsked(kept) || !changeAsked(whole) || namesAnAsk(kept);
    if (again.intent === draft.intent && asks) return draft;
  }
  const asked = answerable(classify(whole, { reading, now, writes: false, whole }), false, whole);
  return isWriteIntent(asked.intent) ? UNKNOWN : asked;
}

export function understand(utterance: string, opts: ParseOptions = {}): Understanding {
  if (typeof utterance !== 'string')
    return { result: { intent: 'unknown' }, decision: decide({ intent: 'unknown' }, undefined) };
  if (tooLong(utterance)) {
    const result: ParseResult = { intent: 'unknown', error: 'too-long' };
    return { result, decision: decide(result, undefined) };
  }
  const n = normalize(utterance);
  if (n.tokens.length === 0)
    return { result: { intent: 'unknown' }, decision: decide({ intent: 'unknown' }, undefined) };
  const reading = readMessage(n);
  const now = opts.now ?? new Date();
  // "show the audit for request 42", "send my approvals to Omar until Friday": each read by a rule of
  // its own — but never in text that tries to change the rules, which gets only the plain answer.
  const own = reading.rules ? undefined : (auditIntent(n, now) ?? delegationIntent(n, now));
  if (own) {
    const result = shape(own);
    return { result, reading, decision: decide(result, reading, {}) };
  }
  const read = draftOf(n, reading, now);
  const draft = supported(n, reading, read, now);
  const verdict: Verdict =
    draft === read.draft ? read.verdict : { turnedDown: draft.intent === 'unknown' ? 'not-asked' : undefined };
  const result = shape(draft);
  return { result, reading, decision: decide(result, reading, verdict) };
}

export function parse(utterance: string, opts: ParseOptions = {}): ParseResult {
  return understand(utterance, opts).result;
}
