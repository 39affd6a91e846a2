/**
 * Status answers, asked the way people ask, with numbers checked against the dev
 * tenant; and who may see what.
 */
import { Harness, messageText, type Person } from '../helpers/harness';
import { expectValidTeamsCard } from '../helpers/cards';
import { cardOf } from '../helpers/connector';

/** Everything a person reads after saying something: texts and card text, joined. */
async function ask(p: Person, utterance: string): Promise<string> {
  const posted = await p.say(utterance);
  for (const m of posted) {
    const card = cardOf(m.activity);
    if (card) expectValidTeamsCard(card);
  }
  return posted.map((m) => messageText(m.activity)).join('\n');
}

describe('status answers', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await Harness.start({ startWorker: false });
  });
  afterAll(async () => h.stop());

  test('seats per license kind, with numbers from the tenant', async () => {
    const skus = (
      await (
        await fetch(`${h.desk.devTenant!.url}/v1.0/subscribedSkus`, { headers: { Authorization: 'Bearer dev' } })
      ).json()
    ).value;
    const nursing = skus.find((s: any) => s.skuPartNumber === 'DRAGON_COPILOT_NURSING_TEST');
    const answer = await ask(h.as('dana'), 'how many nursing seats do we have left?');
    expect(answer).toContain(`${nursing.consumedUnits} of ${nursing.prepaidUnits.enabled}`);
    expect(answer).not.toMatch(/physician/i);
    const both = await ask(h.as('dana'), 'how many seats are left');
    expect(both).toMatch(/nursing/i);
    expect(both).toMatch(/physician/i);
  });

  test('how more licenses are bought, per kind', async () => {
    expect(await ask(h.as('dana'), 'how do we buy more nursing licenses?')).toMatch(/Microsoft representative.*MCA/s);
    expect(await ask(h.as('dana'), 'how can we purchase more physician licenses')).toMatch(
      /certified Microsoft partner/,
    );
  });

  test('holders: admins and the group owner see them, with error states; others are told why not', async () => {
    const leo = await ask(h.as('leo'), 'who has Dragon physician licenses?');
    expect(leo).toMatch(/Alan Brooks/);
    expect(leo).toMatch(/direct/);
    expect(leo).toMatch(/CountViolation/);
    const omar = await ask(h.as('omar'), 'who has Dragon physician licenses?');
    expect(omar).toMatch(/Alan Brooks/);
    const dana = await ask(h.as('dana'), 'who has Dragon physician licenses?');
    expect(dana).toMatch(/Only administrators and the owners/);
    expect(dana).not.toMatch(/Alan Brooks/);
  });

  test('check: about yourself always; about others only as admin or owner', async () => {
    expect(await ask(h.as('maria'), 'do I have a Dragon license?')).toMatch(
      /You have a Dragon Copilot nursing license \(through the license group, Active\)/,
    );
    expect(await ask(h.as('dana'), 'do I have a dragon license')).toMatch(/You don't have/);
    expect(await ask(h.as('leo'), 'does Alan Brooks have a Dragon license?')).toMatch(
      /Alan Brooks has a Dragon Copilot physician license \(assigned directly/,
    );
    const refused = await ask(h.as('dana'), 'does Maria Gomez have a Dragon license?');
    expect(refused).toMatch(/You can ask about your own licenses/);
    expect(refused).not.toMatch(/Maria Gomez has/);
  });

  test('a name that fits several people, or nobody: asked again, with who it could be', async () => {
    const several = await ask(h.as('leo'), 'does Dana have a Dragon license?');
    expect(several).toMatch(/“Dana” could mean several people \((?=.*Dana Reyes)(?=.*Dana Kim).*\)\. Ask again/);
    expect(several).not.toMatch(/Dana (Reyes|Kim) (has|doesn't have)/);
    expect(await ask(h.as('leo'), 'does Zara Quinlan have a Dragon license?')).toMatch(
      /I couldn't find “Zara Quinlan”/,
    );
  });

  test('my requests, request N with its history, and what waits for an approver', async () => {
    const nina = h.as('nina');
    await nina.say('hi');
    const sam = h.as('sam');
    await sam.say('I need a Dragon nursing license');
    await sam.click(sam.lastCard(), 'Send for approval', { justification: 'float pool cover' });
    const mine = await ask(sam, 'my requests');
    expect(mine).toMatch(/Sam Carter/);
    expect(mine).toMatch(/waiting for Nina Okafor/);
    const id = (await h.desk.store.requests.listByRequester(sam.id, 1))[0].id;
    const detail = await ask(sam, `status of request ${id}`);
    expect(detail).toMatch(/History of request/);
    expect(detail).toMatch(/sent for approval/);
    const waiting = await ask(nina, 'what is waiting for me?');
    expect(waiting).toMatch(/waiting for your decision/);
    expect(waiting).toMatch(/Sam Carter/);
    expect(await ask(h.as('omar'), `status of request ${id}`)).toMatch(/can't find a request/);
    expect(await ask(h.as('omar'), 'what is waiting for me?')).toMatch(/Nothing is waiting/);
  });

  test('Dragon administrators: who holds the role and how', async () => {
    const grace = await ask(h.as('grace'), 'who are the Dragon admins?');
    expect(grace).toMatch(/Jordan Blake/);
    expect(grace).toMatch(/Dragon Administrators/);
    expect(await ask(h.as('dana'), 'who are the Dragon admins?')).toMatch(/Only administrators/);
  });
});
