import { persona } from '../../src/devtenant/fixture';
import { startDevTenant, type DevTenant } from '../../src/devtenant/server';
import { ROLE_TEMPLATE } from '../../src/domain/catalog';
import { call } from './http';

let t: DevTenant;
beforeAll(async () => {
  t = await startDevTenant({ licenseProcessingDelayMs: 5 });
});
afterAll(() => t.close());
beforeEach(() => t.reset());

const TENANT = '7b1c1a40-0c5e-4d8a-9f7e-1c0a7e5a1e01';
const SP = '44444444-dddd-4ddd-8ddd-000000000001';
const PAL = '/providers/Microsoft.ManagementPartner/partners';
const V = 'api-version=2018-02-01';
const PROD = '55555555-eeee-4eee-8eee-000000000001';
const DEVTEST = '55555555-eeee-4eee-8eee-000000000002';

describe('ARM Partner Admin Link', () => {
  test('create, get by id, get without id, patch, delete — for the calling service principal', async () => {
    const put = await call(t, 'PUT', `${PAL}/1234567?${V}`);
    expect(put.status).toBe(200);
    expect(put.body).toEqual({
      id: '/providers/microsoft.managementpartner/partners/1234567',
      type: 'Microsoft.ManagementPartner/partner',
      name: '1234567',
      etag: 1,
      properties: {
        partnerId: '1234567',
        partnerName: 'Fabrikam',
        tenantId: TENANT,
        objectId: SP,
        version: 1,
        updatedTime: expect.any(String),
        createdTime: expect.any(String),
        state: 'Active',
      },
    });
    expect(put.headers.get('x-ms-request-id')).toBeTruthy();

    const get = await call(t, 'GET', `${PAL}/1234567?${V}`);
    expect(get.body.properties.partnerId).toBe('1234567');
    const noId = await call(t, 'GET', `${PAL}?${V}`);
    expect(noId.body.id).toBe('/providers/microsoft.managementpartner/partners');
    expect(noId.body.properties.objectId).toBe(SP);

    const patch = await call(t, 'PATCH', `${PAL}/7654321?${V}`);
    expect(patch.status).toBe(200);
    expect(patch.body).toMatchObject({
      name: '7654321',
      etag: 2,
      properties: { partnerName: 'Northwind Advisors', version: 2 },
    });

    const wrongDelete = await call(t, 'DELETE', `${PAL}/1234567?${V}`);
    expect(wrongDelete.status).toBe(404);
    const del = await call(t, 'DELETE', `${PAL}/7654321?${V}`);
    expect(del.status).toBe(200);
    expect(del.body).toBeUndefined();
    const gone = await call(t, 'GET', `${PAL}?${V}`);
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual({ error: { code: 'NotFound', message: expect.any(String) } });
  });

  test('links are per caller: two users see their own, a second PUT conflicts', async () => {
    const dana = persona('dana');
    const tomas = persona('tomas');
    const mine = await call(t, 'PUT', `${PAL}/5550001?${V}`, { token: `dev:${dana.id}` });
    expect(mine.body.properties).toMatchObject({ objectId: dana.id, partnerName: null });
    const his = await call(t, 'GET', `${PAL}?${V}`, { token: `dev:${tomas.id}` });
    expect(his.body.properties).toMatchObject({ objectId: tomas.id, partnerId: '1234567' });
    const app = await call(t, 'GET', `${PAL}?${V}`);
    expect(app.status).toBe(404);
    const again = await call(t, 'PUT', `${PAL}/5550002?${V}`, { token: `dev:${dana.id}` });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('Conflict');
  });

  test('partner ids are numeric; api-version is required and checked', async () => {
    expect((await call(t, 'PUT', `${PAL}/fabrikam?${V}`)).status).toBe(400);
    const missing = await call(t, 'GET', PAL);
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({
      error: {
        code: 'MissingApiVersionParameter',
        message: 'The api-version query parameter (?api-version=) is required for all requests.',
      },
    });
    const wrong = await call(t, 'GET', `${PAL}?api-version=2099-01-01`);
    expect(wrong.body.error.code).toBe('InvalidApiVersionParameter');
  });

  test('an ARM path the dev tenant does not serve is a 404 in ARM form', async () => {
    const r = await call(t, 'GET', `/subscriptions/${PROD}/resourceGroups?api-version=2021-04-01`);
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ error: { code: 'InvalidResourceType', message: expect.any(String) } });
  });

  test('ARM says AuthenticationFailed without a token', async () => {
    const r = await call(t, 'GET', `${PAL}?${V}`, { token: null });
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe('AuthenticationFailed');
  });
});

