/**
 * What the directory may answer from its short-lived cache (what is only shown: a greeting's name,
 * a SKU's id) and what it always reads fresh (anything that decides).
 */
import { ManualClock } from '../../src/clock';
import type { Config } from '../../src/config';
import { Directory } from '../../src/services/directory';
import type { SubscribedSku, TenantClient, TenantUser } from '../../src/tenant/types';

const ME = { id: 'u-1', tenantId: 't', name: 'Pat' };

function tenantCounting() {
  const calls: string[] = [];
  const user = (id: string): TenantUser => ({
    id,
    displayName: `Person ${id}`,
    givenName: 'Pat',
    userPrincipalName: `${id}@x`,
  });
  const skus: SubscribedSku[] = [
    {
      id: 's1',
      skuId: 'sku-nursing',
      skuPartNumber: 'NURSING',
      appliesTo: 'User',
      capabilityStatus: 'Enabled',
      consumedUnits: 1,
      prepaidUnits: { enabled: 10, lockedOut: 0, suspended: 0, warning: 0 },
    },
  ];
  const tenant = {
    getUser: async (id: string) => (calls.push(`getUser ${id}`), user(id)),
    listSubscribedSkus: async () => (calls.push('listSubscribedSkus'), skus),
    getUserRoleTemplateIds: async (id: string) => (calls.push(`roles ${id}`), []),
  } as unknown as TenantClient;
  return { tenant, calls };
}

const config = {
  licenses: { nursing: { skuPartNumber: 'NURSING' }, physician: { skuPartNumber: 'PHYSICIAN' } },
} as unknown as Config;

describe('Directory caching', () => {
  test('a greeting name is read once and then served from the cache until it is 30 s old', async () => {
    const { tenant, calls } = tenantCounting();
    const clock = new ManualClock();
    const d = new Directory(tenant, config, clock);
    await d.user('u-1', 'cached');
    await d.user('u-1', 'cached');
    clock.advance(29_000);
    await d.user('u-1', 'cached');
    expect(calls).toEqual(['getUser u-1']);
    clock.advance(2_000);
    await d.user('u-1', 'cached');
    expect(calls).toEqual(['getUser u-1', 'getUser u-1']);
  });

  test('resolving "me" for a draft shares the greeting\'s read; a decision after it reads again', async () => {
    const { tenant, calls } = tenantCounting();
    const d = new Directory(tenant, config, new ManualClock());
    expect((await d.user('u-1', 'cached'))?.givenName).toBe('Pat');
    await d.resolve('me', ME);
    await d.resolve('me', ME);
    expect(calls).toEqual(['getUser u-1']);
    await d.user('u-1');
    expect(calls).toEqual(['getUser u-1', 'getUser u-1']);
  });

  test.each([
    ['cached', ['getUser u-1', 'getUsers u-2,u-3']],
    ['fresh', ['getUser u-1', 'getUsers u-1,u-2,u-3']],
  ] as const)('users(…, %s) reads %j', async (reads, expected) => {
    const { tenant, calls } = tenantCounting();
    (tenant as unknown as { getUsers: (ids: string[]) => Promise<TenantUser[]> }).getUsers = async (ids) => {
      calls.push(`getUsers ${ids.join(',')}`);
      // u-3 does not exist: left out of the answer, as Graph's batch answers 404 for it.
      return ids.filter((id) => id !== 'u-3').map((id) => ({ id, displayName: id }) as TenantUser);
    };
    const d = new Directory(tenant, config, new ManualClock());
    await d.user('u-1', 'cached');
    const people = await d.users(['u-1', 'u-2', 'u-3', 'u-2'], reads);
    expect(people.map((p) => p.id)).toEqual(['u-1', 'u-2', 'u-2']);
    expect(calls).toEqual(expected);
    // What the batch read is now cached for the next draft.
    await d.user('u-2', 'cached');
    expect(calls).toEqual(expected);
  });

  test.each<[string, (d: Directory) => Promise<unknown>, string[]]>([
    [
      'nothing cached: one batched read, then the record and roles come from the cache',
      async () => undefined,
      ['getUserWithRoles u-1'],
    ],
    [
      'the record already cached: no batch (the roles are one read anyway)',
      (d) => d.user('u-1', 'cached'),
      ['getUser u-1', 'roles u-1'],
    ],
  ])('warmAsker, %s', async (_name, before, expected) => {
    const { tenant, calls } = tenantCounting();
    (tenant as unknown as Record<string, unknown>).getUserWithRoles = async (id: string) => {
      calls.push(`getUserWithRoles ${id}`);
      return { user: { id, displayName: 'Pat', givenName: 'Pat' }, roleTemplateIds: [] };
    };
    const d = new Directory(tenant, config, new ManualClock());
    await before(d);
    await d.warmAsker('u-1');
    await d.resolve('me', ME);
    await d.rolesOf('u-1', 'cached');
    expect(calls).toEqual(expected);
  });

  test('warmAsker: a failed batch is left for the reads after it, which read again', async () => {
    const { tenant, calls } = tenantCounting();
    (tenant as unknown as Record<string, unknown>).getUserWithRoles = async () => {
      calls.push('getUserWithRoles');
      throw new Error('503');
    };
    const d = new Directory(tenant, config, new ManualClock());
    await d.warmAsker('u-1');
    expect((await d.user('u-1', 'cached'))?.id).toBe('u-1');
    expect(calls).toEqual(['getUserWithRoles', 'getUser u-1']);
  });

  test('group owners: routing a request may reuse a read from the last 30 s; a decision reads them again', async () => {
    const { tenant, calls } = tenantCounting();
    (tenant as unknown as Record<string, unknown>).listGroupOwners = async (id: string) => (
      calls.push(`owners ${id}`),
      []
    );
    const clock = new ManualClock();
    const d = new Directory(tenant, config, clock);
    await d.groupOwners('g-1', 'cached');
    await d.groupOwners('g-1', 'cached');
    expect(calls).toEqual(['owners g-1']);
    await d.groupOwners('g-1');
    expect(calls).toEqual(['owners g-1', 'owners g-1']);
    clock.advance(31_000);
    await d.groupOwners('g-1', 'cached');
    expect(calls).toEqual(['owners g-1', 'owners g-1', 'owners g-1']);
  });

  test('a person read for a decision is always read', async () => {
    const { tenant, calls } = tenantCounting();
    const d = new Directory(tenant, config, new ManualClock());
    await d.user('u-1', 'cached');
    await d.user('u-1');
    await d.user('u-1');
    await d.rolesOf('u-1');
    await d.rolesOf('u-1');
    expect(calls).toEqual(['getUser u-1', 'getUser u-1', 'getUser u-1', 'roles u-1', 'roles u-1']);
  });

  test('a SKU id survives invalidate(), seat counts do not', async () => {
    const { tenant, calls } = tenantCounting();
    const d = new Directory(tenant, config, new ManualClock());
    expect(await d.skuId('nursing')).toBe('sku-nursing');
    d.invalidate();
    expect(await d.skuId('nursing')).toBe('sku-nursing');
    expect(calls).toEqual(['listSubscribedSkus']);
    expect((await d.seats('cached')).nursing.free).toBe(9);
    expect(calls).toEqual(['listSubscribedSkus', 'listSubscribedSkus']);
  });

  test('a kind with no SKU is looked up again next time (it may be bought meanwhile)', async () => {
    const { tenant, calls } = tenantCounting();
    const d = new Directory(tenant, config, new ManualClock());
    expect(await d.skuId('physician')).toBeUndefined();
    d.invalidate();
    expect(await d.skuId('physician')).toBeUndefined();
    expect(calls).toEqual(['listSubscribedSkus', 'listSubscribedSkus']);
  });
});

