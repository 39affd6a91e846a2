/**
 * What real Graph refuses, the dev tenant refuses too, with Graph's status and error body; and the
 * documented forms Graph accepts, it accepts. One test per rule in src/devtenant/rules.ts.
 */
import { persona } from '../../src/devtenant/fixture';
import { startDevTenant, type DevTenant } from '../../src/devtenant/server';
import { ROLE_TEMPLATE } from '../../src/domain/catalog';
import { call, type Reply } from './http';

let t: DevTenant;
beforeAll(async () => {
  t = await startDevTenant({ licenseProcessingDelayMs: 5 });
});
afterAll(() => t.close());
beforeEach(() => t.reset());

const EVENTUAL = { ConsistencyLevel: 'eventual' };
const ADVANCED_MESSAGE =
  /required parameters might be missing\. Try adding \$count=true query parameter and ConsistencyLevel:eventual header/;

/** A Graph error body: code, message and innerError with the request ids (reference §0.1). */
function expectGraphError(r: Reply, status: number, code: string, message: string | RegExp): void {
  expect(r.status).toBe(status);
  expect(r.body).toEqual({
    error: {
      code,
      message: typeof message === 'string' ? message : expect.stringMatching(message),
      innerError: {
        date: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/),
        'request-id': expect.any(String),
        'client-request-id': expect.any(String),
      },
    },
  });
}

describe('OData cast on a membership list is an advanced query', () => {
  const jordan = persona('jordan');
  const roles = `/v1.0/users/${jordan.id}/transitiveMemberOf/microsoft.graph.directoryRole`;

  test('without ConsistencyLevel: eventual it is refused', async () => {
    const r = await call(t, 'GET', `${roles}?$count=true`);
    expectGraphError(r, 400, 'Request_UnsupportedQuery', ADVANCED_MESSAGE);
  });

  test('without $count=true it is refused', async () => {
    const r = await call(t, 'GET', roles, { headers: EVENTUAL });
    expectGraphError(r, 400, 'Request_UnsupportedQuery', ADVANCED_MESSAGE);
  });

  test('the cast to groups on memberOf is refused the same way', async () => {
    const r = await call(t, 'GET', `/v1.0/users/${jordan.id}/memberOf/microsoft.graph.group`);
    expectGraphError(r, 400, 'Request_UnsupportedQuery', ADVANCED_MESSAGE);
  });

  test('with both it answers, with the count', async () => {
    const r = await call(t, 'GET', `${roles}?$count=true`, { headers: EVENTUAL });
    expect(r.status).toBe(200);
    expect(r.body['@odata.count']).toBe(1);
    expect(r.body.value[0].roleTemplateId).toBe(ROLE_TEMPLATE.dragonAdministrator);
  });

  test('$select is honoured on the cast: only what was asked comes back', async () => {
    const r = await call(t, 'GET', `${roles}?$select=roleTemplateId&$count=true`, { headers: EVENTUAL });
    expect(r.status).toBe(200);
    expect(r.body.value).toEqual([{ roleTemplateId: ROLE_TEMPLATE.dragonAdministrator }]);
    expect(r.body['@odata.context']).toBe(`${t.url}/v1.0/$metadata#directoryRoles(roleTemplateId)`);
  });

  test('$select of a property directoryRole does not have is a 400 naming the type', async () => {
    const r = await call(t, 'GET', `${roles}?$select=roleTemplateId,usageLocation&$count=true`, {
      headers: EVENTUAL,
    });
    expectGraphError(
      r,
      400,
      'BadRequest',
      "Could not find a property named 'usageLocation' on type 'microsoft.graph.directoryRole'.",
    );
  });

  test('the uncast list needs no advanced parameters', async () => {
    const r = await call(t, 'GET', `/v1.0/users/${jordan.id}/transitiveMemberOf?$select=id`);
    expect(r.status).toBe(200);
    expect(r.body.value.length).toBeGreaterThan(0);
  });
});

