/**
 * Azure subscriptions (routes/arm-subscriptions.ts): their Azure role assignments and classic
 * administrators, and who can see a subscription at all.
 */
import type { AzureBuiltInRole, Fixture } from '../fixture';
import { lc, stableGuid, type DirectoryParts } from './store';

export interface ArmRoleAssignmentRecord {
  name: string;
  roleDefinitionGuid: string;
  principalId: string;
  principalType: 'User' | 'Group' | 'ServicePrincipal';
  scope: string;
  createdOn: string;
}

export interface SubscriptionRecord {
  subscriptionId: string;
  displayName: string;
  state: string;
  roleAssignments: ArmRoleAssignmentRecord[];
  classicAdministrators: { userId: string; emailAddress: string; role: string }[];
}

export const AZURE_ROLE_GUID: Record<AzureBuiltInRole, string> = {
  Owner: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
  Contributor: 'b24988ac-6180-42a0-ab88-20f7382dd24c',
  Reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
};

export class ArmSubscriptions {
  private subscriptions = new Map<string, SubscriptionRecord>();

  constructor(private readonly dir: DirectoryParts) {}

  seed(f: Fixture, seededAt: string): void {
    this.subscriptions.clear();
    for (const s of f.azure.subscriptions) {
      this.subscriptions.set(lc(s.subscriptionId), {
        subscriptionId: s.subscriptionId,
        displayName: s.displayName,
        state: s.state,
        roleAssignments: s.roleAssignments.map((ra) => ({
          name: stableGuid(`${s.subscriptionId}|${ra.principalId}|${ra.role}`),
          roleDefinitionGuid: AZURE_ROLE_GUID[ra.role],
          principalId: ra.principalId,
          principalType: ra.principalType,
          scope: `/subscriptions/${s.subscriptionId}`,
          createdOn: seededAt,
        })),
        classicAdministrators: s.classicAdministrators.map((c) => ({ ...c })),
      });
    }
  }

  listSubscriptions(): SubscriptionRecord[] {
    return [...this.subscriptions.values()];
  }

  getSubscription(id: string): SubscriptionRecord | undefined {
    return this.subscriptions.get(lc(id));
  }

  /** Whether the principal has any Azure role on the subscription, directly or through a group. */
  canSeeSubscription(sub: SubscriptionRecord, principalId: string): boolean {
    const ids = new Set([lc(principalId), ...this.dir.groups.transitiveGroupIds(principalId).map(lc)]);
    return (
      sub.roleAssignments.some((ra) => ids.has(lc(ra.principalId))) ||
      sub.classicAdministrators.some((c) => lc(c.userId) === lc(principalId))
    );
  }
}
