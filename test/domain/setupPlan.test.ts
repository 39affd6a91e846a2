/**
 * The set-up plan: for each best-practice item, in place (✅), to be created (➕) or needing
 * attention (⚠️), and only what the asker's roles allow is planned for them.
 */
import type { AdminRole } from '../../src/domain/catalog';
import { planSetup, type ObservedPart, type SetupPart } from '../../src/domain/setupPlan';

const NURSING_SKU = { skuId: '22222222-bbbb-4bbb-8bbb-000000000001', skuPartNumber: 'DRAGON_COPILOT_NURSING_TEST' };
const PHYSICIAN_SKU = { skuId: '22222222-bbbb-4bbb-8bbb-000000000002', skuPartNumber: 'DRAGON_COPILOT_PHYSICIAN_TEST' };

const complete: ObservedPart[] = [
  {
    part: 'nursing',
    sku: NURSING_SKU,
    group: {
      id: 'g1',
      displayName: 'Dragon Copilot Nursing',
      securityEnabled: true,
      ownerNames: ['Nina Okafor'],
      skuAssigned: true,
    },
  },
  {
    part: 'physician',
    sku: PHYSICIAN_SKU,
    group: {
      id: 'g2',
      displayName: 'Dragon Copilot Physicians',
      securityEnabled: true,
      ownerNames: ['Dr. Omar Haddad'],
      skuAssigned: true,
    },
  },
  {
    part: 'admin',
    group: {
      id: 'g3',
      displayName: 'Dragon Administrators',
      securityEnabled: true,
      isAssignableToRole: true,
      ownerNames: ['Morgan Price'],
      roleAssigned: true,
    },
  },
];
const empty: ObservedPart[] = [
  { part: 'nursing', sku: NURSING_SKU },
  { part: 'physician', sku: PHYSICIAN_SKU },
  { part: 'admin' },
];

const roles = (...r: AdminRole[]) => new Set<AdminRole>(r);
const steps = (observed: ObservedPart[], who: Set<AdminRole>) =>
  Object.fromEntries(planSetup(observed, who).items.map((i) => [i.part, i.steps.join(',')])) as Record<
    SetupPart,
    string
  >;

function withPart(base: ObservedPart[], part: ObservedPart): ObservedPart[] {
  return base.map((o) => (o.part === part.part ? part : o));
}

describe('planSetup', () => {
  test('a complete tenant is all in place and nothing is planned', () => {
    const plan = planSetup(complete, roles('globalAdministrator'));
    expect(plan.allInPlace).toBe(true);
    expect(plan.hasWork).toBe(false);
    expect(plan.items.flatMap((i) => i.lines).every((l) => l.startsWith('✅'))).toBe(true);
    expect(plan.items.flatMap((i) => i.lines).join('\n')).toMatch(/Owner: Morgan Price/);
  });

  test.each<[string, AdminRole[], Record<SetupPart, string>]>([
    [
      'a Global Administrator does everything',
      ['globalAdministrator'],
      {
        nursing: 'create-group,assign-sku,add-owner',
        physician: 'create-group,assign-sku,add-owner',
        admin: 'create-group,assign-role,add-owner',
      },
    ],
    [
      'a License Administrator does the license groups only',
      ['licenseAdministrator'],
      { nursing: 'create-group,assign-sku,add-owner', physician: 'create-group,assign-sku,add-owner', admin: '' },
    ],
    [
      'a Privileged Role Administrator does the admin group only',
      ['privilegedRoleAdministrator'],
      { nursing: '', physician: '', admin: 'create-group,assign-role,add-owner' },
    ],
    ['a User Administrator does nothing', ['userAdministrator'], { nursing: '', physician: '', admin: '' }],
  ])('empty tenant: %s', (_label, who, expected) => {
    expect(steps(empty, roles(...who))).toEqual(expected);
  });

  test('a part the asker may not run is shown as needing attention, with who can run it', () => {
    const plan = planSetup(empty, roles('licenseAdministrator'));
    const admin = plan.items.find((i) => i.part === 'admin')!;
    expect(admin.status).toBe('not-allowed');
    expect(admin.lines.some((l) => l.startsWith('➕'))).toBe(false);
    expect(admin.lines.join(' ')).toMatch(/Global Administrator or Privileged Role Administrator/);
    expect(plan.permissions.join(' ')).toMatch(
      /license groups: Global Administrator or License Administrator — you may\b/,
    );
    expect(plan.permissions.join(' ')).toMatch(/Dragon Administrators group: .* — you may not/);
  });

  test.each<[string, ObservedPart, string, RegExp]>([
    [
      'a group without an owner gets the asker as owner',
      { ...complete[0], group: { ...complete[0].group!, ownerNames: [] } },
      'add-owner',
      /no owner: make you its owner/,
    ],
    [
      'a group without its SKU gets it assigned',
      { ...complete[0], group: { ...complete[0].group!, skuAssigned: false } },
      'assign-sku',
      /Assign the Dragon Copilot nursing license/,
    ],
    [
      'an admin group without the role gets it',
      { ...complete[2], group: { ...complete[2].group!, roleAssigned: false } },
      'assign-role',
      /Give the group the Dragon Administrator role/,
    ],
  ])('%s', (_label, part, step, line) => {
    const plan = planSetup(withPart(complete, part), roles('globalAdministrator'));
    const item = plan.items.find((i) => i.part === part.part)!;
    expect(item.steps).toEqual([step]);
    expect(item.lines.join('\n')).toMatch(line);
    expect(plan.allInPlace).toBe(false);
  });

  test.each<[string, ObservedPart, RegExp]>([
    [
      'a configured id that does not exist',
      { part: 'nursing', sku: NURSING_SKU, configuredIdMissing: { variable: 'NURSING_GROUP_ID', id: 'x' } },
      /NURSING_GROUP_ID is set to x, but the tenant has no such group/,
    ],
    [
      'an admin group that is not role-assignable',
      {
        part: 'admin',
        group: {
          id: 'g3',
          displayName: 'Dragon Administrators',
          isAssignableToRole: false,
          ownerNames: ['Morgan Price'],
        },
      },
      /not role-assignable/,
    ],
    [
      'a license group that is not a security group',
      {
        part: 'physician',
        sku: PHYSICIAN_SKU,
        group: { id: 'g2', displayName: 'Dragon Copilot Physicians', securityEnabled: false, ownerNames: [] },
      },
      /not a security group/,
    ],
  ])('needs attention and plans nothing: %s', (_label, part, line) => {
    const plan = planSetup(withPart(complete, part), roles('globalAdministrator'));
    const item = plan.items.find((i) => i.part === part.part)!;
    expect(item.status).toBe('attention');
    expect(item.steps).toEqual([]);
    expect(item.lines.join('\n')).toMatch(line);
    expect(item.lines[0].startsWith('⚠️')).toBe(true);
  });

  test('no subscription for a kind: the group is still created, the missing SKU is flagged', () => {
    const plan = planSetup(withPart(empty, { part: 'physician' }), roles('globalAdministrator'));
    const item = plan.items.find((i) => i.part === 'physician')!;
    expect(item.steps).toEqual(['create-group', 'add-owner']);
    expect(item.lines.join('\n')).toMatch(/no Dragon Copilot physician subscription/);
  });
});
