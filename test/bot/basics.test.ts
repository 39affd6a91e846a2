/**
 * Bot basics over HTTP: greeting by the name the tenant knows (on install or the first
 * message, once), help, what it does with input it does not understand, who it refuses, and that
 * a handler error never escapes — a message gets a reference the log carries with the stack, an
 * invoke gets an `application/vnd.microsoft.error` body, never HTTP 501.
 */
import { Harness, messageText, cardText } from '../helpers/harness';
import { expectValidTeamsCard } from '../helpers/cards';
import { memoryLogger } from '../../src/log';

const ERROR_TYPE = 'application/vnd.microsoft.error';
const OTHER_TENANT = '99999999-9999-4999-8999-999999999999';

type Logged = ReturnType<typeof memoryLogger>;
let h: Harness;
let log: Logged;
beforeEach(async () => {
  log = memoryLogger();
  h = await Harness.start({ startWorker: false, logger: log });
});
afterEach(async () => h.stop());

/** Everything a person reads in these activities: texts and card texts. */
function read(activities: { activity: Record<string, any> }[]): string {
  return activities.map((m) => messageText(m.activity)).join('\n');
}

/** The "reference X" a person was given, and the error log line with the same reference. */
function referenceIn(text: string): string {
  const m = /reference ([0-9a-z-]+)/i.exec(text);
  if (!m) throw new Error(`no reference in: ${text}`);
  return m[1];
}
function loggedUnder(reference: string): Record<string, any> | undefined {
  return log.lines.find((l) => l.level === 'error' && l.reference === reference) as Record<string, any> | undefined;
}

describe('greeting by the name the tenant knows', () => {
  test('installing the app greets by the tenant’s name, not the name Teams sent', async () => {
    const dana = h.as('dana');
    const before = h.connector.lastSeq();
    const res = await h.post(
      dana.activity({
        type: 'conversationUpdate',
        from: { id: '29:dana', name: 'dana r (teams)', aadObjectId: dana.id },
        membersAdded: [{ id: '28:dragon-desk' }, { id: '29:dana', aadObjectId: dana.id }],
      }),
    );
    expect(res.status).toBe(200);
    const seen = dana.messages(before);
    expect(seen.length).toBeGreaterThan(0);
    const words = read(seen);
    expect(words).toMatch(/Hi Dana\b/);
    expect(words).not.toContain('dana r (teams)');
    // The tenant was asked who this is.
    expect(h.desk.devTenant!.calls.count({ method: 'GET', path: `/v1.0/users/${dana.id}` })).toBeGreaterThan(0);
  });

  test('two people are each greeted by their own names', async () => {
    const patel = read(await h.as('patel').install());
    const nina = read(await h.as('nina').install());
    expect(patel).toMatch(/Hi Priya\b/);
    expect(patel).not.toMatch(/Nina/);
    expect(nina).toMatch(/Hi Nina\b/);
    expect(nina).not.toMatch(/Priya/);
  });

  test('the first message greets (once); later messages do not', async () => {
    const sam = h.as('sam');
    const first = await h.post(
      sam.activity({
        type: 'message',
        text: 'how many nursing seats are left?',
        from: { id: '29:sam', name: 'S. Carter (Teams)', aadObjectId: sam.id },
      }),
    );
    expect(first.status).toBe(200);
    const firstWords = sam.texts();
    expect(firstWords.join('\n')).toMatch(/Hi Sam\b/);
    expect(firstWords.filter((t) => /\bHi Sam\b/.test(t))).toHaveLength(1);
    expect(firstWords.join('\n')).not.toContain('S. Carter');
    // And the question itself was answered in the same turn.
    expect(firstWords.join('\n')).toMatch(/nursing/i);

    const mark = h.connector.lastSeq();
    await sam.say('my requests');
    await sam.say('how many seats are left?');
    expect(sam.texts(mark).join('\n')).not.toMatch(/\bHi Sam\b/);
  });

  test('after an install greeting, the first message is not greeted again', async () => {
    const lee = h.as('lee');
    await lee.install();
    const mark = h.connector.lastSeq();
    await lee.say('my requests');
    expect(lee.texts(mark).join('\n')).not.toMatch(/\bHi Lee\b/);
  });

  test('when the tenant cannot say who someone is, the greeting falls back to the Teams name', async () => {
    const dana = h.as('dana');
    h.desk.devTenant!.faults.failNext({
      method: 'GET',
      path: `/v1.0/users/${dana.id}`,
      count: 10,
      status: 403,
      code: 'Authorization_RequestDenied',
    });
    const before = h.connector.lastSeq();
    await h.post(
      dana.activity({
        type: 'conversationUpdate',
        from: { id: '29:dana', name: 'Dee Teams', aadObjectId: dana.id },
        membersAdded: [{ id: '28:dragon-desk' }],
      }),
    );
    expect(read(dana.messages(before))).toMatch(/Hi Dee\b/);
    h.desk.devTenant!.faults.clear();
  });
});

