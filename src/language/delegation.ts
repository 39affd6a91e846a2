/**
 * Handing one's approvals to someone for a while, in words: "send my approvals to Omar until
 * Friday" (approvals.delegate, with the person and the end), "stop sending my approvals"
 * (approvals.delegate.stop), "who gets my approvals?" (approvals.delegate.show). A rule of its own,
 * asked before the others, like the audit rule: it claims only sentences about *my approvals*
 * going to someone, and only as an order — negated, asked about or hoped for, it claims nothing and
 * the other rules answer. Pure: no I/O.
 */
import { HONORIFICS } from './lexicon';
import { tokenAt, type Normalized, type Token } from './normalize';
import type { Entities, Intent } from './types';
import { untilFrom } from './until';

type DelegationDraft = {
  intent: Extract<Intent, 'approvals.delegate' | 'approvals.delegate.stop' | 'approvals.delegate.show'>;
} & Pick<Entities, 'users' | 'until'>;

const MINE = String.raw`(?:all (?:of )?)?my (?:dragon )?(?:approvals?|approval requests?|requests to approve|dragon requests)`;
/** "send my approvals to …", "hand my Dragon approvals over to …", "forward all my approval requests to …". */
const HAND_RE = new RegExp(
  String.raw`\b(?:send|forward|route|redirect|divert|pass|hand|give|delegate|reroute|reassign) (?:over )?${MINE}(?: over)? to (?!me\b)`,
);
/** "stop sending my approvals", "take my approvals back", "end my delegation", "I'm back, approvals to me again". */
const STOP_RE = new RegExp(
  String.raw`\b(?:stop|cancel|end|undo) (?:sending |forwarding |routing |redirecting |handing over |delegating )?(?:${MINE}|my (?:approval )?delegation)\b|\b(?:take|get) (?:back )?${MINE} back\b|\b(?:send|give|route) ${MINE} (?:back )?to me\b`,
);
const SHOW_RE = new RegExp(
  String.raw`\b(?:who|where) (?:gets|receives|is getting|is receiving|do|does|are) ${MINE}\b|\b(?:show |what is )?my (?:approval )?delegations?(?: [?.])*$|\bhave i (?:handed|delegated|forwarded) ${MINE}\b|\bam i delegating\b`,
);
/** Not an order: negated, a question about how, or a wish about the future. */
const NOT_AN_ORDER_RE =
  /\b(?:do not|does not|did not|never|should not|must not|will not|cannot|can not)\b|^(?:how|why|what|when|is it possible|can i|could i|should i|may i|am i able|would it|if)\b|\bshould i\b|\b(?:might|maybe|perhaps|thinking about|planning to)\b/;
/** Where a name after "to" ends. */
const NAME_END = new Set([
  'until',
  'till',
  'til',
  'through',
  'thru',
  'for',
  'while',
  'from',
  'when',
  'starting',
  'this',
  'next',
  'as',
  'during',
  'please',
  'and',
  'because',
  'since',
  ',',
  '.',
  '!',
  '?',
  ';',
  '-',
]);

export function delegationIntent(n: Normalized, now: Date): DelegationDraft | undefined {
  const text = n.text;
  if (SHOW_RE.test(text) && !/\b(?:stop|cancel|end)\b/.test(text)) return { intent: 'approvals.delegate.show' };
  if (STOP_RE.test(text)) return NOT_AN_ORDER_RE.test(text) ? undefined : { intent: 'approvals.delegate.stop' };
  const hand = HAND_RE.exec(text);
  if (!hand || NOT_AN_ORDER_RE.test(text)) return undefined;
  const users = delegateAfter(n, hand.index + hand[0].length);
  const until = untilFrom(n, now)?.value;
  return {
    intent: 'approvals.delegate',
    ...(users ? { users: [users] } : {}),
    ...(until ? { until } : {}),
  };
}

/** The person named after "… to", as written, honorific dropped: at most four words or one address. */
function delegateAfter(n: Normalized, charAt: number): string | undefined {
  // The token that starts where the match ends (none when the message ends there).
  let i = charAt >= n.text.length ? n.tokens.length : tokenAt(n, charAt);
  const name: Token[] = [];
  for (; i < n.tokens.length && name.length < 4; i++) {
    const t = n.tokens[i];
    if (NAME_END.has(t.norm)) break;
    if (!name.length && (HONORIFICS.has(t.norm) || t.norm === 'nurse')) continue;
    name.push(t);
  }
  return name.length ? name.map((t) => t.raw).join(' ') : undefined;
}
