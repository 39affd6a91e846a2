/**
 * Keeping approvals moving, end to end over HTTP against the dev tenant: the reminder after
 * APPROVAL_REMIND_AFTER_HOURS, escalation to the License Administrators after
 * APPROVAL_ESCALATE_AFTER_HOURS (who may then decide), the requester's Nudge once a day, and an
 * approver approving some of the people on a request. Each step runs once: across a restart in the
 * middle, and with two instances on PostgreSQL.
 */
import { ManualClock } from '../../src/clock';
import { cardActions, cardText, Harness } from '../helpers/harness';
import { buttons, danaAsksForNursing, licenseState, seen, settleUntilFinal } from '../helpers/licenseSteps';
import { acrossRestart, describeOnPostgres, twoInstances } from '../helpers/instances';

const HOUR = 3_600_000;

async function auditActions(h: Harness, requestId: number): Promise<string[]> {
  return (await h.desk.store.audit.listForRequest(requestId)).map((a) => a.action);
}

const count = (list: string[], what: RegExp) => list.filter((t) => what.test(t)).length;

describe('reminder and escalation', () => {
  test('after 24 hours the approver is reminded once; after 72 the License Administrators get it and one of them decides', async () => {
    const clock = new ManualClock(new Date('2026-12-07T09:00:00Z'));
    const h = await Harness.start({ startWorker: false, clock });
    try {
      await h.as('leo').say('hi'); // Leo Martins, License Administrator
      const { requestId, draft, sent, approvals } = await danaAsksForNursing(h);
      // The cards say when each step comes.
      const danaCard = sent.card;
      expect(cardText(danaCard)).toMatch(/Reminder.*Dec 8, 2026/s);
      expect(cardText(danaCard)).toMatch(/Escalates.*to the License Administrators, Dec 10, 2026/s);
      expect(cardText(approvals.nina.card)).toMatch(/Expires.*Dec 14, 2026/s);

      clock.advance(24 * HOUR - 60_000);
      await h.settle();
      let mark = h.connector.lastSeq();
      clock.advance(2 * 60_000);
      await h.settle();
      await h.settle();
      const reminded = h.as('nina').texts(mark);
      expect(count(reminded, new RegExp(`Reminder: request #${requestId} from Dana Reyes .* waited 24 hours`))).toBe(1);
      // The reminder carries the card again, with its buttons.
      expect(buttons(h.as('nina').lastCard().card)).toEqual(expect.arrayContaining(['Approve', 'Reject']));
      expect(h.as('dana').texts(mark)).toEqual([]);
      expect(cardText(h.as('dana').currentCard(draft.activityId))).not.toMatch(/Reminder/);

      mark = h.connector.lastSeq();
      clock.advance(48 * HOUR);
      await h.settle();
      await h.settle();
      expect(h.as('dana').texts(mark).join('\n')).toMatch(
        new RegExp(`Nobody decided request #${requestId} .* within 72 hours, so I've also sent it to Leo Martins`),
      );
      expect(h.as('nina').texts(mark).join('\n')).toMatch(/also went to Leo Martins/);
      const leoCard = h.as('leo').lastCard();
      expect(cardText(leoCard.card)).toMatch(/License Administrator/);
      expect(cardText(h.as('dana').currentCard(draft.activityId))).toMatch(/Escalated/);
      expect(count(await auditActions(h, requestId), /^request\.(remind|escalate)$/)).toBe(2);

      // Leo decides as the License Administrator the request was escalated to.
      const approved = await h.as('leo').click(leoCard, 'Approve');
      expect(approved.httpStatus).toBe(200);
      expect(cardText(approved.card)).toMatch(/Approved by.*Leo Martins/s);
      const done = await settleUntilFinal(h, requestId);
      expect(done.state).toBe('completed');
      expect((await licenseState(h, 'dana'))?.state).toBe('Active');
      // A timer that comes round again after the decision does nothing.
      mark = h.connector.lastSeq();
      clock.advance(200 * HOUR);
      await h.settle();
      expect(
        h
          .as('nina')
          .texts(mark)
          .filter((t) => /Reminder|escalat/i.test(t)),
      ).toEqual([]);
    } finally {
      await h.stop();
    }
  }, 60_000);

  test('someone who is not an approver cannot decide by replaying an escalated card', async () => {
    const clock = new ManualClock(new Date('2026-12-07T09:00:00Z'));
    const h = await Harness.start({ startWorker: false, clock });
    try {
      await h.as('leo').say('hi');
      const { requestId, approvals } = await danaAsksForNursing(h);
      clock.advance(73 * HOUR);
      await h.settle();
      await h.settle();
      const approve = cardActions(h.as('leo').lastCard().card).find((a) => a.title === 'Approve')!;
      // Uma (Service Desk Lead, no license role) replays Leo's click.
      const replay = await h.as('uma').invoke(approve.verb, approve.data, approvals.nina.activityId);
      expect(replay.httpStatus).toBe(200);
      expect((await h.desk.store.requests.get(requestId))?.state).toBe('pending');
    } finally {
      await h.stop();
    }
  }, 60_000);

  test('with reminders and escalation switched off (0), nothing follows up and the card says nothing about it', async () => {
    const clock = new ManualClock(new Date('2026-12-07T09:00:00Z'));
    const h = await Harness.start({
      startWorker: false,
      clock,
      env: { APPROVAL_REMIND_AFTER_HOURS: '0', APPROVAL_ESCALATE_AFTER_HOURS: '0' },
    });
    try {
      await h.as('leo').say('hi');
      const { requestId, approvals } = await danaAsksForNursing(h);
      expect(cardText(approvals.nina.card)).not.toMatch(/Reminder|Escalates/);
      const mark = h.connector.lastSeq();
      clock.advance(100 * HOUR);
      await h.settle();
      expect(h.as('nina').texts(mark)).toEqual([]);
      expect(h.as('leo').texts(mark)).toEqual([]);
      expect((await h.desk.store.requests.get(requestId))?.approvers.map((a) => a.approverId)).toEqual([
        h.as('nina').id,
      ]);
    } finally {
      await h.stop();
    }
  }, 60_000);

  test('a restart between the reminder and its timer being marked done sends no second reminder', async () => {
    const clock = new ManualClock(new Date('2026-12-07T09:00:00Z'));
    await acrossRestart(
      { startWorker: false, clock },
      async (a) => {
        const { requestId } = await danaAsksForNursing(a);
        // The worker dies after the reminder is recorded (and queued) but before its timer is done.
        const timers = a.desk.store.timers;
        const complete = timers.complete.bind(timers);
        timers.complete = () => Promise.reject(new Error('killed before the timer was marked done'));
        clock.advance(25 * HOUR);
        await a.settle();
        timers.complete = complete;
        return requestId;
      },
      async (b, requestId) => {
        clock.advance(HOUR); // past the timer's retry
        await b.settle();
        const actions = await auditActions(b, requestId);
        expect(count(actions, /^request\.remind$/)).toBe(1);
        const due = await b.desk.store.timers.listDue(clock.now().toISOString(), 10);
        expect(due.filter((t) => t.kind === 'approval.remind')).toEqual([]);
      },
    );
  }, 60_000);
});

