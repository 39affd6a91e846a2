/**
 * The connector the bots answer to is the test suite's FakeConnector (a fake of the Bot Framework
 * connector over HTTP). These helpers read it the way the bench needs: the newest card in a chat
 * without walking the whole history, and forgetting history between phases so a long run does
 * not grow the process that also hosts the bots being measured.
 */
import { FakeConnector, cardActions, cardOf, type PostedActivity } from '../test/helpers/connector';

export { FakeConnector };

export interface PostedCard {
  activityId: string;
  card: Record<string, unknown>;
}

/** The newest card (current version) in a conversation that has a button titled `button`. */
export function latestCardWith(
  connector: FakeConnector,
  conversationId: string,
  button: string,
): PostedCard | undefined {
  const posted: PostedActivity[] = connector.posted;
  for (let i = posted.length - 1; i >= 0; i--) {
    const p = posted[i];
    if (p.conversationId !== conversationId || p.method !== 'POST') continue;
    const current = connector.current.get(p.activityId) ?? p;
    const card = cardOf(current.activity);
    if (card && cardActions(card).some((a) => a.title === button)) return { activityId: p.activityId, card };
  }
  return undefined;
}

/** The Action.Execute data behind a button. */
export function buttonData(
  card: Record<string, unknown>,
  button: string,
): { verb: string; data: Record<string, unknown> } {
  const action = cardActions(card).find((a) => a.title === button);
  if (!action) throw new Error(`no button “${button}” on the card`);
  return { verb: action.verb, data: action.data };
}

/** Forget everything posted so far (between phases). */
export function forget(connector: FakeConnector): void {
  connector.posted.length = 0;
  connector.current.clear();
}
