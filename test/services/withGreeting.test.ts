/** A first-contact greeting rides in the first reply's message instead of a message of its own. */
import { card, text, withGreeting, type AdaptiveCard, type Reply } from '../../src/services/types';

const C = { type: 'AdaptiveCard', version: '1.5', body: [] } as unknown as AdaptiveCard;
const HI = 'Hi Dana, I’m Dragon Desk.';

describe('withGreeting', () => {
  test.each<[string, Reply[], Reply[]]>([
    ['nothing to say: the greeting alone', [], [text(HI)]],
    ['a text answer: one message, greeting first', [text('7 of 10 used.')], [text(`${HI}\n\n7 of 10 used.`)]],
    [
      'a card: the greeting leads it',
      [card(C, { requestId: 4, role: 'requester' })],
      [{ kind: 'card', card: C, about: { requestId: 4, role: 'requester' }, lead: HI }],
    ],
    ['only the first reply carries it', [text('a'), text('b')], [text(`${HI}\n\na`), text('b')]],
    [
      'a card that already has a lead keeps it under the greeting',
      [{ kind: 'card', card: C, lead: 'Waiting for you:' }],
      [{ kind: 'card', card: C, lead: `${HI}\n\nWaiting for you:` }],
    ],
  ])('%s', (_name, replies, expected) => {
    expect(withGreeting(HI, replies)).toEqual(expected);
  });
});
