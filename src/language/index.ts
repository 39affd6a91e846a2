/** The language layer: what people type, as one intent with its entities. Pure: no I/O. */
export { parse, MAX_UTTERANCE_CHARS } from './parse';
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
