/**
 * Carrying out, end to end over HTTP against the dev tenant: several people in one Graph
 * $batch with a progress card, a license that fails to land (CountViolation) leaving no
 * half-state, transient Graph errors retried and permanent ones explained, direct assignLicense
 * where no group is configured, removing a license, and the audit trail of a completed request.
 */
import { ManualClock } from '../../src/clock';
import { persona } from '../../src/devtenant/fixture';
import type { DeskRequest } from '../../src/domain/request';
import { expectValidTeamsCard } from '../helpers/cards';
import { Harness, messageText, cardActions, cardText, type Person } from '../helpers/harness';
import {
  MEMBER_ADD_PATH,
  NURSING_GROUP,
  NURSING_SKU,
  buttons,
  danaAsksForNursing,
  isMember,
  latestRequest,
  licenseState,
  memberAdds,
  seats,
  seen,
  settleUntilFinal,
  ref,
  tenantSend,
} from '../helpers/licenseSteps';

/** An admin's request up to the moment they press Confirm, with the worker held back. */
async function confirmAs(
  h: Harness,
  person: Person,
  utterance: string,
): Promise<{ requestId: number; card: { activityId: string; card: Record<string, any> } }> {
  await person.say(utterance);
  const draft = person.lastCard();
  expectValidTeamsCard(draft.card);
  expect(buttons(draft.card)).toContain('Confirm');
  await h.desk.worker.stop();
  const res = await person.click(draft, 'Confirm');
  expect(res.httpStatus).toBe(200);
  const req = await latestRequest(h, person.alias);
  expect(req.state).toBe('approved');
  return { requestId: req.id, card: draft };
}

/** How many people a version of a request card shows as done / still waiting. */
function progressOf(card: Record<string, any>): { done: number; waiting: number } {
  const t = cardText(card);
  return { done: (t.match(/✅ \*\*/g) ?? []).length, waiting: (t.match(/⏳ \*\*/g) ?? []).length };
}

const assignDirectly = (h: Harness, alias: string, skuId: string) =>
  tenantSend(h, 'POST', `/users/${persona(alias).id}/assignLicense`, {
    addLicenses: [{ skuId, disabledPlans: [] }],
    removeLicenses: [],
  });

