/**
 * GraphTenantClient against a real dev tenant (Graph and ARM wire format on 127.0.0.1:0), seeded
 * with the Contoso Health fixture. Each test gets a fresh tenant, so writes never leak between tests.
 */
import type { TokenCredential } from '@azure/identity';
import { ROLE_TEMPLATE } from '../../src/domain/catalog';
import { loadFixture, persona } from '../../src/devtenant/fixture';
import { startDevTenant } from '../../src/devtenant/server';
import { explainTenantError, tenantErrorKind } from '../../src/tenant/errors';
import { GraphTenantClient } from '../../src/tenant/graphClient';
import { httpFetch, type FetchLike } from '../../src/tenant/httpTransport';
import { createTenantClient } from '../../src/tenant/index';
import { devTokenSource } from '../../src/tenant/tokens';
import { TenantError, type BatchRequest } from '../../src/tenant/types';

type DevTenant = Awaited<ReturnType<typeof startDevTenant>>;

const NURSING_SKU = '22222222-bbbb-4bbb-8bbb-000000000001';
const PHYSICIAN_SKU = '22222222-bbbb-4bbb-8bbb-000000000002';
const NURSING_GROUP = '11111111-aaaa-4aaa-8aaa-000000000001';
const PHYSICIAN_GROUP = '11111111-aaaa-4aaa-8aaa-000000000002';
const DRAGON_ADMIN_GROUP = '11111111-aaaa-4aaa-8aaa-000000000003';
const PROD_SUBSCRIPTION = '55555555-eeee-4eee-8eee-000000000001';
const AZURE_OWNER_ROLE = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';

const MEMBER_REF = `/v1.0/groups/${NURSING_GROUP}/members/$ref`;

