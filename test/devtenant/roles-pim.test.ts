import { persona } from '../../src/devtenant/fixture';
import { startDevTenant, type DevTenant } from '../../src/devtenant/server';
import { ROLE_TEMPLATE } from '../../src/domain/catalog';
import { call } from './http';

/** A clock the test moves by hand. */
class TestClock {
  constructor(public at: Date) {}
  now(): Date {
    return new Date(this.at);
  }
  advance(ms: number): void {
    this.at = new Date(this.at.getTime() + ms);
  }
}

const clock = new TestClock(new Date('2026-03-02T09:00:00Z'));

/** A cast on a membership list is an advanced query (rules.ts). */
const ADVANCED = { headers: { ConsistencyLevel: 'eventual' } };
let t: DevTenant;
beforeAll(async () => {
  t = await startDevTenant({ clock, licenseProcessingDelayMs: 5 });
});
afterAll(() => t.close());
beforeEach(() => {
  clock.at = new Date('2026-03-02T09:00:00Z');
  t.reset();
});

const ADMIN_GROUP = '11111111-aaaa-4aaa-8aaa-000000000003';
const PARTNER_OPS = '11111111-aaaa-4aaa-8aaa-000000000004';
const NURSING_GROUP = '11111111-aaaa-4aaa-8aaa-000000000001';
const RA = '/v1.0/roleManagement/directory/roleAssignments';

describe('role definitions', () => {
  test("$filter=displayName eq 'Dragon Administrator' gives the built-in with id == templateId", async () => {
    const r = await call(
      t,
      'GET',
      "/v1.0/roleManagement/directory/roleDefinitions?$filter=displayName eq 'Dragon Administrator'",
    );
    expect(r.body.value).toEqual([
      expect.objectContaining({
        id: 'e93e3737-fa85-474a-aee4-7d3fb86510f3',
        templateId: 'e93e3737-fa85-474a-aee4-7d3fb86510f3',
        isBuiltIn: true,
        isEnabled: true,
      }),
    ]);
    const one = await call(
      t,
      'GET',
      `/v1.0/roleManagement/directory/roleDefinitions/${ROLE_TEMPLATE.licenseAdministrator}`,
    );
    expect(one.body.displayName).toBe('License Administrator');
  });
});