describe('carrying out a license request', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await Harness.start({ startWorker: false });
  });
  afterEach(async () => h.stop());

  test('three people: the writes go in one $batch, one progress card updates per person, all Active', async () => {
    const leo = h.as('leo');
    const before = await seats(h);
    const { requestId, card } = await confirmAs(
      h,
      leo,
      'give Dana Reyes, Ivy Chen and Dana Kim Dragon nursing licenses',
    );
    expect(cardText(card.card)).toMatch(/For 3 people/);
    const calls = h.desk.devTenant!.calls;
    const mark = calls.list().length;
    const updatesBefore = h.connector.updates(leo.conversationId).length;

    const done = await settleUntilFinal(h, requestId);
    // What Dragon Desk sent while carrying it out (before this test reads the tenant itself).
    const during = calls.list().slice(mark);
    expect(done.state).toBe('completed');
    for (const alias of ['dana', 'ivy', 'danak']) expect((await licenseState(h, alias))?.state).toBe('Active');
    expect((await seats(h)).used).toBe(before.used + 3);

    // One HTTP request carried the three member adds.
    const adds = during.filter((c) => c.method === 'POST' && c.path === MEMBER_ADD_PATH);
    expect(adds).toHaveLength(3);
    expect(adds.every((c) => c.inBatch)).toBe(true);
    const firstAdd = during.indexOf(adds[0]);
    const lastAdd = during.indexOf(adds[2]);
    expect(during.slice(firstAdd, lastAdd + 1).filter((c) => !c.inBatch)).toHaveLength(0);
    expect(during[lastAdd + 1]).toMatchObject({ method: 'POST', path: '/v1.0/$batch', inBatch: false });

    // The whole execution: the writes' $batch, the verification's $batch (group licensing had
    // finished by the first read) and one seat count for the final card.
    const outer = during.filter((c) => !c.inBatch).map((c) => `${c.method} ${c.path}`);
    expect(outer).toEqual(['POST /v1.0/$batch', 'POST /v1.0/$batch', 'GET /v1.0/subscribedSkus']);

    // The requester's card is the progress card: it moved forward while people completed (updates
    // close together are coalesced, so not every step need appear) and never went backwards.
    const versions = h.connector
      .updates(leo.conversationId)
      .slice(updatesBefore)
      .filter((u) => u.activityId === card.activityId)
      .map((u) => progressOf(u.activity.attachments[0].content));
    const dones = versions.map((v) => v.done);
    expect(dones).toEqual([...dones].sort((a, b) => a - b));
    expect(versions.length).toBeGreaterThanOrEqual(2); // "in progress" first, then the outcome
    expect(versions[versions.length - 1]).toEqual({ done: 3, waiting: 0 });
    const final = leo.currentCard(card.activityId);
    expectValidTeamsCard(final);
    expect(cardText(final)).toMatch(/Done/);
    expect(leo.texts().join('\n')).toMatch(
      /Done: request #\d+ is complete — Dragon Copilot nursing license for Dana Reyes, Ivy Chen and Dana Kim/,
    );
  });

  test('no seat left when Microsoft applies the group license (CountViolation): failed, explained, nothing half-done', async () => {
    const { requestId, draft, approvals } = await danaAsksForNursing(h);
    await h.desk.worker.stop();
    await h.as('nina').click(approvals.nina, 'Approve');
    // Meanwhile someone assigns the last three seats directly in the admin center.
    for (const alias of ['sam', 'lee', 'patel']) expect(await assignDirectly(h, alias, NURSING_SKU)).toBe(200);
    expect(await seats(h)).toEqual({ used: 10, total: 10 });
    const mark = h.connector.lastSeq();

    const done = await settleUntilFinal(h, requestId);
    expect(done.state).toBe('failed');
    expect(done.errorCode).toBe('CountViolation');
    const dana = h.as('dana');
    const told = dana.texts(mark).join('\n');
    expect(told).toMatch(/could not be completed/);
    expect(told).toMatch(/no seat was free/);
    expect(told).toMatch(/free a seat or buy more/);
    expect(told).toMatch(/Nursing licenses are sold only through your Microsoft representative/);
    const c = dana.currentCard(draft.activityId);
    expectValidTeamsCard(c);
    expect(cardText(c)).toMatch(/Failed/);
    expect(cardText(c)).toMatch(/no seat was free/);
    expect(cardText(c)).toMatch(/CountViolation/);
    // No half-state: Dana is out of the group and carries no Error entry.
    expect(await isMember(h, NURSING_GROUP, 'dana')).toBe(false);
    expect(await licenseState(h, 'dana')).toBeUndefined();
    expect(await seats(h)).toEqual({ used: 10, total: 10 });
    const audit = await h.desk.store.audit.listForRequest(requestId);
    expect(audit.find((a) => a.action === 'graph.undo-assign')?.detail).toMatchObject({
      userId: persona('dana').id,
      groupId: NURSING_GROUP,
    });
    expect(audit.find((a) => a.action === 'execution.failed')?.detail).toMatchObject({ errorCode: 'CountViolation' });
  });

  test('if taking Dana out of the group again fails too, the message says so instead of claiming a clean state', async () => {
    const { requestId, approvals } = await danaAsksForNursing(h);
    await h.desk.worker.stop();
    await h.as('nina').click(approvals.nina, 'Approve');
    for (const alias of ['sam', 'lee', 'patel']) expect(await assignDirectly(h, alias, NURSING_SKU)).toBe(200);
    h.desk.devTenant!.faults.failNext({
      method: 'DELETE',
      path: `/v1.0/groups/${NURSING_GROUP}/members/${persona('dana').id}/$ref`,
      count: 1,
      status: 403,
      code: 'Authorization_RequestDenied',
    });
    const mark = h.connector.lastSeq();
    const done = await settleUntilFinal(h, requestId);
    expect(done.state).toBe('failed');
    const told = h.as('dana').texts(mark).join('\n');
    expect(told).toMatch(
      /could not take them out of the license group again, so an administrator needs to remove them there/,
    );
    expect(told).not.toMatch(/nothing is left half-done/);
    expect(await isMember(h, NURSING_GROUP, 'dana')).toBe(true);
    const audit = await h.desk.store.audit.listForRequest(requestId);
    expect(audit.find((a) => a.action === 'graph.undo-assign-failed')?.graphRequestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('seats run out part way through three people: the two who got one keep it, the third is taken out again, and the message says who is where', async () => {
    const leo = h.as('leo');
    const { requestId, card } = await confirmAs(
      h,
      leo,
      'give Dana Reyes, Ivy Chen and Dana Kim Dragon nursing licenses',
    );
    // After the confirmation, someone takes one of the three free seats.
    expect(await assignDirectly(h, 'sam', NURSING_SKU)).toBe(200);
    const mark = h.connector.lastSeq();
    const done = await settleUntilFinal(h, requestId);
    expect(done.state).toBe('failed');
    const states = await Promise.all(['dana', 'ivy', 'danak'].map((a) => licenseState(h, a)));
    const active = states.filter((st) => st?.state === 'Active');
    expect(active).toHaveLength(2);
    // The one without a seat is neither in the group nor left with an Error entry.
    expect(states.filter((st) => st === undefined)).toHaveLength(1);
    const loser = done.targets.find((t) => t.status === 'failed')!;
    expect(loser.errorCode).toBe('CountViolation');
    const without = ['dana', 'ivy', 'danak'][states.indexOf(undefined)];
    expect(persona(without).id).toBe(loser.userId);
    expect(await isMember(h, NURSING_GROUP, without)).toBe(false);
    expect(done.targets.filter((t) => t.status === 'done')).toHaveLength(2);
    const told = leo.texts(mark).join('\n');
    expect(told).toMatch(/are done\./);
    expect(told).toContain(`${loser.displayName}: no seat was free`);
    const c = leo.currentCard(card.activityId);
    expect(progressOf(c)).toEqual({ done: 2, waiting: 0 });
    expect(cardText(c)).toMatch(/❌/);
    expect(await seats(h)).toEqual({ used: 10, total: 10 });
  });

  test('a throttled member add (inner 429 with Retry-After) and an unavailable $batch (503) are retried: it still completes', async () => {
    const { requestId, approvals } = await danaAsksForNursing(h);
    await h.desk.worker.stop();
    await h.as('nina').click(approvals.nina, 'Approve');
    const faults = h.desk.devTenant!.faults;
    faults.failNext({ method: 'POST', path: '/v1.0/$batch', count: 1, status: 503 });
    faults.failNext({ method: 'POST', path: MEMBER_ADD_PATH, count: 1, status: 429, retryAfterSeconds: 1 });

    const done = await settleUntilFinal(h, requestId);
    expect(done.state).toBe('completed');
    expect(faults.pending()).toHaveLength(0);
    const adds = h.desk.devTenant!.calls.list({ method: 'POST', path: MEMBER_ADD_PATH });
    expect(adds.map((a) => a.status)).toEqual([429, 204]);
    expect((await licenseState(h, 'dana'))?.state).toBe('Active');
  }, 30_000);

  test('an "already a member" answer counts as success (an admin added Dana before the worker ran)', async () => {
    const { requestId, approvals } = await danaAsksForNursing(h);
    await h.desk.worker.stop();
    await h.as('nina').click(approvals.nina, 'Approve');
    expect(await tenantSend(h, 'POST', `/groups/${NURSING_GROUP}/members/$ref`, ref('dana'))).toBe(204);
    const done = await settleUntilFinal(h, requestId);
    expect(done.state).toBe('completed');
    const adds = h.desk.devTenant!.calls.list({ method: 'POST', path: MEMBER_ADD_PATH });
    expect(adds.map((a) => [a.inBatch, a.status])).toEqual([
      [false, 204],
      [true, 400],
    ]);
    expect((await licenseState(h, 'dana'))?.state).toBe('Active');
  });

  test("a permission error on the member add fails the request with Graph's code and a plain explanation", async () => {
    const { requestId, draft, approvals } = await danaAsksForNursing(h);
    await h.desk.worker.stop();
    await h.as('nina').click(approvals.nina, 'Approve');
    h.desk.devTenant!.faults.failNext({
      method: 'POST',
      path: MEMBER_ADD_PATH,
      count: 1,
      status: 403,
      code: 'Authorization_RequestDenied',
      message: 'Insufficient privileges to complete the operation.',
    });
    const mark = h.connector.lastSeq();
    const done = await settleUntilFinal(h, requestId);
    expect(done.state).toBe('failed');
    expect(done.errorCode).toBe('Authorization_RequestDenied');
    const told = h.as('dana').texts(mark).join('\n');
    expect(told).toMatch(/Authorization_RequestDenied/);
    expect(told).toMatch(/lacks the permission/);
    expect(cardText(h.as('dana').currentCard(draft.activityId))).toMatch(/Authorization_RequestDenied/);
    expect(await isMember(h, NURSING_GROUP, 'dana')).toBe(false);
    expect(await licenseState(h, 'dana')).toBeUndefined();
    // Not retried: a permission error does not go away by itself.
    expect(memberAdds(h)).toBe(1);
    const audit = await h.desk.store.audit.listForRequest(requestId);
    expect(audit.find((a) => a.action === 'graph.assign')?.detail).toMatchObject({ status: 403 });
  });

  test('the audit of a completed request: each step with who, when, tenant and Graph request id', async () => {
    const { requestId, approvals } = await danaAsksForNursing(h, { justification: 'ED documentation pilot' });
    await h.as('nina').click(approvals.nina, 'Approve');
    const done = await settleUntilFinal(h, requestId);
    expect(done.state).toBe('completed');
    const audit = await h.desk.store.audit.listForRequest(requestId);
    const actions = audit.map((a) => a.action);
    const order = [
      'request.draft',
      'request.submit',
      'request.approve',
      'execution.start',
      'graph.assign',
      'execution.completed',
    ];
    for (const a of order) expect(actions).toContain(a);
    expect(order.map((a) => actions.indexOf(a))).toEqual(
      [...order.map((a) => actions.indexOf(a))].sort((x, y) => x - y),
    );
    for (const row of audit) {
      expect(row.tenantId).toBe(h.config.tenantId);
      expect(Number.isNaN(Date.parse(row.at))).toBe(false);
    }
    const by = (action: string) => audit.find((a) => a.action === action)!;
    expect(by('request.draft')).toMatchObject({ actorId: persona('dana').id });
    expect(by('request.submit')).toMatchObject({
      actorId: persona('dana').id,
      detail: expect.objectContaining({ justification: 'ED documentation pilot' }),
    });
    expect(by('request.approve')).toMatchObject({ actorId: persona('nina').id, actorName: 'Nina Okafor' });
    expect(by('execution.start')).toMatchObject({ actorId: 'dragon-desk' });
    // The dev tenant sends a request-id with every answer, inner $batch answers included.
    expect(by('graph.assign').graphRequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(by('graph.assign').detail).toMatchObject({ userId: persona('dana').id, status: 204, via: 'group' });
  });

  test('refusals are audited: a non-approver, a stale card and a tampered choice', async () => {
    const { requestId, approvals } = await danaAsksForNursing(h);
    const approve = cardActions(approvals.nina.card).find((a) => a.title === 'Approve')!;
    // Omar owns the physician group: this nursing request is not his to see, let alone decide.
    await h.as('omar').invoke(approve.verb, approve.data);
    await h.as('leo').invoke(approve.verb, approve.data);
    await h.as('nina').click(approvals.nina, 'Approve');
    await h.as('nina').click(approvals.nina, 'Approve');
    const audit = await h.desk.store.audit.listForRequest(requestId);
    expect(audit.find((a) => a.action === 'refused.not-visible')).toMatchObject({
      actorId: persona('omar').id,
      tenantId: h.config.tenantId,
    });
    expect(audit.find((a) => a.action === 'refused.not-approver')).toMatchObject({
      actorId: persona('leo').id,
      tenantId: h.config.tenantId,
    });
    expect(audit.find((a) => a.action === 'refused.stale-card')).toMatchObject({ actorId: persona('nina').id });

    const leo = h.as('leo');
    await leo.say('give Dana a Dragon nursing license');
    const choice = leo.lastCard();
    await leo.click(choice, cardActions(choice.card)[0].title, { choice_0: persona('grace').id });
    const leoRequest = await latestRequest(h, 'leo');
    const tampered = (await h.desk.store.audit.listForRequest(leoRequest.id)).find(
      (a) => a.action === 'refused.tampered-choice',
    );
    expect(tampered).toMatchObject({
      actorId: persona('leo').id,
      tenantId: h.config.tenantId,
      detail: { choice: persona('grace').id },
    });
    expect(leoRequest.targets).toEqual([]);
  });
});

describe("throttling that outlasts the batch's own retries", () => {
  test('the request stays in progress, is resumed later and completes once; nobody is told it failed', async () => {
    const clock = new ManualClock(new Date());
    const h = await Harness.start({ startWorker: false, clock });
    try {
      const { requestId, draft, approvals } = await danaAsksForNursing(h);
      await h.desk.worker.stop();
      await h.as('nina').click(approvals.nina, 'Approve');
      // Graph asks for two minutes: more than one call may wait, so the batch gives the 429 back.
      h.desk.devTenant!.faults.failNext({
        method: 'POST',
        path: MEMBER_ADD_PATH,
        count: 1,
        status: 429,
        retryAfterSeconds: 120,
      });
      const mark = h.connector.lastSeq();
      await h.settle();
      const waiting = (await h.desk.store.requests.get(requestId))!;
      expect(waiting.state).toBe('executing');
      expect(waiting.targets[0].status).toBe('waiting');
      expect(cardText(h.as('dana').currentCard(draft.activityId))).toMatch(/In progress/);
      expect(h.as('dana').texts(mark).join('\n')).not.toMatch(/could not be completed/);
      const error = (await h.desk.store.audit.listForRequest(requestId)).find((a) => a.action === 'execution.error');
      expect(error?.detail).toMatchObject({ transient: true, code: 'TooManyRequests' });

      clock.advance(10 * 60_000);
      const done = await settleUntilFinal(h, requestId);
      expect(done.state).toBe('completed');
      const adds = h.desk.devTenant!.calls.list({ method: 'POST', path: MEMBER_ADD_PATH });
      expect(adds.map((a) => a.status)).toEqual([429, 204]);
      expect((await licenseState(h, 'dana'))?.state).toBe('Active');
    } finally {
      await h.stop();
    }
  });
});

describe('a license kind without a group: direct assignLicense', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await Harness.start({ startWorker: false, env: { NURSING_GROUP_ID: '' } });
  });
  afterEach(async () => h.stop());

  test('an empty NURSING_GROUP_ID means no group; the license is assigned directly and verified', async () => {
    expect(h.config.licenses.nursing.groupId).toBeUndefined();
    const leo = h.as('leo');
    const { requestId } = await confirmAs(h, leo, 'give Dana Reyes a Dragon nursing license');
    const done = await settleUntilFinal(h, requestId);
    expect(done.state).toBe('completed');
    const calls = h.desk.devTenant!.calls;
    expect(calls.count({ method: 'POST', path: `/v1.0/users/${persona('dana').id}/assignLicense` })).toBe(1);
    expect(calls.count({ method: 'POST', path: /\/members\/\$ref$/ })).toBe(0);
    expect(await licenseState(h, 'dana')).toMatchObject({ state: 'Active', assignedByGroup: null });
    expect(await isMember(h, NURSING_GROUP, 'dana')).toBe(false);
  });

  test('someone without a usage location is refused up front, with why and what to do', async () => {
    const leo = h.as('leo');
    const posted = await leo.say('give Ivy Chen a Dragon nursing license');
    const all = posted.map((p) => messageText(p.activity)).join('\n');
    expect(all).toMatch(/Ivy Chen has no usage location/);
    expect(all).toMatch(/set it on their profile/);
    expect(posted.some((p) => buttons(p.activity.attachments?.[0]?.content).includes('Confirm'))).toBe(false);
    expect(h.desk.devTenant!.calls.count({ method: 'POST', path: /assignLicense$/ })).toBe(0);
  });

  test("a non-admin's request goes to the License Administrators, since there is no group owner", async () => {
    await h.as('leo').say('hi');
    const dana = h.as('dana');
    await dana.say('I need a Dragon nursing license');
    const sent = await dana.click(dana.lastCard(), 'Send for approval');
    expect(cardText(sent.card)).toMatch(/Leo Martins/);
    const approval = h.as('leo').lastCard();
    expect(cardText(approval.card)).toMatch(/License Administrator/);
    await h.as('leo').click(approval, 'Approve');
    const done = await settleUntilFinal(h, (await latestRequest(h, 'dana')).id);
    expect(done.state).toBe('completed');
    expect(await licenseState(h, 'dana')).toMatchObject({ state: 'Active', assignedByGroup: null });
  });
});