describe('Nudge', () => {
  test('the requester nudges once a day: the approver gets the card again with who is asking', async () => {
    const clock = new ManualClock(new Date('2026-12-07T09:00:00Z'));
    const h = await Harness.start({ startWorker: false, clock });
    try {
      const { requestId, draft, sent } = await danaAsksForNursing(h);
      const dana = h.as('dana');
      let mark = h.connector.lastSeq();
      const nudged = await dana.click({ activityId: draft.activityId, card: sent.card! }, 'Nudge approvers');
      expect(nudged.httpStatus).toBe(200);
      expect(seen(dana, nudged, mark)).toMatch(/I've reminded Nina Okafor/);
      await h.settle();
      const told = h.as('nina').texts(mark);
      expect(count(told, new RegExp(`Dana Reyes is asking about request #${requestId}`))).toBe(1);
      // The card no longer offers the button; pressing an old one says when it comes back.
      expect(buttons(nudged.card)).not.toContain('Nudge approvers');
      const before = h.connector.lastSeq();
      const again = await dana.invoke('request.nudge', {
        requestId,
        version: (await h.desk.store.requests.get(requestId))!.version,
      });
      expect(seen(dana, again, before)).toMatch(/you can nudge them again after/);
      mark = h.connector.lastSeq();
      await h.settle();
      expect(h.as('nina').texts(mark)).toEqual([]);

      clock.advance(24 * HOUR + 60_000);
      const later = await dana.invoke('request.nudge', {
        requestId,
        version: (await h.desk.store.requests.get(requestId))!.version,
      });
      expect(later.httpStatus).toBe(200);
      await h.settle();
      expect(count(h.as('nina').texts(mark), /is asking about request/)).toBe(1);
      expect(count(await auditActions(h, requestId), /^request\.nudge$/)).toBe(2);

      // Only the requester may nudge.
      const byOther = await h.as('nina').invoke('request.nudge', {
        requestId,
        version: (await h.desk.store.requests.get(requestId))!.version,
      });
      expect(seen(h.as('nina'), byOther, mark)).toMatch(/Only the person who asked/);
    } finally {
      await h.stop();
    }
  }, 60_000);
});

describe('an approver approves some of the people', () => {
  async function ivyAndSam(h: Harness) {
    await h.as('nina').say('hi');
    await h.as('sam').say('hi');
    const dana = h.as('dana');
    await dana.say('please give Ivy Chen and Sam Carter a Dragon nursing license');
    const sent = await dana.click(dana.lastCard(), 'Send for approval', { justification: 'New on ward 4' });
    expect(sent.httpStatus).toBe(200);
    const [req] = await h.desk.store.requests.listByRequester(dana.id, 1);
    return { requestId: req.id, card: h.as('nina').lastCard() };
  }

  test('Nina unticks Sam with a reason: Ivy gets the license, Sam is told why, Dana hears both', async () => {
    const h = await Harness.start({ startWorker: false });
    try {
      const { requestId, card } = await ivyAndSam(h);
      expect(buttons(card.card)).toContain('Approve');
      const ivy = h.as('ivy').id;
      const mark = h.connector.lastSeq();
      // Without a reason for leaving Sam out, nothing changes.
      const noReason = await h.as('nina').click(card, 'Approve', { approveFor: ivy });
      expect(seen(h.as('nina'), noReason, mark)).toMatch(/give a reason for the people you left out/);
      expect((await h.desk.store.requests.get(requestId))?.state).toBe('pending');

      const res = await h.as('nina').click(card, 'Approve', { approveFor: ivy, reason: 'Sam moves to the day clinic' });
      expect(res.httpStatus).toBe(200);
      const done = await settleUntilFinal(h, requestId);
      expect(done.state).toBe('completed');
      expect(done.targets.map((t) => [t.displayName, t.status])).toEqual([
        ['Ivy Chen', 'done'],
        ['Sam Carter', 'skipped'],
      ]);
      expect((await licenseState(h, 'ivy'))?.state).toBe('Active');
      expect(await licenseState(h, 'sam')).toBeUndefined();
      expect(h.as('dana').texts(mark).join('\n')).toMatch(
        /Not approved for Sam Carter\. Reason: Sam moves to the day clinic/,
      );
      expect(h.as('sam').texts(mark).join('\n')).toMatch(/did not approve .* Reason: Sam moves to the day clinic/);
      expect(cardText(h.as('dana').lastCard().card)).toMatch(/Sam Carter[\s\S]*Not approved by Nina Okafor/);
      const approve = (await h.desk.store.audit.listForRequest(requestId)).find((a) => a.action === 'request.approve');
      expect(approve?.detail).toMatchObject({ leftOut: [h.as('sam').id] });
    } finally {
      await h.stop();
    }
  }, 60_000);

  test('unticking everyone, or naming someone not on the request, changes nothing', async () => {
    const h = await Harness.start({ startWorker: false });
    try {
      const { requestId, card } = await ivyAndSam(h);
      const mark = h.connector.lastSeq();
      const none = await h.as('nina').click(card, 'Approve', { approveFor: '' });
      expect(seen(h.as('nina'), none, mark)).toMatch(/You unticked everyone/);
      const tampered = await h
        .as('nina')
        .click(card, 'Approve', { approveFor: `${h.as('ivy').id},${h.as('omar').id}` });
      expect(seen(h.as('nina'), tampered, mark)).toMatch(/named people who are not part of the request/);
      expect((await h.desk.store.requests.get(requestId))?.state).toBe('pending');
      expect(count(await auditActions(h, requestId), /^refused\.tampered-card$/)).toBe(1);
    } finally {
      await h.stop();
    }
  }, 60_000);
});

describeOnPostgres('on PostgreSQL with two instances', (pg) => {
  test('both workers run the reminder and the escalation: each is sent once', async () => {
    const clock = new ManualClock(new Date('2026-12-07T09:00:00Z'));
    await twoInstances(pg(), { startWorker: false, clock }, async (a, b) => {
      await a.as('leo').say('hi');
      const { requestId } = await danaAsksForNursing(a);
      const mark = a.connector.lastSeq();
      clock.advance(73 * HOUR);
      for (let i = 0; i < 3; i++) await Promise.all([a.settle(), b.settle()]);
      const actions = await auditActions(a, requestId);
      expect(count(actions, /^request\.remind$/)).toBe(1);
      expect(count(actions, /^request\.escalate$/)).toBe(1);
      expect(count(a.as('nina').texts(mark), /Reminder: request/)).toBe(1);
      expect(count(a.as('dana').texts(mark), /also sent it to Leo Martins/)).toBe(1);
      expect(
        a
          .as('leo')
          .texts(mark)
          .filter((t) => /Approve|Request #/i.test(t)).length,
      ).toBe(1);
      expect(b.connector.lastSeq()).toBe(0);
    });
  }, 90_000);
});
