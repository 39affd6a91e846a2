/**
 * What a turn costs in reads and writes, where bench/ found waste: a repeated "help" reads nothing
 * from the tenant, a license request reads the requester's roles once, and the reference kept for
 * proactive messages is the same turn after turn (so it is not rewritten).
 */
import { TestModel } from '@microsoft/teams-ai';
import { Harness } from '../helpers/harness';

describe('turn costs', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await Harness.start({ startWorker: false });
  });
  afterEach(async () => h.stop());

  const tenantCalls = () => h.desk.devTenant!.calls.list().filter((c) => !c.inBatch);

  test('a second "help" within half a minute is answered without reading the tenant', async () => {
    const dana = h.as('dana');
    await dana.say('help');
    const before = tenantCalls().length;
    const replies = await dana.say('help');
    expect(replies).toHaveLength(1);
    expect(tenantCalls().slice(before)).toEqual([]);
  });

  test("a license request reads the requester's record and roles once, together, and a Dragon administrator still hears the note first", async () => {
    const dana = h.as('dana');
    const before = h.desk.devTenant!.calls.list().length;
    await dana.say('I need a Dragon nursing license');
    const calls = h.desk.devTenant!.calls.list().slice(before);
    const roleReads = calls.filter((c) => /transitiveMemberOf/.test(c.path));
    const recordReads = calls.filter((c) => c.path === `/v1.0/users/${dana.id}`);
    expect(roleReads).toHaveLength(1);
    expect(recordReads).toHaveLength(1);
    // Both in one $batch: a first question costs one request to the tenant for who is asking.
    expect([...roleReads, ...recordReads].every((c) => c.inBatch)).toBe(true);
    expect(calls.filter((c) => c.path === '/v1.0/$batch')).toHaveLength(1);

    const jordan = h.as('jordan');
    const replies = await jordan.say('I need a Dragon nursing license');
    const texts = replies.map((r) => r.activity.text ?? '');
    const note = texts.findIndex((t) => /does not allow assigning licenses/.test(t));
    const card = replies.findIndex((r) => r.activity.attachments?.length);
    expect(note).toBeGreaterThanOrEqual(0);
    expect(card).toBeGreaterThan(note);
  });

  test('sending for approval right after the draft reuses its reads; the approval click reads the owners fresh', async () => {
    const nina = h.as('nina');
    await nina.say('hi');
    const calls = () => h.desk.devTenant!.calls.list();
    // Dana's request is routed with a fresh read of the group's owners…
    const dana = h.as('dana');
    await dana.say('I need a Dragon nursing license');
    expect((await dana.click(dana.lastCard(), 'Send for approval')).httpStatus).toBe(200);
    // …so Sam's, seconds later, is sent without reading the tenant at all.
    const sam = h.as('sam');
    await sam.say('I need a Dragon nursing license');
    const beforeSend = calls().length;
    expect((await sam.click(sam.lastCard(), 'Send for approval')).httpStatus).toBe(200);
    expect(
      calls()
        .slice(beforeSend)
        .map((c) => `${c.method} ${c.path}`),
    ).toEqual([]);

    const beforeApprove = calls().length;
    const approved = await nina.click(nina.lastCard(), 'Approve');
    expect(approved.httpStatus).toBe(200);
    expect(
      calls()
        .slice(beforeApprove)
        .filter((c) => /\/groups\/[^/]+\/owners$/.test(c.path)),
    ).toHaveLength(1);
  });

  test('the reference kept for proactive messages is the chat, not the last message in it', async () => {
    const dana = h.as('dana');
    await dana.say('help');
    const first = await h.desk.store.conversations.get(dana.id);
    await dana.say('how many nursing seats are left?');
    const second = await h.desk.store.conversations.get(dana.id);
    expect(first?.conversationRef).not.toHaveProperty('activityId');
    expect(first?.conversationRef).toMatchObject({ conversation: { id: dana.conversationId } });
    expect(second).toEqual(first);
  });

  describe('store statements', () => {
    let seen: string[] = [];
    let hq: Harness;
    const start = async (opts: Parameters<typeof Harness.start>[0] = {}) => {
      hq = await Harness.start({ startWorker: false, ...opts, onQuery: (q) => seen.push(q.sql) });
      seen = []; // the migrations
    };
    afterEach(async () => {
      await hq?.stop();
      seen = [];
    });

    test('without a language model, no turn reads or writes teams-ai conversation state', async () => {
      await start();
      const nina = hq.as('nina');
      await nina.say('hi');
      const dana = hq.as('dana');
      await dana.say('I need a Dragon nursing license');
      expect((await dana.click(dana.lastCard(), 'Send for approval')).httpStatus).toBe(200);
      await hq.desk.services.engine.idle();
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.filter((s) => /bot_state/.test(s))).toEqual([]);
    });

    test('the draft stores its audit rows with one statement, and lists use a written LIMIT', async () => {
      await start();
      const dana = hq.as('dana');
      await dana.say('I need a Dragon nursing license');
      expect(seen.filter((s) => /^insert into "audit"/.test(s))).toHaveLength(1);
      const [draft] = await hq.desk.store.requests.listByRequester(dana.id, 5);
      const audit = await hq.desk.store.audit.listForRequest(draft.id);
      // Both rows, in the order they happened.
      expect(audit.map((a) => a.action)).toEqual(['request.draft', 'request.checked']);
      expect(seen.filter((s) => / limit \?/.test(s))).toEqual([]);
    });

    test('with a language model, its conversation state is kept between turns', async () => {
      const model = TestModel.createTestModel(async () => ({
        status: 'success',
        message: {
          role: 'assistant',
          content: JSON.stringify({ type: 'plan', commands: [{ type: 'DO', action: 'help', parameters: {} }] }),
        },
      }));
      await start({ fallbackModel: model });
      await hq.as('dana').say('could you explain what you do, in your own words');
      expect(seen.some((s) => /from "bot_state"/.test(s))).toBe(true);
    });
  });
});
