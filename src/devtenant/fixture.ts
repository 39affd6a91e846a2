/**
 * The dev tenant's seed data: types, loader and the persona alias map. A fixture is plain JSON so
 * the README persona table can be generated from it and a demo can be re-seeded by name.
 *
 * Tests across the project call `persona('dana')` instead of hard-coding object ids, so a fixture
 * change moves every test with it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fromRoot } from '../paths';
import type { Defined, Graph, Narrowed, Optional, Present } from '../tenant/graphTypes';

/** A license state as seeded; the names and value sets are Graph's (licenseAssignmentState). */
export type FixtureLicenseState = Present<Graph.LicenseAssignmentState, 'skuId'> &
  /** null for a direct assignment, else the id of the group that assigns it. */
  Defined<Graph.LicenseAssignmentState, 'assignedByGroup'> &
  Narrowed<Graph.LicenseAssignmentState, 'state', 'Active' | 'Error'> &
  Narrowed<Graph.LicenseAssignmentState, 'error', 'None' | 'CountViolation'> &
  Optional<Graph.LicenseAssignmentState, 'disabledPlans'>;

/** The seeding-only fields of a person: not Graph properties. */
interface PersonaFields {
  /** Short name tests and docs use for this person (`dana`, `nurse1`, …). */
  alias: string;
  /** One line saying who this person is in the story, for the README persona table. */
  persona: string;
  licenseAssignmentStates: FixtureLicenseState[];
}

/**
 * A user as seeded. usageLocation is ISO 3166-1 alpha-2, or null when never set (direct
 * assignLicense then fails).
 */
export type FixtureUser = Present<Graph.User, 'id' | 'displayName' | 'userPrincipalName' | 'accountEnabled'> &
  Defined<Graph.User, 'givenName' | 'surname' | 'mail' | 'jobTitle' | 'department' | 'usageLocation'> &
  Partial<Defined<Graph.User, 'officeLocation' | 'mobilePhone' | 'preferredLanguage'>> &
  Optional<Graph.User, 'businessPhones'> &
  Narrowed<Graph.User, 'userType', 'Member' | 'Guest'> &
  PersonaFields;

/** A license on a group or user, as Graph's assignedLicense with both fields present. */
export type FixtureAssignedLicense = Present<Graph.AssignedLicense, 'skuId' | 'disabledPlans'>;

/** A group as seeded. members and owners are object ids (users, or groups for nesting). */
export type FixtureGroup = Present<
  Graph.Group,
  'id' | 'displayName' | 'mailNickname' | 'mailEnabled' | 'securityEnabled' | 'isAssignableToRole'
> &
  Defined<Graph.Group, 'description'> &
  Narrowed<Graph.Group, 'assignedLicenses', FixtureAssignedLicense[]> & {
    members: string[];
    owners: string[];
  };

export type FixtureServicePlan = Present<Graph.ServicePlanInfo, 'servicePlanId' | 'servicePlanName'> &
  Narrowed<Graph.ServicePlanInfo, 'appliesTo', 'User' | 'Company'>;

export type FixtureSku = Present<
  Graph.SubscribedSku,
  'skuId' | 'skuPartNumber' | 'accountName' | 'accountId' | 'subscriptionIds'
> &
  Narrowed<Graph.SubscribedSku, 'appliesTo', 'User' | 'Company'> &
  Narrowed<Graph.SubscribedSku, 'capabilityStatus', 'Enabled' | 'Warning' | 'Suspended' | 'Deleted' | 'LockedOut'> &
  Narrowed<
    Graph.SubscribedSku,
    'prepaidUnits',
    Present<Graph.LicenseUnitsDetail, 'enabled' | 'lockedOut' | 'suspended' | 'warning'>
  > &
  Narrowed<Graph.SubscribedSku, 'servicePlans', FixtureServicePlan[]> & {
    /** Not a Graph field: a human name for docs and logs. */
    displayName: string;
  };

