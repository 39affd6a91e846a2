/**
 * Recertification of license holders, end to end over HTTP against the dev tenant: every
 * RECERTIFY_EVERY_DAYS days each license group's owner gets one review card (a Keep box per holder,
 * Submit review); the people unticked become one ordinary removal request; an unanswered review is
 * reported to the License Administrators at RECERTIFY_ANSWER_DAYS, and removes people only with
 * RECERTIFY_REMOVE_ON_SILENCE=true. Each round, expiry and removal happens once: across a restart in
 * the middle, and with two instances on PostgreSQL.
 */
import { ManualClock } from '../../src/clock';
import type { DeskRequest } from '../../src/domain/request';
import { cardText, Harness } from '../helpers/harness';
import { benchFixture, benchUserId } from '../../bench/fixture';
import { buttons, licenseState, NURSING_GROUP, PHYSICIAN_SKU, seen, settleUntilFinal } from '../helpers/licenseSteps';
import { acrossRestart, describeOnPostgres, twoInstances } from '../helpers/instances';

const DAY = 24 * 3_600_000;
const START = '2026-12-07T09:00:00Z';

const count = (list: string[], what: RegExp) => list.filter((t) => what.test(t)).length;

async function auditActions(h: Harness, requestId: number): Promise<string[]> {
  return (await h.desk.store.audit.listForRequest(requestId)).map((a) => a.action);
}

/** The reviews waiting for this person. */
async function reviewsFor(h: Harness, alias: string): Promise<DeskRequest[]> {
  const pending = await h.desk.store.requests.listPendingForApprover(h.as(alias).id, 20);
  return pending.filter((r) => r.kind === 'license.recertify');
}

/** Every review ever started, oldest first. */
async function allReviews(h: Harness): Promise<DeskRequest[]> {
  const all = await h.desk.store.requests.listCreatedBetween('2000-01-01T00:00:00Z', '2100-01-01T00:00:00Z', 500);
  return all.filter((r) => r.kind === 'license.recertify');
}

async function removals(h: Harness): Promise<DeskRequest[]> {
  const all = await h.desk.store.requests.listCreatedBetween('2000-01-01T00:00:00Z', '2100-01-01T00:00:00Z', 500);
  return all.filter((r) => r.kind === 'license.remove');
}

function recertifying(env: Record<string, string> = {}) {
  return { RECERTIFY_EVERY_DAYS: '90', RECERTIFY_ANSWER_DAYS: '14', ...env };
}

