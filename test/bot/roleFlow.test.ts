/**
 * End to end over HTTP: the Dragon Administrator role asked for by a clinician and approved
 * by the Dragon Administrators group's owner, made directly by a Privileged Role Administrator,
 * removed, and granted for a few hours with a reminder and an automatic end (also across a restart
 * of the bot, and through PIM for Groups). What a person would notice is asserted on what the
 * connector received and on the dev tenant.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ManualClock } from '../../src/clock';
import { ROLE_TEMPLATE } from '../../src/domain/catalog';
import { persona } from '../../src/devtenant/fixture';
import { startDevTenant, type DevTenant } from '../../src/devtenant/server';
import { expectValidTeamsCard } from '../helpers/cards';
import { Harness, messageText, cardActions, cardText, type Person } from '../helpers/harness';

const ADMIN_GROUP = '11111111-aaaa-4aaa-8aaa-000000000003';
const MIN = 60_000;
const HOUR = 60 * MIN;

function holdsDragonAdmin(h: Harness, alias: string): boolean {
  return h.desk
    .devTenant!.state.heldRoleTemplateIds(persona(alias).id, true)
    .includes(ROLE_TEMPLATE.dragonAdministrator);
}

function isAdminGroupMember(h: Harness, alias: string): boolean {
  return h.desk.devTenant!.state.isMember(ADMIN_GROUP, persona(alias).id);
}

function said(posted: { activity: Record<string, any> }[]): string {
  return posted.map((p) => messageText(p.activity)).join('\n');
}

async function settleTwice(h: Harness): Promise<void> {
  await h.settle();
  await h.settle();
}

/** Grace (Global Administrator) grants Sam the role for 4 hours, confirming her own card. */
async function graceGrantsSamFourHours(h: Harness): Promise<void> {
  const grace = h.as('grace');
  await grace.say('give Sam Carter Dragon admin for 4 hours because go-live support');
  const draft = grace.lastCard();
  expectValidTeamsCard(draft.card);
  const t = cardText(draft.card);
  expect(t).toMatch(/4 hours/);
  expect(t).toMatch(/ends by itself/);
  const confirmed = await grace.click(draft, 'Confirm');
  expect(confirmed.httpStatus).toBe(200);
  await settleTwice(h);
}

