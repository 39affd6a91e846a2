/**
 * Licensing (routes/licenses.ts and routes/skus.ts): the tenant's SKUs, direct assignLicense with
 * Graph's checks in order, group assignLicense and the background processing that carries a
 * group's licenses to its members (licensing.ts).
 */
import { isGuid } from '../../guid';
import { badRequest } from '../errors';
import type { Fixture, FixtureSku } from '../fixture';
import { assignedLicenses, consumedUnits, GroupLicenseQueue, holdsSku, type LicensingDirectory } from '../licensing';
import type { GroupRecord } from './groups';
import { lc, type DirectoryParts, type Store } from './store';
import type { UserRecord } from './users';

export class Licenses {
  private skus = new Map<string, FixtureSku>();
  readonly queue: GroupLicenseQueue;

  constructor(
    private readonly store: Store,
    private readonly dir: DirectoryParts,
    processingDelayMs: number,
  ) {
    const view: LicensingDirectory = {
      now: () => store.clock.now(),
      allUsers: () => [...store.users.values()],
      user: (id) => store.users.get(lc(id)),
      group: (id) => store.groups.get(lc(id)),
      memberUserIds: (groupId) => dir.groups.memberIds(groupId).filter((id) => store.users.has(lc(id))),
      prepaidEnabled: (skuId) => this.skus.get(lc(skuId))?.prepaidUnits.enabled ?? 0,
    };
    this.queue = new GroupLicenseQueue(view, processingDelayMs);
  }

  seed(f: Fixture): void {
    this.skus.clear();
    for (const s of f.skus) this.skus.set(lc(s.skuId), s);
  }

  listSkus(): FixtureSku[] {
    return [...this.skus.values()];
  }

  getSku(skuId: string): FixtureSku | undefined {
    return this.skus.get(lc(skuId));
  }

  consumedUnits(skuId: string): number {
    return consumedUnits(this.dir.users.listUsers(), skuId);
  }

  assignedLicenses(user: UserRecord): { skuId: string; disabledPlans: string[] }[] {
    return assignedLicenses(user);
  }

  /** A membership changed: the group's licenses (or the states it left behind) must follow. */
  queueMemberLicensing(groupId: string, objectId: string): void {
    const g = this.dir.groups.getGroup(groupId);
    const user = this.store.users.get(lc(objectId));
    if (!g || !user) return;
    const hasGroupStates = user.licenseAssignmentStates.some(
      (s) => s.assignedByGroup !== null && lc(s.assignedByGroup) === lc(g.id),
    );
    if (g.assignedLicenses.length > 0 || hasGroupStates) this.queue.enqueue(g.id, { userId: objectId });
  }

  private requireCompanySku(skuId: unknown): FixtureSku {
    const sku = isGuid(skuId) ? this.getSku(skuId) : undefined;
    if (!sku) throw badRequest(`License ${String(skuId)} does not correspond to a valid company License.`);
    return sku;
  }

  /**
   * Direct assignment, synchronous, with the appendix's check order: user, SKU, usage location,
   * seats. Graph applies the whole call or nothing.
   */
  assignLicenseDirect(
    userIdOrUpn: string,
    add: { skuId: string; disabledPlans: string[] }[],
    remove: string[],
  ): UserRecord {
    const user = this.dir.users.requireUser(userIdOrUpn);
    const addSkus = add.map((a) => ({ sku: this.requireCompanySku(a.skuId), disabledPlans: a.disabledPlans }));
    const removeSkus = remove.map((r) => this.requireCompanySku(r));
    if (addSkus.length > 0 && !user.usageLocation) {
      throw badRequest('License assignment cannot be done for user with invalid usage location.');
    }
    for (const { sku } of addSkus) {
      const held = holdsSku(user, sku.skuId);
      if (!held && this.consumedUnits(sku.skuId) >= sku.prepaidUnits.enabled) {
        throw badRequest(`Subscription with SKU ${sku.skuId} does not have any available licenses.`);
      }
    }
    for (const sku of removeSkus) {
      const direct = user.licenseAssignmentStates.find(
        (s) => s.assignedByGroup === null && lc(s.skuId) === lc(sku.skuId),
      );
      if (!direct) {
        // [U] Texts Graph is reported to use; the dev tenant refuses rather than ignoring the remove.
        if (user.licenseAssignmentStates.some((s) => lc(s.skuId) === lc(sku.skuId))) {
          throw badRequest(
            'User license is inherited from a group membership and it cannot be removed directly from the user.',
          );
        }
        throw badRequest('User does not have a corresponding license.');
      }
    }
    const now = this.store.nowIso();
    user.licenseAssignmentStates = user.licenseAssignmentStates.filter(
      (s) => !(s.assignedByGroup === null && removeSkus.some((r) => lc(r.skuId) === lc(s.skuId))),
    );
    for (const { sku, disabledPlans } of addSkus) {
      const existing = user.licenseAssignmentStates.find(
        (s) => s.assignedByGroup === null && lc(s.skuId) === lc(sku.skuId),
      );
      if (existing) {
        existing.disabledPlans = [...disabledPlans];
        existing.lastUpdatedDateTime = now;
      } else {
        user.licenseAssignmentStates.push({
          skuId: sku.skuId,
          assignedByGroup: null,
          state: 'Active',
          error: 'None',
          disabledPlans: [...disabledPlans],
          lastUpdatedDateTime: now,
        });
      }
    }
    return user;
  }

  /** Group assignment: records the group's licenses and queues every member for processing. */
  assignLicenseToGroup(
    groupId: string,
    add: { skuId: string; disabledPlans: string[] }[],
    remove: string[],
  ): GroupRecord {
    const g = this.dir.groups.requireGroup(groupId);
    const addSkus = add.map((a) => ({
      skuId: this.requireCompanySku(a.skuId).skuId,
      disabledPlans: [...a.disabledPlans],
    }));
    const removeSkus = remove.map((r) => this.requireCompanySku(r).skuId);
    g.assignedLicenses = g.assignedLicenses.filter(
      (l) => !removeSkus.some((r) => lc(r) === lc(l.skuId)) && !addSkus.some((a) => lc(a.skuId) === lc(l.skuId)),
    );
    g.assignedLicenses.push(...addSkus);
    // A change of the group's licenses makes Entra re-evaluate every member, errors included.
    this.queue.enqueue(g.id, { retryErrors: true });
    return g;
  }

  /** POST /users/{id}/reprocessLicenseAssignment: re-attempts the user's group licenses. */
  reprocessUser(userIdOrUpn: string): UserRecord {
    const user = this.dir.users.requireUser(userIdOrUpn);
    for (const g of this.dir.groups.listGroups()) {
      const involved =
        (g.assignedLicenses.length > 0 && this.dir.groups.isMember(g.id, user.id)) ||
        user.licenseAssignmentStates.some((s) => s.assignedByGroup !== null && lc(s.assignedByGroup) === lc(g.id));
      if (involved) this.queue.enqueue(g.id, { userId: user.id, retryErrors: true });
    }
    return user;
  }
}
