import { persona } from '../../src/devtenant/fixture';
import { startDevTenant, type DevTenant } from '../../src/devtenant/server';
import { call, ref } from './http';

let t: DevTenant;
beforeAll(async () => {
  t = await startDevTenant({ licenseProcessingDelayMs: 5 });
});
afterAll(() => t.close());
beforeEach(() => t.reset());

const NURSING_GROUP = '11111111-aaaa-4aaa-8aaa-000000000001';
const ADMIN_GROUP = '11111111-aaaa-4aaa-8aaa-000000000003';
const dana = persona('dana');

const memberIds = async (groupId: string): Promise<string[]> =>
  (await call(t, 'GET', `/v1.0/groups/${groupId}/members?$select=id`)).body.value.map((m: { id: string }) => m.id);

describe('group reads', () => {
  test('GET /groups/{id} with $select of license fields', async () => {
    const r = await call(
      t,
      'GET',
      `/v1.0/groups/${NURSING_GROUP}?$select=id,displayName,assignedLicenses,licenseProcessingState,isAssignableToRole`,
    );
    expect(r.body).toEqual({
      '@odata.context': expect.stringContaining('$metadata#groups('),
      id: NURSING_GROUP,
      displayName: 'Dragon Copilot Nursing',
      assignedLicenses: [{ disabledPlans: [], skuId: '22222222-bbbb-4bbb-8bbb-000000000001' }],
      licenseProcessingState: { state: 'ProcessingComplete' },
      isAssignableToRole: false,
    });
  });

  test("$filter=displayName eq '…' finds the group by name", async () => {
    const r = await call(
      t,
      'GET',
      "/v1.0/groups?$filter=displayName eq 'Dragon Administrators'&$select=id,isAssignableToRole",
    );
    expect(r.body.value).toEqual([{ id: ADMIN_GROUP, isAssignableToRole: true }]);
  });

  test('owners are typed users', async () => {
    const r = await call(t, 'GET', `/v1.0/groups/${NURSING_GROUP}/owners`);
    expect(r.body.value).toEqual([
      expect.objectContaining({ '@odata.type': '#microsoft.graph.user', id: persona('nina').id }),
    ]);
  });

  test('members with licenseAssignmentStates, paged by $top with a working nextLink', async () => {
    const first = await call(
      t,
      'GET',
      `/v1.0/groups/${NURSING_GROUP}/members?$select=id,licenseAssignmentStates&$top=5`,
    );
    expect(first.body.value).toHaveLength(5);
    expect(first.body.value[0].licenseAssignmentStates).toContainEqual(
      expect.objectContaining({ assignedByGroup: NURSING_GROUP, state: 'Active', error: 'None' }),
    );
    const next = first.body['@odata.nextLink'] as string;
    expect(next).toContain('$skiptoken=');
    const second = await call(t, 'GET', next.slice(t.url.length));
    expect(second.body.value).toHaveLength(2);
    expect(second.body['@odata.nextLink']).toBeUndefined();
  });
});

describe('members/$ref', () => {
  test('adding twice: 204, then the documented 400 body', async () => {
    const first = await call(t, 'POST', `/v1.0/groups/${NURSING_GROUP}/members/$ref`, { body: ref(dana.id) });
    expect(first.status).toBe(204);
    expect(first.body).toBeUndefined();
    const again = await call(t, 'POST', `/v1.0/groups/${NURSING_GROUP}/members/$ref`, { body: ref(dana.id) });
    expect(again.status).toBe(400);
    expect(again.body.error).toMatchObject({
      code: 'Request_BadRequest',
      message: "One or more added object references already exist for the following modified properties: 'members'.",
      innerError: expect.objectContaining({ 'request-id': expect.any(String) }),
    });
    expect(await memberIds(NURSING_GROUP)).toContain(dana.id);
  });

  test('any host prefix in @odata.id works; an unknown object is 404', async () => {
    const r = await call(t, 'POST', `/v1.0/groups/${NURSING_GROUP}/members/$ref`, {
      body: { '@odata.id': `http://127.0.0.1:1/v1.0/users/${dana.id}` },
    });
    expect(r.status).toBe(204);
    const missing = await call(t, 'POST', `/v1.0/groups/${NURSING_GROUP}/members/$ref`, {
      body: ref('33333333-cccc-4ccc-8ccc-000000000999'),
    });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('Request_ResourceNotFound');
  });

  test('delete a member: 204 and gone; deleting a non-member is 400', async () => {
    const maria = persona('maria');
    const del = await call(t, 'DELETE', `/v1.0/groups/${NURSING_GROUP}/members/${maria.id}/$ref`);
    expect(del.status).toBe(204);
    expect(await memberIds(NURSING_GROUP)).not.toContain(maria.id);
    const again = await call(t, 'DELETE', `/v1.0/groups/${NURSING_GROUP}/members/${maria.id}/$ref`);
    expect(again.status).toBe(400);
    expect(again.body.error.message).toBe(
      "One or more removed object references do not exist for the following modified properties: 'members'.",
    );
  });

  test("owners/$ref uses 'owners' in its duplicate message", async () => {
    const nina = persona('nina');
    const r = await call(t, 'POST', `/v1.0/groups/${NURSING_GROUP}/owners/$ref`, { body: ref(nina.id) });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toBe(
      "One or more added object references already exist for the following modified properties: 'owners'.",
    );
  });
});

describe('POST /groups', () => {
  test('creates a role-assignable security group with an owner (201)', async () => {
    const r = await call(t, 'POST', '/v1.0/groups', {
      body: {
        displayName: 'Dragon Admins (new)',
        mailEnabled: false,
        mailNickname: 'dragonadminsnew',
        securityEnabled: true,
        isAssignableToRole: true,
        'owners@odata.bind': [`https://graph.microsoft.com/v1.0/users/${persona('morgan').id}`],
      },
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      displayName: 'Dragon Admins (new)',
      isAssignableToRole: true,
      securityEnabled: true,
    });
    const owners = await call(t, 'GET', `/v1.0/groups/${r.body.id}/owners?$select=id`);
    expect(owners.body.value).toEqual([{ '@odata.type': '#microsoft.graph.user', id: persona('morgan').id }]);
  });

  test.each([
    [{ mailEnabled: false, mailNickname: 'x', securityEnabled: true }, "'displayName'"],
    [{ displayName: 'X', mailEnabled: false, securityEnabled: true }, "'mailNickname'"],
    [{ displayName: 'X', mailNickname: 'x', securityEnabled: true }, "'mailEnabled'"],
    [{ displayName: 'X', mailNickname: 'x', mailEnabled: false }, "'securityEnabled'"],
  ])('missing required property → 400 naming it (%#)', async (body, name) => {
    const r = await call(t, 'POST', '/v1.0/groups', { body });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toContain(name);
  });

  test('isAssignableToRole needs securityEnabled', async () => {
    const r = await call(t, 'POST', '/v1.0/groups', {
      body: {
        displayName: 'X',
        mailNickname: 'x',
        mailEnabled: true,
        securityEnabled: false,
        isAssignableToRole: true,
      },
    });
    expect(r.status).toBe(400);
  });
});