describe('a review of license holders', () => {
  test('off by default: no review starts', async () => {
    const clock = new ManualClock(new Date(START));
    const h = await Harness.start({ startWorker: false, clock });
    try {
      await h.as('nina').say('hi');
      clock.advance(400 * DAY);
      await h.settle();
      expect(await allReviews(h)).toEqual([]);
    } finally {
      await h.stop();
    }
  }, 60_000);

  test('Nina keeps five nurses and unticks two with a reason: one removal request removes them; the next round comes 90 days later', async () => {
    const clock = new ManualClock(new Date(START));
    const h = await Harness.start({ startWorker: false, clock, env: recertifying() });
    try {
      const nina = h.as('nina');
      await nina.say('hi');
      await h.as('maria').say('hi');
      await h.as('nurse2').say('hi');
      let mark = h.connector.lastSeq();
      await h.settle();
      // One review per license group in use, to its owner, listing its members.
      const reviews = await allReviews(h);
      expect(reviews.map((r) => r.subject).sort()).toEqual(['nursing', 'physician']);
      const [review] = await reviewsFor(h, 'nina');
      expect(review.targets).toHaveLength(7);
      expect(review.approvers.map((a) => a.displayName)).toEqual(['Nina Okafor']);
      expect(await auditActions(h, review.id)).toEqual(['recertify.start']);
      const card = nina.lastCard();
      expect(count(nina.texts(mark), /Review of Dragon Copilot nursing license holders/)).toBe(1);
      expect(cardText(card.card)).toMatch(/Review of Dragon Copilot nursing license holders/);
      expect(cardText(card.card)).toMatch(/Answer by.*Dec 21, 2026/s);
      expect(buttons(card.card)).toEqual(expect.arrayContaining(['Submit review']));
      expect(buttons(card.card)).not.toContain('Reject');
      const keepBoxes = card.card.body.find((e: any) => e.id === 'approveFor');
      expect(keepBoxes.label).toMatch(/^Keep/);
      expect(keepBoxes.value.split(',')).toHaveLength(7);

      // Unticking without a reason changes nothing.
      const drop = new Set([h.as('maria').id, h.as('nurse1').id]);
      const keep = review.targets.filter((t) => !drop.has(t.userId)).map((t) => t.userId);
      mark = h.connector.lastSeq();
      const noReason = await nina.click(card, 'Submit review', { approveFor: keep.join(',') });
      expect(seen(nina, noReason, mark)).toMatch(/give a reason for the people you left out/);
      expect((await h.desk.store.requests.get(review.id))?.state).toBe('pending');

      const res = await nina.click(card, 'Submit review', {
        approveFor: keep.join(','),
        reason: 'Moved to the outpatient clinic',
      });
      expect(res.httpStatus).toBe(200);
      const done = await settleUntilFinal(h, review.id);
      expect(done.state).toBe('completed');
      expect(done.targets.filter((t) => t.status === 'skipped').map((t) => t.displayName)).toHaveLength(2);
      expect(done.targets.filter((t) => t.status === 'done')).toHaveLength(5);

      // One removal request, approved by Nina, carried out the normal way.
      const [removal] = await removals(h);
      expect(removal.requesterId).toBe(nina.id);
      expect(removal.decidedByName).toBe('Nina Okafor');
      expect(removal.justification).toMatch(
        new RegExp(`review of license holders #${review.id}: Moved to the outpatient clinic`),
      );
      const removed = await settleUntilFinal(h, removal.id);
      expect(removed.state).toBe('completed');
      expect(await licenseState(h, 'maria')).toBeUndefined();
      expect(await licenseState(h, 'nurse1')).toBeUndefined();
      expect((await licenseState(h, 'nurse2'))?.state).toBe('Active');
      expect(await removals(h)).toHaveLength(1);
      expect(await auditActions(h, removal.id)).toEqual(
        expect.arrayContaining(['request.created', 'request.approve', 'graph.remove', 'execution.completed']),
      );
      expect(await auditActions(h, review.id)).toEqual(expect.arrayContaining(['recertify.start', 'request.approve']));
      // Nina hears what her review did; the nurses kept are not messaged, the ones removed are.
      expect(nina.texts(mark).join('\n')).toMatch(new RegExp(`Removal of .*: request #${removal.id}`));
      expect(h.as('nurse2').texts(mark)).toEqual([]);
      expect(h.as('maria').texts(mark).join('\n')).toMatch(/license was removed/);
      expect(cardText(h.as('nina').currentCard(card.activityId))).toMatch(/Kept:/);

      // No second round until 90 days after the first.
      clock.advance(89 * DAY);
      await h.settle();
      expect(await allReviews(h)).toHaveLength(2);
      clock.advance(DAY + 60_000);
      await h.settle();
      const later = await allReviews(h);
      expect(later).toHaveLength(4);
      expect(later.find((r) => r.subject === 'nursing' && r.id !== review.id)?.targets).toHaveLength(5);
    } finally {
      await h.stop();
    }
  }, 90_000);

  test('keeping everyone removes nobody', async () => {
    const clock = new ManualClock(new Date(START));
    const h = await Harness.start({ startWorker: false, clock, env: recertifying() });
    try {
      await h.as('nina').say('hi');
      await h.settle();
      const [review] = await reviewsFor(h, 'nina');
      const res = await h.as('nina').click(h.as('nina').lastCard(), 'Submit review');
      expect(res.httpStatus).toBe(200);
      expect((await settleUntilFinal(h, review.id)).state).toBe('completed');
      expect(await removals(h)).toEqual([]);
    } finally {
      await h.stop();
    }
  }, 60_000);
});

