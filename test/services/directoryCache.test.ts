/**
 * What the directory may answer from its short-lived cache (what is only shown: a greeting's name,
 * a SKU's id) and what it always reads fresh (anything that decides).
 */
import { ManualClock } from '../../src/clock';
import type { Config } from '../../src/config';
import { Directory } from '../../src/services/directory';
import {
  TenantError,
  type DirectoryAnswers,
  type DirectoryQuery,
  type ReadResult,
  type SubscribedSku,
  type TenantClient,
  type TenantUser,
} from '../../src/tenant/types';

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
  // u-3 does not exist.
  const exists = (id: string) => id !== 'u-3';
  const tenant = {
    getUser: async (id: string) => (calls.push(`getUser ${id}`), exists(id) ? user(id) : undefined),
    listSubscribedSkus: async () => (calls.push('listSubscribedSkus'), skus),
    getUserRoleTemplateIds: async (id: string) => (calls.push(`roles ${id}`), []),
    /** One call, logged with what it carried: "batch users u-1,u-2 rolesOf u-1". */
    readDirectory: async (q: DirectoryQuery): Promise<DirectoryAnswers> => {
      calls.push(
        `batch ${Object.entries(q)
          .filter(([, v]) => (Array.isArray(v) ? v.length : v))
          .map(([k, v]) => (Array.isArray(v) ? `${k} ${v.join(',')}` : k))
          .join(' ')}`,
      );
      if (failBatch) throw new Error('503');
      return {
        users: new Map((q.users ?? []).map((id) => [id, { value: exists(id) ? user(id) : undefined }])),
        rolesOf: new Map((q.rolesOf ?? []).map((id) => [id, { value: [] }])),
        groupIdsOf: new Map(),
        ownersOf: new Map(),
        membersOf: new Map(),
        groups: new Map(),
        find: new Map(),
        ...(q.subscribedSkus ? { subscribedSkus: { value: skus } } : {}),
      };
    },
  } as unknown as TenantClient;
  let failBatch = false;
  return { tenant, calls, failBatches: () => (failBatch = true) };
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
    ['cached', ['getUser u-1', 'batch users u-2,u-3']],
    ['fresh', ['getUser u-1', 'batch users u-1,u-2,u-3']],
  ] as const)('users(…, %s) reads %j', async (reads, expected) => {
    const { tenant, calls } = tenantCounting();
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
      ['batch users u-1 rolesOf u-1'],
    ],
    ['the record already cached: the roles alone', (d) => d.user('u-1', 'cached'), ['getUser u-1', 'roles u-1']],
  ])('warmAsker, %s', async (_name, before, expected) => {
    const { tenant, calls } = tenantCounting();
    const d = new Directory(tenant, config, new ManualClock());
    await before(d);
    await d.warmAsker('u-1');
    await d.resolve('me', ME);
    await d.rolesOf('u-1', 'cached');
    expect(calls).toEqual(expected);
  });

  test('warmAsker: a failed batch is left for the reads after it, which read again', async () => {
    const { tenant, calls, failBatches } = tenantCounting();
    failBatches();
    const d = new Directory(tenant, config, new ManualClock());
    await d.warmAsker('u-1');
    expect((await d.user('u-1', 'cached'))?.id).toBe('u-1');
    expect(calls).toEqual(['batch users u-1 rolesOf u-1', 'getUser u-1']);
  });

  test('reads asked for side by side go out in one batch; one asked for alone is the single read', async () => {
    const { tenant, calls } = tenantCounting();
    const d = new Directory(tenant, config, new ManualClock());
    const [seats, me, roles] = await Promise.all([d.seats('cached'), d.user('u-1'), d.rolesOf('u-2')]);
    expect([seats.nursing.free, me?.id, roles.size]).toEqual([9, 'u-1', 0]);
    await d.seats('fresh');
    expect(calls).toEqual(['batch users u-1 rolesOf u-2 subscribedSkus', 'listSubscribedSkus']);
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

  test('reads of different things are not shared, but go out together', async () => {
    const { tenant, calls } = tenantWithOwners();
    (tenant as unknown as Record<string, unknown>).readDirectory = async (q: DirectoryQuery) => {
      calls.push(`batch ownersOf ${(q.ownersOf ?? []).join(',')}`);
      return { ownersOf: new Map((q.ownersOf ?? []).map((g) => [g, { value: [{ id: `owner of ${g}` }] }])) };
    };
    const d = new Directory(tenant, config, new ManualClock());
    const owners = await Promise.all([d.groupOwners('g-1'), d.groupOwners('g-2')]);
    expect(owners.map((o) => o[0].id)).toEqual(['owner of g-1', 'owner of g-2']);
    expect(calls).toEqual(['batch ownersOf g-1,g-2']);
  });
});

describe("a role's holders", () => {
  test('each principal is read as a group, a person and a member list at once: one $batch for all', async () => {
    const calls: string[] = [];
    const person = (id: string) => ({ id, displayName: id }) as TenantUser;
    const notFound = { error: new TenantError(404, 'Request_ResourceNotFound', 'Not found') };
    const tenant = {
      listRoleAssignments: async () => (
        calls.push('assignments'),
        [
          { id: 'a-1', principalId: 'g-1', directoryScopeId: '/', roleDefinitionId: 'r' },
          { id: 'a-2', principalId: 'u-2', directoryScopeId: '/', roleDefinitionId: 'r' },
          { id: 'a-3', principalId: 'u-9', directoryScopeId: '/administrativeUnits/x', roleDefinitionId: 'r' },
        ]
      ),
      readDirectory: async (q: DirectoryQuery) => {
        calls.push(
          `batch groups ${q.groups?.join(',')} users ${q.users?.join(',')} membersOf ${q.membersOf?.join(',')}`,
        );
        return {
          groups: new Map([
            ['g-1', { value: { id: 'g-1', displayName: 'Dragon Administrators' } }],
            ['u-2', { value: undefined }],
          ]),
          users: new Map([
            ['g-1', { value: undefined }],
            ['u-2', { value: person('u-2') }],
          ]),
          membersOf: new Map<string, ReadResult<TenantUser[]>>([
            ['g-1', { value: [person('m-1'), { ...person('m-2'), accountEnabled: false }, person('u-2')] }],
            ['u-2', notFound],
          ]),
        };
      },
    } as unknown as TenantClient;
    const d = new Directory(tenant, config, new ManualClock());
    const holders = await d.roleHolders('globalAdministrator');
    // Enabled people, each once; an assignment scoped below the directory does not count.
    expect(holders.map((h) => h.id).sort()).toEqual(['m-1', 'u-2']);
    expect(calls).toEqual(['assignments', 'batch groups g-1,u-2 users g-1,u-2 membersOf g-1,u-2']);
  });
});
