/**
 * Away approvers: whether someone's automatic replies are on at a moment, from Graph's
 * automaticRepliesSetting (table tests of the time arithmetic), and through GraphTenantClient
 * against the dev tenant, one person at a time or everyone in one $batch, with Exchange's answers
 * for someone without a mailbox and for an app without the permission.
 */
import { persona } from '../../src/devtenant/fixture';
import { startDevTenant, type DevTenant } from '../../src/devtenant/server';
import { GraphTenantClient } from '../../src/tenant/graphClient';
import { automaticRepliesFrom, instantOf } from '../../src/tenant/mailbox';
import { devTokenSource } from '../../src/tenant/tokens';
import { TenantError, type AutomaticReplies } from '../../src/tenant/types';
import { call } from '../devtenant/http';

const at = (iso: string) => new Date(iso).getTime();
const utc = (dateTime: string) => ({ dateTime, timeZone: 'UTC' });

describe('automatic replies at a moment', () => {
  const window = {
    status: 'scheduled' as const,
    scheduledStartDateTime: utc('2026-12-07T00:00:00.0000000'),
    scheduledEndDateTime: utc('2026-12-12T00:00:00.0000000'),
  };

  test.each<[string, string, boolean]>([
    ['before the window', '2026-12-06T23:59:59Z', false],
    ['at its start', '2026-12-07T00:00:00Z', true],
    ['inside', '2026-12-09T12:00:00Z', true],
    ['at its end (over)', '2026-12-12T00:00:00Z', false],
  ])('scheduled, %s', (_when, now, on) => {
    expect(automaticRepliesFrom(window, at(now))).toEqual({
      status: 'scheduled',
      on,
      start: '2026-12-07T00:00:00.000Z',
      end: '2026-12-12T00:00:00.000Z',
    });
  });

  test('always on, off, and the status as the docs also spell it', () => {
    expect(automaticRepliesFrom({ status: 'alwaysEnabled', internalReplyMessage: '<p>away</p>' }, 0)).toEqual({
      status: 'alwaysEnabled',
      on: true,
      internalReplyMessage: '<p>away</p>',
    });
    expect(automaticRepliesFrom({ ...window, status: 'disabled' }, at('2026-12-09T00:00:00Z'))).toMatchObject({
      status: 'disabled',
      on: false,
    });
    expect(automaticRepliesFrom({ ...window, status: 'Scheduled' as 'scheduled' }, at('2026-12-09T00:00:00Z')).on).toBe(
      true,
    );
  });

  test('a window in an IANA zone is read in that zone; a Windows zone name cannot be told', () => {
    // 09:00 in New York on 7 December (EST, UTC-5) is 14:00 UTC; in July (EDT, UTC-4) 13:00 UTC.
    expect(instantOf({ dateTime: '2026-12-07T09:00:00.0000000', timeZone: 'America/New_York' })).toBe(
      at('2026-12-07T14:00:00Z'),
    );
    expect(instantOf({ dateTime: '2026-07-07T09:00:00', timeZone: 'America/New_York' })).toBe(
      at('2026-07-07T13:00:00Z'),
    );
    const windows = {
      status: 'scheduled' as const,
      scheduledStartDateTime: { dateTime: '2026-12-07T00:00:00', timeZone: 'Pacific Standard Time' },
      scheduledEndDateTime: { dateTime: '2026-12-12T00:00:00', timeZone: 'Pacific Standard Time' },
    };
    expect(automaticRepliesFrom(windows, at('2026-12-09T00:00:00Z'))).toEqual({ status: 'scheduled', on: undefined });
  });
});

