/**
 * Checks a card the way Teams will treat it, without a DOM: the adaptivecards parser at schema 1.5
 * plus Dragon Desk's own rules. Used by every card test (test/helpers/cards.ts) and usable as a
 * runtime debug check.
 *
 * The adaptivecards package `main` is ESM with extensionless re-exports and fails under CommonJS
 * (teams-platform.md §5), so the UMD bundle is required explicitly. It loads under plain node and
 * under jest's node environment (both exercised by test/cards/validate.test.ts); it touches no
 * `window`/`document` while parsing.
 */
import type * as AdaptiveCards from 'adaptivecards';
import { CARD_VERBS, isCardVerb } from './verbs';

type AdaptiveCardsModule = typeof AdaptiveCards;

let acModule: AdaptiveCardsModule | undefined;
function ac(): AdaptiveCardsModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  acModule ??= require('adaptivecards/dist/adaptivecards.min.js') as AdaptiveCardsModule;
  return acModule;
}

/**
 * Teams refuses messages over about 28 KB (reliability-and-limits.md); the card is most of the
 * message, so the card alone must stay below it.
 */
export const MAX_CARD_BYTES = 28 * 1024;

/** Keys an Action.Execute may carry in `data`; see verbs.ts for the trust rule. */
function allowedDataKeys(verb: string): readonly string[] {
  return verb === 'request.kind' ? ['requestId', 'version', 'kind'] : ['requestId', 'version'];
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every object in the tree with its JSON path. */
function* walk(value: unknown, at = '$'): Generator<{ node: Json; at: string }> {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) yield* walk(value[i], `${at}[${i}]`);
  } else if (isObject(value)) {
    yield { node: value, at };
    for (const [k, v] of Object.entries(value)) yield* walk(v, `${at}.${k}`);
  }
}

function* strings(value: unknown, at = '$'): Generator<{ text: string; at: string }> {
  if (typeof value === 'string') yield { text: value, at };
  else if (Array.isArray(value)) for (let i = 0; i < value.length; i++) yield* strings(value[i], `${at}[${i}]`);
  else if (isObject(value)) for (const [k, v] of Object.entries(value)) yield* strings(v, `${at}.${k}`);
}

function checkExecute(node: Json, at: string): string[] {
  const problems: string[] = [];
  const verb = node.verb;
  if (!isCardVerb(verb)) {
    problems.push(`${at}: Action.Execute verb ${JSON.stringify(verb)} is not one of ${CARD_VERBS.join(', ')}`);
  }
  const data = node.data;
  if (!isObject(data) || data.requestId === undefined || data.version === undefined) {
    problems.push(`${at}: Action.Execute data must carry requestId and version`);
  } else {
    const allowed = allowedDataKeys(String(verb));
    const extra = Object.keys(data).filter((k) => !allowed.includes(k));
    if (extra.length > 0)
      problems.push(`${at}: Action.Execute data carries ${extra.join(', ')}; only ${allowed.join(', ')} are allowed`);
  }
  // A refresh action is invoked by the client itself and old clients simply ignore `refresh`.
  if (at.endsWith('.refresh.action')) return problems;
  const fallback = node.fallback;
  if (!isObject(fallback) || fallback.type !== 'Action.Submit') {
    problems.push(`${at}: Action.Execute needs an Action.Submit fallback for older Teams clients`);
  } else {
    const fbData = isObject(fallback.data) ? fallback.data : {};
    if (fbData.verb !== verb) problems.push(`${at}.fallback: data.verb must be ${JSON.stringify(verb)}`);
    if (isObject(data)) {
      for (const [k, v] of Object.entries(data)) {
        if (fbData[k] !== v)
          problems.push(`${at}.fallback: data.${k} must equal the Action.Execute data (${JSON.stringify(v)})`);
      }
    }
  }
  return problems;
}

/** Problems that would make Teams reject or misrender the card; empty means valid. */
export function validateTeamsCard(card: unknown): string[] {
  if (!isObject(card)) return ['card is not a JSON object'];
  const problems: string[] = [];
  if (card.type !== 'AdaptiveCard') problems.push(`type must be "AdaptiveCard", not ${JSON.stringify(card.type)}`);
  if (card.version !== '1.5')
    problems.push(`version must be "1.5" (the highest Teams renders), not ${JSON.stringify(card.version)}`);

  const AC = ac();
  const parsed = new AC.AdaptiveCard();
  const context = new AC.SerializationContext(AC.Versions.v1_5);
  try {
    parsed.parse(card, context);
    for (let i = 0; i < context.eventCount; i++) {
      const e = context.getEventAt(i);
      problems.push(`parse ${AC.ValidationEvent[e.event]}: ${e.message}`);
    }
    for (const e of parsed.validateProperties().validationEvents) {
      problems.push(`validate ${AC.ValidationEvent[e.event]}: ${e.message}`);
    }
  } catch (err) {
    problems.push(`parser threw: ${err instanceof Error ? err.message : String(err)}`);
  }

  for (const { node, at } of walk(card)) {
    if (node.type === 'Action.Execute') problems.push(...checkExecute(node, at));
  }
  for (const { text, at } of strings(card)) {
    if (text.includes('${')) problems.push(`${at}: unbound template text ${JSON.stringify(text.slice(0, 80))}`);
  }
  const bytes = Buffer.byteLength(JSON.stringify(card), 'utf8');
  if (bytes >= MAX_CARD_BYTES) problems.push(`card is ${bytes} bytes; Teams needs it under ${MAX_CARD_BYTES}`);
  return problems;
}
