/**
 * What a turn costs in reads and writes, where bench/ found waste: a repeated "help" reads nothing
 * from the tenant, a license request reads the requester's roles once, and the reference kept for
 * proactive messages is the same turn after turn (so it is not rewritten).
 */
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

  test("a license request reads the requester's roles once, and a Dragon administrator still hears the note first", async () => {
    const before = tenantCalls().length;
    await h.as('dana').say('I need a Dragon nursing license');
    const roleReads = tenantCalls().slice(before).filter((c) => /transitiveMemberOf/.test(c.path));
    expect(roleReads).toHaveLength(1);

    const jordan = h.as('jordan');
    const replies = await jordan.say('I need a Dragon nursing license');
    const texts = replies.map((r) => r.activity.text ?? '');
    const note = texts.findIndex((t) => /does not allow assigning licenses/.test(t));
    const card = replies.findIndex((r) => r.activity.attachments?.length);
    expect(note).toBeGreaterThanOrEqual(0);
    expect(card).toBeGreaterThan(note);
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
});