describe("the documented /users('{userPrincipalName}') form", () => {
  const dana = persona('dana');

  test('answers like /users/{upn}', async () => {
    const r = await call(t, 'GET', `/v1.0/users('${dana.userPrincipalName}')?$select=id,displayName`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: dana.id, displayName: 'Dana Reyes' });
  });

  test('percent-encoded, as the client sends a UPN that starts with $', async () => {
    const key = encodeURIComponent(`'${dana.userPrincipalName}'`);
    const r = await call(t, 'GET', `/v1.0/users(${key})?$select=id`);
    expect(r.status).toBe(200);
    expect(r.body.id).toBe(dana.id);
  });

  test('a doubled quote inside the key is one quote', async () => {
    const r = await call(t, 'GET', `/v1.0/users('o''brien@contoso.example')`);
    expectGraphError(
      r,
      404,
      'Request_ResourceNotFound',
      "Resource 'o'brien@contoso.example' does not exist or one of its queried reference-property objects are not present.",
    );
  });
});

describe('GDAP: customer.tenantId is required, customer.displayName is read-only', () => {
  const base = '/v1.0/tenantRelationships/delegatedAdminRelationships';
  const offer = (extra: Record<string, unknown>) => ({
    displayName: `Offer ${Math.random().toString(36).slice(2, 10)}`,
    duration: 'P30D',
    accessDetails: { unifiedRoles: [{ roleDefinitionId: ROLE_TEMPLATE.helpdeskAdministrator }] },
    ...extra,
  });
  const customerTenant = '4b827261-d21f-4aa9-b7db-7fa1f56fb163';

  test('a customer without tenantId is refused', async () => {
    const r = await call(t, 'POST', base, { body: offer({ customer: { displayName: 'Contoso Health' } }) });
    expectGraphError(r, 400, 'BadRequest', /customer.*tenantId/);
  });

  test('no customer at all is accepted: any customer can approve it', async () => {
    const r = await call(t, 'POST', base, { body: offer({}) });
    expect(r.status).toBe(201);
    expect(r.body.customer).toBeNull();
  });

  test('a display name the partner sends is not taken as the customer name', async () => {
    const r = await call(t, 'POST', base, {
      body: offer({ customer: { tenantId: customerTenant, displayName: 'Made-up name' } }),
    });
    expect(r.status).toBe(201);
    expect(r.body.customer.tenantId).toBe(customerTenant);
    expect(r.body.customer.displayName).not.toBe('Made-up name');
    expect(r.body.id.startsWith(`${customerTenant}-`)).toBe(true);
  });
});

describe('advanced queries on /users (rules.ts ADVANCED_QUERIES)', () => {
  const dana = persona('dana');

  test('$count=true without ConsistencyLevel is ignored, not refused: no @odata.count', async () => {
    const plain = await call(t, 'GET', "/v1.0/users?$filter=startswith(displayName,'Dana')&$count=true");
    expect(plain.status).toBe(200);
    expect(plain.body['@odata.count']).toBeUndefined();
    const advanced = await call(t, 'GET', "/v1.0/users?$filter=startswith(displayName,'Dana')&$count=true", {
      headers: EVENTUAL,
    });
    expect(advanced.body['@odata.count']).toBe(advanced.body.value.length);
  });

  test('ne needs the advanced parameters', async () => {
    const q = `/v1.0/users?$filter=${encodeURIComponent(`id ne '${dana.id}'`)}&$count=true&$select=id`;
    expectGraphError(await call(t, 'GET', q), 400, 'Request_UnsupportedQuery', ADVANCED_MESSAGE);
    const ok = await call(t, 'GET', q, { headers: EVENTUAL });
    expect(ok.status).toBe(200);
    expect(ok.body.value.map((u: { id: string }) => u.id)).not.toContain(dana.id);
  });

  test('not needs the advanced parameters', async () => {
    const q = `/v1.0/users?$filter=${encodeURIComponent("not startswith(displayName,'Dana')")}`;
    expectGraphError(await call(t, 'GET', q), 400, 'Request_UnsupportedQuery', /^Operator 'not' is not supported/);
  });

  test('endsWith needs the advanced parameters, and works only on the indexed properties', async () => {
    const domain = dana.userPrincipalName.slice(dana.userPrincipalName.indexOf('@'));
    const q = `/v1.0/users?$filter=${encodeURIComponent(`endswith(userPrincipalName,'${domain}')`)}&$count=true`;
    expectGraphError(await call(t, 'GET', q), 400, 'Request_UnsupportedQuery', /^Operator 'endsWith'/);
    expect((await call(t, 'GET', q, { headers: EVENTUAL })).status).toBe(200);
    const byName = `/v1.0/users?$filter=${encodeURIComponent("endswith(displayName,'Reyes')")}&$count=true`;
    expectGraphError(
      await call(t, 'GET', byName, { headers: EVENTUAL }),
      400,
      'Request_UnsupportedQuery',
      "Unsupported or invalid query filter clause specified for property 'displayName' of resource 'User'.",
    );
  });

  test('$filter with $orderby needs the advanced parameters', async () => {
    const q = `/v1.0/users?$filter=${encodeURIComponent("startswith(displayName,'D')")}&$orderby=displayName&$count=true`;
    expectGraphError(await call(t, 'GET', q), 400, 'Request_UnsupportedQuery', ADVANCED_MESSAGE);
    expect((await call(t, 'GET', q, { headers: EVENTUAL })).status).toBe(200);
    expect((await call(t, 'GET', '/v1.0/users?$orderby=displayName')).status).toBe(200);
  });

  test('$skip is not supported on /users', async () => {
    expectGraphError(
      await call(t, 'GET', '/v1.0/users?$skip=1'),
      400,
      'Request_BadRequest',
      "'$skip' is not supported by the service.",
    );
  });

  test('an unknown $select field on a list is refused, on a members list too', async () => {
    expectGraphError(
      await call(t, 'GET', '/v1.0/users?$select=id,favouriteColour'),
      400,
      'BadRequest',
      "Could not find a property named 'favouriteColour' on type 'microsoft.graph.user'.",
    );
    const members = await call(t, 'GET', `/v1.0/groups/${NURSING_GROUP}/members?$select=id,favouriteColour`);
    expect(members.status).toBe(400);
    expect(members.body.error.message).toMatch(/favouriteColour/);
  });

  test('inside $batch, the advanced parameters travel in the inner request', async () => {
    const url = `/users/${dana.id}/transitiveMemberOf/microsoft.graph.directoryRole?$count=true`;
    const r = await call(t, 'POST', '/v1.0/$batch', {
      body: {
        requests: [
          { id: '1', method: 'GET', url },
          { id: '2', method: 'GET', url, headers: { ConsistencyLevel: 'eventual' } },
        ],
      },
    });
    expect(r.status).toBe(200);
    const byId = Object.fromEntries(r.body.responses.map((x: { id: string }) => [x.id, x]));
    expect(byId['1'].status).toBe(400);
    expect(byId['1'].body.error.code).toBe('Request_UnsupportedQuery');
    expect(byId['2'].status).toBe(200);
  });
});

