/**
 * Reaching approvers who never talked to Dragon Desk (issue 16 §1), over HTTP: Dragon Desk installs
 * itself for them through Graph (the dev tenant's /users/{id}/teamwork/installedApps), opens the
 * chat Teams made, sends the approval card there through the connector and keeps the chat as
 * theirs. When Teams refuses (an app permission policy, no catalog entry), the approver is
 * recorded as not reached, the request goes on to the fallback approvers and the requester is told
 * who and why.
 */
import { ManualClock } from '../../src/clock';
import { persona } from '../../src/devtenant/fixture';
import { Harness, cardActions, cardOf, cardText, messageText } from '../helpers/harness';
import { NURSING_GROUP, addOwner, latestRequest, settleUntilFinal, tenantSend } from '../helpers/licenseSteps';

/** The bot's id in the manifest (appPackage/manifest.json): the dev tenant's chats are with it. */
const BOT_ID = '9b2e5d3f-4c6e-4f70-8b8c-1d2e3f4a5b6c';
const chatOf = (alias: string) => `19:${persona(alias).id}_${BOT_ID}@unq.gbl.spaces`;
const installPath = (alias: string) => `/v1.0/users/${persona(alias).id}/teamwork/installedApps`;

function installs(h: Harness, alias: string): number {
  return h.desk.devTenant!.calls.count({ method: 'POST', path: installPath(alias) });
}

async function installations(h: Harness): Promise<{ userId: string; chatId: string }[]> {
  const res = await fetch(`${h.desk.devTenant!.url}/_devtenant/teams/installations`);
  return ((await res.json()) as { installations: { userId: string; chatId: string }[] }).installations;
}

/** Messages posted to a chat (by conversation id), with their text. */
function chat(h: Harness, conversationId: string, after = 0) {
  return h.connector.messages(conversationId, after).map((m) => ({ ...m, text: messageText(m.activity) }));
}

async function danaSends(h: Harness): Promise<{ requestId: number; said: string }> {
  const dana = h.as('dana');
  await dana.say('I need a Dragon nursing license');
  const mark = h.connector.lastSeq();
  const sent = await dana.click(dana.lastCard(), 'Send for approval');
  expect(sent.httpStatus).toBe(200);
  await h.settle();
  const said = [...dana.texts(mark), sent.message ?? ''].join('\n');
  return { requestId: (await latestRequest(h, 'dana')).id, said };
}