describe('removing a license', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await Harness.start({ startWorker: false });
  });
  afterEach(async () => h.stop());

  test("Dana asks to remove Maria's license: Nina approves, Maria loses it, a seat is freed, Maria is told", async () => {
    await h.as('nina').say('hi');
    await h.as('maria').say('hi');
    const before = await seats(h);
    const dana = h.as('dana');
    await dana.say("remove Maria Gomez's Dragon license");
    const draft = dana.lastCard();
    expectValidTeamsCard(draft.card);
    expect(cardText(draft.card)).toMatch(/Remove Dragon Copilot nursing license/);
    expect(cardText(draft.card)).toMatch(/Maria Gomez/);
    const sent = await dana.click(draft, 'Send for approval');
    expect(cardText(sent.card)).toMatch(/Nina Okafor/);
    const approval = h.as('nina').lastCard();
    expect(cardText(approval.card)).toMatch(/Remove/);
    await h.as('nina').click(approval, 'Approve');
    const req = await latestRequest(h, 'dana');
    const done = await settleUntilFinal(h, req.id);
    expect(done.state).toBe('completed');
    expect(await isMember(h, NURSING_GROUP, 'maria')).toBe(false);
    expect(await licenseState(h, 'maria')).toBeUndefined();
    expect((await seats(h)).used).toBe(before.used - 1);
    expect(
      h.desk.devTenant!.calls.count({
        method: 'DELETE',
        path: `/v1.0/groups/${NURSING_GROUP}/members/${persona('maria').id}/$ref`,
      }),
    ).toBe(1);
    expect(h.as('maria').texts().join('\n')).toMatch(/license was removed/);
  });

  test('a License Administrator removes it after a confirmation card', async () => {
    const leo = h.as('leo');
    const before = await seats(h);
    const { requestId, card } = await confirmAs(h, leo, "remove Maria Gomez's Dragon license");
    expect(cardText(card.card)).toMatch(/Maria Gomez/);
    const done = await settleUntilFinal(h, requestId);
    expect(done.state).toBe('completed');
    expect(await licenseState(h, 'maria')).toBeUndefined();
    expect((await seats(h)).used).toBe(before.used - 1);
    expect(h.connector.messages('personal-nina')).toHaveLength(0);
  });

  test('a directly assigned license is removed with assignLicense', async () => {
    // Alan holds the physician license directly (no group path).
    const leo = h.as('leo');
    const { requestId } = await confirmAs(h, leo, "remove Alan Brooks's Dragon license");
    const done = await settleUntilFinal(h, requestId);
    expect(done.state).toBe('completed');
    expect(
      h.desk.devTenant!.calls.count({ method: 'POST', path: `/v1.0/users/${persona('alan').id}/assignLicense` }),
    ).toBe(1);
    expect(await licenseState(h, 'alan', '22222222-bbbb-4bbb-8bbb-000000000002')).toBeUndefined();
  });

  test('"remove Dana\'s Dragon license" when that Dana has none: asked which Dana, then a clear answer, no card to send', async () => {
    const leo = h.as('leo');
    await leo.say("remove Dana's Dragon license");
    const choice = leo.lastCard();
    expect(cardText(choice.card)).toMatch(/Dana Kim/);
    const mark = h.connector.lastSeq();
    const res = await leo.click(choice, cardActions(choice.card)[0].title, { choice_0: persona('dana').id });
    expect(res.httpStatus).toBe(200);
    expect(seen(leo, res, mark)).toMatch(
      /Dana Reyes doesn't have a Dragon Copilot license \(nursing or physician\), so there is nothing to remove/,
    );
    // Not asked "nursing or physician?" about a license nobody holds, and nothing to confirm.
    expect(buttons(res.card)).toEqual([]);
    expect(leo.messages(mark).some((m) => buttons(m.activity.attachments?.[0]?.content).length > 0)).toBe(false);
    const open = (await h.desk.store.requests.listByRequester(leo.id, 5)).filter(
      (r: DeskRequest) => r.state !== 'cancelled',
    );
    expect(open).toHaveLength(0);
  });

  test('"remove my Dragon license" from someone without one is answered the same way', async () => {
    const lee = h.as('lee');
    const posted = await lee.say('remove my Dragon license');
    const all = posted.map((p) => messageText(p.activity)).join('\n');
    expect(all).toMatch(
      /You don't have a Dragon Copilot license \(nursing or physician\), so there is nothing to remove/,
    );
    expect(
      posted.some((p) =>
        buttons(p.activity.attachments?.[0]?.content).some((b) => /Send for approval|Confirm/i.test(b)),
      ),
    ).toBe(false);
  });
});