describe('a license group too big for one review card', () => {
  test('its owner is told why it is not reviewed in chat and where to review it; nobody is removed, once per round', async () => {
    // The nursing group with 110 more members: 117 holders, more than a card lists.
    const fixture = benchFixture(110);
    const nursing = fixture.groups.find((g) => g.id === NURSING_GROUP)!;
    nursing.members.push(...Array.from({ length: 110 }, (_, i) => benchUserId(i + 1)));
    const clock = new ManualClock(new Date(START));
    const h = await Harness.start({ startWorker: false, clock, env: recertifying(), devTenantOptions: { fixture } });
    try {
      const nina = h.as('nina');
      await nina.say('hi');
      const mark = h.connector.lastSeq();
      await h.settle();
      // The physician group (a handful of holders) is reviewed as usual; the nursing group is not.
      expect((await allReviews(h)).map((r) => r.subject)).toEqual(['physician']);
      const told = nina.texts(mark);
      expect(
        count(
          told,
          /Review of Dragon Copilot nursing license holders: the group has 117 members, more than one review card in Teams can list \(100\).*nobody is removed.*Microsoft Entra access review/s,
        ),
      ).toBe(1);
      const skip = (await h.desk.store.audit.listRecent(50)).filter((a) => a.action === 'recertify.skip');
      expect(skip.map((a) => a.detail)).toEqual([
        expect.objectContaining({ kind: 'nursing', why: expect.stringMatching(/117 members/) }),
      ]);

      // The next look for due rounds (a day later) neither reviews nor tells anyone again.
      clock.advance(DAY);
      await h.settle();
      expect((await allReviews(h)).map((r) => r.subject)).toEqual(['physician']);
      expect(count(nina.texts(mark), /more than one review card/)).toBe(1);
      expect((await licenseState(h, 'maria'))?.state).toBe('Active');
    } finally {
      await h.stop();
    }
  }, 60_000);
});

describe('a review nobody answers', () => {
  test('the License Administrators are told who was not reviewed; nobody is removed by default', async () => {
    const clock = new ManualClock(new Date(START));
    const h = await Harness.start({ startWorker: false, clock, env: recertifying() });
    try {
      await h.as('nina').say('hi');
      await h.as('leo').say('hi'); // Leo Martins, License Administrator
      await h.settle();
      const [review] = await reviewsFor(h, 'nina');
      const mark = h.connector.lastSeq();
      // Half-way, Nina gets the card again with a line saying when it is due; once.
      clock.advance(7 * DAY + 60_000);
      await h.settle();
      await h.settle();
      expect(count(h.as('nina').texts(mark), /Reminder: Review of .* is due by Dec 21, 2026/)).toBe(1);
      expect(buttons(h.as('nina').lastCard().card)).toContain('Submit review');
      clock.advance(7 * DAY);
      await h.settle();
      await h.settle();
      expect(count(h.as('nina').texts(mark), /Reminder: Review of/)).toBe(1);
      const after = await h.desk.store.requests.get(review.id);
      expect(after?.state).toBe('expired');
      const told = h.as('leo').texts(mark);
      expect(
        count(
          told,
          new RegExp(`request #${review.id}.*closed without an answer.*Not reviewed: .*Maria.*Nobody was removed`),
        ),
      ).toBe(1);
      expect(count(h.as('nina').texts(mark), /closed at its deadline without your answer/)).toBe(1);
      expect(await auditActions(h, review.id)).toEqual(['recertify.start', 'request.remind', 'recertify.expire']);
      expect(await removals(h)).toEqual([]);
      expect((await licenseState(h, 'maria'))?.state).toBe('Active');
      // Submitting the old card now changes nothing.
      const late = await h
        .as('nina')
        .click(h.as('nina').lastCard(), 'Submit review')
        .catch(() => undefined);
      if (late) expect((await h.desk.store.requests.get(review.id))?.state).toBe('expired');
    } finally {
      await h.stop();
    }
  }, 60_000);

  test('with RECERTIFY_REMOVE_ON_SILENCE=true everyone not reviewed is removed through one removal request, once', async () => {
    const clock = new ManualClock(new Date(START));
    const h = await Harness.start({
      startWorker: false,
      clock,
      env: recertifying({ RECERTIFY_REMOVE_ON_SILENCE: 'true' }),
    });
    try {
      await h.as('omar').say('hi');
      await h.as('leo').say('hi');
      await h.settle();
      // Omar, who owns the physician group, is away (automatic replies on): the review goes to the
      // License Administrators instead, and its card says why.
      expect(await reviewsFor(h, 'omar')).toEqual([]);
      const [review] = (await reviewsFor(h, 'leo')).filter((r) => r.subject === 'physician');
      expect(review.payload.approval?.bypassed?.map((b) => b.name)).toEqual(['Dr. Omar Haddad']);
      expect(cardText(h.as('leo').lastCard().card)).toMatch(/Not sent to.*Omar Haddad/s);
      const mark = h.connector.lastSeq();
      clock.advance(14 * DAY + 60_000);
      await h.settle();
      await h.settle();
      expect(h.as('leo').texts(mark).join('\n')).toMatch(/their licenses are now removed through a removal request/);
      const list = await removals(h);
      const mine = list.filter((r) => r.subject === 'physician');
      expect(mine).toHaveLength(1);
      expect(mine[0].requesterName).toBe('Dragon Desk');
      expect(mine[0].targets).toHaveLength(5);
      expect((await settleUntilFinal(h, mine[0].id)).state).toBe('completed');
      expect(await licenseState(h, 'phys1', PHYSICIAN_SKU)).toBeUndefined();
      // The removal timer running again (a worker that died before marking it done) adds nothing.
      await h.desk.store.timers.schedule('recertify.remove', clock.now().toISOString(), {}, review.id);
      await h.settle();
      expect((await removals(h)).filter((r) => r.subject === 'physician')).toHaveLength(1);
    } finally {
      await h.stop();
    }
  }, 90_000);

  test('a restart in the middle: the round is not started again, and the expiry runs once', async () => {
    const clock = new ManualClock(new Date(START));
    await acrossRestart(
      { startWorker: false, clock, env: recertifying() },
      async (a) => {
        await a.as('nina').say('hi');
        await a.as('leo').say('hi');
        await a.settle();
        const [review] = await reviewsFor(a, 'nina');
        // The worker dies after the expiry is recorded (and its messages queued), before its timer is done.
        clock.advance(14 * DAY + 60_000);
        const timers = a.desk.store.timers;
        const complete = timers.complete.bind(timers);
        timers.complete = () => Promise.reject(new Error('killed before the timer was marked done'));
        await a.settle();
        timers.complete = complete;
        return { review, mark: a.connector.lastSeq() };
      },
      async (b, { review, mark }) => {
        clock.advance(3_600_000);
        await b.settle();
        await b.settle();
        expect(await allReviews(b)).toHaveLength(2);
        const actions = await auditActions(b, review.id);
        expect(count(actions, /^recertify\.expire$/)).toBe(1);
        expect(count(b.as('leo').texts(mark), /closed without an answer/)).toBe(0);
        const due = await b.desk.store.timers.listDue(clock.now().toISOString(), 10);
        expect(due.filter((t) => t.kind === 'recertify.expire')).toEqual([]);
      },
    );
  }, 60_000);
});

