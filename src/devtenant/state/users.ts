/**
 * Users and service principals (routes/users.ts): records seeded from the fixture, lookup by id or
 * UPN, and the properties PATCH may change.
 */
import { resourceNotFound } from '../errors';
import type { Fixture, FixtureUser } from '../fixture';
import type { LicenseStateRecord } from '../licensing';
import { lc, type Store } from './store';
import type { Graph, Narrowed, Present } from '../../tenant/graphTypes';

export type UserRecord = Omit<FixtureUser, 'licenseAssignmentStates' | 'alias' | 'persona'> &
  Present<Graph.User, 'createdDateTime'> &
  Narrowed<Graph.User, 'licenseAssignmentStates', LicenseStateRecord[]> & {
    alias: string | null;
  };

export type ServicePrincipalRecord = Present<Graph.ServicePrincipal, 'id' | 'appId' | 'displayName'>;

export type UserPatch = Partial<
  Pick<
    UserRecord,
    'usageLocation' | 'jobTitle' | 'department' | 'displayName' | 'accountEnabled' | 'officeLocation' | 'mobilePhone'
  >
>;

export class Users {
  constructor(private readonly store: Store) {}

  seed(f: Fixture, seededAt: string): void {
    const { users, usersByUpn, servicePrincipals } = this.store;
    users.clear();
    usersByUpn.clear();
    servicePrincipals.clear();
    for (const u of f.users) {
      const { licenseAssignmentStates, persona: _persona, ...rest } = u;
      const rec: UserRecord = {
        ...rest,
        officeLocation: rest.officeLocation ?? null,
        mobilePhone: rest.mobilePhone ?? null,
        businessPhones: rest.businessPhones ?? [],
        preferredLanguage: rest.preferredLanguage ?? null,
        createdDateTime: seededAt,
        licenseAssignmentStates: licenseAssignmentStates.map((s) => ({
          skuId: s.skuId,
          assignedByGroup: s.assignedByGroup,
          state: s.state,
          error: s.error,
          disabledPlans: s.disabledPlans ?? [],
          lastUpdatedDateTime: seededAt,
        })),
      };
      users.set(lc(u.id), rec);
      usersByUpn.set(lc(u.userPrincipalName), rec);
    }
    servicePrincipals.set(lc(f.app.servicePrincipalId), {
      id: f.app.servicePrincipalId,
      appId: f.app.appId,
      displayName: f.app.displayName,
    });
  }

  getUser(idOrUpn: string): UserRecord | undefined {
    return this.store.users.get(lc(idOrUpn)) ?? this.store.usersByUpn.get(lc(idOrUpn));
  }

  requireUser(idOrUpn: string): UserRecord {
    const u = this.getUser(idOrUpn);
    if (!u) throw resourceNotFound(idOrUpn);
    return u;
  }

  listUsers(): UserRecord[] {
    return [...this.store.users.values()];
  }

  getServicePrincipal(id: string): ServicePrincipalRecord | undefined {
    return this.store.servicePrincipals.get(lc(id));
  }

  updateUser(idOrUpn: string, patch: UserPatch): UserRecord {
    const u = this.requireUser(idOrUpn);
    Object.assign(u, patch);
    return u;
  }
}
