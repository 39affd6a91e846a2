import { persona } from '../../src/devtenant/fixture';
import { startDevTenant, type DevTenant } from '../../src/devtenant/server';
import { call, ref } from './http';

let t: DevTenant;
beforeAll(async () => {
  // Long enough that "not processed yet" is observable between two HTTP calls.
  t = await startDevTenant({ licenseProcessingDelayMs: 250 });
});
afterAll(() => t.close());
beforeEach(() => t.reset());

const TENANT = '7b1c1a40-0c5e-4d8a-9f7e-1c0a7e5a1e01';
const NURSING_SKU = '22222222-bbbb-4bbb-8bbb-000000000001';
const PHYSICIAN_SKU = '22222222-bbbb-4bbb-8bbb-000000000002';
const NURSING_GROUP = '11111111-aaaa-4aaa-8aaa-000000000001';
const PHYSICIAN_GROUP = '11111111-aaaa-4aaa-8aaa-000000000002';

async function consumed(skuId: string): Promise<number> {
  const r = await call(t, 'GET', `/v1.0/subscribedSkus/${TENANT}_${skuId}?$select=consumedUnits`);
  return r.body.consumedUnits;
}

async function states(userId: string, skuId: string) {
  const r = await call(t, 'GET', `/v1.0/users/${userId}?$select=assignedLicenses,licenseAssignmentStates`);
  return {
    assigned: r.body.assignedLicenses.some((l: { skuId: string }) => l.skuId === skuId),
    states: r.body.licenseAssignmentStates.filter((s: { skuId: string }) => s.skuId === skuId),
  };
}

const add = (groupId: string, userId: string) =>
  call(t, 'POST', `/v1.0/groups/${groupId}/members/$ref`, { body: ref(userId) });

