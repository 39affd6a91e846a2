/**
 * The benchmark's tenant: Contoso Health plus generated nurses who hold no Dragon license, and
 * enough nursing seats for all of them. A go-live day is many *different* clinicians asking at
 * once; the 31 fixture personas would run out after one round (a person with an open request for
 * a license is refused a second one), so the load needs people of its own.
 */
import { fixtureProblems, loadFixture, type Fixture, type FixtureUser } from '../src/devtenant/fixture';

export const NURSING_SKU = '22222222-bbbb-4bbb-8bbb-000000000001';
const M365_SKU = '22222222-bbbb-4bbb-8bbb-000000000003';

/** Object id of generated nurse `n` (1-based): a valid GUID in a range the fixture does not use. */
export function benchUserId(n: number): string {
  return `b3c40000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

export interface BenchUser {
  id: string;
  displayName: string;
  userPrincipalName: string;
}

/** Generated nurse `n` as the bench addresses it (activities and requests by e-mail). */
export function benchUser(n: number): BenchUser {
  return {
    id: benchUserId(n),
    displayName: `Bench Nurse ${n}`,
    userPrincipalName: `bench.nurse${n}@contosohealth.onmicrosoft.com`,
  };
}

function generatedNurse(n: number): FixtureUser {
  const u = benchUser(n);
  return {
    id: u.id,
    alias: `bench${n}`,
    persona: 'Generated nurse for the benchmark (no Dragon license).',
    displayName: u.displayName,
    givenName: 'Bench',
    surname: `Nurse ${n}`,
    userPrincipalName: u.userPrincipalName,
    mail: u.userPrincipalName,
    jobTitle: 'Registered Nurse',
    department: 'Emergency',
    usageLocation: 'US',
    accountEnabled: true,
    userType: 'Member',
    licenseAssignmentStates: [
      { skuId: M365_SKU, assignedByGroup: null, state: 'Active', error: 'None', disabledPlans: [] },
    ],
  };
}

/** Contoso Health with `nurses` generated nurses and seats for every one of them; checked like any fixture. */
export function benchFixture(nurses: number): Fixture {
  const base = loadFixture('contoso-health');
  const fixture: Fixture = JSON.parse(JSON.stringify(base)) as Fixture;
  fixture.name = 'contoso-health-bench';
  for (let n = 1; n <= nurses; n++) fixture.users.push(generatedNurse(n));
  for (const sku of fixture.skus) {
    if (sku.skuId === NURSING_SKU || sku.skuId === M365_SKU) sku.prepaidUnits.enabled += nurses + 100;
  }
  // A fixture passed as an object is not checked by the dev tenant; an id clash would go unnoticed.
  const problems = fixtureProblems(fixture);
  if (problems.length) throw new Error(`bench fixture is inconsistent:\n- ${problems.join('\n- ')}`);
  return fixture;
}
