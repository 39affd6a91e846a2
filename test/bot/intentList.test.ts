/**
 * One list of intents: the language layer's. The bot registers an action for each, and the
 * language model's action list (a JSON prompt file the model reads) offers the same ones.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { INTENT_ACTIONS } from '../../src/bot/planner';
import { INTENTS } from '../../src/language';

test('the bot acts on exactly the language layer’s intents', () => {
  expect([...INTENT_ACTIONS].sort()).toEqual([...INTENTS].sort());
});

test('the language model may choose exactly those intents', () => {
  const file = path.join(__dirname, '../../src/bot/prompts/intents/actions.json');
  const actions = JSON.parse(readFileSync(file, 'utf8')) as { name: string }[];
  expect(actions.map((a) => a.name).sort()).toEqual([...INTENTS].sort());
});