describe('help and what it does not understand', () => {
  test('“help” answers with a valid card of what Dragon Desk can do', async () => {
    const dana = h.as('dana');
    await dana.install();
    const mark = h.connector.lastSeq();
    await dana.say('help');
    const { card } = dana.lastCard();
    expectValidTeamsCard(card);
    const words = cardText(card);
    expect(words).toMatch(/licen[cs]e/i);
    expect(words).toMatch(/Dragon Administrator|Dragon admin/i);
    expect(words).toMatch(/partner/i);
    expect(dana.messages(mark)).toHaveLength(1);
  });

  test.each(['help', 'hi'])('a first message “%s” greets once, with the help card', async (first) => {
    const uma = h.as('uma');
    await uma.say(first);
    const words = uma.texts().join('\n');
    expect(words.match(/\bHi Uma\b/g)).toHaveLength(1);
    expectValidTeamsCard(uma.lastCard().card);
  });

  test.each(['asdf qwerty zxcv', 'what is the weather in Lisbon', 'banana purple sideways'])(
    '“%s” gets a short reply saying what it can do',
    async (gibberish) => {
      const dana = h.as('dana');
      await dana.install();
      const mark = h.connector.lastSeq();
      await dana.say(gibberish);
      const replies = dana.texts(mark);
      expect(replies).toHaveLength(1);
      expect(replies[0].length).toBeLessThan(400);
      expect(replies[0]).toMatch(/didn.t understand|not sure/i);
      expect(replies[0]).toMatch(/licen[cs]e/i);
      expect(replies[0]).toMatch(/help/);
    },
  );

  test('input over 2,000 characters gets the clear “too long” answer and nothing else', async () => {
    const dana = h.as('dana');
    await dana.install();
    const mark = h.connector.lastSeq();
    const calls = h.desk.devTenant!.calls.count();
    await dana.say(`I need a Dragon nursing license ${'please '.repeat(300)}`);
    const replies = dana.texts(mark);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatch(/too long/i);
    expect(replies[0]).toMatch(/2,000/);
    expect(await h.desk.store.requests.listByRequester(dana.id, 50)).toHaveLength(0);
    expect(h.desk.devTenant!.calls.count()).toBe(calls);
  });
});

