/**
 * The clauses of a message and what each says about a change, so that a negation or a "keep"
 * governs only its own clause: "Keep Rosa's license. Remove Minh's." removes Minh's license only;
 * "keep my dragon license pls, i'm only off for 2 weeks" asks for nothing; "she still needs
 * Dragon" keeps what she has. Pure: no I/O.
 */
import { fromTokens, type Normalized, type Token } from './normalize';

export interface Clause {
  /** Token range [start, end) in the message, boundaries excluded. */
  start: number;
  end: number;
  text: string;
}

/** Punctuation that ends a clause. */
const BOUNDARY_PUNCT = new Set(['.', '?', ';', ',', '-', ':']);
/** Conjunctions that start a new clause. */
const BOUNDARY_WORDS = new Set(['but', 'so', 'then', 'whereas', 'while']);

export function clausesOf(n: Normalized): Clause[] {
  const out: Clause[] = [];
  let s = 0;
  const push = (end: number) => {
    if (end > s) out.push({ start: s, end, text: fromTokens(n.source, n.tokens.slice(s, end)).text });
  };
  n.tokens.forEach((t, i) => {
    if (BOUNDARY_PUNCT.has(t.norm) || BOUNDARY_WORDS.has(t.norm)) {
      push(i);
      s = BOUNDARY_WORDS.has(t.norm) ? i : i + 1;
    }
  });
  push(n.tokens.length);
  return out;
}

/** Openers that do not change what a clause asks ("so please just keep …", "and then leave …"). */
const OPENERS = String.raw`(?:(?:please|just|so|but|and|then|ok|okay|actually|instead|rather|oh|no|wait|also|i would|can you|could you) )*`;

/**
 * A clause that asks to keep things as they are: "keep Rosa's license", "leave it in place", "she
 * can keep Dragon", "she still needs Dragon", "no need to license him", "I'm not asking you to
 * (remove it) yet", "I haven't touched her license".
 */
const NO_CHANGE_RE = new RegExp(
  [
    String.raw`^${OPENERS}(?:keep|leave|retain|hold on to|hang on to)\b(?! (?:\S+ )?(?:off|out|away|from)\b)`,
    String.raw`^(?!.*\b(?:not|no|never|nobody|no one|neither|none)\b).*\b(?:should|can|could|will|may|gets to|is allowed to|needs to|has to|must) (?:still )?keep\b`,
    String.raw`^(?!.*\b(?:not|no|never)\b).*\b(?:still|continues? to) (?:needs?|uses?|using|requires?|wants?)\b`,
    String.raw`\b(?:there is |there's )?no need to (?!wait\b|ask\b|check\b)\S+`,
    String.raw`\b(?:have|has) not (?:touched|removed|changed)\b`,
    String.raw`\bnothing (?:needs|has) to (?:change|be done)\b`,
    String.raw`\b(?:should|can|must|will|is to|needs to) (?:stay|remain)\b|\b(?:stay|stays|remain|remains) (?:where it is|as is|as it is|in place|active|on|put)\b`,
  ].join('|'),
);

/** A question keeps nothing: "if I remove Lee's role, can she still use Dragon?". */
const QUESTION_START_RE =
  /^(?:(?:and|but|so|then) )?(?:can|could|will|would|is|are|am|does|do|did|should|may|might|has|have|what|who|how|when|why|which|whether|if)\b/;

export function isNoChange(c: Clause): boolean {
  return !QUESTION_START_RE.test(c.text) && NO_CHANGE_RE.test(c.text);
}

/** The message without the tokens of the given clauses. */
export function withoutClauses(n: Normalized, drop: readonly Clause[]): Normalized {
  const gone = new Set<number>();
  for (const c of drop) for (let i = c.start; i < c.end; i++) gone.add(i);
  const kept: Token[] = n.tokens.filter((_, i) => !gone.has(i));
  // "please" may have belonged to the clause set aside: what is left is not a request by politeness.
  return fromTokens(n.source, kept, false);
}
