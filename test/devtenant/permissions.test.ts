/**
 * The dev tenant answers like Graph when Dragon Desk's app lacks an application permission:
 * 403 Authorization_RequestDenied with Graph's error body, top-level and inside $batch, while a
 * broader permission Graph also accepts still lets the request through. The hooks revoke and grant.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { persona } from '../../src/devtenant/fixture';
import { startDevTenant, type DevTenant } from '../../src/devtenant/server';
import { call, ref } from './http';

const NURSING_GROUP = '11111111-aaaa-4aaa-8aaa-000000000001';

let t: DevTenant;
beforeAll(async () => {
  t = await startDevTenant({ port: 0 });
});
afterAll(() => t.close());
afterEach(async () => {
  expect((await call(t, 'DELETE', '/_devtenant/permissions')).status).toBe(204);
});

const revoke = (...permissions: string[]) =>
  Promise.all(
    permissions.map((permission) => call(t, 'POST', '/_devtenant/permissions/revoke', { body: { permission } })),
  );

test('at start the app holds what the grant script gives with all its options, nothing broader', async () => {
  const res = await call<{ granted: string[] }>(t, 'GET', '/_devtenant/permissions');
  const script = spawnSync(
    'bash',
    [
      path.resolve(__dirname, '../../scripts/grant-graph-permissions.sh'),
      '--print',
      '--groups',
      '--direct-licenses',
      '--pim',
      '--setup',
      '--partner-offers',
      '--catalog-check',
    ],
    { encoding: 'utf8' },
  );
  expect(res.body.granted).toEqual(script.stdout.trim().split('\n').sort());
  expect(res.body.granted).not.toContain('Directory.Read.All');
  expect((await call(t, 'GET', `/v1.0/groups/${NURSING_GROUP}/owners`)).status).toBe(200);
});

test('without any permission that allows it, Graph’s 403 Authorization_RequestDenied with its error body', async () => {
  await revoke(
    'GroupMember.Read.All',
    'GroupMember.ReadWrite.All',
    'Group.Read.All',
    'Group.ReadWrite.All',
    'Directory.Read.All',
    'Directory.ReadWrite.All',
  );
  const res = await call(t, 'GET', `/v1.0/groups/${NURSING_GROUP}/owners`);
  expect(res.status).toBe(403);
  expect(res.body).toEqual({
    error: {
      code: 'Authorization_RequestDenied',
      message: 'Insufficient privileges to complete the operation.',
      innerError: {
        date: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/) as unknown,
        'request-id': expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown,
        'client-request-id': expect.any(String) as unknown,
      },
    },
  });
  // Other reads are not affected, and a user acting for themselves is not the app.
  expect((await call(t, 'GET', '/v1.0/subscribedSkus')).status).toBe(200);
  expect(
    (await call(t, 'GET', `/v1.0/groups/${NURSING_GROUP}/owners`, { token: `dev:${persona('grace').id}` })).status,
  ).toBe(200);
});

test('a broader permission Graph also accepts lets the request through', async () => {
  await revoke('GroupMember.Read.All', 'GroupMember.ReadWrite.All');
  await call(t, 'POST', '/_devtenant/permissions/grant', { body: { permission: 'Directory.Read.All' } });
  expect((await call(t, 'GET', `/v1.0/groups/${NURSING_GROUP}/owners`)).status).toBe(200);
});

test('inside a $batch the refused request gets its own 403 and the others their answers', async () => {
  await revoke('GroupMember.ReadWrite.All');
  const res = await call<{ responses: { id: string; status: number; body: { error?: { code: string } } }[] }>(
    t,
    'POST',
    '/v1.0/$batch',
    {
      body: {
        requests: [
          {
            id: '1',
            method: 'POST',
            url: `/groups/${NURSING_GROUP}/members/$ref`,
            body: ref(persona('dana').id),
            headers: { 'Content-Type': 'application/json' },
          },
          { id: '2', method: 'GET', url: `/users/${persona('dana').id}` },
        ],
      },
    },
  );
  expect(res.status).toBe(200);
  const byId = Object.fromEntries(res.body.responses.map((r) => [r.id, r]));
  expect(byId['1'].status).toBe(403);
  expect(byId['1'].body.error?.code).toBe('Authorization_RequestDenied');
  expect(byId['2'].status).toBe(200);
});

test('grant restores it; an unknown permission name is refused', async () => {
  await revoke('User.Read.All');
  expect((await call(t, 'GET', '/v1.0/users?$top=1')).status).toBe(403);
  for (const permission of ['User.Read.All'])
    expect((await call(t, 'POST', '/_devtenant/permissions/grant', { body: { permission } })).status).toBe(200);
  expect((await call(t, 'GET', '/v1.0/users?$top=1')).status).toBe(200);
  expect((await call(t, 'POST', '/_devtenant/permissions/revoke', { body: { permission: 'Mail.Send' } })).status).toBe(
    400,
  );
});