describe('GraphTenantClient against the dev tenant', () => {
  let dt: DevTenant;
  let sleeps: number[];

  function clientAs(identity = 'dev', fetch?: FetchLike): GraphTenantClient {
    return new GraphTenantClient({
      graphBaseUrl: dt.url,
      armBaseUrl: dt.url,
      tokens: devTokenSource(identity),
      sleep: async (ms) => void sleeps.push(ms),
      random: () => 0,
      fetch,
    });
  }

  interface Sent {
    method: string;
    url: string;
    headers: Record<string, string>;
    body: any;
  }

  /** A client whose every request is also written down, as it went on the wire. */
  function recordingClient(): { client: GraphTenantClient; sent: Sent[] } {
    const sent: Sent[] = [];
    const fetch: FetchLike = (input, init) => {
      const headers: Record<string, string> = {};
      const h = init?.headers;
      if (h instanceof Headers) h.forEach((v, k) => (headers[k.toLowerCase()] = v));
      else for (const [k, v] of Object.entries((h ?? {}) as Record<string, string>)) headers[k.toLowerCase()] = v;
      const text = typeof init?.body === 'string' ? init.body : undefined;
      sent.push({
        method: init?.method ?? 'GET',
        url: String(input),
        headers,
        body: text ? JSON.parse(text) : undefined,
      });
      return httpFetch(input, init);
    };
    return { client: clientAs('dev', fetch), sent };
  }

  beforeEach(async () => {
    dt = await startDevTenant({ port: 0 });
    sleeps = [];
  });
  afterEach(async () => {
    await dt.close();
  });

  describe('users', () => {
    it('reads roles through the directoryRole cast as the advanced query Graph requires', async () => {
      const { client, sent } = recordingClient();
      const jordan = persona('jordan');
      expect(await client.getUserRoleTemplateIds(jordan.id)).toEqual([ROLE_TEMPLATE.dragonAdministrator]);
      const withUser = await client.getUserWithRoles(jordan.id);
      expect(withUser.roleTemplateIds).toEqual([ROLE_TEMPLATE.dragonAdministrator]);
      const direct = sent.find((r) => r.url.includes('/microsoft.graph.directoryRole'))!;
      expect(direct.headers.consistencylevel).toBe('eventual');
      expect(new URL(direct.url).searchParams.get('$count')).toBe('true');
      const inner = sent
        .filter((r) => r.url.endsWith('/$batch'))
        .flatMap((r) => r.body.requests)
        .find((r: { url: string }) => r.url.includes('/microsoft.graph.directoryRole'));
      expect(inner.headers).toMatchObject({ ConsistencyLevel: 'eventual' });
      expect(inner.url).toContain('$count=true');
    });

    it("reads a user whose UPN starts with $ through Graph's /users('…') form", async () => {
      const fixture = loadFixture('contoso-health');
      const dana = fixture.users.find((u) => u.alias === 'dana')!;
      dana.userPrincipalName = `$${dana.userPrincipalName}`;
      await dt.close();
      dt = await startDevTenant({ port: 0, fixture });
      const user = await clientAs().getUser(dana.userPrincipalName);
      expect(user).toMatchObject({ id: dana.id, userPrincipalName: dana.userPrincipalName });
      expect(dt.calls.list({ method: 'GET' }).map((c) => c.path)).toContain(`/v1.0/users/${dana.userPrincipalName}`);
    });

    it('gets a user by id and by UPN with the license and location fields', async () => {
      const dana = persona('dana');
      const byId = await clientAs().getUser(dana.id);
      const byUpn = await clientAs().getUser(dana.userPrincipalName);
      expect(byId).toMatchObject({ id: dana.id, displayName: 'Dana Reyes', usageLocation: 'US', accountEnabled: true });
      expect(Array.isArray(byId?.licenseAssignmentStates)).toBe(true);
      expect(byUpn?.id).toBe(dana.id);
    });

    it('gets a guest by a UPN containing #EXT#', async () => {
      const tomas = persona('tomas');
      expect((await clientAs().getUser(tomas.userPrincipalName))?.id).toBe(tomas.id);
    });

    it('returns undefined for an unknown user (404)', async () => {
      expect(await clientAs().getUser('99999999-0000-4000-8000-000000000000')).toBeUndefined();
      expect(await clientAs().getUser('nobody@contosohealth.onmicrosoft.com')).toBeUndefined();
    });

    it('finds people with $search: "Dana" → 2, "Reyes" → 1', async () => {
      const dana = await clientAs().findUsers('Dana');
      expect(dana.map((u) => u.id).sort()).toEqual([persona('dana').id, persona('danak').id].sort());
      const reyes = await clientAs().findUsers('Reyes');
      expect(reyes.map((u) => u.id)).toEqual([persona('dana').id]);
      expect(await clientAs().findUsers('Zzyzx')).toEqual([]);
    });

    it('sends ConsistencyLevel: eventual, without which the tenant refuses $search', async () => {
      const q = `$search=${encodeURIComponent('"displayName:Dana"')}&$count=true`;
      const refused = await fetch(`${dt.url}/v1.0/users?${q}`, { headers: { Authorization: 'Bearer dev' } });
      expect(refused.status).toBe(400);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('Request_UnsupportedQuery');
      await expect(clientAs().findUsers('Dana')).resolves.toHaveLength(2);
    });

    it('looks up an exact UPN directly, without a search', async () => {
      const dana = persona('dana');
      const found = await clientAs().findUsers(dana.userPrincipalName);
      expect(found.map((u) => u.id)).toEqual([dana.id]);
      expect(dt.calls.count({ path: /^\/v1\.0\/users$/ })).toBe(0);
    });

    it('getUsers batches 20 ids per call and skips unknown ids', async () => {
      const all = [
        'dana',
        'danak',
        'patel',
        'sam',
        'lee',
        'nina',
        'omar',
        'grace',
        'leo',
        'uma',
        'bianca',
        'ravi',
        'jordan',
        'morgan',
        'tomas',
        'ivy',
        'ken',
        'maria',
        'alan',
        'chris',
        'eli',
        'nurse1',
        'nurse2',
        'nurse3',
      ].map((a) => persona(a).id);
      const users = await clientAs().getUsers([...all, '99999999-0000-4000-8000-000000000000']);
      expect(users.map((u) => u.id)).toEqual(all);
      expect(dt.calls.count({ path: '/v1.0/$batch', inBatch: false })).toBe(2);
    });

    it('reads directory roles: Global Admin directly, Dragon Admin through a role-assignable group', async () => {
      expect(await clientAs().getUserRoleTemplateIds(persona('grace').id)).toContain(ROLE_TEMPLATE.globalAdministrator);
      expect(await clientAs().getUserRoleTemplateIds(persona('jordan').id)).toContain(
        ROLE_TEMPLATE.dragonAdministrator,
      );
      expect(await clientAs().getUserRoleTemplateIds(persona('dana').id)).toEqual([]);
    });

    it.each(['grace', 'jordan', 'dana'])(
      "reads %s's record and roles together in one $batch, as the two reads would",
      async (alias) => {
        const id = persona(alias).id;
        const c = clientAs();
        const apart = { user: await c.getUser(id), roleTemplateIds: await c.getUserRoleTemplateIds(id) };
        dt.calls.reset();
        expect(await c.getUserWithRoles(id)).toEqual(apart);
        expect(dt.calls.count({ inBatch: false })).toBe(1);
      },
    );

    it('someone who does not exist: no record and no roles, not an error', async () => {
      expect(await clientAs().getUserWithRoles('00000000-0000-4000-8000-0000000000ff')).toEqual({
        user: undefined,
        roleTemplateIds: [],
      });
    });

    it('reads group memberships, transitively, as group ids only', async () => {
      expect(await clientAs().getUserGroupIds(persona('maria').id)).toContain(NURSING_GROUP);
      expect(await clientAs().getUserGroupIds(persona('jordan').id)).toContain(DRAGON_ADMIN_GROUP);
    });
  });

  describe('groups', () => {
    it('adds a member once: true, then false for the documented "already exist" 400', async () => {
      const c = clientAs();
      const dana = persona('dana').id;
      expect(await c.addGroupMember(NURSING_GROUP, dana)).toBe(true);
      expect(await c.addGroupMember(NURSING_GROUP, dana)).toBe(false);
      expect((await c.listGroupMembers(NURSING_GROUP)).map((m) => m.id)).toContain(dana);
    });

    it('removes a member: true, then false when no longer a member', async () => {
      const c = clientAs();
      const maria = persona('maria').id;
      expect(await c.removeGroupMember(NURSING_GROUP, maria)).toBe(true);
      expect(await c.removeGroupMember(NURSING_GROUP, maria)).toBe(false);
      expect((await c.listGroupMembers(NURSING_GROUP)).map((m) => m.id)).not.toContain(maria);
    });

    it('still throws when removing from a group that does not exist', async () => {
      await expect(
        clientAs().removeGroupMember('99999999-0000-4000-8000-00000000aaaa', persona('maria').id),
      ).rejects.toBeInstanceOf(TenantError);
    });

    it('lists members with their license states, and owners', async () => {
      const members = await clientAs().listGroupMembers(NURSING_GROUP);
      const maria = members.find((m) => m.id === persona('maria').id);
      expect(maria?.licenseAssignmentStates?.some((s) => s.assignedByGroup === NURSING_GROUP)).toBe(true);
      expect((await clientAs().listGroupOwners(NURSING_GROUP)).map((o) => o.id)).toEqual([persona('nina').id]);
    });

    it('gets a group by id and by name', async () => {
      const byId = await clientAs().getGroup(NURSING_GROUP);
      expect(byId?.displayName).toBe('Dragon Copilot Nursing');
      expect((await clientAs().findGroupByName('Dragon Copilot Nursing'))?.id).toBe(NURSING_GROUP);
      expect(await clientAs().findGroupByName("O'Brien's group")).toBeUndefined();
      expect(await clientAs().getGroup('99999999-0000-4000-8000-00000000aaaa')).toBeUndefined();
    });
  });

  describe('group administration', () => {
    it('creates a security group, adds an owner once, and licenses the group', async () => {
      const c = clientAs();
      const g = await c.createGroup({
        displayName: 'Dragon Pilot Ward 7',
        mailNickname: 'dragonward7',
        description: 'pilot',
      });
      expect(g).toMatchObject({ displayName: 'Dragon Pilot Ward 7', securityEnabled: true, mailEnabled: false });
      expect((await c.findGroupByName('Dragon Pilot Ward 7'))?.id).toBe(g.id);
      expect(await c.addGroupOwner(g.id, persona('nina').id)).toBe(true);
      expect(await c.addGroupOwner(g.id, persona('nina').id)).toBe(false);
      expect((await c.listGroupOwners(g.id)).map((o) => o.id)).toEqual([persona('nina').id]);
      await c.assignGroupLicense(g.id, [NURSING_SKU], []);
      expect((await c.getGroup(g.id))?.assignedLicenses?.map((l) => l.skuId)).toEqual([NURSING_SKU]);
    });

    it('creates, finds and deletes a directory role assignment; deleting twice is fine', async () => {
      const c = clientAs();
      const dana = persona('dana').id;
      const a = await c.createRoleAssignment(ROLE_TEMPLATE.dragonAdministrator, dana);
      expect(a).toMatchObject({ principalId: dana, directoryScopeId: '/' });
      expect((await c.listRoleAssignments({ principalId: dana })).map((x) => x.id)).toContain(a.id);
      expect(await c.getUserRoleTemplateIds(dana)).toContain(ROLE_TEMPLATE.dragonAdministrator);
      await c.deleteRoleAssignment(a.id);
      await c.deleteRoleAssignment(a.id);
      expect(
        await c.listRoleAssignments({ principalId: dana, roleDefinitionId: ROLE_TEMPLATE.dragonAdministrator }),
      ).toEqual([]);
    });

    it('gives time-bound group membership through PIM for Groups', async () => {
      const c = clientAs();
      const dana = persona('dana').id;
      const r = await c.createGroupAssignmentSchedule({
        groupId: DRAGON_ADMIN_GROUP,
        principalId: dana,
        accessId: 'member',
        action: 'adminAssign',
        durationIso: 'PT8H',
        justification: 'Dragon go-live weekend',
      });
      expect(r.id).toBeTruthy();
      expect(r.status).toBe('Provisioned');
      expect(await c.getUserGroupIds(dana)).toContain(DRAGON_ADMIN_GROUP);
    });
  });

  describe('licensing', () => {
    it('lists the subscribed SKUs with seat counts', async () => {
      const skus = await clientAs().listSubscribedSkus();
      expect(skus.map((s) => s.skuPartNumber)).toEqual(
        expect.arrayContaining(['DRAGON_COPILOT_NURSING_TEST', 'DRAGON_COPILOT_PHYSICIAN_TEST']),
      );
      const nursing = skus.find((s) => s.skuId === NURSING_SKU);
      expect(nursing?.prepaidUnits.enabled).toBe(10);
      expect(typeof nursing?.consumedUnits).toBe('number');
    });

    it('maps "no usage location" to a TenantError with the Graph code and a plain explanation', async () => {
      const err = await clientAs()
        .assignLicense(persona('ivy').id, [NURSING_SKU], [])
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TenantError);
      const te = err as TenantError;
      expect(te).toMatchObject({ status: 400, code: 'Request_BadRequest' });
      expect(te.requestId).toBeTruthy();
      expect(tenantErrorKind(te)).toBe('invalid-usage-location');
      expect(explainTenantError(te)).toMatch(/usage location.*\[Request_BadRequest\]/);
    });

    it('maps "no seats" to a TenantError once every seat is taken', async () => {
      const c = clientAs();
      const sku = (await c.listSubscribedSkus()).find((s) => s.skuId === PHYSICIAN_SKU)!;
      let free = sku.prepaidUnits.enabled - sku.consumedUnits;
      const candidates = [
        'dana',
        'danak',
        'sam',
        'nina',
        'grace',
        'leo',
        'uma',
        'bianca',
        'ravi',
        'jordan',
        'morgan',
        'chris',
      ].map((a) => persona(a).id);
      let next = 0;
      while (free > 0) {
        await c.assignLicense(candidates[next++], [PHYSICIAN_SKU], []);
        free--;
      }
      const err = await c.assignLicense(candidates[next], [PHYSICIAN_SKU], []).catch((e: unknown) => e);
      expect(err).toMatchObject({ status: 400, code: 'Request_BadRequest' });
      expect(tenantErrorKind(err as TenantError)).toBe('no-seats');
      expect(explainTenantError(err)).toMatch(/no free seats.*\[Request_BadRequest\]/);
    });

    it('assigns a license directly and returns the user', async () => {
      const user = await clientAs().assignLicense(persona('dana').id, [NURSING_SKU], []);
      expect(user.id).toBe(persona('dana').id);
      const after = await clientAs().getUser(persona('dana').id);
      expect(after?.assignedLicenses?.map((l) => l.skuId)).toContain(NURSING_SKU);
    });

    it('lists the people who hold a license, including the license group members', async () => {
      const users = await clientAs().listUsersWithLicense(PHYSICIAN_SKU, PHYSICIAN_GROUP);
      const ids = users.map((u) => u.id);
      expect(ids).toEqual(expect.arrayContaining([persona('alan').id, persona('eli').id, persona('phys1').id]));
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).not.toContain(persona('ivy').id);
    });
  });

  describe('retries', () => {
    it('waits for the Retry-After of a 429, then succeeds', async () => {
      dt.faults.failNext({ method: 'GET', path: '/v1.0/subscribedSkus', count: 1, status: 429, retryAfterSeconds: 7 });
      await expect(clientAs().listSubscribedSkus()).resolves.not.toHaveLength(0);
      expect(dt.calls.count({ path: '/v1.0/subscribedSkus' })).toBe(2);
      expect(sleeps).toEqual([7000]);
    });

    it('backs off through two 503s, then succeeds', async () => {
      dt.faults.failNext({ method: 'GET', path: '/v1.0/subscribedSkus', count: 2, status: 503 });
      await expect(clientAs().listSubscribedSkus()).resolves.not.toHaveLength(0);
      expect(dt.calls.count({ path: '/v1.0/subscribedSkus' })).toBe(3);
      expect(sleeps).toEqual([500, 1000]);
    });

    it('gives up after four attempts with the last error', async () => {
      dt.faults.failNext({ method: 'GET', path: '/v1.0/subscribedSkus', count: 5, status: 503 });
      await expect(clientAs().listSubscribedSkus()).rejects.toMatchObject({ status: 503, code: 'ServiceUnavailable' });
      expect(dt.calls.count({ path: '/v1.0/subscribedSkus' })).toBe(4);
    });
  });

  describe('batch', () => {
    const outsiders = [
      'dana',
      'danak',
      'patel',
      'sam',
      'lee',
      'omar',
      'grace',
      'leo',
      'uma',
      'bianca',
      'ravi',
      'jordan',
      'morgan',
      'tomas',
      'ivy',
      'ken',
      'alan',
      'chris',
      'eli',
      'phys1',
      'phys2',
      'phys3',
      'phys4',
      'nina',
    ];
    const adds = (n: number): BatchRequest[] =>
      outsiders.slice(0, n).map((alias, i) => ({
        id: String(i + 1),
        method: 'POST',
        url: `/groups/${NURSING_GROUP}/members/$ref`,
        body: { '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${persona(alias).id}` },
      }));

    it('sends 20 adds in one HTTP request', async () => {
      const res = await clientAs().batch(adds(20));
      expect(dt.calls.count({ path: '/v1.0/$batch', inBatch: false })).toBe(1);
      expect(res.map((r) => r.status)).toEqual(Array(20).fill(204));
      expect(res.map((r) => r.id)).toEqual(adds(20).map((r) => r.id));
    });

    it('retries an inner 429 with its own Retry-After, resending only that request', async () => {
      dt.faults.failNext({ method: 'POST', path: MEMBER_REF, count: 1, status: 429, retryAfterSeconds: 3 });
      const res = await clientAs().batch(adds(20));
      expect(res.map((r) => r.status)).toEqual(Array(20).fill(204));
      expect(dt.calls.count({ path: '/v1.0/$batch', inBatch: false })).toBe(2);
      expect(dt.calls.count({ path: MEMBER_REF, inBatch: true })).toBe(21);
      expect(sleeps).toEqual([3000]);
      expect((await clientAs().listGroupMembers(NURSING_GROUP)).length).toBeGreaterThanOrEqual(20);
    });

    it('sends 25 requests as two HTTP requests', async () => {
      const res = await clientAs().batch(
        adds(24).concat([{ id: '25', method: 'GET', url: `/groups/${NURSING_GROUP}?$select=id` }]),
      );
      expect(dt.calls.count({ path: '/v1.0/$batch', inBatch: false })).toBe(2);
      expect(res).toHaveLength(25);
      expect(res[24]).toMatchObject({ id: '25', status: 200 });
    });
  });

  describe('Partner Admin Link (ARM)', () => {
    it('creates, reads, updates and deletes the link of the calling identity only', async () => {
      const dana = persona('dana').id;
      const asDana = clientAs(dana);
      expect(await asDana.getPartnerLink()).toBeUndefined();

      const created = await asDana.createPartnerLink('7654321');
      expect(created).toMatchObject({ partnerId: '7654321', objectId: dana, state: 'Active' });
      expect((await asDana.getPartnerLink())?.partnerId).toBe('7654321');

      // Keyed on the caller: Grace sees no link, Tomas still sees his own.
      expect(await clientAs(persona('grace').id).getPartnerLink()).toBeUndefined();
      expect((await clientAs(persona('tomas').id).getPartnerLink())?.partnerId).toBe('1234567');

      const updated = await asDana.updatePartnerLink('7654322');
      expect(updated.partnerId).toBe('7654322');

      await asDana.deletePartnerLink('7654322');
      expect(await asDana.getPartnerLink()).toBeUndefined();
    });
  });

  describe('Azure subscriptions (ARM)', () => {
    it('lists subscriptions and who holds roles on them', async () => {
      const subs = await clientAs().listSubscriptions();
      expect(subs.map((s) => s.subscriptionId)).toContain(PROD_SUBSCRIPTION);
      const all = await clientAs().listSubscriptionRoleAssignments(PROD_SUBSCRIPTION);
      expect(all.length).toBeGreaterThanOrEqual(3);
      const grace = await clientAs().listSubscriptionRoleAssignments(PROD_SUBSCRIPTION, persona('grace').id);
      expect(grace).toHaveLength(1);
      expect(grace[0].principalId).toBe(persona('grace').id);
      expect(grace[0].roleDefinitionId.toLowerCase()).toMatch(new RegExp(`/roledefinitions/${AZURE_OWNER_ROLE}$`));
    });
  });

  describe('GDAP (partner side)', () => {
    it('names the customer by tenant id only, and sends no customer when there is none', async () => {
      const { client, sent } = recordingClient();
      const tenantId = '4b827261-d21f-4aa9-b7db-7fa1f56fb163';
      const locked = await client.createGdapRelationship({
        displayName: 'Locked to one customer',
        duration: 'P30D',
        customerTenantId: tenantId,
        roleDefinitionIds: [ROLE_TEMPLATE.licenseAdministrator],
      });
      const open = await client.createGdapRelationship({
        displayName: 'Any customer may approve',
        duration: 'P30D',
        roleDefinitionIds: [ROLE_TEMPLATE.licenseAdministrator],
      });
      const creates = sent.filter((r) => r.method === 'POST' && r.url.endsWith('/delegatedAdminRelationships'));
      expect(creates.map((r) => r.body.customer)).toEqual([{ tenantId }, undefined]);
      expect(locked.customer?.tenantId).toBe(tenantId);
      expect(open.customer ?? null).toBeNull();
    });

    it('creates a relationship and locks it for customer approval', async () => {
      const c = clientAs();
      const rel = await c.createGdapRelationship({
        displayName: 'Contoso Health helpdesk',
        duration: 'P730D',
        roleDefinitionIds: [ROLE_TEMPLATE.helpdeskAdministrator],
      });
      expect(rel).toMatchObject({ displayName: 'Contoso Health helpdesk', status: 'created' });
      await c.lockGdapRelationshipForApproval(rel.id);
      await dt.settle();
      expect((await c.getGdapRelationship(rel.id))?.status).toBe('approvalPending');
      expect(
        await c.getGdapRelationship('00000000-0000-0000-0000-000000000000-00000000-0000-0000-0000-000000000000'),
      ).toBeUndefined();
    });
  });

  it('createTenantClient: dev mode talks to the dev tenant', async () => {
    await expect(createTenantClient({ mode: 'dev', devTenantUrl: dt.url }).ping()).resolves.toBeUndefined();
  });

  it('createTenantClient: production mode asks the credential for the Graph and ARM scopes', async () => {
    const scopes: string[] = [];
    const credential: TokenCredential = {
      getToken: async (scope) => {
        scopes.push(String(scope));
        return { token: 'dev', expiresOnTimestamp: Date.now() + 3600_000 };
      },
    };
    const c = createTenantClient({ mode: 'production', credential, graphBaseUrl: dt.url, armBaseUrl: dt.url });
    await c.ping();
    await c.listSubscriptions();
    expect(scopes).toEqual(['https://graph.microsoft.com/.default', 'https://management.azure.com/.default']);
  });

  it('ping succeeds against a running tenant and fails with a TenantError when it is gone', async () => {
    const c = clientAs();
    await expect(c.ping()).resolves.toBeUndefined();
    await dt.close();
    await expect(c.ping()).rejects.toMatchObject({ status: 0, code: 'NetworkError' });
    dt = await startDevTenant({ port: 0 }); // for afterEach
  });
});