describe('through Graph (the dev tenant)', () => {
  let dt: DevTenant;
  const clientAt = (now: string) =>
    new GraphTenantClient({
      graphBaseUrl: dt.url,
      armBaseUrl: dt.url,
      tokens: devTokenSource('dev'),
      now: () => at(now),
    });
  beforeAll(async () => {
    dt = await startDevTenant({ port: 0 });
  });
  afterAll(() => dt.close());

  test('one person: Omar is on leave, Morgan away only during the conference, Nina never', async () => {
    const during = clientAt('2026-06-09T10:00:00Z');
    const after = clientAt('2026-06-14T10:00:00Z');
    expect(await during.automaticRepliesOf(persona('omar').id)).toMatchObject({
      status: 'alwaysEnabled',
      on: true,
      internalReplyMessage: expect.stringContaining('on leave'),
    });
    expect(await during.automaticRepliesOf(persona('morgan').id)).toMatchObject({
      status: 'scheduled',
      on: true,
      end: '2026-06-13T00:00:00.000Z',
    });
    expect(await after.automaticRepliesOf(persona('morgan').id)).toMatchObject({ status: 'scheduled', on: false });
    expect(await during.automaticRepliesOf(persona('nina').id)).toEqual({ status: 'disabled', on: false });
  });

  test('a guest has no mailbox here: Exchange’s 404', async () => {
    const err = await clientAt('2026-12-08T10:00:00Z')
      .automaticRepliesOf(persona('tomas').id)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TenantError);
    expect(err).toMatchObject({ status: 404, code: 'MailboxNotEnabledForRESTAPI' });
  });

  test('everyone at once: one $batch, an answer or an error per person', async () => {
    await call(dt, 'DELETE', '/_devtenant/calls', { token: null });
    const people = ['omar', 'morgan', 'nina', 'tomas'].map((a) => persona(a).id);
    const unknown = '33333333-cccc-4ccc-8ccc-999999999999';
    const answers = await clientAt('2026-06-09T10:00:00Z').automaticRepliesOfMany([...people, unknown, people[0]]);
    const on = (id: string) => (answers.get(id) as AutomaticReplies).on;
    expect([on(people[0]), on(people[1]), on(people[2])]).toEqual([true, true, false]);
    expect(answers.get(people[3])).toMatchObject({ status: 404, code: 'MailboxNotEnabledForRESTAPI' });
    expect(answers.get(unknown)).toMatchObject({ status: 404, code: 'ErrorInvalidUser' });
    expect(answers.size).toBe(5);
    const calls = (await call(dt, 'GET', '/_devtenant/calls', { token: null })).body.calls as {
      path: string;
      inBatch: boolean;
    }[];
    expect(calls.filter((c) => !c.inBatch).map((c) => c.path)).toEqual(['/v1.0/$batch']);
    expect(calls.filter((c) => c.inBatch)).toHaveLength(5);
  });

  test('without MailboxSettings.Read, Exchange refuses each person in the batch', async () => {
    await call(dt, 'POST', '/_devtenant/permissions/revoke', {
      body: { permission: 'MailboxSettings.Read' },
      token: null,
    });
    try {
      const answers = await clientAt('2026-06-09T10:00:00Z').automaticRepliesOfMany([persona('omar').id]);
      expect(answers.get(persona('omar').id)).toMatchObject({ status: 403, code: 'ErrorAccessDenied' });
      const raw = await call(dt, 'GET', `/v1.0/users/${persona('omar').id}/mailboxSettings/automaticRepliesSetting`);
      expect(raw.status).toBe(403);
    } finally {
      await call(dt, 'DELETE', '/_devtenant/permissions', { token: null });
    }
  });

  test('the wire answer has Graph’s shape', async () => {
    const res = await call(
      dt,
      'GET',
      `/v1.0/users/${persona('nina').userPrincipalName}/mailboxSettings/automaticRepliesSetting`,
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      '@odata.context': expect.stringMatching(
        /\/v1\.0\/\$metadata#users\('.*'\)\/mailboxSettings\/automaticRepliesSetting$/,
      ),
      status: 'disabled',
      externalAudience: 'all',
      scheduledStartDateTime: { dateTime: expect.any(String), timeZone: 'UTC' },
      scheduledEndDateTime: { dateTime: expect.any(String), timeZone: 'UTC' },
      internalReplyMessage: '',
      externalReplyMessage: '',
    });
    expect(
      (await call(dt, 'GET', `/v1.0/users/${persona('nina').id}/mailboxSettings/automaticRepliesSetting?$top=1`))
        .status,
    ).toBe(400);
  });
});
