/**
 * Who a license or role request is about. People write the target in many places ("give Dana
 * Dragon", "Dragon for dr patel", "Dana needs Dragon", "remove Dana's license", "I need Dragon");
 * each place is one small reader, tried in an order that depends on the kind of request.
 *
 * A reader can also say "blocked": the sentence clearly names a target that is not a person
 * ("for my team", "give them Dragon"). Then no reader after it is asked, so the parser leaves
 * `users` out and the bot asks, rather than falling back to "me". Pure: no I/O.
 */
import { peopleAfter, peopleBefore, type PeopleRun } from './entities';
import { DESCRIPTORS, DOMAIN_WORDS, NON_PERSON_TARGET_STARTERS, PERSON_STOP, SELF_WORDS } from './lexicon';
import { fromTokens, type Normalized, type Token } from './normalize';

export type TargetMode = 'request' | 'assign' | 'remove' | 'check';

type Reading = { users: string[] } | 'blocked' | undefined;

const PRONOUNS = new Set(['him', 'her', 'them', 'his', 'their', 'hers', 'theirs', 'she', 'he', 'they', 'us']);

const REQUEST_VERBS = new Set(['give', 'get', 'assign', 'grant', 'provision', 'issue', 'allocate', 'set', 'sign', 'hook', 'enroll', 'onboard', 'add', 'license', 'put', 'register', 'send']);
const ASSIGN_VERBS = new Set(['make', 'give', 'grant', 'add', 'assign', 'elevate', 'promote', 'set', 'put', 'appoint', 'nominate', 'upgrade', 'let', 'get']);
const REMOVE_VERBS = new Set(['remove', 'revoke', 'take', 'unassign', 'deprovision', 'delete', 'drop', 'strip', 'demote', 'kick', 'pull', 'release', 'reclaim', 'free', 'deactivate', 'disable', 'cancel', 'unlicense', 'offboard']);

/** What may follow the names after a verb: "give Dana [a] …", "take Lee [off] …". */
const OBJECT_FOLLOWERS = new Set([
  'a', 'an', 'the', 'some', 'dragon', 'license', 'licenses', 'nursing', 'physician', 'with', 'to', 'up', 'on', 'in',
  'for', 'access', 'seat', 'admin', 'admins', 'as', 'into', 'onto', 'one', 'rights', 'role', 'too', 'also', 'asap',
  'now', 'today', 'from', 'off', 'out', 'of', 'back', 'away', '.', '?', ',', ';', ':', 'temporary', 'temporarily',
]);

/** Statements whose subject is the target: "Dana needs Dragon", "Lee doesn't need it anymore". */
const SUBJECT_ANCHORS_RE = /(?:^| )(?<anchor>needs?|wants?|requires?|would like|would love|is requesting|are requesting|should (?:get|have|be)|has to have|have to have|is asking for|asked for|is missing|does not need|do not need|no longer needs?|does not have|do not have|left|has left|is leaving|retired|has retired|quit|resigned|is retiring|moved|transferred)(?= |$)/g;
const LEAVE_RE = /(?:^| )(?<anchor>left|has left|is leaving|retired|has retired|quit|resigned|is retiring|moved|transferred|no longer works)(?= |$)/;
const CLAUSE_BOUNDARY = new Set([',', '.', '?', ';', ':', '(', 'and', 'but', 'so', 'also', 'then', 'because', 'if', 'whether', 'that', 'who', 'well', 'now', 'okay', 'hey', 'hi', 'hello']);

const POSSESSED = new Set(['dragon', 'license', 'licenses', 'seat', 'admin', 'admins', 'role', 'roles', 'nursing', 'physician', 'access', 'rights', 'permissions', 'account']);

function tokenIndexAtChar(n: Normalized, offset: number): number {
  return n.offsets.indexOf(offset);
}

/**
 * Drops a description in front of a name so the name can be read: "our new nurse Maria" →
 * "Maria", "my coworker Jen" → "Jen", "a new hire, Tom Baker" → ", Tom Baker".
 */