describe('the Dragon Administrator role', () => {
  let h: Harness;
  afterEach(async () => h?.stop());

  test('a clinician asks, the Dragon Administrators group owner approves, Sam holds the role', async () => {
    h = await Harness.start({ startWorker: false });
    const morgan = h.as('morgan');
    await morgan.say('hi');
    const dana = h.as('dana');
    expect(holdsDragonAdmin(h, 'sam')).toBe(false);

    await dana.say('make Sam Carter a Dragon administrator');
    const draft = dana.lastCard();
    expectValidTeamsCard(draft.card);
    expect(cardText(draft.card)).toMatch(/Directory-wide \(\/\)/);
    expect(cardActions(draft.card).map((a) => a.title)).toContain('Send for approval');

    // Without a justification it is not sent: role changes are higher risk than licenses.
    await dana.click(draft, 'Send for approval');
    expect(dana.texts().join('\n')).toMatch(/Please add a justification/);
    expect((await h.desk.store.requests.listByRequester(dana.id, 1))[0].state).toBe('draft');
    expect(h.connector.messages(morgan.conversationId).filter((m) => m.activity.attachments)).toHaveLength(1); // only her help card

    const sent = await dana.click(draft, 'Send for approval', {
      justification: 'Runs the Dragon go-live for cardiology',
    });
    expect(cardText(sent.card)).toMatch(/Morgan Price/);

    const approval = morgan.lastCard();
    expectValidTeamsCard(approval.card);
    const approvalText = cardText(approval.card);
    expect(approvalText).toMatch(/Sam Carter/);
    expect(approvalText).toMatch(
      /Directory-wide \(\/\) — manages the Dragon admin center; does not include license assignment/,
    );
    expect(approvalText).toMatch(/Runs the Dragon go-live for cardiology/);
    expect(approvalText).toMatch(/owner of the group “Dragon Administrators”/);

    await morgan.click(approval, 'Approve');
    await settleTwice(h);
    expect(holdsDragonAdmin(h, 'sam')).toBe(true);
    expect(isAdminGroupMember(h, 'sam')).toBe(true);
    expect(dana.texts().join('\n')).toMatch(
      /Done: request #\d+ is complete — Dragon Administrator role for Sam Carter/,
    );
    expect(cardText(morgan.currentCard(approval.activityId))).toMatch(/Done/);

    // The audit records the role's scope and the justification with the change.
    const [req] = await h.desk.store.requests.listByRequester(dana.id, 1);
    const audit = await h.desk.store.audit.listForRequest(req.id);
    const change = audit.find((a) => a.action === 'graph.role.assign');
    expect(change?.detail).toMatchObject({
      scope: expect.stringMatching(/Directory-wide/),
      directoryScopeId: '/',
      justification: 'Runs the Dragon go-live for cardiology',
    });
  });

  test('a Privileged Role Administrator makes Sam an admin directly, after a confirmation card', async () => {
    h = await Harness.start({ startWorker: false });
    const ravi = h.as('ravi');
    await ravi.say('make Sam Carter a Dragon administrator');
    const confirm = ravi.lastCard();
    expectValidTeamsCard(confirm.card);
    expect(cardActions(confirm.card).map((a) => a.title)).toContain('Confirm');
    expect(cardActions(confirm.card).map((a) => a.title)).not.toContain('Send for approval');
    await ravi.click(confirm, 'Confirm');
    await settleTwice(h);
    expect(holdsDragonAdmin(h, 'sam')).toBe(true);
    expect(cardText(ravi.currentCard(confirm.activityId))).toMatch(/Done/);
    expect(h.connector.messages('personal-morgan')).toHaveLength(0);
  });

  test('removal follows the same rules: a clinician asks, the owner approves, the role is gone', async () => {
    h = await Harness.start({ startWorker: false });
    const morgan = h.as('morgan');
    await morgan.say('hi');
    const dana = h.as('dana');
    expect(holdsDragonAdmin(h, 'jordan')).toBe(true);
    await dana.say("remove Jordan Blake's Dragon admin role");
    const draft = dana.lastCard();
    expectValidTeamsCard(draft.card);
    expect(cardText(draft.card)).toMatch(/Remove the Dragon Administrator role/);
    await dana.click(draft, 'Send for approval', { justification: 'Moved to another hospital' });
    const approval = morgan.lastCard();
    expect(cardText(approval.card)).toMatch(/Moved to another hospital/);
    expect(cardText(approval.card)).toMatch(/Directory-wide/);
    await morgan.click(approval, 'Approve');
    await settleTwice(h);
    expect(holdsDragonAdmin(h, 'jordan')).toBe(false);
    expect(isAdminGroupMember(h, 'jordan')).toBe(false);
  });

  test.each([
    [
      'someone who already holds it',
      'make Jordan Blake a Dragon administrator',
      /already a Dragon Administrator \(as a member of “Dragon Administrators”\)/,
    ],
    ['a disabled account', 'make Ken Adams a Dragon administrator', /disabled/],
    [
      'removing it from someone who has not got it',
      "remove Sam Carter's Dragon admin role",
      /isn't a Dragon Administrator, so there is nothing to remove/,
    ],
    ['an unknown person', 'make Zelda Quartermain a Dragon administrator', /couldn't find/],
  ])('%s gets a plain answer and nothing is requested', async (_label, utterance, expected) => {
    h = await Harness.start({ startWorker: false });
    const ravi = h.as('ravi');
    expect(said(await ravi.say(utterance))).toMatch(expected);
    const open = (await h.desk.store.requests.listByRequester(ravi.id, 5)).filter((r) => r.state !== 'cancelled');
    expect(open).toHaveLength(0);
  });

  test('an ambiguous name is asked about, never picked silently', async () => {
    h = await Harness.start({ startWorker: false });
    const ravi = h.as('ravi');
    await ravi.say('make Dana a Dragon administrator');
    const choice = ravi.lastCard();
    expectValidTeamsCard(choice.card);
    expect(cardText(choice.card)).toMatch(/Dana Reyes/);
    expect(cardText(choice.card)).toMatch(/Dana Kim/);
    const picked = await ravi.click(choice, cardActions(choice.card)[0].title, { choice_0: persona('danak').id });
    expect(cardText(picked.card)).toMatch(/Dana Kim/);
    expect(cardText(picked.card)).toMatch(/Directory-wide/);
    await ravi.click({ activityId: choice.activityId, card: picked.card! }, 'Confirm');
    await settleTwice(h);
    expect(holdsDragonAdmin(h, 'danak')).toBe(true);
    expect(holdsDragonAdmin(h, 'dana')).toBe(false);
  });

  test('the same person cannot be in two open role requests', async () => {
    h = await Harness.start({ startWorker: false });
    await h.as('morgan').say('hi');
    const dana = h.as('dana');
    await dana.say('make Sam Carter a Dragon administrator because go-live');
    await dana.click(dana.lastCard(), 'Send for approval');
    const patel = h.as('patel');
    expect(said(await patel.say('make Sam Carter a Dragon administrator because go-live'))).toMatch(
      /already in request #\d+/,
    );
  });

  test('with no Dragon Administrators group configured, Global and Privileged Role Administrators decide and the role is assigned directly', async () => {
    h = await Harness.start({ startWorker: false, env: { DRAGON_ADMIN_GROUP_ID: '' } });
    const grace = h.as('grace');
    await grace.say('hi');
    const dana = h.as('dana');
    await dana.say('make Sam Carter a Dragon administrator');
    const draft = dana.lastCard();
    expect(cardText(draft.card)).toMatch(/direct role assignment/);
    const sent = await dana.click(draft, 'Send for approval', { justification: 'Go-live lead' });
    expect(cardText(sent.card)).toMatch(/Grace Liu/);
    expect(cardText(sent.card)).toMatch(/Ravi Shah/);
    const approval = grace.lastCard();
    expect(cardText(approval.card)).toMatch(/a Global Administrator \(no Dragon Administrators group is configured\)/);
    await grace.click(approval, 'Approve');
    await settleTwice(h);
    expect(holdsDragonAdmin(h, 'sam')).toBe(true);
    const direct = h.desk.devTenant!.state.listRoleAssignments({
      principalId: persona('sam').id,
      roleDefinitionId: ROLE_TEMPLATE.dragonAdministrator,
    });
    expect(direct.map((a) => a.directoryScopeId)).toEqual(['/']);
  });

  test('a Dragon administrator asking for a license hears that the role does not allow assigning one', async () => {
    h = await Harness.start({ startWorker: false });
    const jordan = h.as('jordan');
    const posted = said(await jordan.say('I need a Dragon nursing license'));
    expect(posted).toMatch(/does not allow assigning licenses/);
    expect(posted).toMatch(/License Administrator or User Administrator/);
    // …and the request itself goes ahead like anyone else's, to the group owner.
    expect(cardActions(jordan.lastCard().card).map((a) => a.title)).toContain('Send for approval');
    // Someone who is not a Dragon administrator does not get the note.
    expect(said(await h.as('dana').say('I need a Dragon nursing license'))).not.toMatch(
      /does not allow assigning licenses/,
    );
  });
});

describe('time-bound Dragon admin access', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  test('4 hours: a reminder before the end, the role ends by itself, Sam and the requester are told', async () => {
    const clock = new ManualClock();
    h = await Harness.start({ startWorker: false, clock, env: { GRANT_REMINDER_MINUTES: '15' } });
    const sam = h.as('sam');
    await sam.say('hi');
    await graceGrantsSamFourHours(h);
    expect(holdsDragonAdmin(h, 'sam')).toBe(true);
    expect(sam.texts().join('\n')).toMatch(/You are now a Dragon Administrator.*time-bound: it ends/s);

    // "who are the Dragon admins?" shows the end.
    const holders = said(await h.as('grace').say('who are the dragon admins'));
    expect(holders).toMatch(/Sam Carter/);
    expect(holders).toMatch(/until 2026-11-21 13:00 UTC/);

    clock.advance(3 * HOUR + 44 * MIN);
    await h.settle();
    expect(sam.texts().join('\n')).not.toMatch(/Heads-up/);
    clock.advance(1 * MIN);
    await h.settle();
    expect(sam.texts().join('\n')).toMatch(/Heads-up: your Dragon Administrator role ends .* in about 15 minutes/);
    expect(holdsDragonAdmin(h, 'sam')).toBe(true);

    clock.advance(15 * MIN);
    await h.settle();
    expect(holdsDragonAdmin(h, 'sam')).toBe(false);
    expect(isAdminGroupMember(h, 'sam')).toBe(false);
    expect(sam.texts().join('\n')).toMatch(/Your time-bound Dragon Administrator role has ended/);
    expect(h.as('grace').texts().join('\n')).toMatch(
      /Sam Carter's time-bound Dragon Administrator role from your request #\d+ has ended/,
    );
    // Jordan's permanent membership is untouched.
    expect(holdsDragonAdmin(h, 'jordan')).toBe(true);
  });

  test('the end survives a restart of the bot', async () => {
    const clock = new ManualClock();
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'dd-roles-restart-'));
    const tenant: DevTenant = await startDevTenant({ clock });
    try {
      h = await Harness.start({ startWorker: false, clock, devTenant: tenant, dataDir });
      await graceGrantsSamFourHours(h);
      expect(holdsDragonAdmin(h, 'sam')).toBe(true);
      await h.stop();

      h = await Harness.start({ startWorker: false, clock, devTenant: tenant, dataDir });
      // Each harness has its own fake Teams connector, so Sam's and Grace's chats are re-opened on the new one.
      const sam: Person = h.as('sam');
      await sam.say('hi');
      await h.as('grace').say('hi');
      clock.advance(4 * HOUR);
      await h.settle();
      expect(holdsDragonAdmin(h, 'sam')).toBe(false);
      expect(sam.texts().join('\n')).toMatch(/Your time-bound Dragon Administrator role has ended/);
    } finally {
      await h?.stop();
      h = undefined;
      await tenant.close();
    }
  });

  test('with PIM enabled, the PIM for Groups assignment carries the end and the dev tenant honours it', async () => {
    const clock = new ManualClock();
    h = await Harness.start({ startWorker: false, clock, env: { PIM_ENABLED: 'true' } });
    const sam = h.as('sam');
    await sam.say('hi');
    await graceGrantsSamFourHours(h);
    const state = h.desk.devTenant!.state;
    const schedules = state.activeSchedules({ groupId: ADMIN_GROUP, principalId: persona('sam').id });
    expect(schedules).toHaveLength(1);
    expect(schedules[0].endDateTime).toBe('2026-11-21T13:00:00.000Z');
    expect(holdsDragonAdmin(h, 'sam')).toBe(true);

    clock.advance(4 * HOUR);
    // The tenant ended it on its own, before Dragon Desk's worker has even looked.
    expect(holdsDragonAdmin(h, 'sam')).toBe(false);
    const writesBefore =
      h.desk.devTenant!.calls.count({ method: 'POST' }) + h.desk.devTenant!.calls.count({ method: 'DELETE' });
    await h.settle();
    expect(sam.texts().join('\n')).toMatch(/Your time-bound Dragon Administrator role has ended/);
    // Nothing needed removing.
    expect(
      h.desk.devTenant!.calls.count({ method: 'POST' }) + h.desk.devTenant!.calls.count({ method: 'DELETE' }),
    ).toBe(writesBefore);
  });

  test('a removal that fails is tried again a minute later, never dropped', async () => {
    const clock = new ManualClock();
    h = await Harness.start({ startWorker: false, clock });
    await graceGrantsSamFourHours(h);
    const faults = h.desk.devTenant!.faults;
    clock.advance(4 * HOUR);
    faultRemovals(faults, 1);
    await h.settle();
    expect(holdsDragonAdmin(h, 'sam')).toBe(true);
    const timers = await h.desk.store.timers.listDue('9999-12-31T00:00:00.000Z', 50);
    expect(timers.filter((t) => t.kind === 'grant.end')).toHaveLength(1);

    clock.advance(1 * MIN);
    await h.settle();
    expect(holdsDragonAdmin(h, 'sam')).toBe(false);
  });

  test('a removal that keeps failing is escalated to the requester and the group owner, and still retried', async () => {
    const clock = new ManualClock();
    h = await Harness.start({ startWorker: false, clock });
    const morgan = h.as('morgan');
    await morgan.say('hi');
    await graceGrantsSamFourHours(h);
    faultRemovals(h.desk.devTenant!.faults, 3);
    clock.advance(4 * HOUR);
    await h.settle();
    for (let i = 0; i < 2; i++) {
      clock.advance(1 * MIN);
      await h.settle();
    }
    expect(holdsDragonAdmin(h, 'sam')).toBe(true);
    const warning =
      /I couldn't take away Sam Carter's time-bound Dragon Administrator role .* I keep trying every minute/;
    expect(h.as('grace').texts().join('\n')).toMatch(warning);
    expect(morgan.texts().join('\n')).toMatch(warning);
    clock.advance(1 * MIN);
    await h.settle();
    expect(holdsDragonAdmin(h, 'sam')).toBe(false);
    const audit = (await h.desk.store.audit.listRecent(100)).filter((a) => a.action === 'grant.end-failed');
    expect(audit).toHaveLength(3);
  });

  test('an explicit removal ends the time-bound grant; the timer then changes nothing', async () => {
    const clock = new ManualClock();
    h = await Harness.start({ startWorker: false, clock });
    const sam = h.as('sam');
    await sam.say('hi');
    await graceGrantsSamFourHours(h);
    const grace = h.as('grace');
    await grace.say("remove Sam Carter's Dragon admin role");
    await grace.click(grace.lastCard(), 'Confirm');
    await settleTwice(h);
    expect(holdsDragonAdmin(h, 'sam')).toBe(false);
    // Sam is made a permanent admin afterwards; the old grant's end must not take that away.
    await h.as('ravi').say('make Sam Carter a Dragon administrator');
    await h.as('ravi').click(h.as('ravi').lastCard(), 'Confirm');
    await settleTwice(h);
    expect(said(await grace.say('who are the dragon admins'))).not.toMatch(/until/);
    clock.advance(4 * HOUR);
    await h.settle();
    expect(holdsDragonAdmin(h, 'sam')).toBe(true);
    expect(sam.texts().join('\n')).not.toMatch(/time-bound Dragon Administrator role has ended/);
  });
});

/** The next `count` removals of a group member are refused (403: not retried by the client, so the timer's own retry is what recovers). */
function faultRemovals(faults: DevTenant['faults'], count: number): void {
  faults.failNext({
    method: 'DELETE',
    path: new RegExp(`^/v1\\.0/groups/${ADMIN_GROUP}/members/`, 'i'),
    count,
    status: 403,
    code: 'Authorization_RequestDenied',
    message: 'Insufficient privileges to complete the operation.',
  });
}