describe('fresh reads asked for together', () => {
  function tenantWithOwners() {
    const calls: string[] = [];
    let owners = ['o-1'];
    const tenant = {
      listGroupOwners: async (g: string) => (calls.push(`owners ${g}`), owners.map((id) => ({ id }) as TenantUser)),
      getUserRoleTemplateIds: async (id: string) => (calls.push(`roles ${id}`), []),
    } as unknown as TenantClient;
    return { tenant, calls, setOwners: (ids: string[]) => (owners = ids) };
  }

  test('share one read, sent after all of them asked', async () => {
    const { tenant, calls } = tenantWithOwners();
    const d = new Directory(tenant, config, new ManualClock());
    const answers = await Promise.all(Array.from({ length: 20 }, () => d.groupOwners('g-1')));
    expect(answers.every((a) => a.map((o) => o.id).join() === 'o-1')).toBe(true);
    await Promise.all([d.rolesOf('u-1', 'fresh'), d.rolesOf('u-1', 'fresh')]);
    expect(calls).toEqual(['owners g-1', 'roles u-1']);
  });

  test('never join a read already on its way: a later asker sees a change made meanwhile', async () => {
    const { tenant, calls, setOwners } = tenantWithOwners();
    const d = new Directory(tenant, config, new ManualClock());
    const first = d.groupOwners('g-1');
    await new Promise((r) => setImmediate(r)); // the first read has been sent
    setOwners(['o-2']);
    const second = await d.groupOwners('g-1');
    expect((await first).map((o) => o.id)).toEqual(['o-1']);
    expect(second.map((o) => o.id)).toEqual(['o-2']);
    expect(calls).toEqual(['owners g-1', 'owners g-1']);
  });

  test('reads of different things are not shared', async () => {
    const { tenant, calls } = tenantWithOwners();
    const d = new Directory(tenant, config, new ManualClock());
    await Promise.all([d.groupOwners('g-1'), d.groupOwners('g-2')]);
    expect(calls.sort()).toEqual(['owners g-1', 'owners g-2']);
  });
});