describe('who Dragon Desk refuses', () => {
  test('a message from another tenant is refused and nothing is done', async () => {
    const dana = h.as('dana');
    const calls = h.desk.devTenant!.calls.count();
    const res = await h.post(
      dana.activity({
        type: 'message',
        text: 'I need a Dragon nursing license',
        conversation: { id: dana.conversationId, conversationType: 'personal', tenantId: OTHER_TENANT },
        channelData: { tenant: { id: OTHER_TENANT } },
      }),
    );
    expect(res.status).toBe(200);
    const replies = dana.texts();
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatch(/another tenant|only its own organi[sz]ation/i);
    expect(h.desk.devTenant!.calls.count()).toBe(calls);
    expect(await h.desk.store.conversations.get(dana.id)).toBeUndefined();
    expect(await h.desk.store.requests.listByRequester(dana.id, 50)).toHaveLength(0);
  });

  test('a card click from another tenant gets an error body, not a card', async () => {
    const dana = h.as('dana');
    const res = await h.post(
      dana.activity({
        type: 'invoke',
        name: 'adaptiveCard/action',
        value: { action: { type: 'Action.Execute', verb: 'request.refresh', data: { requestId: 1, version: 1 } } },
        conversation: { id: dana.conversationId, conversationType: 'personal', tenantId: OTHER_TENANT },
        channelData: { tenant: { id: OTHER_TENANT } },
      }),
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ statusCode: 403, type: ERROR_TYPE });
  });

  test('a message without an Entra object id gets a clear reply and nothing is done', async () => {
    const dana = h.as('dana');
    const calls = h.desk.devTenant!.calls.count();
    await h.post(
      dana.activity({
        type: 'message',
        text: 'I need a Dragon nursing license',
        from: { id: '29:dana', name: 'Dana Reyes' },
      }),
    );
    const replies = dana.texts();
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatch(/can.t tell who you are/i);
    expect(h.desk.devTenant!.calls.count()).toBe(calls);
    expect(await h.desk.store.requests.listByRequester(dana.id, 50)).toHaveLength(0);
  });
});

describe('invokes never end in HTTP 501', () => {
  test.each([
    ['task/fetch', { data: { verb: 'x' } }],
    ['composeExtension/query', { commandId: 'search', parameters: [] }],
    ['actionableMessage/executeAction', {}],
  ])('an unknown invoke (%s) gets HTTP 200 with an error body', async (name, value) => {
    const dana = h.as('dana');
    const res = await h.post(dana.activity({ type: 'invoke', name, value }));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ type: ERROR_TYPE, statusCode: 400 });
    expect(res.body.value.message).toContain(name);
  });

  test('a card action with an unknown verb gets a clear message', async () => {
    const res = await h.as('dana').invoke('request.explode', { requestId: 1, version: 1 });
    expect(res.httpStatus).toBe(200);
    expect(res.message).toMatch(/not one Dragon Desk knows/);
  });

  test('a card action without a request id gets a clear message', async () => {
    const res = await h.as('dana').invoke('request.approve', { version: 1 });
    expect(res.httpStatus).toBe(200);
    expect(res.message).toMatch(/missing its request reference/);
  });

  test('a card action for a request that does not exist gets an answer, not an error', async () => {
    const res = await h.as('dana').invoke('request.refresh', { requestId: 987654, version: 1 });
    expect(res.httpStatus).toBe(200);
    expect(res.body?.type).not.toBe(ERROR_TYPE);
    expect(res.message ?? cardText(res.card)).toMatch(/\S/);
  });
});

