/**
 * One utterance in, one intent with its entities out: deterministic, no I/O. The bot wraps this in
 * its planner and asks (with a choice card) for anything left out here.
 */
import { auditIntent } from './audit';
import { classify, type Draft } from './intents';
import { normalize } from './normalize';
import { INTENT_ENTITIES, type Entities, type ParseOptions, type ParseResult } from './types';

/** Longer messages are refused outright: nobody types a request that long, and parsing it would cost. */
export const MAX_UTTERANCE_CHARS = 2000;

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

export function parse(utterance: string, opts: ParseOptions = {}): ParseResult {
  if (typeof utterance !== 'string') return { intent: 'unknown' };
  if (tooLong(utterance)) return { intent: 'unknown', error: 'too-long' };
  const n = normalize(utterance);
  if (n.tokens.length === 0) return { intent: 'unknown' };
  return shape(auditIntent(n, opts.now ?? new Date()) ?? classify(n));
}
