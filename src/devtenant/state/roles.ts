/**
 * Directory role assignments (routes/roles.ts, and the roles in users' transitiveMemberOf): built-in
 * roles only, assigned to a user, a service principal or a role-assignable group.
 */
import { createHash, randomUUID } from 'node:crypto';
import { directoryRoleObjectId, roleDefinition } from '../builtin-roles';
import { badRequest, resourceNotFound, TenantHttpError } from '../errors';
import type { Fixture } from '../fixture';
import { lc, type DirectoryParts, type Store } from './store';
import type { Graph, Present } from '../../tenant/graphTypes';

export type RoleAssignmentRecord = Present<
  Graph.UnifiedRoleAssignment,
  'id' | 'roleDefinitionId' | 'principalId' | 'directoryScopeId'
>;

/** Graph role assignment ids look like base64url text with a '-1' suffix (reference §5). */
function roleAssignmentId(seed: string): string {
  return `${createHash('sha256').update(seed).digest('base64url').slice(0, 43)}-1`;
}

export class Roles {
  private assignments: RoleAssignmentRecord[] = [];

  constructor(
    private readonly store: Store,
    private readonly dir: DirectoryParts,
  ) {}

  seed(f: Fixture): void {
    this.assignments = f.directoryRoleAssignments.map((r) => ({
      id: roleAssignmentId(`${r.roleTemplateId}|${r.principalId}|${r.directoryScopeId}`),
      roleDefinitionId: lc(r.roleTemplateId),
      principalId: r.principalId,
      directoryScopeId: r.directoryScopeId,
    }));
  }

  listRoleAssignments(filter: { principalId?: string; roleDefinitionId?: string } = {}): RoleAssignmentRecord[] {
    return this.assignments.filter(
      (r) =>
        (!filter.principalId || lc(r.principalId) === lc(filter.principalId)) &&
        (!filter.roleDefinitionId || lc(r.roleDefinitionId) === lc(filter.roleDefinitionId)),
    );
  }

  getRoleAssignment(id: string): RoleAssignmentRecord | undefined {
    return this.assignments.find((r) => r.id === id);
  }

  createRoleAssignment(roleDefinitionId: string, principalId: string, directoryScopeId: string): RoleAssignmentRecord {
    const def = roleDefinition(roleDefinitionId);
    if (!def) throw resourceNotFound(roleDefinitionId);
    const kind = this.store.objectKind(principalId);
    // [U] Graph's exact code/text for an unknown principal or a non-role-assignable group.
    if (!kind) throw badRequest(`Principal '${principalId}' does not exist in the directory.`);
    if (kind === 'group' && !this.dir.groups.getGroup(principalId)!.isAssignableToRole) {
      throw badRequest(
        `Group '${principalId}' is not role-assignable: only groups created with isAssignableToRole can be assigned a directory role.`,
      );
    }
    const canonical = this.store.canonicalId(principalId)!;
    const dup = this.assignments.find(
      (r) =>
        lc(r.roleDefinitionId) === def.id &&
        lc(r.principalId) === lc(canonical) &&
        r.directoryScopeId === directoryScopeId,
    );
    // [U] 409 RoleAssignmentExists is the Azure RBAC code; Graph's directory code is unverified.
    if (dup) throw new TenantHttpError(409, 'RoleAssignmentExists', 'The role assignment already exists.');
    const rec: RoleAssignmentRecord = {
      id: roleAssignmentId(`${def.id}|${canonical}|${directoryScopeId}|${randomUUID()}`),
      roleDefinitionId: def.id,
      principalId: canonical,
      directoryScopeId,
    };
    this.assignments.push(rec);
    return rec;
  }

  deleteRoleAssignment(id: string): void {
    const idx = this.assignments.findIndex((r) => r.id === id);
    if (idx < 0) throw resourceNotFound(id);
    this.assignments.splice(idx, 1);
  }

  /**
   * Tenant-wide roles the object holds right now: assigned to it directly, or to a role-assignable
   * group it is a member of (role-assignable groups cannot be nested, so one level is enough).
   */
  heldRoleTemplateIds(objectId: string, transitive: boolean): string[] {
    const principals = new Set([lc(objectId)]);
    if (transitive) {
      for (const gid of this.dir.groups.memberOfGroupIds(objectId)) {
        if (this.dir.groups.getGroup(gid)?.isAssignableToRole) principals.add(lc(gid));
      }
    }
    const out = new Set<string>();
    for (const r of this.assignments) {
      if (r.directoryScopeId === '/' && principals.has(lc(r.principalId))) out.add(r.roleDefinitionId);
    }
    return [...out];
  }

  directoryRoleObjectId(templateId: string): string {
    return directoryRoleObjectId(templateId);
  }
}