describeOnPostgres('on PostgreSQL with two instances', (pg) => {
  test('both workers look for due rounds and run the expiry: one review per group, each message sent once', async () => {
    const clock = new ManualClock(new Date(START));
    const env = recertifying({ RECERTIFY_REMOVE_ON_SILENCE: 'true' });
    await twoInstances(pg(), { startWorker: false, clock, env }, async (a, b) => {
      await a.as('nina').say('hi');
      await a.as('leo').say('hi');
      const mark = a.connector.lastSeq();
      await Promise.all([a.settle(), b.settle()]);
      await Promise.all([a.settle(), b.settle()]);
      const reviews = await allReviews(a);
      expect(reviews.map((r) => r.subject).sort()).toEqual(['nursing', 'physician']);
      expect(count(a.as('nina').texts(mark), /Review of Dragon Copilot nursing license holders/)).toBe(1);

      clock.advance(14 * DAY + 60_000);
      for (let i = 0; i < 3; i++) await Promise.all([a.settle(), b.settle()]);
      const nursing = reviews.find((r) => r.subject === 'nursing')!;
      expect(count(await auditActions(a, nursing.id), /^recertify\.expire$/)).toBe(1);
      expect(count(await auditActions(a, nursing.id), /^request\.remind$/)).toBe(1);
      expect(count(a.as('nina').texts(mark), /Reminder: Review of/)).toBe(1);
      expect(count(a.as('leo').texts(mark), new RegExp(`request #${nursing.id}.*closed without an answer`))).toBe(1);
      expect((await removals(a)).filter((r) => r.subject === 'nursing')).toHaveLength(1);
      expect(b.connector.lastSeq()).toBe(0);
    });
  }, 120_000);
});
