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
