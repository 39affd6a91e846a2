/**
 * Who may do partner administration, read fresh from the tenant at every decision: Global
 * Administrators and members of the configured partner-operators group (PAL, GDAP offers), and at
 * least Billing Administrators (partner relationships on the customer side).
 */
import { ROLE_NAMES, type AdminRole } from '../domain/catalog';
import { PARTNER_RELATIONSHIP_MANAGERS } from '../domain/partners';
import type { Directory } from './directory';
import type { ServiceDeps } from './types';

export type OperatorStanding = { ok: true; as: string } | { ok: false; reason: string };

export class PartnerAccess {
  private groupName?: string;

  constructor(
    private readonly deps: ServiceDeps,
    private readonly directory: Directory,
  ) {}

  /** Transitive membership of the partner-operators group, read fresh (never from a cache). */
  async isPartnerOperator(userId: string): Promise<boolean> {
    const groupId = this.deps.config.partnerOperatorsGroupId;
    if (!groupId) return false;
    const ids = await this.deps.tenant.getUserGroupIds(userId);
    return ids.some((id) => id.toLowerCase() === groupId.toLowerCase());
  }

  async operatorsGroupName(): Promise<string | undefined> {
    const groupId = this.deps.config.partnerOperatorsGroupId;
    if (!groupId) return undefined;
    if (!this.groupName)
      this.groupName =
        (await this.deps.tenant.getGroup(groupId).catch(() => undefined))?.displayName ?? 'partner operators';
    return this.groupName;
  }

  /**
   * May this person link partner ids or send delegated admin offers? `what` completes "Only … can
   * {what}" in the refusal.
   */
  async operator(userId: string, what: string): Promise<OperatorStanding> {
    if ((await this.directory.rolesOf(userId, 'fresh')).has('globalAdministrator'))
      return { ok: true, as: 'a Global Administrator' };
    const group = await this.operatorsGroupName();
    if (group && (await this.isPartnerOperator(userId))) return { ok: true, as: `a member of “${group}”` };
    return {
      ok: false,
      reason: group
        ? `Only Global Administrators and members of the “${group}” group can ${what}. You are neither, so nothing was changed.`
        : `Only Global Administrators can ${what} (no partner-operators group is configured). You are not one, so nothing was changed.`,
    };
  }

  /** The role that lets this person manage partner relationships, or undefined. */
  async relationshipManagerRole(userId: string): Promise<AdminRole | undefined> {
    const roles = await this.directory.rolesOf(userId, 'fresh');
    return PARTNER_RELATIONSHIP_MANAGERS.find((r) => roles.has(r));
  }

  relationshipManagersInWords(): string {
    return PARTNER_RELATIONSHIP_MANAGERS.map((r) => ROLE_NAMES[r]).join(', ');
  }
}
