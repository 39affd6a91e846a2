/**
 * The optional approvals channel: with APPROVALS_CHANNEL_ID set, approval cards also go to that
 * channel (read-only there: decisions are made in the approvers' own chats, where Dragon Desk
 * knows who clicks), and that copy is updated in place like every other.
 */
import { Harness, cardActions, cardText } from '../helpers/harness';
import { expectValidTeamsCard } from '../helpers/cards';
import { cardOf } from '../helpers/connector';

describe('approvals channel', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start({
      startWorker: false,
      env: { APPROVALS_CHANNEL_ID: '19:approvals@thread.tacv2', APPROVALS_SERVICE_URL: 'http://127.0.0.1:1/' },
    });
    // The harness's fake connector (known only once started) stands in for the team's serviceUrl.
    h.config.approvalsChannel!.serviceUrl = h.connector.url;
  });
  afterAll(async () => h.stop());

  test('receives a copy of the approval card, which follows the decision', async () => {
    const nina = h.as('nina');
    await nina.say('hi');
    const dana = h.as('dana');
    await dana.say('I need a Dragon nursing license');
    await dana.click(dana.lastCard(), 'Send for approval', { justification: 'charting pilot' });

    const posted = h.connector.messages('19:approvals@thread.tacv2');
    expect(posted).toHaveLength(1);
    const copy = posted[0];
    const card = cardOf(h.connector.current.get(copy.activityId)!.activity)!;
    expectValidTeamsCard(card);
    expect(cardText(card)).toMatch(/Dana Reyes/);
    expect(cardText(card)).toMatch(/charting pilot/);
    expect(cardActions(card).map((a) => a.title)).not.toContain('Approve');

    await nina.click(nina.lastCard(), 'Approve');
    await h.settle();
    await h.settle();
    const after = cardOf(h.connector.current.get(copy.activityId)!.activity);
    expect(cardText(after)).toMatch(/Nina Okafor/);
    expect(cardText(after)).toMatch(/Done/);
  });
});