export function dropDescriptors(n: Normalized): Normalized {
  const t = n.tokens;
  const keep: Token[] = [];
  for (let i = 0; i < t.length; i++) {
    let j = i;
    if (['our', 'my', 'the', 'a', 'an', 'his', 'her', 'their', 'your'].includes(t[j].norm)) j++;
    while (t[j] && ['new', 'other', 'fellow', 'icu', 'er', 'night', 'float', 'travel', 'charge', 'senior', 'junior'].includes(t[j].norm)) j++;
    if (t[j] && DESCRIPTORS.has(t[j].norm)) {
      let k = j + 1;
      if (t[k] && t[k].norm === 'member') k++;
      const afterComma = t[k] && t[k].norm === ',' ? k + 1 : k;
      const next = t[afterComma];
      if (next && next.kind !== 'punct' && !SELF_WORDS.has(next.norm) && (next.kind === 'email' || !PERSON_STOP.has(next.norm))) {
        i = k - 1;
        continue;
      }
    }
    keep.push(t[i]);
  }
  return keep.length === t.length ? n : fromTokens(n.source, keep);
}

/** A phrase after a verb or preposition that names a group or a pronoun, not a person. */
function startsNonPersonTarget(n: Normalized, i: number): boolean {
  const t = n.tokens[i];
  if (!t) return false;
  if (PRONOUNS.has(t.norm)) return true;
  if (!NON_PERSON_TARGET_STARTERS.has(t.norm)) return false;
  const next = n.tokens[i + 1];
  return !next || !DOMAIN_WORDS.has(next.norm) || ['team', 'staff', 'people', 'users', 'nurses', 'doctors', 'residents', 'physicians', 'unit', 'floor'].includes(next.norm);
}

function readAfter(n: Normalized, i: number, needFollower: boolean): Reading {
  if (startsNonPersonTarget(n, i)) return 'blocked';
  const run = peopleAfter(n, i);
  if (!run || run.start !== i) return undefined;
  if (needFollower) {
    const follower = n.tokens[run.end];
    if (follower && !OBJECT_FOLLOWERS.has(follower.norm)) return undefined;
  }
  return { users: run.users };
}

/** "for Dana", "from Dana", "to Dana". */
function afterPreposition(n: Normalized, prep: string): Reading {
  for (let i = 0; i < n.tokens.length; i++) {
    if (n.tokens[i].norm !== prep) continue;
    const r = readAfter(n, i + 1, false);
    if (r) return r;
  }
  return undefined;
}

/** "give Dana Dragon", "take Lee off Dragon", "sign me up". */
function afterVerb(n: Normalized, verbs: ReadonlySet<string>): Reading {
  for (let i = 0; i < n.tokens.length; i++) {
    if (!verbs.has(n.tokens[i].norm)) continue;
    let from = i + 1;
    // "set up Sam with Dragon": the particle comes first.
    if (n.tokens[from]?.norm === 'up' && ['set', 'sign', 'hook'].includes(n.tokens[i].norm)) from++;
    const r = readAfter(n, from, true);
    if (r) return r;
  }
  return undefined;
}

function runIsAtClauseStart(n: Normalized, run: PeopleRun): boolean {
  if (run.start === 0) return true;
  return CLAUSE_BOUNDARY.has(n.tokens[run.start - 1].norm);
}

/** "Dana Reyes and Sam need Dragon", "Tom Baker, who needs …", "Lee doesn't need it". */
function subjectOf(n: Normalized, re: RegExp = SUBJECT_ANCHORS_RE): Reading {
  const global = new RegExp(re.source, 'g');
  for (const m of n.text.matchAll(global)) {
    const anchorText = m.groups?.anchor ?? '';
    const at = tokenIndexAtChar(n, (m.index ?? 0) + m[0].indexOf(anchorText));
    if (at < 0) continue;
    let before = at;
    if (n.tokens[before - 1]?.norm === 'who' || n.tokens[before - 1]?.norm === 'that') before--;
    if (n.tokens[before - 1]?.norm === ',') before--;
    const run = peopleBefore(n, before);
    if (run && runIsAtClauseStart(n, run)) return { users: run.users };
  }
  return undefined;
}