/** A directory role assignment as seeded: the role is named by its template id. */
export type FixtureRoleAssignment = Present<Graph.UnifiedRoleAssignment, 'principalId' | 'directoryScopeId'> & {
  roleTemplateId: string;
};

export type AzureBuiltInRole = 'Owner' | 'Contributor' | 'Reader';

export interface FixtureSubscription {
  subscriptionId: string;
  displayName: string;
  state: 'Enabled' | 'Disabled' | 'Warned' | 'PastDue' | 'Deleted';
  roleAssignments: {
    principalId: string;
    principalType: 'User' | 'Group' | 'ServicePrincipal';
    role: AzureBuiltInRole;
  }[];
  /** Classic (pre-RBAC) administrators; not role assignments. Used to explain DPOR refusals. */
  classicAdministrators: {
    userId: string;
    emailAddress: string;
    role: 'ServiceAdministrator;AccountAdministrator' | 'ServiceAdministrator' | 'CoAdministrator';
  }[];
}

export interface FixturePartner {
  /** Microsoft AI Cloud Partner Program (MPN) id. */
  mpnId: string;
  name: string;
  /** What the partner is to the customer, as the admin center shows it. */
  relationship: string;
  tenantId: string;
  contact: { name: string; email: string; phone: string };
}

export interface FixturePartnerLink {
  objectId: string;
  partnerId: string;
  createdTime: string;
}

export interface Fixture {
  name: string;
  description: string;
  tenant: { id: string; displayName: string; verifiedDomains: string[] };
  app: { servicePrincipalId: string; displayName: string; appId: string };
  skus: FixtureSku[];
  users: FixtureUser[];
  groups: FixtureGroup[];
  directoryRoleAssignments: FixtureRoleAssignment[];
  azure: { subscriptions: FixtureSubscription[] };
  partners: FixturePartner[];
  partnerLinks: FixturePartnerLink[];
}

export const DEFAULT_FIXTURE = 'contoso-health';

/** Loads a fixture by name (`contoso-health`, `empty-tenant`) or by file path, and checks it. */
export function loadFixture(nameOrPath: string = DEFAULT_FIXTURE): Fixture {
  const file =
    nameOrPath.endsWith('.json') || nameOrPath.includes('/') || nameOrPath.includes('\\')
      ? path.resolve(nameOrPath)
      : fromRoot('src', 'devtenant', 'fixtures', `${nameOrPath}.json`);
  const fixture = JSON.parse(fs.readFileSync(file, 'utf8')) as Fixture;
  const problems = fixtureProblems(fixture);
  if (problems.length > 0) {
    throw new Error(`Fixture ${file} is inconsistent:\n- ${problems.join('\n- ')}`);
  }
  return fixture;
}

/** alias → user. */
export function personas(fixture: Fixture): Record<string, FixtureUser> {
  const out: Record<string, FixtureUser> = {};
  for (const u of fixture.users) out[u.alias] = u;
  return out;
}

let defaultPersonas: Record<string, FixtureUser> | undefined;

/** A person of the default (Contoso Health) fixture, by alias. Throws on an unknown alias. */
export function persona(alias: string): FixtureUser {
  defaultPersonas ??= personas(loadFixture(DEFAULT_FIXTURE));
  const found = defaultPersonas[alias];
  if (!found) {
    throw new Error(`No persona '${alias}' in ${DEFAULT_FIXTURE}; known: ${Object.keys(defaultPersonas).join(', ')}`);
  }
  return found;
}

/**
 * Everything that would make the seeded directory contradict itself (a dangling id, a group license
 * state for a non-member, more seats used than bought). Empty when the fixture is sound.
 */
