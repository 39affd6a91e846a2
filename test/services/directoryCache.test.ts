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
  const user = (id: string): TenantUser => ({ id, displayName: `Person ${id}`, givenName: 'Pat', userPrincipalName: `${id}@x` }) as TenantUser;
  const skus: SubscribedSku[] = [
    { id: 's1', skuId: 'sku-nursing', skuPartNumber: 'NURSING', appliesTo: 'User', capabilityStatus: 'Enabled', consumedUnits: 1, prepaidUnits: { enabled: 10, lockedOut: 0, suspended: 0, warning: 0 } },
  ];
  const tenant = {
    getUser: async (id: string) => (calls.push(`getUser ${id}`), user(id)),
    listSubscribedSkus: async () => (calls.push('listSubscribedSkus'), skus),
    getUserRoleTemplateIds: async (id: string) => (calls.push(`roles ${id}`), []),
  } as unknown as TenantClient;
  return { tenant, calls };
}

const config = { licenses: { nursing: { skuPartNumber: 'NURSING' }, physician: { skuPartNumber: 'PHYSICIAN' } } } as unknown as Config;

describe('Directory caching', () => {
  test('a greeting name is read once and then served from the cache until it is 30 s old', async () => {
    const { tenant, calls } = tenantCounting();
    const clock = new ManualClock();
    const d = new Directory(tenant, config, clock);
    await d.userForDisplay('u-1');
    await d.userForDisplay('u-1');
    clock.advance(29_000);
    await d.userForDisplay('u-1');
    expect(calls).toEqual(['getUser u-1']);
    clock.advance(2_000);
    await d.userForDisplay('u-1');
    expect(calls).toEqual(['getUser u-1', 'getUser u-1']);
  });

  test('"me" is always read fresh, and the greeting after it needs no read of its own', async () => {
    const { tenant, calls } = tenantCounting();
    const d = new Directory(tenant, config, new ManualClock());
    await d.resolve('me', ME);
    await d.resolve('me', ME);
    expect((await d.userForDisplay('u-1'))?.givenName).toBe('Pat');
    expect(calls).toEqual(['getUser u-1', 'getUser u-1']);
  });

  test('a person read for a decision is always read', async () => {
    const { tenant, calls } = tenantCounting();
    const d = new Directory(tenant, config, new ManualClock());
    await d.userForDisplay('u-1');
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
    expect((await d.seats(false)).nursing.free).toBe(9);
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
    await Promise.all([d.rolesOf('u-1', true), d.rolesOf('u-1', true)]);
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