/** "can Dana get Dragon?", "could I have …", "can Lee be a Dragon admin?". */
function modalSubject(n: Normalized): Reading {
  for (let i = 0; i < n.tokens.length; i++) {
    if (!['can', 'could', 'may', 'should', 'will', 'would'].includes(n.tokens[i].norm)) continue;
    const run = peopleAfter(n, i + 1);
    if (!run || run.start !== i + 1) continue;
    const next = n.tokens[run.end];
    if (next && ['get', 'have', 'be', 'receive', 'use', 'access', 'also', 'please', 'gain', 'become', 'keep'].includes(next.norm)) return { users: run.users };
  }
  return undefined;
}

/** "does Dana have …", "is Sam licensed …", "check if Lee has …". */
function questionSubject(n: Normalized): Reading {
  for (let i = 0; i < n.tokens.length; i++) {
    if (!['does', 'do', 'did', 'has', 'have', 'is', 'am', 'are', 'was', 'if', 'whether'].includes(n.tokens[i].norm)) continue;
    const run = peopleAfter(n, i + 1);
    if (!run || run.start !== i + 1) continue;
    const next = n.tokens[run.end];
    if (next && ['have', 'has', 'got', 'licensed', 'already', 'still', 'own', 'get', 'on', 'assigned', 'set', 'is', 'a', 'an', 'currently', 'actually', 'been'].includes(next.norm)) return { users: run.users };
  }
  return undefined;
}

/** The one person a pronoun points back to: "Sam left the hospital, remove his license". */
function pronounReferent(n: Normalized): Reading {
  const r = subjectOf(n, LEAVE_RE);
  return r ?? 'blocked';
}

/** "Dana's Dragon license", "my license", "Fabrikam's roles". */
function possessive(n: Normalized): Reading {
  for (let i = 0; i < n.tokens.length; i++) {
    const t = n.tokens[i];
    const nextOwned = n.tokens.slice(i + 1, i + 4).some((x) => POSSESSED.has(x.norm));
    if (!nextOwned) continue;
    if (t.norm === "'s") {
      const run = peopleBefore(n, i);
      if (run) return { users: run.users };
      continue;
    }
    if (t.norm === 'my') return { users: ['me'] };
    if (['his', 'her', 'their'].includes(t.norm)) return pronounReferent(n);
  }
  return undefined;
}

/** The requester: "I need Dragon", "give me …", "sign me up". */
function self(n: Normalized): Reading {
  const mentions = n.tokens.some((t) => SELF_WORDS.has(t.norm) || t.norm.startsWith('i ') || t.norm === 'my' || t.norm === 'let me');
  return mentions ? { users: ['me'] } : undefined;
}

const ORDER: Record<TargetMode, ((n: Normalized) => Reading)[]> = {
  request: [
    (n) => afterPreposition(n, 'for'),
    (n) => afterVerb(n, REQUEST_VERBS),
    (n) => afterPreposition(n, 'to'),
    (n) => subjectOf(n),
    modalSubject,
    possessive,
    self,
  ],
  assign: [
    (n) => afterVerb(n, ASSIGN_VERBS),
    (n) => afterPreposition(n, 'to'),
    (n) => afterPreposition(n, 'for'),
    (n) => subjectOf(n),
    modalSubject,
    possessive,
    self,
  ],
  remove: [
    possessive,
    (n) => afterPreposition(n, 'from'),
    (n) => afterPreposition(n, 'for'),
    (n) => afterVerb(n, REMOVE_VERBS),
    (n) => subjectOf(n),
    self,
  ],
  check: [questionSubject, possessive, self],
};

/**
 * The people a request is about, or undefined when the sentence does not say (or says something
 * that is not a person). `n` should already have its duration and reason set aside.
 */
export function findUsers(n: Normalized, mode: TargetMode): string[] | undefined {
  const clean = dropDescriptors(n);
  for (const read of ORDER[mode]) {
    const r = read(clean);
    if (r === 'blocked') return undefined;
    if (r) return r.users;
  }
  return undefined;
}
