/** The language layer: what people type, as one intent with its entities. Pure: no I/O. */
export { parse, understand, MAX_UTTERANCE_CHARS, type Understanding } from './parse';
export { decide, writeOption, type AnswerReason, type ChoiceOption, type Decision } from './gate';
export type { Mood, Reading, Sentence } from './reading';
export { INTENTS, INTENT_ENTITIES, WRITE_INTENTS, isWriteIntent } from './types';
export type {
  DragonRole,
  Entities,
  EntityName,
  Intent,
  ParseError,
  ParseOptions,
  ParseResult,
  WriteIntent,
} from './types';
