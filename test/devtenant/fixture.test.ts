import { fixtureProblems, loadFixture, persona, personas, type Fixture } from '../../src/devtenant/fixture';
import { ROLE_TEMPLATE } from '../../src/domain/catalog';

const NURSING = '22222222-bbbb-4bbb-8bbb-000000000001';
const PHYSICIAN = '22222222-bbbb-4bbb-8bbb-000000000002';
const active = (f: Fixture, sku: string) =>
  f.users.filter((u) => u.licenseAssignmentStates.some((s) => s.skuId === sku && s.state === 'Active')).length;

describe('Contoso Health fixture', () => {
  const f = loadFixture();

  test('is self-consistent', () => {
    expect(fixtureProblems(f)).toEqual([]);
  });

  test('uses the agreed tenant, group and subscription ids', () => {
    expect(f.tenant).toMatchObject({ id: '7b1c1a40-0c5e-4d8a-9f7e-1c0a7e5a1e01', displayName: 'Contoso Health' });
    expect(f.groups.map((g) => [g.id, g.displayName])).toEqual([
      ['11111111-aaaa-4aaa-8aaa-000000000001', 'Dragon Copilot Nursing'],
      ['11111111-aaaa-4aaa-8aaa-000000000002', 'Dragon Copilot Physicians'],
      ['11111111-aaaa-4aaa-8aaa-000000000003', 'Dragon Administrators'],
      ['11111111-aaaa-4aaa-8aaa-000000000004', 'Partner Operators'],
    ]);
    expect(f.app.servicePrincipalId).toBe('44444444-dddd-4ddd-8ddd-000000000001');
    expect(f.azure.subscriptions.map((s) => s.displayName)).toEqual([
      'Contoso Health Production',
      'Contoso Health Dev/Test',
    ]);
  });

  test('leaves 3 nursing seats and 1 physician seat', () => {
    const nursing = f.skus.find((s) => s.skuId === NURSING)!;
    const physician = f.skus.find((s) => s.skuId === PHYSICIAN)!;
    expect(nursing.prepaidUnits.enabled - active(f, NURSING)).toBe(3);
    expect(physician.prepaidUnits.enabled - active(f, PHYSICIAN)).toBe(1);
  });

  test('every person has an alias, a persona line and a sequential id', () => {
    f.users.forEach((u, i) => {
      expect(u.alias).toMatch(/^[a-z0-9]+$/);
      expect(u.persona.length).toBeGreaterThan(5);
      expect(u.id).toBe(`33333333-cccc-4ccc-8ccc-0000000000${String(i + 1).padStart(2, '0')}`);
    });
  });

  test('personas the stories rely on', () => {
    const p = personas(f);
    expect(p.dana.displayName).toBe('Dana Reyes');
    expect(p.danak.displayName).toBe('Dana Kim');
    expect(p.ivy.usageLocation).toBeNull();
    expect(p.ken.accountEnabled).toBe(false);
    expect(p.tomas).toMatchObject({
      userType: 'Guest',
      userPrincipalName: 'tomas.berg_fabrikam.com#EXT#@contosohealth.onmicrosoft.com',
      mail: 'tomas.berg@fabrikam.com',
    });
    expect(p.eli.licenseAssignmentStates.filter((s) => s.skuId === PHYSICIAN)).toEqual([
      expect.objectContaining({
        state: 'Error',
        error: 'CountViolation',
        assignedByGroup: '11111111-aaaa-4aaa-8aaa-000000000002',
      }),
    ]);
    expect(p.alan.licenseAssignmentStates).toContainEqual(
      expect.objectContaining({ skuId: PHYSICIAN, assignedByGroup: null }),
    );
    const grace = f.directoryRoleAssignments.find((r) => r.principalId === p.grace.id);
    expect(grace?.roleTemplateId).toBe(ROLE_TEMPLATE.globalAdministrator);
  });

  test('persona() reads the default fixture and names the known aliases on a typo', () => {
    expect(persona('jordan').displayName).toBe('Jordan Blake');
    expect(() => persona('jordon')).toThrow(/known: .*jordan/);
  });
});

describe('empty tenant fixture', () => {
  const full = loadFixture('contoso-health');
  const empty = loadFixture('empty-tenant');

  test('has the same people but no Dragon groups or group licenses', () => {
    expect(fixtureProblems(empty)).toEqual([]);
    expect(empty.users.map((u) => u.id)).toEqual(full.users.map((u) => u.id));
    expect(empty.groups.map((g) => g.displayName)).toEqual(['Partner Operators']);
    expect(empty.users.flatMap((u) => u.licenseAssignmentStates).every((s) => s.assignedByGroup === null)).toBe(true);
    expect(empty.skus.map((s) => s.skuPartNumber)).toEqual(full.skus.map((s) => s.skuPartNumber));
  });
});

describe('fixtureProblems', () => {
  test('catches a group license held by a non-member and overspent seats', () => {
    const f = loadFixture();
    const broken: Fixture = JSON.parse(JSON.stringify(f));
    broken.groups[0].members = broken.groups[0].members.slice(1);
    broken.skus[1].prepaidUnits.enabled = 2;
    const problems = fixtureProblems(broken);
    expect(problems).toContainEqual(expect.stringContaining('but not a member'));
    expect(problems).toContainEqual(expect.stringContaining('DRAGON_COPILOT_PHYSICIAN_TEST: 5 consumed of 2'));
  });
});
