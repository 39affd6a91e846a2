/**
 * A card click names a request by id, and the id is in the clicker's hands: anyone can send an
 * Action.Execute with any number. A request is shown only to the people who may see it — the
 * requester, its targets, its approvers and the admins who may look (the same rule as "status of
 * request N") — and a card copy that later updates follow is kept only for chats the request was
 * sent to.
 */
import { Harness, cardText } from '../helpers/harness';
import { danaAsksForNursing } from '../helpers/licenseSteps';

let h: Harness;
beforeEach(async () => {
  h = await Harness.start({ startWorker: false });
});
afterEach(async () => h.stop());

const JUSTIFICATION = 'covering the night shift on 4 West while Priya is out';

/** Everything the clicker reads in the invoke answer. */
function answerText(res: { card?: Record<string, any>; message?: string; body: unknown }): string {
  return [res.message ?? '', cardText(res.card), JSON.stringify(res.body)].join('\n');
}

describe('who may see a request through a card click', () => {
  const verbs = [
    'request.refresh',
    'request.approve',
    'request.reject',
    'request.cancel',
    'request.submit',
    'request.confirm',
    'request.resolve',
  ];

  test.each(verbs)('%s on someone else’s request by an outsider reveals nothing and is audited', async (verb) => {
    const { requestId } = await danaAsksForNursing(h, { justification: JUSTIFICATION });
    const sam = h.as('sam'); // a physician assistant: not requester, target, approver nor admin
    await sam.say('hi');
    for (const version of [1, 2, 99]) {
      const res = await sam.invoke(verb, { requestId, version, reason: 'x' }, `sam-card-${verb}-${version}`);
      expect(res.httpStatus).toBe(200);
      expect(res.card).toBeUndefined();
      const seen = answerText(res);
      expect(seen).not.toContain(JUSTIFICATION);
      expect(seen).not.toMatch(/Dana|Nina|nursing/i);
      expect(seen).toMatch(/can’t|can't|cannot/i);
    }
    const req = await h.desk.store.requests.get(requestId);
    expect(req!.state).toBe('pending');
    const audit = await h.desk.store.audit.listForRequest(requestId);
    expect(audit.filter((a) => a.action === 'refused.not-visible' && a.actorId === sam.id)).toHaveLength(3);
    const copies = await h.desk.store.cards.listForRequest(requestId);
    expect(copies.map((c) => c.recipientId)).not.toContain(sam.id);
  });

  test('the answer for a hidden request is the same as for one that does not exist', async () => {
    const { requestId } = await danaAsksForNursing(h);
    const sam = h.as('sam');
    const hidden = await sam.invoke('request.refresh', { requestId, version: 1 });
    const missing = await sam.invoke('request.refresh', { requestId: 999_999, version: 1 });
    expect(answerText(hidden).replaceAll(`#${requestId} `, '#N ')).toBe(
      answerText(missing).replaceAll('#999999 ', '#N '),
    );
  });

  test('later updates of the request never reach an outsider who clicked', async () => {
    const { requestId, approvals } = await danaAsksForNursing(h);
    const sam = h.as('sam');
    await sam.say('hi');
    await sam.invoke('request.refresh', { requestId, version: 2 }, 'sam-forged-card');
    const before = h.connector.lastSeq();
    await h.as('nina').click(approvals.nina, 'Approve');
    await h.desk.services.engine.idle();
    expect(h.connector.messages(sam.conversationId, before)).toEqual([]);
    expect(h.connector.updates(sam.conversationId, before)).toEqual([]);
  });

  test('the requester, the approver and an admin who may look still get the card', async () => {
    const { requestId } = await danaAsksForNursing(h, { justification: JUSTIFICATION });
    for (const alias of ['dana', 'nina', 'leo']) {
      const res = await h.as(alias).invoke('request.refresh', { requestId, version: 2 });
      expect(res.card).toBeDefined();
      expect(cardText(res.card)).toContain(JUSTIFICATION);
    }
  });

  test('an admin who looks is shown the card but no copy is kept for their chat', async () => {
    const { requestId } = await danaAsksForNursing(h);
    const leo = h.as('leo');
    await leo.say('hi');
    await leo.invoke('request.refresh', { requestId, version: 2 }, 'leo-never-sent');
    const copies = await h.desk.store.cards.listForRequest(requestId);
    expect(copies.map((c) => c.activityId)).not.toContain('leo-never-sent');
  });

  test('the target of someone else’s request may see it', async () => {
    const nina = h.as('nina');
    await h.as('omar').say('hi');
    await nina.say('hi');
    // Nina (a nurse manager, not an admin) asks a physician license for Lee; Omar approves.
    await nina.say('give Lee Wong a Dragon physician license');
    const draft = nina.lastCard();
    await nina.click(draft, 'Send for approval', { justification: 'new resident' });
    const [req] = await h.desk.store.requests.listByRequester(nina.id, 1);
    const res = await h.as('lee').invoke('request.refresh', { requestId: req.id, version: req.version });
    expect(res.card).toBeDefined();
  });
});