describe('an approver who never talked to Dragon Desk is reached in Teams', () => {
  test('Nina gets the card in the chat installing Dragon Desk opened; the chat is kept, so a second request installs nothing', async () => {
    const h = await Harness.start({ startWorker: false });
    try {
      const nina = persona('nina');
      expect(await h.desk.store.conversations.get(nina.id)).toBeUndefined();
      const { requestId, said } = await danaSends(h);
      expect(said).not.toMatch(/couldn't reach|hasn't used Dragon Desk/);

      // Installed for her in the dev tenant, and the card went to the chat that opened.
      expect(installs(h, 'nina')).toBe(1);
      expect(await installations(h)).toEqual(
        expect.arrayContaining([expect.objectContaining({ userId: nina.id, chatId: chatOf('nina') })]),
      );
      const posted = chat(h, chatOf('nina'));
      expect(posted).toHaveLength(1);
      const card = cardOf(posted[0].activity)!;
      expect(cardText(card)).toMatch(/Dana Reyes/);
      expect(cardActions(card).map((a) => a.title)).toEqual(expect.arrayContaining(['Approve', 'Reject']));

      // The reference is stored: that chat, through the connector's service URL.
      const stored = await h.desk.store.conversations.get(nina.id);
      expect(stored?.conversationRef).toMatchObject({
        serviceUrl: h.connector.url,
        conversation: { id: chatOf('nina') },
      });
      const req = await h.desk.store.requests.get(requestId);
      expect(req?.payload.approval?.unreached).toBeUndefined();

      // A second request goes straight to that chat: no second install, no catalog read.
      const catalogReads = h.desk.devTenant!.calls.count({ method: 'GET', path: '/v1.0/appCatalogs/teamsApps' });
      const dana = h.as('dana');
      await dana.say('I need a Dragon nursing license for Ivy Chen');
      await dana.click(dana.lastCard(), 'Send for approval');
      await h.settle();
      expect(installs(h, 'nina')).toBe(1);
      expect(h.desk.devTenant!.calls.count({ method: 'GET', path: '/v1.0/appCatalogs/teamsApps' })).toBe(catalogReads);
      expect(chat(h, chatOf('nina'))).toHaveLength(2);
    } finally {
      await h.stop();
    }
  });

  test('Teams announcing the chat the install opened (conversationUpdate) greets her without a second copy of the card', async () => {
    const h = await Harness.start({ startWorker: false });
    try {
      const { requestId } = await danaSends(h);
      expect(chat(h, chatOf('nina'))).toHaveLength(1);
      const nina = h.as('nina');
      const mark = h.connector.lastSeq();
      const res = await h.post(
        nina.activity({
          type: 'conversationUpdate',
          membersAdded: [{ id: '28:dragon-desk' }, { id: '29:nina', aadObjectId: persona('nina').id }],
          conversation: { id: chatOf('nina'), conversationType: 'personal', tenantId: h.config.tenantId },
        }),
      );
      expect(res.status).toBeLessThan(300);
      const greeted = chat(h, chatOf('nina'), mark);
      expect(greeted.map((m) => m.text).join('\n')).toMatch(/Hi Nina/);
      expect(greeted.filter((m) => cardActions(cardOf(m.activity)).some((a) => a.title === 'Approve'))).toEqual([]);
      expect((await h.desk.store.requests.get(requestId))?.state).toBe('pending');
    } finally {
      await h.stop();
    }
  });

  test('her card works from the new chat: Approve there completes the request', async () => {
    const h = await Harness.start({ startWorker: false });
    try {
      const { requestId } = await danaSends(h);
      const [posted] = chat(h, chatOf('nina'));
      const approve = cardActions(cardOf(posted.activity)).find((a) => a.title === 'Approve')!;
      // Nina clicks in the chat Teams opened for her (Teams sends the click from that conversation).
      const res = await h.post({
        ...h.as('nina').activity({
          type: 'invoke',
          name: 'adaptiveCard/action',
          replyToId: posted.activityId,
          value: { action: { type: 'Action.Execute', verb: approve.verb, data: approve.data }, trigger: 'manual' },
        }),
        conversation: { id: chatOf('nina'), conversationType: 'personal', tenantId: h.config.tenantId },
      });
      expect(res.status).toBe(200);
      expect((await settleUntilFinal(h, requestId)).state).toBe('completed');
    } finally {
      await h.stop();
    }
  });

  test('installed already (a crash after the install, before the send): Graph answers 409 and the card still goes to her chat', async () => {
    const h = await Harness.start({ startWorker: false });
    try {
      const [app] = (
        await (
          await fetch(
            `${h.desk.devTenant!.url}/v1.0/appCatalogs/teamsApps?$filter=externalId eq '${h.config.teamsAppId}'`,
            { headers: { Authorization: 'Bearer dev' } },
          )
        ).json()
      ).value;
      const bind = { 'teamsApp@odata.bind': `https://graph.microsoft.com/v1.0/appCatalogs/teamsApps/${app.id}` };
      expect(await tenantSend(h, 'POST', `/users/${persona('nina').id}/teamwork/installedApps`, bind)).toBe(201);

      await danaSends(h);
      expect(chat(h, chatOf('nina'))).toHaveLength(1);
      expect(installs(h, 'nina')).toBe(2); // the test's 201, then Dragon Desk's 409
      expect(await installations(h)).toHaveLength(1);
    } finally {
      await h.stop();
    }
  });

  test('a Graph outage while installing is retried by the outbox, and the card then arrives', async () => {
    const clock = new ManualClock(new Date());
    const h = await Harness.start({ startWorker: false, clock });
    try {
      h.desk.devTenant!.faults.failNext({ method: 'POST', path: installPath('nina'), count: 1, status: 500 });
      const { requestId, said } = await danaSends(h);
      expect(said).not.toMatch(/couldn't reach/);
      expect(chat(h, chatOf('nina'))).toHaveLength(0);
      expect((await h.desk.store.requests.get(requestId))?.payload.approval?.unreached).toBeUndefined();

      clock.advance(60_000);
      await h.settle();
      expect(chat(h, chatOf('nina'))).toHaveLength(1);
      expect(installs(h, 'nina')).toBe(2);
    } finally {
      await h.stop();
    }
  });
});

describe('an approver Teams will not let Dragon Desk reach', () => {
  test('Teams blocks apps for the only approver: the License Administrators get it, and Dana is told who and why', async () => {
    const h = await Harness.start({ startWorker: false });
    try {
      // Tomas (an app permission policy keeps organisation apps from him) is the group's only owner.
      await addOwner(h, NURSING_GROUP, 'tomas');
      expect(await tenantSend(h, 'DELETE', `/groups/${NURSING_GROUP}/owners/${persona('nina').id}/$ref`)).toBe(204);

      const { requestId, said } = await danaSends(h);
      expect(said).toMatch(
        /I couldn't reach Tomas Berg in Teams about your request #\d+ .*Teams blocks apps for Tomas Berg.*sent it to Leo Martins instead/s,
      );
      expect(said).not.toMatch(/hasn't used Dragon Desk/);

      const req = (await h.desk.store.requests.get(requestId))!;
      expect(req.state).toBe('pending');
      expect(req.payload.approval?.unreached).toEqual([
        expect.objectContaining({
          id: persona('tomas').id,
          name: 'Tomas Berg',
          why: expect.stringMatching(/Teams blocks apps for Tomas Berg/),
        }),
      ]);
      expect(req.approvers.map((a) => a.displayName)).toEqual(['Leo Martins']);
      expect((await installations(h)).map((i) => i.userId)).not.toContain(persona('tomas').id);

      // Leo, a License Administrator who never said hi either, is reached the same way.
      const leo = chat(h, chatOf('leo'));
      expect(leo).toHaveLength(1);
      expect(cardActions(cardOf(leo[0].activity)).map((a) => a.title)).toContain('Approve');

      // Dana's card says who was not reached and who it waits for.
      const danaCard = cardText(h.as('dana').lastCard().card);
      expect(danaCard).toMatch(/Not reached[\s\S]*Tomas Berg/);
      expect(danaCard).toMatch(/Waiting for[\s\S]*Leo Martins/);

      const audit = await h.desk.store.audit.listForRequest(requestId);
      expect(audit.map((a) => a.action)).toContain('request.unreached');
    } finally {
      await h.stop();
    }
  });

  test('both owners blocked at once: each is recorded once, the License Administrators get it once, Dana hears about each', async () => {
    const h = await Harness.start({ startWorker: false });
    try {
      await addOwner(h, NURSING_GROUP, 'tomas');
      h.desk.devTenant!.state.users.getUser(persona('nina').id)!.teamsAppsBlocked = true;
      const { requestId, said } = await danaSends(h);
      const req = (await h.desk.store.requests.get(requestId))!;
      expect(req.payload.approval?.unreached?.map((u) => u.name).sort()).toEqual(['Nina Okafor', 'Tomas Berg']);
      expect(req.approvers.map((a) => a.displayName)).toEqual(['Leo Martins']);
      expect(said).toMatch(/I couldn't reach Nina Okafor in Teams.*Teams blocks apps for Nina Okafor/s);
      expect(said).toMatch(/I couldn't reach Tomas Berg in Teams.*Teams blocks apps for Tomas Berg/s);
      expect(said.match(/sent it to Leo Martins instead/g)).toHaveLength(1);
      expect(chat(h, chatOf('leo'))).toHaveLength(1);
    } finally {
      await h.stop();
    }
  });

  test('Nina blocked Dragon Desk in her chat (Teams answers 403): not reinstalled, recorded, routed on', async () => {
    const h = await Harness.start({ startWorker: false });
    try {
      const nina = h.as('nina');
      await nina.say('hi');
      h.connector.refused.add(nina.conversationId);
      const { requestId, said } = await danaSends(h);
      expect(said).toMatch(
        /I couldn't reach Nina Okafor in Teams.*Teams refuses Dragon Desk's messages to Nina Okafor/s,
      );
      expect(said).toMatch(/sent it to Leo Martins instead/);
      expect(installs(h, 'nina')).toBe(0);
      const req = (await h.desk.store.requests.get(requestId))!;
      expect(req.payload.approval?.unreached?.map((u) => u.name)).toEqual(['Nina Okafor']);
      expect(chat(h, chatOf('leo'))).toHaveLength(1);
    } finally {
      await h.stop();
    }
  });

  test('Dragon Desk is not in the app catalog: nobody new can be reached, and Dana hears exactly that', async () => {
    const h = await Harness.start({
      startWorker: false,
      env: { TEAMS_APP_ID: '0f0f0f0f-1111-4222-8333-444455556666' },
    });
    try {
      const { requestId, said } = await danaSends(h);
      expect(said).toMatch(
        /I couldn't reach Nina Okafor in Teams.*Dragon Desk is not in your organisation's app catalog/s,
      );
      const req = (await h.desk.store.requests.get(requestId))!;
      expect(req.payload.approval?.unreached?.map((u) => u.name)).toContain('Nina Okafor');
      // The fallback (Leo) cannot be reached either: nobody is left, and Dana is told so.
      expect(said).toMatch(/sent it to Leo Martins instead/);
      expect(said).toMatch(/I couldn't reach Leo Martins in Teams.*Nobody who may approve it can be reached/s);
      expect(req.payload.approval?.unreached?.map((u) => u.name)).toEqual(['Nina Okafor', 'Leo Martins']);
      expect(await installations(h)).toEqual([]);
    } finally {
      await h.stop();
    }
  });

  test('an approver who has talked to Dragon Desk is reached as before, with no Graph call', async () => {
    const h = await Harness.start({ startWorker: false });
    try {
      await h.as('nina').say('hi');
      await danaSends(h);
      expect(installs(h, 'nina')).toBe(0);
      expect(h.as('nina').lastCard().card).toBeDefined();
    } finally {
      await h.stop();
    }
  });
});