describe('a handler error never escapes', () => {
  test('a message gets “something went wrong (reference X)” and the log has the stack under X', async () => {
    const dana = h.as('dana');
    await dana.install();
    h.desk.devTenant!.faults.failNext({ method: 'GET', path: '/v1.0/subscribedSkus', count: 20, status: 500 });
    const mark = h.connector.lastSeq();
    const res = await h.post(dana.activity({ type: 'message', text: 'how many nursing seats are left?' }));
    expect(res.status).toBe(200);
    const replies = dana.texts(mark);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatch(/something went wrong/i);
    const reference = referenceIn(replies[0]);
    const line = loggedUnder(reference);
    expect(line).toBeDefined();
    expect(line!.err.stack).toMatch(/\n\s+at /);
    h.desk.devTenant!.faults.clear();

    // The bot is still fine afterwards.
    const after = h.connector.lastSeq();
    await dana.say('how many nursing seats are left?');
    expect(dana.texts(after).join('\n')).not.toMatch(/something went wrong/i);
  });

  test('each failure gets its own reference', async () => {
    const dana = h.as('dana');
    await dana.install();
    h.desk.devTenant!.faults.failNext({ method: 'GET', path: '/v1.0/subscribedSkus', count: 40, status: 500 });
    const mark = h.connector.lastSeq();
    await dana.say('how many nursing seats are left?');
    await dana.say('how many physician seats are left?');
    const refs = dana.texts(mark).map(referenceIn);
    expect(refs).toHaveLength(2);
    expect(refs[0]).not.toBe(refs[1]);
    h.desk.devTenant!.faults.clear();
  });

  test('a card click that fails gets an application/vnd.microsoft.error body with statusCode 500', async () => {
    const dana = h.as('dana');
    await dana.install();
    h.desk.desk.click = async () => {
      throw new Error('the engine fell over');
    };
    const res = await dana.invoke('request.refresh', { requestId: 1, version: 1 });
    expect(res.httpStatus).toBe(200);
    expect(res.body).toMatchObject({ statusCode: 500, type: ERROR_TYPE });
    const reference = referenceIn(res.body.value.message);
    const line = loggedUnder(reference);
    expect(line?.err.message).toBe('the engine fell over');
    expect(line?.err.stack).toMatch(/\n\s+at /);
  });

  test('a failure before any handler (storage down) still answers an invoke with a 500 error body, not 501', async () => {
    const dana = h.as('dana');
    h.desk.store.conversations.upsert = async () => {
      throw new Error('database is locked');
    };
    const res = await dana.invoke('request.refresh', { requestId: 1, version: 1 });
    expect(res.httpStatus).toBe(200);
    expect(res.body).toMatchObject({ statusCode: 500, type: ERROR_TYPE });
    expect(loggedUnder(referenceIn(res.body.value.message))?.err.message).toBe('database is locked');
  });

  test('a failure before any handler (storage down) still answers a message with a reference', async () => {
    const dana = h.as('dana');
    h.desk.store.conversations.upsert = async () => {
      throw new Error('database is locked');
    };
    const res = await h.post(dana.activity({ type: 'message', text: 'my requests' }));
    expect(res.status).toBe(200);
    const replies = dana.texts();
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatch(/something went wrong/i);
    expect(loggedUnder(referenceIn(replies[0]))?.err.stack).toMatch(/database is locked/);
  });

  test('an Action.Submit fallback click that fails gets a reference in chat', async () => {
    const dana = h.as('dana');
    await dana.install();
    h.desk.desk.click = async () => {
      throw new Error('submit path fell over');
    };
    const mark = h.connector.lastSeq();
    const res = await h.post(
      dana.activity({ type: 'message', value: { verb: 'request.refresh', requestId: 1, version: 1 } }),
    );
    expect(res.status).toBe(200);
    const replies = dana.texts(mark);
    expect(replies).toHaveLength(1);
    expect(loggedUnder(referenceIn(replies[0]))?.err.message).toBe('submit path fell over');
  });
});

describe('the Action.Submit fallback', () => {
  test('a message carrying {verb, requestId, version} and no text is handled as the click', async () => {
    const dana = h.as('dana');
    await dana.install();
    await dana.say('I need a Dragon nursing license');
    const mine = await h.desk.store.requests.listByRequester(dana.id, 50);
    expect(mine).toHaveLength(1);
    const req = mine[0];
    const mark = h.connector.lastSeq();
    const res = await h.post(
      dana.activity({ type: 'message', value: { verb: 'request.refresh', requestId: req.id, version: req.version } }),
    );
    expect(res.status).toBe(200);
    const seen = dana.messages(mark);
    expect(seen.length).toBeGreaterThan(0);
    const words = read(seen);
    expect(words).not.toMatch(/didn.t understand|something went wrong/i);
    expect(words).toMatch(new RegExp(`#${req.id}\\b|Dana Reyes`));
  });

  test('a submit for an unknown verb is answered clearly, not as gibberish', async () => {
    const dana = h.as('dana');
    await dana.install();
    const mark = h.connector.lastSeq();
    await h.post(dana.activity({ type: 'message', value: { verb: 'request.explode', requestId: 1, version: 1 } }));
    const replies = dana.texts(mark);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatch(/not one Dragon Desk knows|didn.t understand/);
  });
});