const NURSING_GROUP = '11111111-aaaa-4aaa-8aaa-000000000001';

describe('request bodies: required, read-only and unknown properties (rules.ts BodyRules)', () => {
  const dana = persona('dana');
  const group = { displayName: 'Strictness', mailEnabled: false, mailNickname: 'strictness', securityEnabled: true };

  test('POST /groups: an unknown property is refused with the OData text', async () => {
    expectGraphError(
      await call(t, 'POST', '/v1.0/groups', { body: { ...group, isRoleAssignable: true } }),
      400,
      'BadRequest',
      "The property 'isRoleAssignable' does not exist on type 'microsoft.graph.group'. Make sure to only use property names that are defined by the type or mark the type as open type.",
    );
  });

  test('POST /groups: a read-only property is refused', async () => {
    expectGraphError(
      await call(t, 'POST', '/v1.0/groups', { body: { ...group, createdDateTime: '2020-01-01T00:00:00Z' } }),
      400,
      'BadRequest',
      "Property 'createdDateTime' is read-only and cannot be set.",
    );
  });

  test('POST /groups: each of the four required properties is required', async () => {
    for (const missing of Object.keys(group)) {
      const body: Record<string, unknown> = { ...group };
      delete body[missing];
      const r = await call(t, 'POST', '/v1.0/groups', { body });
      expectGraphError(r, 400, 'BadRequest', `The property '${missing}' is required on type 'microsoft.graph.group'.`);
    }
    expect((await call(t, 'POST', '/v1.0/groups', { body: group })).status).toBe(201);
  });

  test('assignLicense: a misspelt parameter is refused, not ignored', async () => {
    const r = await call(t, 'POST', `/v1.0/users/${dana.id}/assignLicense`, {
      body: { addLicenses: [], removeLicenses: [], removeLicences: ['x'] },
    });
    expectGraphError(r, 400, 'BadRequest', /^The property 'removeLicences' does not exist/);
  });

  test('POST roleAssignments: an unknown property is refused', async () => {
    const r = await call(t, 'POST', '/v1.0/roleManagement/directory/roleAssignments', {
      body: {
        roleDefinitionId: ROLE_TEMPLATE.dragonAdministrator,
        principalId: dana.id,
        directoryScopeId: '/',
        scope: '/',
      },
    });
    expectGraphError(r, 400, 'BadRequest', /^The property 'scope' does not exist/);
  });

  describe('PIM for Groups assignmentScheduleRequests', () => {
    const url = '/v1.0/identityGovernance/privilegedAccess/group/assignmentScheduleRequests';
    const assign = {
      accessId: 'member',
      principalId: dana.id,
      groupId: '11111111-aaaa-4aaa-8aaa-000000000003',
      action: 'adminAssign',
      scheduleInfo: {
        startDateTime: new Date().toISOString(),
        expiration: { type: 'afterDuration', duration: 'PT2H' },
      },
    };

    test('adminAssign without scheduleInfo is refused', async () => {
      const { scheduleInfo: _omit, ...body } = assign;
      expectGraphError(
        await call(t, 'POST', url, { body }),
        400,
        'Request_BadRequest',
        "The property 'scheduleInfo' is required on type 'microsoft.graph.privilegedAccessGroupAssignmentScheduleRequest'.",
      );
    });

    test('groupId is required', async () => {
      const { groupId: _omit, ...body } = assign;
      expectGraphError(await call(t, 'POST', url, { body }), 400, 'BadRequest', /^The property 'groupId' is required/);
    });

    test('a read-only property (status) is refused', async () => {
      expectGraphError(
        await call(t, 'POST', url, { body: { ...assign, status: 'Provisioned' } }),
        400,
        'BadRequest',
        "Property 'status' is read-only and cannot be set.",
      );
    });

    test('the complete request is accepted', async () => {
      expect((await call(t, 'POST', url, { body: assign })).status).toBe(201);
    });
  });

  test('GDAP: read-only status in a new relationship, and anything but action in a request, are refused', async () => {
    const base = '/v1.0/tenantRelationships/delegatedAdminRelationships';
    const rel = {
      displayName: 'Strictness',
      duration: 'P30D',
      accessDetails: { unifiedRoles: [{ roleDefinitionId: ROLE_TEMPLATE.helpdeskAdministrator }] },
    };
    expectGraphError(
      await call(t, 'POST', base, { body: { ...rel, status: 'active' } }),
      400,
      'BadRequest',
      "Property 'status' is read-only and cannot be set.",
    );
    const created = await call(t, 'POST', base, { body: rel });
    expect(created.status).toBe(201);
    expectGraphError(
      await call(t, 'POST', `${base}/${created.body.id}/requests`, {
        body: { action: 'lockForApproval', note: 'please' },
      }),
      400,
      'BadRequest',
      /^The property 'note' does not exist on type 'microsoft.graph.delegatedAdminRelationshipRequest'/,
    );
  });
});