describe('group-based licensing', () => {
  test('a new member becomes Active after processing, and consumedUnits moves by one', async () => {
    const dana = persona('dana');
    expect(await consumed(NURSING_SKU)).toBe(7);
    expect((await add(NURSING_GROUP, dana.id)).status).toBe(204);

    // Processing is asynchronous: nothing yet, and the group says it is queued.
    expect((await states(dana.id, NURSING_SKU)).states).toEqual([]);
    const g = await call(t, 'GET', `/v1.0/groups/${NURSING_GROUP}?$select=licenseProcessingState`);
    expect(g.body.licenseProcessingState).toEqual({ state: 'QueuedForProcessing' });

    await t.settle();
    const after = await states(dana.id, NURSING_SKU);
    expect(after.assigned).toBe(true);
    expect(after.states).toEqual([
      {
        assignedByGroup: NURSING_GROUP,
        disabledPlans: [],
        error: 'None',
        lastUpdatedDateTime: expect.any(String),
        skuId: NURSING_SKU,
        state: 'Active',
      },
    ]);
    expect(await consumed(NURSING_SKU)).toBe(8);
    const done = await call(t, 'GET', `/v1.0/groups/${NURSING_GROUP}?$select=licenseProcessingState`);
    expect(done.body.licenseProcessingState).toEqual({ state: 'ProcessingComplete' });
  });

  test('CountViolation when the seats run out; the earlier joiner gets the last seat', async () => {
    const patel = persona('patel');
    const lee = persona('lee');
    await add(PHYSICIAN_GROUP, patel.id);
    await add(PHYSICIAN_GROUP, lee.id);
    await t.settle();
    expect((await states(patel.id, PHYSICIAN_SKU)).states[0]).toMatchObject({ state: 'Active', error: 'None' });
    const leeState = await states(lee.id, PHYSICIAN_SKU);
    expect(leeState.assigned).toBe(false);
    expect(leeState.states[0]).toMatchObject({
      assignedByGroup: PHYSICIAN_GROUP,
      state: 'Error',
      error: 'CountViolation',
    });
    expect(await consumed(PHYSICIAN_SKU)).toBe(6);
    const errors = await call(t, 'GET', `/v1.0/groups/${PHYSICIAN_GROUP}/membersWithLicenseErrors?$select=id`);
    expect(errors.body.value.map((u: { id: string }) => u.id).sort()).toEqual([persona('eli').id, lee.id].sort());
  });

  test('removing a member frees the seat; a user with an Error is fixed by reprocessing', async () => {
    const eli = persona('eli');
    const phys1 = persona('phys1');
    await add(PHYSICIAN_GROUP, persona('patel').id); // takes the one free seat
    await t.settle();
    expect(await consumed(PHYSICIAN_SKU)).toBe(6);

    expect((await call(t, 'DELETE', `/v1.0/groups/${PHYSICIAN_GROUP}/members/${phys1.id}/$ref`)).status).toBe(204);
    await t.settle();
    expect((await states(phys1.id, PHYSICIAN_SKU)).states).toEqual([]);
    expect(await consumed(PHYSICIAN_SKU)).toBe(5);
    // Entra does not retry an existing error on its own.
    expect((await states(eli.id, PHYSICIAN_SKU)).states[0].state).toBe('Error');

    const re = await call(t, 'POST', `/v1.0/users/${eli.id}/reprocessLicenseAssignment`);
    expect(re.status).toBe(200);
    await t.settle();
    expect((await states(eli.id, PHYSICIAN_SKU)).states[0]).toMatchObject({ state: 'Active', error: 'None' });
    expect(await consumed(PHYSICIAN_SKU)).toBe(6);
  });

  test('a user who already holds the SKU directly takes no extra seat from the group', async () => {
    const alan = persona('alan');
    await add(PHYSICIAN_GROUP, alan.id);
    await t.settle();
    expect(await consumed(PHYSICIAN_SKU)).toBe(5);
    expect((await states(alan.id, PHYSICIAN_SKU)).states).toHaveLength(2);
  });

  test('group assignLicense: 202 with the group and a Location header, then members are licensed', async () => {
    const r = await call(t, 'POST', '/v1.0/groups/11111111-aaaa-4aaa-8aaa-000000000004/assignLicense', {
      body: { addLicenses: [{ skuId: NURSING_SKU, disabledPlans: [] }], removeLicenses: [] },
    });
    expect(r.status).toBe(202);
    expect(r.headers.get('location')).toContain(
      '/directoryObjects/11111111-aaaa-4aaa-8aaa-000000000004/Microsoft.DirectoryServices.Group',
    );
    expect(r.body.assignedLicenses).toEqual([{ skuId: NURSING_SKU, disabledPlans: [] }]);
    await t.settle();
    expect((await states(persona('tomas').id, NURSING_SKU)).assigned).toBe(true);
    expect(await consumed(NURSING_SKU)).toBe(8);
  });
});

