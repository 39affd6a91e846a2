/**
 * Approvers who are away (Outlook automatic replies on, read from the dev tenant's
 * mailboxSettings over Graph's wire format) are skipped while someone else may decide; the
 * requester is told who was skipped and why, and the card says so. Omar is on leave for good in
 * the fixture; Morgan's conference is 8–12 June 2026, so the clock is set inside it or after it.
 */
import { ManualClock } from '../../src/clock';
import { cardText, Harness } from '../helpers/harness';
import { danaAsksForNursing, requestsSeenBy } from '../helpers/licenseSteps';

const approverIds = async (h: Harness, requestId: number) =>
  (await h.desk.store.requests.get(requestId))!.approvers.map((a) => a.approverId);

describe('approvers who are away', () => {
  test("Omar is on leave: Dr. Patel's physician request goes to Leo (License Administrator), and she is told why", async () => {
    const h = await Harness.start({ startWorker: false });
    try {
      await h.as('leo').say('hi');
      await h.as('omar').say('hi');
      const patel = h.as('patel');
      await patel.say('I need a Dragon physician license');
      const mark = h.connector.lastSeq();
      const sent = await patel.click(patel.lastCard(), 'Send for approval');
      expect(sent.httpStatus).toBe(200);
      await h.desk.services.engine.idle();
      const told = [...patel.texts(mark), sent.message ?? ''].join('\n');
      expect(told).toMatch(/Not sent to Dr\. Omar Haddad: away \(automatic replies are on\)/);
      expect(told).toMatch(/waiting for Leo Martins/);
      const [req] = await h.desk.store.requests.listByRequester(patel.id, 1);
      expect(await approverIds(h, req.id)).toEqual([h.as('leo').id]);
      const leoCard = cardText(h.as('leo').lastCard().card);
      expect(leoCard).toMatch(/Approve/);
      expect(leoCard).toMatch(/Not sent to[\s\S]*Omar Haddad/);
      // The License Administrators have it already: no escalation is planned or shown.
      expect(leoCard).not.toMatch(/Escalates/);
      expect(req.payload.approval?.escalateAt).toBeUndefined();
      expect((await h.desk.store.timers.listDue('2027-01-01T00:00:00Z', 10)).map((t) => t.kind)).not.toContain(
        'approval.escalate',
      );
      expect(requestsSeenBy(h, 'omar', mark)).toEqual([]);
    } finally {
      await h.stop();
    }
  }, 60_000);

  test("during Morgan's conference a role request goes to the role administrators; after it, to Morgan", async () => {
    const clock = new ManualClock(new Date('2026-06-09T10:00:00Z'));
    const h = await Harness.start({ startWorker: false, clock });
    try {
      for (const a of ['morgan', 'ravi', 'grace']) await h.as(a).say('hi');
      const dana = h.as('dana');
      await dana.say('make Sam Carter a Dragon administrator');
      expect(
        (await dana.click(dana.lastCard(), 'Send for approval', { justification: 'runs the Dragon go-live' }))
          .httpStatus,
      ).toBe(200);
      const [during] = await h.desk.store.requests.listByRequester(dana.id, 1);
      const ids = await approverIds(h, during.id);
      expect(ids).not.toContain(h.as('morgan').id);
      expect(ids.length).toBeGreaterThan(0);
      expect(during.payload.approval?.bypassed?.map((b) => b.name)).toEqual(['Morgan Price']);

      // The conference is over (and the 30-second cache long gone): the next request goes to Morgan.
      clock.advance(5 * 24 * 3600_000);
      await dana.say('make Lee Wong a Dragon administrator');
      expect(
        (await dana.click(dana.lastCard(), 'Send for approval', { justification: 'runs the Dragon go-live' }))
          .httpStatus,
      ).toBe(200);
      const [after] = await h.desk.store.requests.listByRequester(dana.id, 1);
      expect(after.id).not.toBe(during.id);
      expect(await approverIds(h, after.id)).toEqual([h.as('morgan').id]);
      expect(after.payload.approval?.bypassed ?? []).toEqual([]);
    } finally {
      await h.stop();
    }
  }, 60_000);

  test('nobody away: the request goes to the owner and nothing is said about routing', async () => {
    const h = await Harness.start({ startWorker: false });
    try {
      const mark = h.connector.lastSeq();
      const { requestId, sent } = await danaAsksForNursing(h);
      expect(await approverIds(h, requestId)).toEqual([h.as('nina').id]);
      expect([...h.as('dana').texts(mark), sent.message ?? ''].join('\n')).not.toMatch(/Not sent to/);
    } finally {
      await h.stop();
    }
  }, 60_000);
});
