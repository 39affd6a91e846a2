/**
 * "Who may approve" as one table: the grant, the group that carries it and its owners, the
 * fallback setting and the role holders in; the approvers and why out.
 */
import {
  approversFor,
  fallbackRoles,
  ownersDecide,
  type ApproverFacts,
  type Candidate,
} from '../../src/domain/approvers';

const person = (id: string, accountEnabled = true): Candidate => ({
  id,
  displayName: id.toUpperCase(),
  accountEnabled,
});
const nina = person('nina');
const omar = person('omar');
const leo = person('leo');
const grace = person('grace');
const ravi = person('ravi');
const nursing = { of: 'license', kind: 'nursing' } as const;
const admin = { of: 'dragon-admin' } as const;

const base: ApproverFacts = {
  grant: nursing,
  requesterId: 'dana',
  targetIds: ['dana'],
  licenseFallback: 'license-admins',
};
const group = (owners: Candidate[], displayName = 'Dragon Copilot Nursing') => ({ displayName, owners });

type Row = [string, Partial<ApproverFacts>, string[], RegExp | undefined];
const rows: Row[] = [
  [
    'the owner of the license group decides',
    { group: group([nina]) },
    ['nina'],
    /owner of the group “Dragon Copilot Nursing”, which carries the Dragon Copilot nursing license/,
  ],
  ['every owner decides', { group: group([nina, omar]) }, ['nina', 'omar'], /owner/],
  ['a disabled owner does not', { group: group([person('nina', false), omar]) }, ['omar'], /owner/],
  [
    'the requester who owns the group does not approve their own request; the fallback does',
    { requesterId: 'nina', targetIds: ['dana'], group: group([nina]), holders: { licenseAdministrator: [leo] } },
    ['leo'],
    /a License Administrator \(the license group has no enabled owner who can decide\)/,
  ],
  [
    'an owner who would get the license does not approve it',
    { requesterId: 'sam', targetIds: ['nina'], group: group([nina]), holders: { licenseAdministrator: [leo] } },
    ['leo'],
    /License Administrator/,
  ],
  [
    'no group configured: License Administrators',
    { holders: { licenseAdministrator: [leo] } },
    ['leo'],
    /no license group is configured for nursing licenses/,
  ],
  [
    'no group and the fallback off: nobody',
    { licenseFallback: 'none', holders: { licenseAdministrator: [leo] } },
    [],
    undefined,
  ],
  ['an ownerless group and the fallback off: nobody', { licenseFallback: 'none', group: group([]) }, [], undefined],
  [
    'the role: the owner of the Dragon Administrators group',
    { grant: admin, group: group([grace], 'Dragon Administrators') },
    ['grace'],
    /owner of the group “Dragon Administrators”, which holds the Dragon Administrator role/,
  ],
  [
    'the role without a group: Global and Privileged Role Administrators, each once',
    { grant: admin, holders: { globalAdministrator: [grace, ravi], privilegedRoleAdministrator: [ravi] } },
    ['grace', 'ravi'],
    /a Global Administrator \(no Dragon Administrators group is configured\)/,
  ],
  [
    'the role: the license fallback setting does not apply',
    { grant: admin, licenseFallback: 'none', holders: { privilegedRoleAdministrator: [ravi] } },
    ['ravi'],
    /Privileged Role Administrator/,
  ],
  [
    'a Global Administrator asking for themselves is not their own approver',
    { grant: admin, requesterId: 'grace', targetIds: ['grace'], holders: { globalAdministrator: [grace, ravi] } },
    ['ravi'],
    /Global Administrator/,
  ],
];

test.each(rows)('%s', (_name, facts, ids, why) => {
  const out = approversFor({ ...base, ...facts });
  expect(out.map((a) => a.approverId)).toEqual(ids);
  if (why) expect(out[0].reason).toMatch(why);
  for (const a of out) expect(a.displayName).toBe(a.approverId.toUpperCase());
});

test.each([
  [nursing, 'license-admins', ['licenseAdministrator']],
  [nursing, 'none', []],
  [admin, 'none', ['globalAdministrator', 'privilegedRoleAdministrator']],
] as const)('fallback roles for %o with %s', (grant, fallback, roles) => {
  expect(fallbackRoles(grant, fallback)).toEqual(roles);
});

test('the fallback holders need reading only when the owners cannot decide', () => {
  expect(ownersDecide({ group: group([nina]), requesterId: 'dana', targetIds: ['dana'] })).toBe(true);
  expect(ownersDecide({ group: group([nina]), requesterId: 'nina', targetIds: ['dana'] })).toBe(false);
  expect(ownersDecide({ requesterId: 'dana', targetIds: ['dana'] })).toBe(false);
});