describe('ARM subscriptions', () => {
  test('lists the subscriptions the caller has a role on', async () => {
    const app = await call(t, 'GET', '/subscriptions?api-version=2022-12-01');
    expect(app.body.value.map((s: { subscriptionId: string }) => s.subscriptionId)).toEqual([PROD, DEVTEST]);
    expect(app.body.value[0]).toMatchObject({
      id: `/subscriptions/${PROD}`,
      displayName: 'Contoso Health Production',
      state: 'Enabled',
      tenantId: TENANT,
    });
    const dana = await call(t, 'GET', '/subscriptions?api-version=2022-12-01', { token: `dev:${persona('dana').id}` });
    expect(dana.body.value).toEqual([]);
  });

  test('Owner role assignments at subscription scope', async () => {
    const grace = persona('grace');
    const r = await call(
      t,
      'GET',
      `/subscriptions/${PROD}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01&$filter=${encodeURIComponent(`principalId eq '${grace.id}'`)}`,
    );
    expect(r.status).toBe(200);
    expect(r.body.value).toEqual([
      {
        id: expect.stringMatching(
          new RegExp(`^/subscriptions/${PROD}/providers/Microsoft.Authorization/roleAssignments/[0-9a-f-]{36}$`),
        ),
        name: expect.any(String),
        type: 'Microsoft.Authorization/roleAssignments',
        properties: expect.objectContaining({
          roleDefinitionId: `/subscriptions/${PROD}/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635`,
          principalId: grace.id,
          principalType: 'User',
          scope: `/subscriptions/${PROD}`,
        }),
      },
    ]);
    const all = await call(
      t,
      'GET',
      `/subscriptions/${DEVTEST}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01&$filter=atScope()`,
    );
    const owners = all.body.value.filter((a: { properties: { roleDefinitionId: string } }) =>
      a.properties.roleDefinitionId.endsWith('8e3af657-a8ff-443c-a75c-2fe8c4bcb635'),
    );
    expect(owners.map((a: { properties: { principalId: string } }) => a.properties.principalId)).toEqual([
      persona('chris').id,
    ]);
  });

  test('classic administrators name the service admin and co-admins', async () => {
    const r = await call(
      t,
      'GET',
      `/subscriptions/${PROD}/providers/Microsoft.Authorization/classicAdministrators?api-version=2015-06-01`,
    );
    expect(r.body.value).toEqual([
      expect.objectContaining({
        type: 'Microsoft.Authorization/classicAdministrators',
        properties: { emailAddress: persona('chris').mail, role: 'ServiceAdministrator' },
      }),
      expect.objectContaining({ properties: { emailAddress: persona('ravi').mail, role: 'CoAdministrator' } }),
    ]);
  });

  test('a caller without access gets 403 AuthorizationFailed; an unknown subscription 404', async () => {
    const r = await call(
      t,
      'GET',
      `/subscriptions/${PROD}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01`,
      {
        token: `dev:${persona('dana').id}`,
      },
    );
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('AuthorizationFailed');
    const missing = await call(
      t,
      'GET',
      '/subscriptions/55555555-eeee-4eee-8eee-000000000009/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01',
    );
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('SubscriptionNotFound');
  });
});

describe('GDAP (partner side)', () => {
  const BASE = '/v1.0/tenantRelationships/delegatedAdminRelationships';
  const body = (over: Record<string, unknown> = {}) => ({
    displayName: 'Contoso Health – Dragon support',
    duration: 'P730D',
    customer: { tenantId: TENANT, displayName: 'Contoso Health' },
    accessDetails: {
      unifiedRoles: [
        { roleDefinitionId: ROLE_TEMPLATE.licenseAdministrator },
        { roleDefinitionId: ROLE_TEMPLATE.dragonAdministrator },
      ],
    },
    autoExtendDuration: 'P180D',
    ...over,
  });

  test('create (201, created, etag, customer-prefixed id), lock for approval, read back', async () => {
    const r = await call(t, 'POST', BASE, { body: body() });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      status: 'created',
      displayName: 'Contoso Health – Dragon support',
      duration: 'P730D',
      autoExtendDuration: 'P180D',
    });
    expect(r.body['@odata.etag']).toMatch(/^W\/"/);
    expect(r.body.id).toMatch(new RegExp(`^${TENANT}-[0-9a-f-]{36}$`));
    expect(r.headers.get('location')).toBe(`${t.url}${BASE}/${r.body.id}`);

    const lock = await call(t, 'POST', `${BASE}/${r.body.id}/requests`, { body: { action: 'lockForApproval' } });
    expect(lock.status).toBe(201);
    expect(lock.body).toMatchObject({ action: 'lockForApproval', status: 'created' });
    const got = await call(t, 'GET', `${BASE}/${r.body.id}`);
    expect(got.body.status).toBe('approvalPending');
    expect(got.body['@odata.etag']).not.toBe(r.body['@odata.etag']);
    const again = await call(t, 'POST', `${BASE}/${r.body.id}/requests`, { body: { action: 'lockForApproval' } });
    expect(again.status).toBe(400);

    const approved = await call(t, 'POST', `/_devtenant/gdap/${r.body.id}/approve`, { token: null });
    expect(approved.body).toMatchObject({
      status: 'active',
      activatedDateTime: expect.any(String),
      endDateTime: expect.any(String),
    });
    const list = await call(t, 'GET', BASE);
    expect(list.body.value.map((x: { id: string }) => x.id)).toEqual([r.body.id]);
  });

  test('Global Administrator with auto-extend → 400; without auto-extend it is accepted', async () => {
    const roles = { unifiedRoles: [{ roleDefinitionId: ROLE_TEMPLATE.globalAdministrator }] };
    const bad = await call(t, 'POST', BASE, { body: body({ accessDetails: roles }) });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('Global Administrator');
    const ok = await call(t, 'POST', BASE, { body: body({ accessDetails: roles, autoExtendDuration: 'PT0S' }) });
    expect(ok.status).toBe(201);
  });

  test.each([
    [{ displayName: 'x'.repeat(51) }, 'displayName'],
    [{ duration: 'P3Y' }, 'duration'],
    [{ duration: 'PT12H' }, 'duration'],
    [{ autoExtendDuration: 'P90D' }, 'autoExtendDuration'],
    [{ accessDetails: { unifiedRoles: [] } }, 'unifiedRoles'],
  ])('invalid %p → 400 naming %s', async (over, name) => {
    const r = await call(t, 'POST', BASE, { body: body(over) });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toContain(name);
  });

  test('display names are unique', async () => {
    expect((await call(t, 'POST', BASE, { body: body() })).status).toBe(201);
    expect((await call(t, 'POST', BASE, { body: body() })).status).toBe(400);
  });

  test('an unknown relationship is 404', async () => {
    expect((await call(t, 'GET', `${BASE}/nope`)).status).toBe(404);
  });
});
