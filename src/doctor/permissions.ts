/**
 * The Microsoft Graph application permissions Dragon Desk's identity needs for the features its
 * configuration turns on: least privilege first (microsoft-apis.md §0.3), each with a read that
 * needs it where one exists (a write cannot be tried without changing something), and the
 * broader permissions Graph would also accept. scripts/grant-graph-permissions.sh grants the same
 * set, feature by feature (test/doctor/permissions.test.ts keeps the two in step).
 */
import type { Config } from '../config';
import { ROLE_TEMPLATE } from '../domain/catalog';
import { SETUP_GROUP_NAMES } from '../domain/setupPlan';
import type { TenantClient } from '../tenant/types';

export interface PermissionNeed {
  permission: string;
  /** What it is for, in the words of README's feature list. */
  purpose: string;
  /** A read Graph refuses without it (403 Authorization_RequestDenied). */
  read?: (tenant: TenantClient) => Promise<unknown>;
  /** Permissions that also allow it, but allow more. */
  broader: readonly string[];
  /** False: a missing one is a warning (an optional feature), not a failure. */
  required: boolean;
  /** The script's option that adds it (none: always granted). */
  scriptOption?: string;
}

const READ_DIRECTORY = ['Directory.Read.All', 'Directory.ReadWrite.All'];

/** The script's options for a configuration (what the doctor tells an operator to run). */
export function scriptOptions(config: Config): string[] {
  return [...new Set(permissionsNeeded(config).flatMap((n) => (n.scriptOption ? [n.scriptOption] : [])))];
}

export function permissionsNeeded(config: Config): PermissionNeed[] {
  const licenseGroups = Object.values(config.licenses)
    .map((l) => l.groupId)
    .filter((g): g is string => !!g);
  const withoutGroup = (Object.keys(config.licenses) as (keyof Config['licenses'])[]).filter(
    (k) => !config.licenses[k].groupId,
  );
  const anyGroup = licenseGroups[0] ?? config.dragonAdminGroupId;
  const needs: PermissionNeed[] = [
    {
      permission: 'User.Read.All',
      purpose: 'who is asking, finding people, their licenseAssignmentStates',
      read: (t) => t.ping(),
      broader: ['User.ReadWrite.All', ...READ_DIRECTORY],
      required: true,
    },
    {
      permission: 'GroupMember.Read.All',
      purpose: 'group owners (the approvers) and members',
      read: (t) => (anyGroup ? t.listGroupOwners(anyGroup) : t.findGroupByName(SETUP_GROUP_NAMES.nursing)),
      broader: ['GroupMember.ReadWrite.All', 'Group.Read.All', 'Group.ReadWrite.All', ...READ_DIRECTORY],
      required: true,
    },
    {
      permission: 'RoleManagement.Read.Directory',
      purpose: 'who holds admin roles (who may act directly or approve)',
      read: (t) => t.listRoleAssignments({ roleDefinitionId: ROLE_TEMPLATE.dragonAdministrator }),
      broader: ['RoleManagement.ReadWrite.Directory', ...READ_DIRECTORY],
      required: true,
    },
    {
      permission: 'Organization.Read.All',
      purpose: 'seats (GET /subscribedSkus)',
      read: (t) => t.listSubscribedSkus(),
      broader: ['Organization.ReadWrite.All', ...READ_DIRECTORY],
      required: true,
    },
    {
      permission: 'RoleManagement.ReadWrite.Directory',
      purpose: 'the Dragon Administrator role (role-assignable group membership or a direct assignment)',
      broader: [],
      required: true,
    },
  ];
  if (licenseGroups.length || config.dragonAdminGroupId)
    needs.push({
      permission: 'GroupMember.ReadWrite.All',
      purpose: 'adding and removing members of the license and Dragon Administrators groups',
      broader: ['Group.ReadWrite.All', 'Directory.ReadWrite.All'],
      required: true,
      scriptOption: '--groups',
    });
  if (withoutGroup.length)
    needs.push({
      permission: 'LicenseAssignment.ReadWrite.All',
      purpose: `direct license assignment (${withoutGroup.join(' and ')}: no license group configured)`,
      broader: ['User.ReadWrite.All', 'Directory.ReadWrite.All'],
      required: true,
      scriptOption: '--direct-licenses',
    });
  if (config.pimEnabled)
    needs.push({
      permission: 'PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup',
      purpose: 'time-bound Dragon admin access through PIM for Groups (PIM_ENABLED)',
      broader: [],
      required: true,
      scriptOption: '--pim',
    });
  if (config.partnerOperatorsGroupId)
    needs.push({
      permission: 'DelegatedAdminRelationship.ReadWrite.All',
      purpose: 'delegated admin (GDAP) offers, sent from a partner tenant only',
      read: (t) => t.getGdapRelationship('00000000-0000-0000-0000-000000000000'),
      broader: [],
      required: false,
      scriptOption: '--partner-offers',
    });
  // For the approval flow: reaching approvers who never opened Dragon Desk (installing it for
  // them needs the app's catalog id, found by TEAMS_APP_ID) and noticing who is away. A write and
  // a per-person read: nothing to try without a person, so only the token's roles are checked.
  if (config.teamsAppId)
    needs.push({
      permission: 'TeamsAppInstallation.ReadWriteSelfForUser.All',
      purpose: 'installing Dragon Desk for an approver who never opened it, so their card can reach them',
      broader: [
        'TeamsAppInstallation.ReadWriteAndConsentSelfForUser.All',
        'TeamsAppInstallation.ReadWriteForUser.All',
        'TeamsAppInstallation.ReadWriteAndConsentForUser.All',
      ],
      required: false,
      scriptOption: '--install-for-approvers',
    });
  needs.push({
    permission: 'MailboxSettings.Read',
    purpose: 'seeing which approvers have automatic replies (out of office) on',
    broader: ['MailboxSettings.ReadWrite'],
    required: false,
    scriptOption: '--away-approvers',
  });
  if (config.teamsAppId)
    needs.push({
      permission: 'AppCatalog.Read.All',
      purpose:
        'finding Dragon Desk in the organisation’s catalog, to install it for an approver who never opened it, and this check [unverified for app-only tokens]',
      read: (t) => t.findCatalogApp(config.teamsAppId!),
      broader: ['AppCatalog.ReadWrite.All', ...READ_DIRECTORY],
      required: false,
      scriptOption: '--catalog-check',
    });
  return needs;
}
