/**
 * End to end over HTTP: a nurse asks, the group owner approves on the card, the worker
 * makes the change in the dev tenant and checks it landed; an admin goes straight through a
 * confirmation card. Everything a person would notice is asserted on what the connector received.
 */
import { Harness, messageText, cardActions, cardText } from '../helpers/harness';
import { expectValidTeamsCard } from '../helpers/cards';
import {
  NURSING_GROUP,
  NURSING_SKU,
  PHYSICIAN_SKU,
  addOwner,
  danaAsksForNursing,
  latestRequest,
  licenseState,
  memberAdds,
  seats,
  seen,
  tenantGet,
  tenantSend,
} from '../helpers/licenseSteps';
import { persona } from '../../src/devtenant/fixture';

describe('a Dragon license request with group-owner approval', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await Harness.start({ startWorker: false });
  });
  afterEach(async () => h.stop());

  test('Dana asks, Nina approves, the license lands and everyone is told', async () => {
    const nina = h.as('nina');
    await nina.say('hi'); // the owner has talked to Dragon Desk before, so she can be reached
    const dana = h.as('dana');
    const before = await seats(h);

    await dana.say('I need a Dragon nursing license');
    const draft = dana.lastCard();
    expectValidTeamsCard(draft.card);
    expect(cardText(draft.card)).toMatch(/Dana Reyes/);
    expect(cardActions(draft.card).map((a) => a.title)).toContain('Send for approval');

    const sent = await dana.click(draft, 'Send for approval', {
      justification: 'Starting on the ED documentation pilot',
    });
    expect(sent.httpStatus).toBe(200);
    expect(sent.card).toBeDefined();
    expectValidTeamsCard(sent.card!);
    expect(cardText(sent.card)).toMatch(/Nina Okafor/);

    const approval = nina.lastCard();
    expectValidTeamsCard(approval.card);
    const approvalText = cardText(approval.card);
    expect(approvalText).toMatch(/Dana Reyes/);
    expect(approvalText).toMatch(/ED documentation pilot/);
    expect(approvalText).toMatch(/owner of the group/);

    const decided = await nina.click(approval, 'Approve');
    expect(decided.card).toBeDefined();
    expect(cardText(decided.card)).toMatch(/Nina Okafor/);

    await h.settle();
    await h.settle();
    expect((await licenseState(h, 'dana'))?.state).toBe('Active');
    const after = await seats(h);
    expect(after.used).toBe(before.used + 1);

    // Dana's card was updated in place, and she was told in words.
    const danaCard = dana.currentCard(draft.activityId);
    expect(cardText(danaCard)).toMatch(/Done|Completed/i);
    expect(dana.texts().join('\n')).toMatch(/approved your request/);
    expect(dana.texts().join('\n')).toMatch(/Done: request #\d+ is complete/);
    // Nina's copy shows the final state too.
    expect(cardText(nina.currentCard(approval.activityId))).toMatch(/Done|Completed/i);
  });

  test('a License Administrator goes straight through a confirmation card', async () => {
    const leo = h.as('leo');
    const before = await seats(h);
    await leo.say('give Dana Reyes a Dragon nursing license');
    const confirm = leo.lastCard();
    expectValidTeamsCard(confirm.card);
    expect(cardActions(confirm.card).map((a) => a.title)).toContain('Confirm');
    expect(cardText(confirm.card)).toContain(`${before.used}`);
    const done = await leo.click(confirm, 'Confirm');
    expect(done.card).toBeDefined();
    await h.settle();
    await h.settle();
    expect((await licenseState(h, 'dana'))?.state).toBe('Active');
    // Nobody else was asked.
    expect(h.connector.messages('personal-nina')).toHaveLength(0);
  });

  test('an admin whose role was taken away after the card was shown is refused at Confirm, and nothing changes', async () => {
    const leo = h.as('leo');
    const before = await seats(h);
    await leo.say('give Dana Reyes a Dragon nursing license');
    const confirm = leo.lastCard();
    expect(cardActions(confirm.card).map((a) => a.title)).toContain('Confirm');
    // The card was made from reads up to 30 s old; Confirm must read Leo's roles afresh.
    const page = await tenantGet(h, `/roleManagement/directory/roleAssignments?$filter=principalId eq '${leo.id}'`);
    expect(page.value.length).toBeGreaterThan(0);
    for (const a of page.value)
      expect(await tenantSend(h, 'DELETE', `/roleManagement/directory/roleAssignments/${a.id}`)).toBe(204);
    const mark = h.connector.lastSeq();
    const res = await leo.click(confirm, 'Confirm');
    expect(seen(leo, res, mark)).toMatch(/no longer hold an admin role/);
    // Leo can still send it to the group's owners instead.
    expect(cardActions(res.card).map((a) => a.title)).toEqual(expect.arrayContaining(['Send for approval']));
    expect(cardActions(res.card).map((a) => a.title)).not.toContain('Confirm');
    await h.settle();
    expect((await licenseState(h, 'dana'))?.state).not.toBe('Active');
    expect((await seats(h)).used).toBe(before.used);
  });

  test('an ambiguous name is asked about, never picked silently', async () => {
    const leo = h.as('leo');
    await leo.say('give Dana a Dragon nursing license');
    const choice = leo.lastCard();
    expectValidTeamsCard(choice.card);
    const t = cardText(choice.card);
    expect(t).toMatch(/Dana Reyes/);
    expect(t).toMatch(/Dana Kim/);
    // Choosing someone who was not offered is refused.
    const mark = h.connector.lastSeq();
    const tampered = await leo.click(choice, cardActions(choice.card)[0].title, { choice_0: persona('grace').id });
    expect(seen(leo, tampered, mark)).toMatch(/not one of the people offered/);
    const picked = await leo.click(choice, cardActions(choice.card)[0].title, { choice_0: persona('danak').id });
    expect(cardText(picked.card)).toMatch(/Dana Kim/);
    expect(cardActions(picked.card).map((a) => a.title)).toContain('Confirm');
  });

  test.each([
    ['an unknown person', 'give Zelda Quartermain a Dragon nursing license', /couldn't find/],
    ['a disabled account', 'give Ken Adams a Dragon nursing license', /disabled/],
    [
      'someone who already has it',
      'give Maria Gomez a Dragon nursing license',
      /already has a Dragon Copilot nursing license/,
    ],
    ['someone with the other kind', 'give Alan Brooks a Dragon nursing license', /physician license/],
    [
      'more than 20 people',
      'give Anna, Ben, Carl, Dora, Emil, Fay, Gus, Hal, Ida, Jon, Kim, Lou, Max, Ned, Oda, Pia, Quin, Rex, Sue, Tom and Uli Dragon nursing licenses',
      /at most 20 people/,
    ],
    ['no one named', 'we need Dragon nursing licenses for my team', /Who should get/],
  ])('%s gets a clear answer and nothing is requested', async (_label, utterance, expected) => {
    const leo = h.as('leo');
    const posted = await leo.say(utterance);
    const all = posted.map((p) => messageText(p.activity)).join('\n');
    expect(all).toMatch(expected);
    expect(
      await h.desk.store.requests.listByRequester(leo.id, 5).then((r) => r.filter((x) => x.state !== 'cancelled')),
    ).toHaveLength(0);
  });

  test('Graph failing while Dana asks: she is told something went wrong, and nothing is requested', async () => {
    // Her first message: nothing about her is cached yet. Her record and roles come in one $batch,
    // then her record alone; Graph keeps failing both (after the client's retries).
    const dana = h.as('dana');
    h.desk.devTenant!.faults.failNext({ method: 'POST', path: '/v1.0/$batch', count: 50, status: 500 });
    h.desk.devTenant!.faults.failNext({ method: 'GET', path: `/v1.0/users/${dana.id}`, count: 50, status: 500 });
    const mark = h.connector.lastSeq();
    await dana.say('I need a Dragon nursing license');
    const said = dana.texts(mark).join('\n');
    expect(said).toMatch(/something went wrong.*Nothing was changed/s);
    expect(said).not.toMatch(/\bat \w+ \(/); // no stack trace
    expect(await h.desk.store.requests.listByRequester(dana.id, 5)).toHaveLength(0);
    h.desk.devTenant!.faults.clear();
    // Once Graph answers again, the same ask works.
    await dana.say('I need a Dragon nursing license');
    expect(cardActions(dana.lastCard().card).map((a) => a.title)).toContain('Send for approval');
  });

  test('no seats left: says how many are used and how to buy more', async () => {
    const dana = h.as('dana');
    const posted = await dana.say('give Sam Carter and Lee Wong Dragon physician licenses');
    const all = posted.map((p) => messageText(p.activity)).join('\n');
    expect(all).toMatch(/of 6/);
    expect(all).toMatch(/certified Microsoft partner|representative/);
  });

  test('only an approver can decide; the requester cannot approve their own request', async () => {
    const { draft, sent: pending, approvals } = await danaAsksForNursing(h);
    const dana = h.as('dana');
    const approval = approvals.nina;
    const approve = cardActions(approval.card).find((a) => a.title === 'Approve')!;

    let mark = h.connector.lastSeq();
    const own = await dana.invoke(approve.verb, approve.data, draft.activityId);
    expect(seen(dana, own, mark)).toMatch(/cannot approve or reject it yourself/);

    // Leo (a License Administrator) may look at the request but is not one of its approvers.
    const leo = h.as('leo');
    mark = h.connector.lastSeq();
    const stranger = await leo.invoke(approve.verb, approve.data);
    expect(seen(leo, stranger, mark)).toMatch(/not one of the approvers/);
    // The refused person is not shown buttons they may not use.
    expect(cardActions(stranger.card).map((a) => a.title)).not.toContain('Approve');

    const req = await latestRequest(h, 'dana');
    expect(req.state).toBe('pending');
    const audit = await h.desk.store.audit.listForRequest(req.id);
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['refused.own-request', 'refused.not-approver']));
    expect(pending.card).toBeDefined();
  });

  test('tampering with card data changes nothing about what is executed', async () => {
    const nina = h.as('nina');
    const approval = (await danaAsksForNursing(h)).approvals.nina;
    const approve = cardActions(approval.card).find((a) => a.title === 'Approve')!;
    // Someone edits the card payload to point at another person and license.
    await nina.invoke(
      approve.verb,
      { ...approve.data, userId: persona('patel').id, license: 'physician', state: 'approved' },
      approval.activityId,
    );
    await h.settle();
    await h.settle();
    expect((await licenseState(h, 'dana'))?.state).toBe('Active');
    const patel = await tenantGet(h, `/users/${persona('patel').id}?$select=licenseAssignmentStates`);
    const dragonSkus = [NURSING_SKU, PHYSICIAN_SKU];
    expect((patel.licenseAssignmentStates ?? []).filter((s: any) => dragonSkus.includes(s.skuId))).toHaveLength(0);
  });

  test('a stale card shows the current state and runs nothing', async () => {
    const nina = h.as('nina');
    const approval = (await danaAsksForNursing(h)).approvals.nina;
    const first = await nina.click(approval, 'Approve');
    expect(first.card).toBeDefined();
    const again = await nina.click(approval, 'Approve');
    expect(cardText(again.card)).toMatch(/Approved|In progress|Done/i);
    await h.settle();
    await h.settle();
    expect(memberAdds(h)).toBe(1);
  });

  test('an owner removed from the group after the card was sent is refused', async () => {
    const nina = h.as('nina');
    const approval = (await danaAsksForNursing(h)).approvals.nina;
    // Make someone else the owner, then take Nina off.
    await addOwner(h, NURSING_GROUP, 'leo');
    expect(await tenantSend(h, 'DELETE', `/groups/${NURSING_GROUP}/owners/${persona('nina').id}/$ref`)).toBe(204);
    const mark = h.connector.lastSeq();
    const res = await nina.click(approval, 'Approve');
    expect(seen(nina, res, mark)).toMatch(/no longer are/);
    expect((await latestRequest(h, 'dana')).state).toBe('pending');
  });

  test('the requester can cancel a pending request; every copy says so', async () => {
    const nina = h.as('nina');
    const dana = h.as('dana');
    const { draft, sent, approvals } = await danaAsksForNursing(h);
    const approval = approvals.nina;
    const cancelled = await dana.click({ activityId: draft.activityId, card: sent.card! }, 'Cancel request');
    expect(cardText(cancelled.card)).toMatch(/Cancelled/i);
    expect(cardText(nina.currentCard(approval.activityId))).toMatch(/Cancelled/i);
    const late = await nina.click(approval, 'Approve');
    expect(cardText(late.card)).toMatch(/Cancelled/i);
  });
});