describe('direct assignLicense', () => {
  const body = (skuId: string) => ({ addLicenses: [{ skuId, disabledPlans: [] }], removeLicenses: [] });

  test('200 with the user and assignedLicenses; a direct Active state is written', async () => {
    const sam = persona('sam');
    const r = await call(t, 'POST', `/v1.0/users/${sam.id}/assignLicense`, { body: body(PHYSICIAN_SKU) });
    expect(r.status).toBe(200);
    expect(r.body.id).toBe(sam.id);
    expect(r.body.assignedLicenses).toContainEqual({ skuId: PHYSICIAN_SKU, disabledPlans: [] });
    expect((await states(sam.id, PHYSICIAN_SKU)).states).toEqual([
      expect.objectContaining({ assignedByGroup: null, state: 'Active' }),
    ]);
    expect(await consumed(PHYSICIAN_SKU)).toBe(6);
  });

  test('no usage location → 400', async () => {
    const r = await call(t, 'POST', `/v1.0/users/${persona('ivy').id}/assignLicense`, { body: body(NURSING_SKU) });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({
      code: 'Request_BadRequest',
      message: 'License assignment cannot be done for user with invalid usage location.',
    });
  });

  test('no seats left → 400 naming the SKU', async () => {
    await call(t, 'POST', `/v1.0/users/${persona('sam').id}/assignLicense`, { body: body(PHYSICIAN_SKU) });
    const r = await call(t, 'POST', `/v1.0/users/${persona('lee').id}/assignLicense`, { body: body(PHYSICIAN_SKU) });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toBe(`Subscription with SKU ${PHYSICIAN_SKU} does not have any available licenses.`);
  });

  test('checks run in the documented order: user, SKU, usage location, seats', async () => {
    const unknownUser = await call(t, 'POST', '/v1.0/users/33333333-cccc-4ccc-8ccc-000000000999/assignLicense', {
      body: body('00000000-0000-0000-0000-000000000000'),
    });
    expect(unknownUser.status).toBe(404);
    const badSku = await call(t, 'POST', `/v1.0/users/${persona('ivy').id}/assignLicense`, {
      body: body('00000000-0000-0000-0000-000000000000'),
    });
    expect(badSku.body.error.message).toBe(
      'License 00000000-0000-0000-0000-000000000000 does not correspond to a valid company License.',
    );
  });

  test('[U] both addLicenses and removeLicenses are required', async () => {
    const r = await call(t, 'POST', `/v1.0/users/${persona('sam').id}/assignLicense`, {
      body: { addLicenses: [{ skuId: PHYSICIAN_SKU, disabledPlans: [] }] },
    });
    expect(r.status).toBe(400);
  });

  test('removing a direct license frees its seat', async () => {
    const alan = persona('alan');
    const r = await call(t, 'POST', `/v1.0/users/${alan.id}/assignLicense`, {
      body: { addLicenses: [], removeLicenses: [PHYSICIAN_SKU] },
    });
    expect(r.status).toBe(200);
    expect(r.body.assignedLicenses.map((l: { skuId: string }) => l.skuId)).not.toContain(PHYSICIAN_SKU);
    expect(await consumed(PHYSICIAN_SKU)).toBe(4);
  });
});

describe('GET /subscribedSkus', () => {
  test('fields exactly as Graph returns them, consumedUnits derived', async () => {
    const r = await call(t, 'GET', '/v1.0/subscribedSkus');
    expect(r.status).toBe(200);
    expect(r.body['@odata.context']).toBe(`${t.url}/v1.0/$metadata#subscribedSkus`);
    const nursing = r.body.value.find((s: { skuId: string }) => s.skuId === NURSING_SKU);
    expect(Object.keys(nursing).sort()).toEqual(
      [
        'accountId',
        'accountName',
        'appliesTo',
        'capabilityStatus',
        'consumedUnits',
        'id',
        'prepaidUnits',
        'servicePlans',
        'skuId',
        'skuPartNumber',
        'subscriptionIds',
      ].sort(),
    );
    expect(nursing).toMatchObject({
      id: `${TENANT}_${NURSING_SKU}`,
      skuPartNumber: 'DRAGON_COPILOT_NURSING_TEST',
      appliesTo: 'User',
      capabilityStatus: 'Enabled',
      consumedUnits: 7,
      prepaidUnits: { enabled: 10, lockedOut: 0, suspended: 0, warning: 0 },
    });
    expect(nursing.servicePlans[0]).toEqual(
      expect.objectContaining({
        servicePlanId: expect.any(String),
        servicePlanName: expect.any(String),
        provisioningStatus: 'Success',
      }),
    );
  });

  test('$filter is refused', async () => {
    const r = await call(t, 'GET', "/v1.0/subscribedSkus?$filter=skuPartNumber eq 'X'");
    expect(r.status).toBe(400);
    expect(r.body.error.message).toContain("Query filter expressions aren't supported");
  });

  test('licenseDetails lists what the user holds', async () => {
    const r = await call(t, 'GET', `/v1.0/users/${persona('maria').id}/licenseDetails`);
    expect(r.body.value.map((d: { skuPartNumber: string }) => d.skuPartNumber).sort()).toEqual([
      'DRAGON_COPILOT_NURSING_TEST',
      'M365_E5_TEST',
    ]);
  });
});
