import { persona } from '../../src/devtenant/fixture';
import { startDevTenant, type DevTenant } from '../../src/devtenant/server';
import { ROLE_TEMPLATE } from '../../src/domain/catalog';
import { call, type Reply } from './http';

/** A cast on a membership list is an advanced query (rules.ts). */
const ADVANCED = { headers: { ConsistencyLevel: 'eventual' } };
let t: DevTenant;
beforeAll(async () => {
  t = await startDevTenant({ licenseProcessingDelayMs: 5 });
});
afterAll(() => t.close());
beforeEach(() => t.reset());

const dana = persona('dana');

describe('GET /users/{id}', () => {
  test('returns the default property set with @odata.context and a request-id header', async () => {
    const r = await call(t, 'GET', `/v1.0/users/${dana.id}`);
    expect(r.status).toBe(200);
    expect(r.headers.get('request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(r.headers.get('content-type')).toContain('application/json');
    expect(Object.keys(r.body).sort()).toEqual(
      [
        '@odata.context',
        'businessPhones',
        'displayName',
        'givenName',
        'id',
        'jobTitle',
        'mail',
        'mobilePhone',
        'officeLocation',
        'preferredLanguage',
        'surname',
        'userPrincipalName',
      ].sort(),
    );
    expect(r.body['@odata.context']).toBe(`${t.url}/v1.0/$metadata#users/$entity`);
    expect(r.body.displayName).toBe('Dana Reyes');
    expect(r.body.usageLocation).toBeUndefined();
  });

  test('by userPrincipalName, case-insensitively, and the encoded guest UPN', async () => {
    const r = await call(t, 'GET', `/v1.0/users/${dana.userPrincipalName.toUpperCase()}`);
    expect(r.body.id).toBe(dana.id);
    const tomas = persona('tomas');
    const g = await call(t, 'GET', `/v1.0/users/${encodeURIComponent(tomas.userPrincipalName)}?$select=id,userType`);
    expect(g.body).toEqual({ '@odata.context': expect.any(String), id: tomas.id, userType: 'Guest' });
  });

  test('$select returns only what was asked, including non-default properties', async () => {
    const r = await call(
      t,
      'GET',
      `/v1.0/users/${dana.id}?$select=id,usageLocation,accountEnabled,assignedLicenses,department`,
    );
    expect(r.body).toEqual({
      '@odata.context': `${t.url}/v1.0/$metadata#users(id,usageLocation,accountEnabled,assignedLicenses,department)/$entity`,
      id: dana.id,
      usageLocation: 'US',
      accountEnabled: true,
      assignedLicenses: [{ skuId: '22222222-bbbb-4bbb-8bbb-000000000003', disabledPlans: [] }],
      department: 'Emergency Department',
    });
  });

  test('unknown property in $select is a 400', async () => {
    const r = await call(t, 'GET', `/v1.0/users/${dana.id}?$select=id,favouriteColour`);
    expect(r.status).toBe(400);
    expect(r.body.error.message).toBe(
      "Could not find a property named 'favouriteColour' on type 'microsoft.graph.user'.",
    );
  });

  test('unknown user is 404 Request_ResourceNotFound with the Graph body', async () => {
    const id = '33333333-cccc-4ccc-8ccc-000000000999';
    const r = await call(t, 'GET', `/v1.0/users/${id}`, { headers: { 'client-request-id': 'abc-123' } });
    expect(r.status).toBe(404);
    expect(r.body).toEqual({
      error: {
        code: 'Request_ResourceNotFound',
        message: `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
        innerError: {
          date: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/),
          'request-id': r.headers.get('request-id'),
          'client-request-id': 'abc-123',
        },
      },
    });
  });

  test('/me is the calling user; an application has no /me', async () => {
    const me = await call(t, 'GET', '/v1.0/me?$select=displayName', { token: `dev:${dana.id}` });
    expect(me.body.displayName).toBe('Dana Reyes');
    const app = await call(t, 'GET', '/v1.0/me');
    expect(app.status).toBe(400);
    expect(app.body.error.message).toBe('/me request is only valid with delegated authentication flow.');
  });
});

describe('GET /users with $filter', () => {
  test("startswith(displayName,'dana') finds both Danas", async () => {
    const r = await call(t, 'GET', "/v1.0/users?$filter=startswith(displayName,'dana')&$select=id,displayName");
    expect(r.status).toBe(200);
    expect(r.body.value.map((u: { displayName: string }) => u.displayName).sort()).toEqual(['Dana Kim', 'Dana Reyes']);
  });

  test('or across givenName / userPrincipalName / mail', async () => {
    const f = encodeURIComponent(
      "startswith(givenName,'priya') or startswith(userPrincipalName,'sam.') or startswith(mail,'tomas.berg@')",
    );
    const r = await call(t, 'GET', `/v1.0/users?$filter=${f}&$select=displayName`);
    expect(r.body.value.map((u: { displayName: string }) => u.displayName).sort()).toEqual([
      'Dr. Priya Patel',
      'Sam Carter',
      'Tomas Berg',
    ]);
  });

  test("id in ('a','b') returns exactly those users", async () => {
    const ids = [persona('nina').id, persona('omar').id];
    const r = await call(t, 'GET', `/v1.0/users?$filter=id in ('${ids[0]}','${ids[1]}')&$select=id`);
    expect(r.body.value.map((u: { id: string }) => u.id).sort()).toEqual(ids.sort());
  });

  test('$top pages with an @odata.nextLink on the same server that reaches every user once', async () => {
    const seen: string[] = [];
    let path: string | undefined = '/v1.0/users?$top=7&$select=id';
    while (path) {
      const r: Reply = await call(t, 'GET', path);
      expect(r.body.value.length).toBeLessThanOrEqual(7);
      seen.push(...r.body.value.map((u: { id: string }) => u.id));
      const next: string | undefined = r.body['@odata.nextLink'];
      if (next) expect(next.startsWith(`${t.url}/v1.0/users?`)).toBe(true);
      path = next?.slice(t.url.length);
    }
    expect(seen.length).toBe(t.state.listUsers().length);
    expect(new Set(seen).size).toBe(seen.length);
  });

  test('an unsupported filter property is refused, not ignored', async () => {
    const r = await call(t, 'GET', "/v1.0/users?$filter=city eq 'Seattle'");
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('Request_UnsupportedQuery');
  });
});

describe('GET /users with $search', () => {
  test('without ConsistencyLevel: eventual → 400 with the documented message', async () => {
    const r = await call(t, 'GET', '/v1.0/users?$search="displayName:dana"');
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({
      code: 'Request_UnsupportedQuery',
      message:
        "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'",
    });
  });

  test('with the header: tokenised prefix match on displayName, and $count', async () => {
    const q = encodeURIComponent('"displayName:reyes" OR "mail:reyes" OR "userPrincipalName:reyes"');
    const r = await call(t, 'GET', `/v1.0/users?$search=${q}&$count=true&$select=displayName`, {
      headers: { ConsistencyLevel: 'eventual' },
    });
    expect(r.status).toBe(200);
    expect(r.body['@odata.count']).toBe(1);
    expect(r.body.value).toEqual([{ displayName: 'Dana Reyes' }]);
  });

  test('"dana" is ambiguous: two people', async () => {
    const r = await call(t, 'GET', '/v1.0/users?$search="displayName:dana"&$count=true', {
      headers: { ConsistencyLevel: 'eventual' },
    });
    expect(r.body['@odata.count']).toBe(2);
  });
});

describe('memberships and roles of a user', () => {
  test('jordan holds Dragon Administrator through the role-assignable group', async () => {
    const jordan = persona('jordan');
    const r = await call(t, 'GET', `/v1.0/users/${jordan.id}/transitiveMemberOf`);
    expect(r.status).toBe(200);
    expect(r.body.value).toContainEqual(
      expect.objectContaining({ '@odata.type': '#microsoft.graph.group', id: '11111111-aaaa-4aaa-8aaa-000000000003' }),
    );
    expect(r.body.value).toContainEqual(
      expect.objectContaining({
        '@odata.type': '#microsoft.graph.directoryRole',
        displayName: 'Dragon Administrator',
        roleTemplateId: ROLE_TEMPLATE.dragonAdministrator,
      }),
    );
    const roles = await call(
      t,
      'GET',
      `/v1.0/users/${jordan.id}/transitiveMemberOf/microsoft.graph.directoryRole?$count=true`,
      ADVANCED,
    );
    expect(roles.body.value.map((x: { roleTemplateId: string }) => x.roleTemplateId)).toEqual([
      ROLE_TEMPLATE.dragonAdministrator,
    ]);
  });

  test("memberOf is direct only: the group's role does not show", async () => {
    const jordan = persona('jordan');
    const r = await call(t, 'GET', `/v1.0/users/${jordan.id}/memberOf`);
    expect(r.body.value.map((x: { '@odata.type': string }) => x['@odata.type'])).toEqual(['#microsoft.graph.group']);
  });

  test('a direct role shows for grace; dana has none', async () => {
    const grace = await call(
      t,
      'GET',
      `/v1.0/users/${persona('grace').id}/transitiveMemberOf/microsoft.graph.directoryRole?$count=true`,
      ADVANCED,
    );
    expect(grace.body.value.map((x: { displayName: string }) => x.displayName)).toEqual(['Global Administrator']);
    const d = await call(
      t,
      'GET',
      `/v1.0/users/${dana.id}/transitiveMemberOf/microsoft.graph.directoryRole?$count=true`,
      ADVANCED,
    );
    expect(d.body.value).toEqual([]);
  });
});

describe('PATCH /users/{id}', () => {
  test('sets usageLocation (204) and it reads back', async () => {
    const ivy = persona('ivy');
    const r = await call(t, 'PATCH', `/v1.0/users/${ivy.id}`, { body: { usageLocation: 'US' } });
    expect(r.status).toBe(204);
    const back = await call(t, 'GET', `/v1.0/users/${ivy.id}?$select=usageLocation`);
    expect(back.body.usageLocation).toBe('US');
  });

  test('an invalid usageLocation is a 400', async () => {
    const r = await call(t, 'PATCH', `/v1.0/users/${dana.id}`, { body: { usageLocation: 'USA' } });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toBe("Invalid value specified for property 'usageLocation' of resource 'User'.");
  });
});
