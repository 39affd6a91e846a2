/**
 * The Dragon Administrator role in the tenant: who holds it and how, and the three ways Dragon
 * Desk gives or takes it — membership of the role-assignable "Dragon Administrators" group (the
 * documented best practice), a PIM for Groups assignment with an end (time-bound, when PIM is on),
 * or a direct role assignment at directory scope "/" when no group is configured. Shared by the
 * role requests (roles.ts) and the end of time-bound grants (grants.ts).
 */
import type { Config } from '../config';
import { ROLE_TEMPLATE } from '../domain/catalog';
import { isAlreadyAssigned, isNotAssigned } from '../tenant/errors';
import type { GrantVia } from '../domain/payloads';
import type { TenantClient } from '../tenant/types';
import type { Reads } from './directory';
import type { GroupsInUse } from './groupsInUse';

export const DRAGON_ADMIN_TEMPLATE = ROLE_TEMPLATE.dragonAdministrator;
/** The only scope Dragon Desk assigns the role at: the whole directory. */
export const DRAGON_ADMIN_SCOPE_ID = '/';
/** What the role covers, as approval cards and the audit state it. */
export const DRAGON_ADMIN_SCOPE =
  'Directory-wide (/) — manages the Dragon admin center; does not include license assignment';

export type { GrantVia } from '../domain/payloads';

export interface RoleHolding {
  holds: boolean;
  /** Member (permanent or time-bound) of the configured Dragon Administrators group. */
  inGroup: boolean;
  /** Ids of direct assignments of the role to the person at scope "/". */
  directAssignmentIds: string[];
}

export class DragonRoleAccess {
  constructor(
    private readonly tenant: TenantClient,
    private readonly config: Config,
    private readonly groups: GroupsInUse,
  ) {}

  /** The group that holds the role, when one is configured (or recorded by set-up). */
  groupId(reads: Reads = 'fresh'): Promise<string | undefined> {
    return this.groups.admin(reads);
  }

  /** How a new grant will be carried out: through the group when there is one, PIM when time-bound and on. */
  async viaFor(timeBound: boolean, reads: Reads = 'fresh'): Promise<GrantVia> {
    if (!(await this.groupId(reads))) return 'direct';
    return timeBound && this.config.pimEnabled ? 'pim' : 'group';
  }

  /** Read fresh: decisions and verification depend on it. */
  async holding(userId: string): Promise<RoleHolding> {
    const groupId = await this.groupId();
    const [templates, groups, direct] = await Promise.all([
      this.tenant.getUserRoleTemplateIds(userId),
      groupId ? this.tenant.getUserGroupIds(userId) : Promise.resolve([] as string[]),
      this.directAssignments(userId),
    ]);
    return {
      holds: templates.includes(DRAGON_ADMIN_TEMPLATE),
      inGroup: !!groupId && groups.some((g) => g.toLowerCase() === groupId.toLowerCase()),
      directAssignmentIds: direct,
    };
  }

  private async directAssignments(userId: string): Promise<string[]> {
    const list = await this.tenant.listRoleAssignments({
      principalId: userId,
      roleDefinitionId: DRAGON_ADMIN_TEMPLATE,
    });
    return list.filter((a) => (a.directoryScopeId ?? DRAGON_ADMIN_SCOPE_ID) === DRAGON_ADMIN_SCOPE_ID).map((a) => a.id);
  }

  /**
   * Gives the role. Idempotent, because a crashed worker resumes: "already a member / already
   * assigned" is the state we wanted.
   */
  async grant(
    userId: string,
    via: GrantVia,
    opts: { durationIso?: string; justification?: string } = {},
  ): Promise<void> {
    if (via === 'direct') {
      if ((await this.directAssignments(userId)).length) return;
      try {
        await this.tenant.createRoleAssignment(DRAGON_ADMIN_TEMPLATE, userId, DRAGON_ADMIN_SCOPE_ID);
      } catch (err) {
        if (!isAlreadyAssigned(err)) throw err;
      }
      return;
    }
    const groupId = await this.requireGroup();
    if (via === 'group') {
      await this.tenant.addGroupMember(groupId, userId);
      return;
    }
    try {
      await this.tenant.createGroupAssignmentSchedule({
        groupId,
        principalId: userId,
        accessId: 'member',
        action: 'adminAssign',
        durationIso: opts.durationIso,
        justification: opts.justification,
      });
    } catch (err) {
      if (!isAlreadyAssigned(err)) throw err;
    }
  }

  /**
   * Takes away what Dragon Desk can take away: membership of the group (permanent or time-bound)
   * and direct assignments. A role held through some other group stays; the caller verifies.
   */
  async revoke(userId: string, scope: 'all' | GrantVia = 'all'): Promise<void> {
    const groupId = await this.groupId();
    if (groupId && scope !== 'direct') {
      if (scope === 'pim' || (scope === 'all' && this.config.pimEnabled)) {
        try {
          await this.tenant.createGroupAssignmentSchedule({
            groupId,
            principalId: userId,
            accessId: 'member',
            action: 'adminRemove',
          });
        } catch (err) {
          // Not (or no longer) assigned through PIM: fall through to the plain membership removal.
          if (!isNotAssigned(err)) throw err;
        }
      }
      await this.tenant.removeGroupMember(groupId, userId);
    }
    if (scope === 'all' || scope === 'direct') {
      for (const id of await this.directAssignments(userId)) await this.tenant.deleteRoleAssignment(id);
    }
  }

  /**
   * Waits until the person holds (or no longer holds) the role as Entra reports it
   * (transitiveMemberOf/microsoft.graph.directoryRole). Role membership usually shows at once; a
   * few short retries cover replication lag. [U] how long Entra takes in the worst case.
   */
  async settlesTo(userId: string, wanted: boolean, attempts = 6): Promise<boolean> {
    let delay = 100;
    for (let i = 0; i < attempts; i++) {
      const templates = await this.tenant.getUserRoleTemplateIds(userId);
      if (templates.includes(DRAGON_ADMIN_TEMPLATE) === wanted) return true;
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 2000);
    }
    return false;
  }

  private async requireGroup(): Promise<string> {
    const g = await this.groupId();
    if (!g) throw new Error('no Dragon Administrators group is configured');
    return g;
  }
}
