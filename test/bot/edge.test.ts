/**
 * The front door: an activity is checked before any of it is used. Another tenant's activity is
 * refused; a malformed one gets HTTP 400 with a short reason (never a 5xx, never an exception's
 * text); in dev mode replies only go to this machine; and junk leaves nothing in the store.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import Database from 'better-sqlite3';
import { SQLITE_FILE_NAME } from '../../src/store';
import { Harness } from '../helpers/harness';
import { checkInbound, fromTenant } from '../../src/bot/inbound';

const OURS = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
const OTHER = '99999999-9999-4999-8999-999999999999';

describe('fromTenant: both tenant fields, where present, name ours', () => {
  const cases: [string, string | undefined, string | undefined, boolean][] = [
    ['both ours', OURS, OURS, true],
    ['both ours, upper case', OURS.toUpperCase(), OURS.toUpperCase(), true],
    ['ours in mixed case', OURS.toUpperCase(), OURS, true],
    ['conversation ours, channelData another', OURS, OTHER, false],
    ['channelData ours, conversation another', OTHER, OURS, false],
    ['only the conversation’s, ours', OURS, undefined, true],
    ['only channelData’s, ours', undefined, OURS, true],
    ['neither', undefined, undefined, false],
    ['both another', OTHER, OTHER, false],
  ];
  test.each(cases)('%s', (_name, conversation, channel, accepted) => {
    const activity = {
      conversation: conversation === undefined ? {} : { tenantId: conversation },
      channelData: channel === undefined ? {} : { tenant: { id: channel } },
    };
    expect(fromTenant(activity, OURS)).toBe(accepted);
  });

  test('a tenant id that is not a string is not ours', () => {
    expect(fromTenant({ conversation: { tenantId: OURS }, channelData: { tenant: { id: 42 } } }, OURS)).toBe(false);
  });
});

const valid = (): Record<string, any> => ({
  type: 'message',
  id: 'a1',
  channelId: 'msteams',
  serviceUrl: 'http://127.0.0.1:1234/',
  from: { id: '29:x', name: 'X', aadObjectId: randomUUID() },
  recipient: { id: '28:bot' },
  conversation: { id: 'c1', conversationType: 'personal', tenantId: OURS },
  channelData: { tenant: { id: OURS } },
  text: 'hi',
});

describe('checkInbound', () => {
  const dev = { loopbackOnly: true };
  const prod = { loopbackOnly: false };
  const bad: [string, (a: Record<string, any>) => unknown, RegExp][] = [
    ['no type', (a) => delete a.type, /^type:/],
    ['a numeric type', (a) => (a.type = 7), /^type:/],
    ['serviceUrl: true', (a) => (a.serviceUrl = true), /^serviceUrl:/],
    ['no serviceUrl', (a) => delete a.serviceUrl, /^serviceUrl:/],
    ['a relative serviceUrl', (a) => (a.serviceUrl = '/v3/conversations'), /^serviceUrl: must be an absolute URL/],
    ['another machine’s serviceUrl in dev', (a) => (a.serviceUrl = 'http://10.1.2.3/'), /this machine/],
    ['a file: serviceUrl', (a) => (a.serviceUrl = 'file:///etc/passwd'), /http\(s\)/],
    ['aadObjectId as an object', (a) => (a.from.aadObjectId = { $ne: null }), /^from\.aadObjectId:/],
    ['aadObjectId not a GUID', (a) => (a.from.aadObjectId = "x' OR 1=1 --"), /GUID/],
    ['no from', (a) => delete a.from, /^from:/],
    ['no conversation', (a) => delete a.conversation, /^conversation:/],
    ['a numeric conversation id', (a) => (a.conversation.id = 5), /^conversation\.id:/],
    ['text as an array', (a) => (a.text = ['hi']), /^text:/],
    ['channelData as a string', (a) => (a.channelData = 'x'), /^channelData:/],
    ['a tenant id as a number', (a) => (a.channelData.tenant.id = 1), /^channelData\.tenant\.id:/],
    ['membersAdded as an object', (a) => (a.membersAdded = { id: 'x' }), /^membersAdded:/],
  ];
  test.each(bad)('%s is refused with a reason', (_name, spoil, reason) => {
    const a = valid();
    spoil(a);
    const checked = checkInbound(a, dev);
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.reason).toMatch(reason);
  });

  test.each([null, [], 'text', 42])('a body that is not an object (%p) is refused', (body) => {
    expect(checkInbound(body, dev)).toEqual({ ok: false, reason: expect.stringMatching(/JSON object/) });
  });

  test.each(['http://127.0.0.1:3978/', 'http://localhost:56150/', 'http://[::1]:80/', 'https://127.10.0.1/'])(
    'in dev, %s is this machine',
    (serviceUrl) => {
      expect(checkInbound({ ...valid(), serviceUrl }, dev)).toEqual({ ok: true });
    },
  );

  test('in production the service URL must be https (Teams’ own is)', () => {
    expect(checkInbound({ ...valid(), serviceUrl: 'https://smba.trafficmanager.net/amer/' }, prod)).toEqual({
      ok: true,
    });
    expect(checkInbound({ ...valid(), serviceUrl: 'http://smba.trafficmanager.net/amer/' }, prod).ok).toBe(false);
  });

  test('fields Teams adds that Dragon Desk does not read are let through', () => {
    const a = { ...valid(), textFormat: 'plain', localTimezone: 'Europe/Paris', entities: [{ type: 'clientInfo' }] };
    expect(checkInbound(a, dev)).toEqual({ ok: true });
  });
});

describe('over HTTP', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await Harness.start({ startWorker: false });
  });
  afterEach(async () => h.stop());

  /** Rows in the store's conversation table, read from the SQLite file beside the running bot. */
  async function conversationRows(): Promise<number> {
    const db = new Database(path.join(h.config.dataDir, SQLITE_FILE_NAME), { readonly: true });
    try {
      return (db.prepare('select count(*) as n from conversation_refs').get() as { n: number }).n;
    } finally {
      db.close();
    }
  }

  test('an activity naming our tenant in one field and another in the other is refused; nothing stored', async () => {
    const dana = h.as('dana');
    for (const [conversation, channel] of [
      [h.config.tenantId, OTHER],
      [OTHER, h.config.tenantId],
    ]) {
      const before = h.connector.lastSeq();
      const res = await h.post(
        dana.activity({
          type: 'message',
          text: 'I need a Dragon nursing license',
          conversation: { id: dana.conversationId, conversationType: 'personal', tenantId: conversation },
          channelData: { tenant: { id: channel } },
        }),
      );
      expect(res.status).toBe(200);
      expect(dana.texts(before).join('\n')).toMatch(/another tenant/);
    }
    expect(await conversationRows()).toBe(0);
    expect(await h.desk.store.requests.listByRequester(dana.id, 5)).toEqual([]);
  });

  test('our tenant id written in upper case is ours', async () => {
    const dana = h.as('dana');
    const upper = h.config.tenantId.toUpperCase();
    const res = await h.post(
      dana.activity({
        type: 'message',
        text: 'help',
        conversation: { id: dana.conversationId, conversationType: 'personal', tenantId: upper },
        channelData: { tenant: { id: upper } },
      }),
    );
    expect(res.status).toBe(200);
    expect(dana.texts().join('\n')).toMatch(/Dragon Desk/);
    expect(dana.texts().join('\n')).not.toMatch(/another tenant/);
  });

  test.each([
    ['no type', (a: Record<string, any>) => delete a.type],
    ['serviceUrl: true', (a: Record<string, any>) => (a.serviceUrl = true)],
    ['aadObjectId as an object', (a: Record<string, any>) => (a.from = { id: '29:x', aadObjectId: { a: 1 } })],
  ])('%s → HTTP 400 with a short reason, no exception text, nothing stored', async (_name, spoil) => {
    const a = h.as('dana').activity({ type: 'message', text: 'hi' });
    spoil(a);
    const res = await h.post(a);
    expect(res.status).toBe(400);
    const body = JSON.stringify(res.body);
    expect(body).toMatch(/BadActivity/);
    expect(body).not.toMatch(/TypeError|Cannot read|undefined is not|\bat \S+ \(/);
    expect(await conversationRows()).toBe(0);
  });

  test('in dev, a reply is never posted to another machine: the activity is refused at once', async () => {
    const a = h.as('dana').activity({ type: 'message', text: 'hi', serviceUrl: 'http://10.255.255.1/' });
    const started = Date.now();
    const res = await h.post(a);
    expect(res.status).toBe(400);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  test('an Entra id the tenant does not know gets an answer and leaves no conversation row', async () => {
    const ghost = randomUUID();
    const dana = h.as('dana');
    const before = h.connector.lastSeq();
    const res = await h.post(
      dana.activity({ type: 'message', text: 'I need Dragon', from: { id: '29:ghost', aadObjectId: ghost } }),
    );
    expect(res.status).toBe(200);
    expect(dana.texts(before).join('\n')).toMatch(/can't find you/);
    expect(await conversationRows()).toBe(0);
    expect(await h.desk.store.conversations.get(ghost)).toBeUndefined();
  });

  test('a real person is still remembered on their first message', async () => {
    const dana = h.as('dana');
    await dana.say('hi');
    expect(await conversationRows()).toBe(1);
  });

  test('2,000 fuzzed activities: never a 5xx, never exception text, no store growth from junk', async () => {
    const base = (): Record<string, any> => h.as('dana').activity({ type: 'message', text: 'hi' });
    const junk: unknown[] = [
      null,
      true,
      0,
      -1,
      1e308,
      '',
      'x'.repeat(3000),
      [],
      {},
      { $ne: 1 },
      [1, 'a'],
      '127.0.0.1',
      'http://127.0.0.1:1/',
      '29:x',
      randomUUID(),
    ];
    const fields = [
      'type',
      'serviceUrl',
      'from',
      'from.id',
      'from.aadObjectId',
      'from.name',
      'conversation',
      'conversation.id',
      'conversation.tenantId',
      'conversation.conversationType',
      'channelData',
      'channelData.tenant',
      'channelData.tenant.id',
      'text',
      'value',
      'name',
      'replyToId',
      'membersAdded',
      'recipient',
    ];
    const types = ['message', 'invoke', 'conversationUpdate', 'messageReaction', 'event', 'installationUpdate'];
    let seed = 12345;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const set = (obj: Record<string, any>, path: string, value: unknown) => {
      const keys = path.split('.');
      let o = obj;
      for (const k of keys.slice(0, -1)) {
        if (typeof o[k] !== 'object' || o[k] === null) o[k] = {};
        o = o[k];
      }
      if (value === undefined) delete o[keys[keys.length - 1]];
      else o[keys[keys.length - 1]] = value;
    };
    const rowsBefore = await conversationRows();
    const statuses = new Map<number, number>();
    for (let i = 0; i < 2000; i++) {
      const a = base();
      a.type = types[rnd(types.length)];
      if (a.type === 'invoke') {
        a.name = rnd(2) ? 'adaptiveCard/action' : 'task/fetch';
        a.value = {
          action: { type: 'Action.Execute', verb: 'request.approve', data: { requestId: rnd(5), version: 1 } },
        };
      }
      const mutations = 1 + rnd(3);
      for (let m = 0; m < mutations; m++) {
        const field = fields[rnd(fields.length)];
        set(a, field, rnd(6) === 0 ? undefined : junk[rnd(junk.length)]);
      }
      // Keep most of them reachable so the turn itself runs (and can fail) rather than stop at the edge.
      if (rnd(3) > 0) a.serviceUrl = h.connector.url;
      const res = await fetch(`${h.url}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(a),
      });
      const body = await res.text();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status >= 500 || /TypeError|Cannot read|\bat \S+ \(/.test(body))
        throw new Error(`activity ${i} answered ${res.status}: ${body}\n${JSON.stringify(a)}`);
    }
    await h.desk.services.engine.idle();
    // Dana is a real person and may be remembered; nobody else is.
    expect(await conversationRows()).toBeLessThanOrEqual(rowsBefore + 1);
    expect(statuses.get(400)).toBeGreaterThan(100);
    expect(statuses.get(200)).toBeGreaterThan(100);
  }, 120_000);
});