export function fixtureProblems(f: Fixture): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  const userIds = new Set(f.users.map((u) => u.id.toLowerCase()));
  const groupsById = new Map(f.groups.map((g) => [g.id.toLowerCase(), g]));
  const skuIds = new Set(f.skus.map((s) => s.skuId.toLowerCase()));
  const aliases = new Set<string>();
  const objectExists = (id: string) =>
    userIds.has(id.toLowerCase()) ||
    groupsById.has(id.toLowerCase()) ||
    id.toLowerCase() === f.app.servicePrincipalId.toLowerCase();

  for (const id of [...f.users.map((u) => u.id), ...f.groups.map((g) => g.id), f.app.servicePrincipalId]) {
    if (ids.has(id.toLowerCase())) problems.push(`duplicate object id ${id}`);
    ids.add(id.toLowerCase());
  }
  for (const u of f.users) {
    if (aliases.has(u.alias)) problems.push(`duplicate alias ${u.alias}`);
    aliases.add(u.alias);
    for (const s of u.licenseAssignmentStates) {
      if (!skuIds.has(s.skuId.toLowerCase())) problems.push(`${u.alias}: unknown sku ${s.skuId}`);
      if (s.assignedByGroup === null) {
        if (s.state === 'Active' && !u.usageLocation) problems.push(`${u.alias}: direct license without usageLocation`);
        continue;
      }
      const g = groupsById.get(s.assignedByGroup.toLowerCase());
      if (!g) problems.push(`${u.alias}: license from unknown group ${s.assignedByGroup}`);
      else if (!g.members.some((m) => m.toLowerCase() === u.id.toLowerCase()))
        problems.push(`${u.alias}: license from ${g.displayName} but not a member`);
      else if (!g.assignedLicenses.some((l) => l.skuId.toLowerCase() === s.skuId.toLowerCase()))
        problems.push(`${u.alias}: ${g.displayName} does not assign ${s.skuId}`);
    }
  }
  for (const g of f.groups) {
    for (const m of [...g.members, ...g.owners]) {
      if (!objectExists(m)) problems.push(`${g.displayName}: unknown member/owner ${m}`);
    }
    for (const l of g.assignedLicenses) {
      if (!skuIds.has(l.skuId.toLowerCase())) problems.push(`${g.displayName}: unknown sku ${l.skuId}`);
    }
    // Every member of a licensing group must have been processed, or the seed is half-done.
    for (const m of g.members) {
      const u = f.users.find((x) => x.id.toLowerCase() === m.toLowerCase());
      if (!u) continue;
      for (const l of g.assignedLicenses) {
        const has = u.licenseAssignmentStates.some(
          (s) =>
            s.assignedByGroup?.toLowerCase() === g.id.toLowerCase() && s.skuId.toLowerCase() === l.skuId.toLowerCase(),
        );
        if (!has) problems.push(`${u.alias}: member of ${g.displayName} without a license state for ${l.skuId}`);
      }
    }
  }
  for (const sku of f.skus) {
    const consumed = f.users.filter((u) =>
      u.licenseAssignmentStates.some((s) => s.skuId.toLowerCase() === sku.skuId.toLowerCase() && s.state === 'Active'),
    ).length;
    if (consumed > sku.prepaidUnits.enabled) {
      problems.push(`${sku.skuPartNumber}: ${consumed} consumed of ${sku.prepaidUnits.enabled}`);
    }
  }
  for (const r of f.directoryRoleAssignments) {
    if (!objectExists(r.principalId)) problems.push(`role assignment to unknown principal ${r.principalId}`);
    const g = groupsById.get(r.principalId.toLowerCase());
    if (g && !g.isAssignableToRole) problems.push(`role assigned to non-role-assignable group ${g.displayName}`);
  }
  for (const s of f.azure.subscriptions) {
    for (const ra of s.roleAssignments) {
      if (!objectExists(ra.principalId))
        problems.push(`${s.displayName}: role for unknown principal ${ra.principalId}`);
    }
    for (const ca of s.classicAdministrators) {
      if (!userIds.has(ca.userId.toLowerCase())) problems.push(`${s.displayName}: classic admin ${ca.userId} unknown`);
    }
  }
  for (const link of f.partnerLinks) {
    if (!objectExists(link.objectId)) problems.push(`partner link for unknown principal ${link.objectId}`);
  }
  return problems;
}
