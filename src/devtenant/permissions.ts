/**
 * The Microsoft Graph application permissions granted to Dragon Desk's own app (`Bearer dev`), and
 * which requests need which (least privilege first, after microsoft-apis.md §0.3; a broader
 * permission that Graph also accepts counts too). At start the app holds the least-privilege set
 * for every feature, as a tenant whose administrator ran scripts/grant-graph-permissions.sh with
 * all its options; the `/_devtenant/permissions` hooks revoke, grant (broader ones too) and reset,
 * and a request that no granted permission allows gets Graph's 403 Authorization_RequestDenied.
 * Requests made as a user (`Bearer dev:<id>`) are not checked.
 */

interface PermissionRule {
  methods: readonly string[];
  path: RegExp;
  /** Any one of these suffices; the first is the least privileged. */
  anyOf: readonly string[];
}

const READ_DIRECTORY = ['Directory.Read.All', 'Directory.ReadWrite.All'];
const WRITE_DIRECTORY = ['Directory.ReadWrite.All'];

const RULES: readonly PermissionRule[] = [
  {
    methods: ['POST'],
    path: /^\/v1\.0\/users\/[^/]+\/assignLicense$/i,
    anyOf: ['LicenseAssignment.ReadWrite.All', 'User.ReadWrite.All', ...WRITE_DIRECTORY],
  },
  {
    methods: ['GET'],
    path: /^\/v1\.0\/users(\/|$)/i,
    anyOf: ['User.Read.All', 'User.ReadWrite.All', ...READ_DIRECTORY],
  },
  {
    methods: ['POST'],
    path: /^\/v1\.0\/groups\/[^/]+\/assignLicense$/i,
    anyOf: ['LicenseAssignment.ReadWrite.All', 'Group.ReadWrite.All', ...WRITE_DIRECTORY],
  },
  {
    methods: ['POST', 'DELETE'],
    path: /^\/v1\.0\/groups\/[^/]+\/(members|owners)(\/|$)/i,
    anyOf: ['GroupMember.ReadWrite.All', 'Group.ReadWrite.All', ...WRITE_DIRECTORY],
  },
  { methods: ['POST'], path: /^\/v1\.0\/groups$/i, anyOf: ['Group.Create', 'Group.ReadWrite.All', ...WRITE_DIRECTORY] },
  {
    methods: ['GET'],
    path: /^\/v1\.0\/groups(\/|$)/i,
    anyOf: [
      'GroupMember.Read.All',
      'GroupMember.ReadWrite.All',
      'Group.Read.All',
      'Group.ReadWrite.All',
      ...READ_DIRECTORY,
    ],
  },
  {
    methods: ['GET'],
    path: /^\/v1\.0\/subscribedSkus(\/|$)/i,
    anyOf: ['Organization.Read.All', 'Organization.ReadWrite.All', ...READ_DIRECTORY],
  },
  {
    methods: ['POST', 'DELETE', 'PATCH'],
    path: /^\/v1\.0\/roleManagement\/directory\//i,
    anyOf: ['RoleManagement.ReadWrite.Directory'],
  },
  {
    methods: ['GET'],
    path: /^\/v1\.0\/roleManagement\/directory\//i,
    anyOf: ['RoleManagement.Read.Directory', 'RoleManagement.ReadWrite.Directory', ...READ_DIRECTORY],
  },
  {
    methods: ['POST'],
    path: /^\/v1\.0\/identityGovernance\/privilegedAccess\/group\/assignmentScheduleRequests$/i,
    anyOf: ['PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup'],
  },
  {
    methods: ['POST', 'PATCH', 'DELETE'],
    path: /^\/v1\.0\/tenantRelationships\/delegatedAdminRelationships(\/|$)/i,
    anyOf: ['DelegatedAdminRelationship.ReadWrite.All'],
  },
  {
    methods: ['GET'],
    path: /^\/v1\.0\/tenantRelationships\/delegatedAdminRelationships(\/|$)/i,
    anyOf: ['DelegatedAdminRelationship.Read.All', 'DelegatedAdminRelationship.ReadWrite.All'],
  },
  {
    methods: ['GET'],
    path: /^\/v1\.0\/appCatalogs\/teamsApps(\/|$)/i,
    anyOf: ['AppCatalog.Read.All', 'AppCatalog.ReadWrite.All', ...READ_DIRECTORY],
  },
];

/** Every permission the rules name (what the hooks accept). */
export const KNOWN_PERMISSIONS: readonly string[] = [...new Set(RULES.flatMap((r) => r.anyOf))].sort();

/** What the app holds at start: what scripts/grant-graph-permissions.sh grants with all its options. */
export const DEFAULT_GRANTS: readonly string[] = [
  'AppCatalog.Read.All',
  'DelegatedAdminRelationship.ReadWrite.All',
  'Group.Create',
  'GroupMember.Read.All',
  'GroupMember.ReadWrite.All',
  'LicenseAssignment.ReadWrite.All',
  'Organization.Read.All',
  'PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup',
  'RoleManagement.Read.Directory',
  'RoleManagement.ReadWrite.Directory',
  'User.Read.All',
];

export class AppPermissions {
  private readonly held = new Set<string>(DEFAULT_GRANTS);
  /** The default grants allow every rule, so until something changes nothing needs checking. */
  private untouched = true;

  granted(): string[] {
    return [...this.held].sort();
  }

  /** Takes a permission away (as an administrator removing it would); false if unknown. */
  revoke(permission: string): boolean {
    const known = this.known(permission);
    if (!known) return false;
    this.held.delete(known);
    this.untouched = false;
    return true;
  }

  grant(permission: string): boolean {
    const known = this.known(permission);
    if (!known) return false;
    this.held.add(known);
    this.untouched = false;
    return true;
  }

  /** Back to the grants the app starts with. */
  reset(): void {
    this.held.clear();
    for (const p of DEFAULT_GRANTS) this.held.add(p);
    this.untouched = true;
  }

  /** The permissions a request lacks (least privileged named first), or undefined when it may go ahead. */
  missingFor(method: string, path: string): readonly string[] | undefined {
    if (this.untouched) return undefined;
    const m = method.toUpperCase();
    const rule = RULES.find((r) => r.methods.includes(m) && r.path.test(path));
    if (!rule || rule.anyOf.some((p) => this.held.has(p))) return undefined;
    return rule.anyOf;
  }

  private known(permission: string): string | undefined {
    return KNOWN_PERMISSIONS.find((p) => p.toLowerCase() === permission.toLowerCase());
  }
}