describe('role assignments', () => {
  test('filter by principalId, by roleDefinitionId, and both', async () => {
    const leo = persona('leo');
    const byPrincipal = await call(t, 'GET', `${RA}?$filter=principalId eq '${leo.id}'`);
    expect(byPrincipal.body.value).toEqual([
      expect.objectContaining({
        principalId: leo.id,
        roleDefinitionId: ROLE_TEMPLATE.licenseAdministrator,
        directoryScopeId: '/',
      }),
    ]);
    const byRole = await call(t, 'GET', `${RA}?$filter=roleDefinitionId eq '${ROLE_TEMPLATE.dragonAdministrator}'`);
    expect(byRole.body.value.map((a: { principalId: string }) => a.principalId)).toEqual([ADMIN_GROUP]);
    const both = await call(
      t,
      'GET',
      `${RA}?$filter=principalId eq '${leo.id}' and roleDefinitionId eq '${ROLE_TEMPLATE.globalAdministrator}'`,
    );
    expect(both.body.value).toEqual([]);
  });

  test('POST 201 with @odata.context, shows in transitiveMemberOf; DELETE 204 removes it', async () => {
    const patel = persona('patel');
    const r = await call(t, 'POST', RA, {
      body: {
        '@odata.type': '#microsoft.graph.unifiedRoleAssignment',
        roleDefinitionId: ROLE_TEMPLATE.dragonAdministrator,
        principalId: patel.id,
        directoryScopeId: '/',
      },
    });
    expect(r.status).toBe(201);
    expect(r.body['@odata.context']).toContain('$metadata#roleManagement/directory/roleAssignments/$entity');
    expect(r.body).toMatchObject({
      roleDefinitionId: ROLE_TEMPLATE.dragonAdministrator,
      principalId: patel.id,
      directoryScopeId: '/',
    });
    const roles = async () =>
      (
        await call(
          t,
          'GET',
          `/v1.0/users/${patel.id}/transitiveMemberOf/microsoft.graph.directoryRole?$count=true`,
          ADVANCED,
        )
      ).body.value.map((x: { roleTemplateId: string }) => x.roleTemplateId);
    expect(await roles()).toEqual([ROLE_TEMPLATE.dragonAdministrator]);
    expect((await call(t, 'DELETE', `${RA}/${r.body.id}`)).status).toBe(204);
    expect(await roles()).toEqual([]);
  });

  test('[U] a duplicate is 409 RoleAssignmentExists; an unknown principal or non-role-assignable group is 400', async () => {
    const dup = await call(t, 'POST', RA, {
      body: {
        roleDefinitionId: ROLE_TEMPLATE.globalAdministrator,
        principalId: persona('grace').id,
        directoryScopeId: '/',
      },
    });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('RoleAssignmentExists');
    const ghost = await call(t, 'POST', RA, {
      body: {
        roleDefinitionId: ROLE_TEMPLATE.globalAdministrator,
        principalId: '33333333-cccc-4ccc-8ccc-000000000999',
        directoryScopeId: '/',
      },
    });
    expect(ghost.status).toBe(400);
    const plainGroup = await call(t, 'POST', RA, {
      body: { roleDefinitionId: ROLE_TEMPLATE.dragonAdministrator, principalId: PARTNER_OPS, directoryScopeId: '/' },
    });
    expect(plainGroup.status).toBe(400);
    expect(plainGroup.body.error.message).toContain('role-assignable');
  });

  test('joining the role-assignable group grants the role; leaving it takes it away', async () => {
    const sam = persona('sam');
    const roles = async () =>
      (
        await call(
          t,
          'GET',
          `/v1.0/users/${sam.id}/transitiveMemberOf/microsoft.graph.directoryRole?$count=true`,
          ADVANCED,
        )
      ).body.value.length;
    await call(t, 'POST', `/v1.0/groups/${ADMIN_GROUP}/members/$ref`, {
      body: { '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${sam.id}` },
    });
    expect(await roles()).toBe(1);
    await call(t, 'DELETE', `/v1.0/groups/${ADMIN_GROUP}/members/${sam.id}/$ref`);
    expect(await roles()).toBe(0);
  });
});

describe('PIM for Groups', () => {
  const PIM = '/v1.0/identityGovernance/privilegedAccess/group';

  const assign = (principalId: string, groupId: string, duration: string) =>
    call(t, 'POST', `${PIM}/assignmentScheduleRequests`, {
      body: {
        accessId: 'member',
        principalId,
        groupId,
        action: 'adminAssign',
        scheduleInfo: { startDateTime: clock.now().toISOString(), expiration: { type: 'AfterDuration', duration } },
        justification: 'On call this week',
      },
    });

  const isMember = async (groupId: string, userId: string) =>
    (await call(t, 'GET', `/v1.0/groups/${groupId}/members?$select=id`)).body.value.some(
      (m: { id: string }) => m.id === userId,
    );

  test('a time-bound membership ends when the injected clock passes its end', async () => {
    const patel = persona('patel');
    const r = await assign(patel.id, ADMIN_GROUP, 'PT2H');
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      status: 'Provisioned',
      action: 'adminAssign',
      accessId: 'member',
      targetScheduleId: expect.stringMatching(new RegExp(`^${ADMIN_GROUP}_member_[0-9a-f-]{36}$`)),
      scheduleInfo: {
        expiration: { type: 'afterDuration', duration: 'PT2H', endDateTime: '2026-03-02T11:00:00.000Z' },
      },
    });
    expect(await isMember(ADMIN_GROUP, patel.id)).toBe(true);
    const roles = await call(
      t,
      'GET',
      `/v1.0/users/${patel.id}/transitiveMemberOf/microsoft.graph.directoryRole?$count=true`,
      ADVANCED,
    );
    expect(roles.body.value).toHaveLength(1);

    const schedules = await call(t, 'GET', `${PIM}/assignmentSchedules?$filter=groupId eq '${ADMIN_GROUP}'`);
    expect(schedules.body.value).toEqual([
      expect.objectContaining({
        principalId: patel.id,
        scheduleInfo: expect.objectContaining({
          expiration: expect.objectContaining({ endDateTime: '2026-03-02T11:00:00.000Z' }),
        }),
      }),
    ]);

    clock.advance(2 * 3600_000 - 1000);
    expect(await isMember(ADMIN_GROUP, patel.id)).toBe(true);
    clock.advance(1000);
    expect(await isMember(ADMIN_GROUP, patel.id)).toBe(false);
    const after = await call(
      t,
      'GET',
      `/v1.0/users/${patel.id}/transitiveMemberOf/microsoft.graph.directoryRole?$count=true`,
      ADVANCED,
    );
    expect(after.body.value).toEqual([]);
    const none = await call(t, 'GET', `${PIM}/assignmentSchedules?$filter=groupId eq '${ADMIN_GROUP}'`);
    expect(none.body.value).toEqual([]);
  });

  test('a license that came with a time-bound membership goes when it expires', async () => {
    const dana = persona('dana');
    await assign(dana.id, NURSING_GROUP, 'P1D');
    await t.settle();
    const held = async () =>
      (await call(t, 'GET', `/v1.0/users/${dana.id}?$select=assignedLicenses`)).body.assignedLicenses.some(
        (l: { skuId: string }) => l.skuId === '22222222-bbbb-4bbb-8bbb-000000000001',
      );
    expect(await held()).toBe(true);
    clock.advance(86_400_000);
    await call(t, 'GET', '/v1.0/organization'); // any request lets the tenant notice the time
    await t.settle();
    expect(await held()).toBe(false);
  });

  test('adminRemove ends it early; assigning twice is refused', async () => {
    const lee = persona('lee');
    await assign(lee.id, ADMIN_GROUP, 'PT8H');
    const twice = await assign(lee.id, ADMIN_GROUP, 'PT8H');
    expect(twice.status).toBe(400);
    const rm = await call(t, 'POST', `${PIM}/assignmentScheduleRequests`, {
      body: { accessId: 'member', principalId: lee.id, groupId: ADMIN_GROUP, action: 'adminRemove' },
    });
    expect(rm.status).toBe(201);
    expect(await isMember(ADMIN_GROUP, lee.id)).toBe(false);
  });

  test('assignmentSchedules requires a filter on groupId or principalId', async () => {
    const r = await call(t, 'GET', `${PIM}/assignmentSchedules`);
    expect(r.status).toBe(400);
  });
});