describe('advanced queries on /groups', () => {
  test('ne on displayName needs the advanced parameters', async () => {
    const q = `/v1.0/groups?$filter=${encodeURIComponent("displayName ne 'x'")}&$count=true`;
    expectGraphError(await call(t, 'GET', q), 400, 'Request_UnsupportedQuery', ADVANCED_MESSAGE);
    expect((await call(t, 'GET', q, { headers: EVENTUAL })).status).toBe(200);
  });
});

describe('ARM: every resource type checks its api-version (rules.ts ARM_API_VERSIONS)', () => {
  const sub = '55555555-eeee-4eee-8eee-000000000001';
  const grace = persona('grace');
  const paths = [
    '/providers/Microsoft.ManagementPartner/partners',
    '/subscriptions',
    `/subscriptions/${sub}/providers/Microsoft.Authorization/roleAssignments`,
    `/subscriptions/${sub}/providers/Microsoft.Authorization/classicAdministrators`,
  ];

  test.each(paths)('%s: a version the provider does not have is 400 in ARM form', async (path) => {
    const r = await call(t, 'GET', `${path}?api-version=2099-01-01`, { token: `dev:${grace.id}` });
    expect(r.status).toBe(400);
    expect(r.body).toEqual({
      error: { code: 'InvalidApiVersionParameter', message: expect.stringContaining("'2099-01-01' is invalid") },
    });
  });

  test.each(paths)('%s: no api-version at all is 400 MissingApiVersionParameter', async (path) => {
    const r = await call(t, 'GET', path, { token: `dev:${grace.id}` });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('MissingApiVersionParameter');
  });
});
