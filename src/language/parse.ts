/**
 * One utterance in, one intent with its entities out: deterministic, no I/O. The bot wraps this in
 * its planner and asks (with a choice card) for anything left out here; `understand` adds how the
 * message was said and the safety gate's decision.
 */
export { parse, understand, MAX_UTTERANCE_CHARS, type Understanding } from './understand';
