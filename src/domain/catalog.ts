/**
 * What Microsoft's Dragon Copilot and Entra documentation says, as data. Everything that decides
 * who may do what, or what to tell a person, reads these tables rather than repeating the facts.
 * Pure: no I/O.
 */

export type LicenseKind = 'nursing' | 'physician';
export const LICENSE_KINDS: readonly LicenseKind[] = ['nursing', 'physician'];

export interface LicenseKindInfo {
  kind: LicenseKind;
  /** How people name it in chat and on cards. */
  label: string;
  /** How more seats are bought (Dragon admin center "get started"). */
  purchase: string;
}

export const LICENSE_INFO: Record<LicenseKind, LicenseKindInfo> = {
  nursing: {
    kind: 'nursing',
    label: 'Dragon Copilot nursing',
    purchase:
      'Nursing licenses are sold only through your Microsoft representative, under a Microsoft Customer Agreement (MCA) or MCA-E. A certified partner cannot sell them.',
  },
  physician: {
    kind: 'physician',
    label: 'Dragon Copilot physician',
    purchase:
      'Physician licenses can be bought through your Microsoft representative or through a certified Microsoft partner (CSP).',
  },
};

export function otherKind(kind: LicenseKind): LicenseKind {
  return kind === 'nursing' ? 'physician' : 'nursing';
}

/** The admin center bulk-assigns at most 20 users at a time; Graph $batch also caps at 20. */
export const MAX_PEOPLE_PER_REQUEST = 20;

/** Built-in Entra role template ids (entra-docs permissions-reference, 2026-01). */
export const ROLE_TEMPLATE = {
  globalAdministrator: '62e90394-69f5-4237-9190-012177145e10',
  userAdministrator: 'fe930be7-5e62-47db-91af-98c3a49a38b1',
  licenseAdministrator: '4d6ac14f-3453-41d0-bef9-a3e0c569773a',
  billingAdministrator: 'b0f54661-2d74-4c50-afa3-1ec803f12efe',
  privilegedRoleAdministrator: 'e8611ab8-c189-46e8-94e1-60213ab1f814',
  helpdeskAdministrator: '729827e3-9c14-49f7-bb1b-9608f156bbb8',
  passwordAdministrator: '966707d0-3269-4727-9be2-8c3a10f19b9d',
  groupsAdministrator: 'fdd7a751-b60b-444a-984c-02652fe8fa1c',
  directoryWriters: '9360feb5-f418-4baa-8175-e2a00bac4301',
  directoryReaders: '88d8e3e3-8f55-4a1e-953a-9b9898b8876b',
  globalReader: 'f2ef992c-3afb-46b9-b7cf-a126ee74c451',
  dragonAdministrator: 'e93e3737-fa85-474a-aee4-7d3fb86510f3',
  customerDelegatedAdminRelationshipAdministrator: 'fc8ad4e2-40e4-4724-8317-bcda7503ecbf',
} as const;

export type AdminRole = keyof typeof ROLE_TEMPLATE;

export const ROLE_NAMES: Record<AdminRole, string> = {
  globalAdministrator: 'Global Administrator',
  userAdministrator: 'User Administrator',
  licenseAdministrator: 'License Administrator',
  billingAdministrator: 'Billing Administrator',
  privilegedRoleAdministrator: 'Privileged Role Administrator',
  helpdeskAdministrator: 'Helpdesk Administrator',
  passwordAdministrator: 'Password Administrator',
  groupsAdministrator: 'Groups Administrator',
  directoryWriters: 'Directory Writers',
  directoryReaders: 'Directory Readers',
  globalReader: 'Global Reader',
  dragonAdministrator: 'Dragon Administrator',
  customerDelegatedAdminRelationshipAdministrator: 'Customer Delegated Admin Relationship Administrator',
};

export function roleByTemplateId(templateId: string): AdminRole | undefined {
  const lower = templateId.toLowerCase();
  return (Object.keys(ROLE_TEMPLATE) as AdminRole[]).find((r) => ROLE_TEMPLATE[r] === lower);
}

/** Dragon admin docs: Global Administrator or User Administrator (and License Administrator) may assign. */
export const LICENSE_ASSIGNERS: readonly AdminRole[] = [
  'globalAdministrator',
  'userAdministrator',
  'licenseAdministrator',
];

/** The Dragon Administrator role is assigned by Global or Privileged Role Administrators. */
export const ROLE_ASSIGNERS: readonly AdminRole[] = ['globalAdministrator', 'privilegedRoleAdministrator'];

/** Admin roles that may ask status questions about other people. */
export const STATUS_READERS: readonly AdminRole[] = [
  'globalAdministrator',
  'userAdministrator',
  'licenseAdministrator',
  'billingAdministrator',
  'privilegedRoleAdministrator',
  'dragonAdministrator',
  'globalReader',
];

export const DRAGON_ADMIN_ROLE_NOTE =
  'The Dragon Administrator role manages the Dragon admin center; it does not allow assigning licenses. Assigning a Dragon license still needs the License Administrator or User Administrator role.';
