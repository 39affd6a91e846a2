/**
 * The safety gate between reading a message and proposing a change. A write is proposed only when
 * the message asks for it affirmatively, names who it is for, and nothing in it forbids, retracts
 * or questions it, or tries to change the rules. Otherwise Dragon Desk answers, or shows the
 * readings it sees on a choice card and lets the person pick one (a pick is sent back as the
 * canonical sentence, so it goes through this gate and the usual confirmation again). Pure: no I/O.
 */
import type { Reading } from './reading';
import { isEligibilityQuestion } from './reading';
import { isWriteIntent, type ParseResult } from './types';

/** Why a message is answered rather than proposed. */
export type AnswerReason =
  /** Not a change: a question, a status, help… answered as usual. */
  | 'not-a-write'
  /** Text that tries to change the rules, or a change over a whole population: what Dragon Desk can do, no card. */
  | 'rules'
  /** A change taken back by a later clause ("no wait, keep it"). */
  | 'retracted'
  /** A change forbidden ("don't give …") or asked about hypothetically ("what happens if I remove …"). */
  | 'not-asked'
  /** A change that names nobody: Dragon Desk asks who. */
  | 'who'
  /** Nothing Dragon Desk understood. */
  | 'not-understood';

export interface ChoiceOption {
  /** The button's words ("Remove Dana Reyes's Dragon license"). */
  label: string;
  /** The sentence the button sends back; it reads as that option when typed. */
  say?: string;
}

export type Decision =
  | { action: 'propose' }
  | { action: 'choose'; prompt: string; options: ChoiceOption[] }
  | { action: 'answer'; reason: AnswerReason };

/** Writes whose targets are people: they need someone named. */
const PEOPLE_WRITES = new Set(['license.request', 'license.remove', 'role.assign', 'role.remove']);

export interface Verdict {
  /** How the draft came to be, when a rule of the reading turned it into `unknown`. */
  turnedDown?: 'rules' | 'retracted' | 'not-asked';
}

function names(users: readonly string[]): string {
  if (users.length === 1) return users[0];
  return `${users.slice(0, -1).join(', ')} and ${users[users.length - 1]}`;
}

function possessive(users: readonly string[]): string {
  if (users.length === 1 && users[0] === 'me') return 'my';
  const who = names(users);
  return who.endsWith('s') ? `${who}'` : `${who}'s`;
}

const isMe = (users: readonly string[]) => users.length === 1 && users[0] === 'me';

function kindWords(r: ParseResult): string {
  return r.license ? `Dragon ${r.license}` : 'Dragon';
}

/** The sentence that asks whether the people have a license (or the role), as Dragon Desk reads it. */
function checkOption(r: ParseResult, users: string[]): ChoiceOption {
  if (r.intent === 'role.assign' || r.intent === 'role.remove') {
    if (isMe(users)) return { label: 'Check whether I am a Dragon admin', say: 'am I a Dragon admin?' };
    return {
      label: `Check whether ${names(users)} ${users.length > 1 ? 'are Dragon admins' : 'is a Dragon admin'}`,
      say: users.length > 1 ? `are ${names(users)} Dragon admins?` : `is ${names(users)} a Dragon admin?`,
    };
  }
  if (isMe(users)) return { label: 'Check my Dragon license', say: 'do I have a Dragon license?' };
  return {
    label: `Check ${possessive(users)} Dragon license${users.length > 1 ? 's' : ''}`,
    say: users.length > 1 ? `do ${names(users)} have Dragon licenses?` : `does ${names(users)} have a Dragon license?`,
  };
}

/** The sentence that asks for the change itself, in the form the grammar reads best. */
export function writeOption(r: ParseResult): ChoiceOption | undefined {
  const users = r.users;
  if (!users?.length) return undefined;
  const who = isMe(users) ? 'me' : names(users);
  switch (r.intent) {
    case 'license.request':
      return {
        label: `Request a ${kindWords(r)} license for ${isMe(users) ? 'me' : who}`,
        say: `give ${who} ${users.length > 1 ? `${kindWords(r)} licenses` : `a ${kindWords(r)} license`}`,
      };
    case 'license.remove':
      return {
        label: `Remove ${possessive(users)} ${kindWords(r)} license${users.length > 1 ? 's' : ''}`,
        say: `remove the ${kindWords(r)} license from ${who}`,
      };
    case 'role.remove':
      return {
        label: `Remove the Dragon admin role from ${who}`,
        say: `remove the Dragon admin role from ${who}`,
      };
    case 'role.assign':
      return { label: `Make ${who} a Dragon admin`, say: `make ${who} a Dragon admin` };
    default:
      return undefined;
  }
}

const NEITHER: ChoiceOption = { label: 'Neither' };

export function decide(result: ParseResult, reading: Reading | undefined, verdict: Verdict = {}): Decision {
  if (verdict.turnedDown) return { action: 'answer', reason: verdict.turnedDown };
  if (!reading) return { action: 'answer', reason: result.intent === 'unknown' ? 'not-understood' : 'not-a-write' };
  if (!isWriteIntent(result.intent))
    return { action: 'answer', reason: result.intent === 'unknown' ? 'not-understood' : 'not-a-write' };
  if (PEOPLE_WRITES.has(result.intent) && !result.users?.length) return { action: 'answer', reason: 'who' };
  const focus = reading.focus;
  const write = writeOption(result);
  if (write && result.users) {
    // "can Sam get a Dragon license?": a polite request, or a question about whether Sam may.
    const question = focus?.mood === 'question' || isEligibilityQuestion(focus);
    // "Sam shouldn't have Dragon any more": a removal said as a fact, not as an order.
    const indirect =
      (result.intent === 'license.remove' || result.intent === 'role.remove') && focus?.mood === 'statement';
    if (question || indirect)
      return {
        action: 'choose',
        prompt: 'I want to be sure I understood. What would you like?',
        options: [write, checkOption(result, result.users), NEITHER],
      };
  }
  return { action: 'propose' };
}
