/**
 * The built-in Entra role definitions the dev tenant serves. Names and template ids come from the
 * domain catalog (one source of truth); descriptions follow the permissions reference. For built-in
 * roles Graph returns id == templateId (reference §5, marked [U] there).
 */
import { createHash } from 'node:crypto';
import { ROLE_NAMES, ROLE_TEMPLATE, type AdminRole } from '../domain/catalog';
import type { Graph, Narrowed, Present } from '../tenant/graphTypes';

export type RoleDefinition = Present<
  Graph.UnifiedRoleDefinition,
  'id' | 'templateId' | 'displayName' | 'description' | 'isBuiltIn' | 'isEnabled' | 'resourceScopes' | 'version'
> &
  Narrowed<Graph.UnifiedRoleDefinition, 'rolePermissions', { allowedResourceActions: string[]; condition: null }[]>;

const DESCRIPTIONS: Record<AdminRole, [string, string[]]> = {
  globalAdministrator: [
    'Can manage all aspects of Microsoft Entra ID and Microsoft services that use Microsoft Entra identities.',
    ['microsoft.directory/allEntities/allProperties/allTasks'],
  ],
  userAdministrator: [
    'Can manage all aspects of users and groups, including resetting passwords for limited admins.',
    ['microsoft.directory/users/allProperties/allTasks', 'microsoft.directory/groups/members/update'],
  ],
  licenseAdministrator: [
    'Can manage product licenses on users and groups.',
    [
      'microsoft.directory/users/assignLicense',
      'microsoft.directory/groups/assignLicense',
      'microsoft.directory/users/usageLocation/update',
    ],
  ],
  billingAdministrator: [
    'Can perform common billing related tasks like updating payment information.',
    ['microsoft.commerce.billing/allEntities/allProperties/allTasks'],
  ],
  privilegedRoleAdministrator: [
    'Can manage role assignments in Microsoft Entra ID, and all aspects of Privileged Identity Management.',
    [
      'microsoft.directory/roleAssignments/allProperties/allTasks',
      'microsoft.directory/privilegedIdentityManagement/allProperties/allTasks',
    ],
  ],
  helpdeskAdministrator: [
    'Can reset passwords for non-administrators and Helpdesk Administrators.',
    ['microsoft.directory/users/password/update'],
  ],
  passwordAdministrator: [
    'Can reset passwords for non-administrators and Password Administrators.',
    ['microsoft.directory/users/password/update'],
  ],
  groupsAdministrator: [
    'Members of this role can create/manage groups, create/manage groups settings like naming and expiration policies, and view groups activity and audit reports.',
    ['microsoft.directory/groups/allProperties/allTasks'],
  ],
  directoryWriters: [
    'Can read and write basic directory information. For granting access to applications, not intended for users.',
    ['microsoft.directory/groups/members/update'],
  ],
  directoryReaders: [
    'Can read basic directory information. Commonly used to grant directory read access to applications and guests.',
    ['microsoft.directory/users/standard/read'],
  ],
  globalReader: [
    'Can read everything that a Global Administrator can, but not update anything.',
    ['microsoft.directory/allEntities/allProperties/read'],
  ],
  dragonAdministrator: [
    'Manage all aspects of the Microsoft Dragon admin center.',
    ['microsoft.healthPlatform/allEntities/allProperties/allTasks'],
  ],
  customerDelegatedAdminRelationshipAdministrator: [
    'Manage Microsoft partner relationships with the customer: accept, view and terminate GDAP relationships.',
    ['microsoft.commerce.tenantRelationships/customerDelegatedAdminPrivileges/allProperties/allTasks'],
  ],
};

export const BUILTIN_ROLES: readonly RoleDefinition[] = (Object.keys(ROLE_TEMPLATE) as AdminRole[]).map((role) => ({
  id: ROLE_TEMPLATE[role],
  templateId: ROLE_TEMPLATE[role],
  displayName: ROLE_NAMES[role],
  description: DESCRIPTIONS[role][0],
  isBuiltIn: true,
  isEnabled: true,
  resourceScopes: ['/'],
  version: '1',
  rolePermissions: [{ allowedResourceActions: DESCRIPTIONS[role][1], condition: null }],
}));

export function roleDefinition(idOrTemplateId: string): RoleDefinition | undefined {
  const lower = idOrTemplateId.toLowerCase();
  return BUILTIN_ROLES.find((r) => r.id === lower);
}

/**
 * The tenant-specific object id of an activated directoryRole. Real tenants mint a random one on
 * activation; the dev tenant derives it from the template so it is stable across restarts.
 */
export function directoryRoleObjectId(templateId: string): string {
  const h = createHash('sha256').update(`directoryRole:${templateId.toLowerCase()}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
