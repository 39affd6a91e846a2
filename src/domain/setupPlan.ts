/**
 * "Set up Dragon licensing" as Microsoft's Dragon Copilot admin documentation recommends: a
 * security group per license kind with the SKU assigned to the group and a named owner, and a
 * role-assignable "Dragon Administrators" group that holds the Dragon Administrator role, with a
 * named owner. Given what the tenant already has and who is asking, this decides what is in place,
 * what Dragon Desk will create, and what needs a person's attention. Pure: no I/O.
 */
import { LICENSE_INFO, ROLE_NAMES, type AdminRole, type LicenseKind } from './catalog';

export type SetupPart = LicenseKind | 'admin';
export const SETUP_PARTS: readonly SetupPart[] = ['nursing', 'physician', 'admin'];

/**
 * Where set-up keeps the group it found or created for a part: a record of this kind, under this
 * key, whose value has the `groupId` (services/groupsInUse.ts writes and routes by it; the doctor
 * reads it).
 */
export const SETUP_RECORD_KIND = 'setup';
export const setupRecordKey = (part: SetupPart): string => `group:${part}`;

/** The display names set-up looks for and creates. */
export const SETUP_GROUP_NAMES: Record<SetupPart, string> = {
  nursing: 'Dragon Copilot Nursing',
  physician: 'Dragon Copilot Physicians',
  admin: 'Dragon Administrators',
};

export const SETUP_MAIL_NICKNAMES: Record<SetupPart, string> = {
  nursing: 'DragonCopilotNursing',
  physician: 'DragonCopilotPhysicians',
  admin: 'DragonAdministrators',
};

/** Who may run each part: license groups need Global or License Administrator; the admin-role group Global or Privileged Role Administrator. */
export const SETUP_RUNNERS: Record<'licenses' | 'admin', readonly AdminRole[]> = {
  licenses: ['globalAdministrator', 'licenseAdministrator'],
  admin: ['globalAdministrator', 'privilegedRoleAdministrator'],
};

export type SetupStep = 'create-group' | 'assign-sku' | 'assign-role' | 'add-owner';

export interface ObservedGroup {
  id: string;
  displayName: string;
  securityEnabled?: boolean;
  isAssignableToRole?: boolean | null;
  /** Enabled people who own it. */
  ownerNames: string[];
  /** License parts: the kind's SKU is assigned to the group. */
  skuAssigned?: boolean;
  /** Admin part: the group holds the Dragon Administrator role at scope "/". */
  roleAssigned?: boolean;
}

/** What set-up found in the tenant for one part. */
export interface ObservedPart {
  part: SetupPart;
  group?: ObservedGroup;
  /** A group id is configured (e.g. NURSING_GROUP_ID) but the tenant has no such group. */
  configuredIdMissing?: { variable: string; id: string };
  /** License parts: the tenant's SKU for the kind, when it has one. */
  sku?: { skuId: string; skuPartNumber: string };
}

export type ItemStatus = 'in-place' | 'to-do' | 'attention' | 'not-allowed';

export interface SetupItem {
  part: SetupPart;
  title: string;
  status: ItemStatus;
  /** What Dragon Desk will do, in order; empty when nothing (or nothing allowed). */
  steps: SetupStep[];
  /** One line per fact, each starting with ✅ in place, ➕ will be done, or ⚠️ needs attention. */
  lines: string[];
  groupId?: string;
}

export interface SetupPlan {
  items: SetupItem[];
  /** Nothing is missing anywhere. */
  allInPlace: boolean;
  /** There is something this person may do now. */
  hasWork: boolean;
  /** Who may run which part, and whether this person may. */
  permissions: string[];
}

export const OK = '✅';
export const ADD = '➕';
export const WARN = '⚠️';

export function mayRun(part: SetupPart, roles: ReadonlySet<AdminRole>): boolean {
  return SETUP_RUNNERS[part === 'admin' ? 'admin' : 'licenses'].some((r) => roles.has(r));
}

export function mayRunAny(roles: ReadonlySet<AdminRole>): boolean {
  return SETUP_PARTS.some((p) => mayRun(p, roles));
}

function runnerNames(part: SetupPart): string {
  return SETUP_RUNNERS[part === 'admin' ? 'admin' : 'licenses'].map((r) => ROLE_NAMES[r]).join(' or ');
}

function licensePart(o: ObservedPart & { part: LicenseKind }): {
  lines: string[];
  steps: SetupStep[];
  problems: number;
} {
  const label = LICENSE_INFO[o.part].label;
  const name = o.group?.displayName ?? SETUP_GROUP_NAMES[o.part];
  const lines: string[] = [];
  const steps: SetupStep[] = [];
  let problems = 0;
  const noSku = () => {
    problems++;
    lines.push(
      `${WARN} The tenant has no ${label} subscription yet, so there is no license to assign to the group. ${LICENSE_INFO[o.part].purchase}`,
    );
  };
  if (o.configuredIdMissing) {
    problems++;
    lines.push(
      `${WARN} ${o.configuredIdMissing.variable} is set to ${o.configuredIdMissing.id}, but the tenant has no such group. Correct or remove that setting, then run set-up again.`,
    );
    return { lines, steps, problems };
  }
  if (!o.group) {
    steps.push('create-group');
    lines.push(`${ADD} Create the security group “${name}”.`);
    if (o.sku) {
      steps.push('assign-sku');
      lines.push(
        `${ADD} Assign the ${label} license (${o.sku.skuPartNumber}) to the group, so its members get it (group-based licensing).`,
      );
    } else noSku();
    steps.push('add-owner');
    lines.push(`${ADD} Make you its owner: the group needs a named owner who approves who joins.`);
    return { lines, steps, problems };
  }
  if (o.group.securityEnabled === false) {
    problems++;
    lines.push(
      `${WARN} “${name}” exists but is not a security group, so it cannot carry licenses. Rename it and run set-up again to create a proper one.`,
    );
    return { lines, steps, problems };
  }
  lines.push(`${OK} Security group “${name}” exists.`);
  if (o.group.skuAssigned) lines.push(`${OK} The ${label} license is assigned to the group.`);
  else if (o.sku) {
    steps.push('assign-sku');
    lines.push(`${ADD} Assign the ${label} license (${o.sku.skuPartNumber}) to the group.`);
  } else noSku();
  if (o.group.ownerNames.length) lines.push(`${OK} Owner: ${o.group.ownerNames.join(', ')}.`);
  else {
    steps.push('add-owner');
    lines.push(`${ADD} The group has no owner: make you its owner (a named owner is required).`);
  }
  return { lines, steps, problems };
}

function adminPart(o: ObservedPart): { lines: string[]; steps: SetupStep[]; problems: number } {
  const name = o.group?.displayName ?? SETUP_GROUP_NAMES.admin;
  const lines: string[] = [];
  const steps: SetupStep[] = [];
  if (o.configuredIdMissing) {
    return {
      lines: [
        `${WARN} ${o.configuredIdMissing.variable} is set to ${o.configuredIdMissing.id}, but the tenant has no such group. Correct or remove that setting, then run set-up again.`,
      ],
      steps,
      problems: 1,
    };
  }
  if (!o.group) {
    steps.push('create-group', 'assign-role', 'add-owner');
    lines.push(
      `${ADD} Create the role-assignable security group “${name}”.`,
      `${ADD} Give the group the Dragon Administrator role (directory scope “/”), so its members are Dragon administrators.`,
      `${ADD} Make you its owner: the owner controls who becomes a Dragon administrator.`,
    );
    return { lines, steps, problems: 0 };
  }
  if (!o.group.isAssignableToRole) {
    return {
      lines: [
        `${WARN} “${name}” exists but is not role-assignable, and that can only be chosen when a group is created. Rename or delete it, then run set-up again to create a role-assignable one.`,
      ],
      steps,
      problems: 1,
    };
  }
  lines.push(`${OK} Role-assignable group “${name}” exists.`);
  if (o.group.roleAssigned) lines.push(`${OK} It holds the Dragon Administrator role (directory scope “/”).`);
  else {
    steps.push('assign-role');
    lines.push(`${ADD} Give the group the Dragon Administrator role (directory scope “/”).`);
  }
  if (o.group.ownerNames.length) lines.push(`${OK} Owner: ${o.group.ownerNames.join(', ')}.`);
  else {
    steps.push('add-owner');
    lines.push(`${ADD} The group has no owner: make you its owner (a named owner is required).`);
  }
  return { lines, steps, problems: 0 };
}

const TITLES: Record<SetupPart, string> = {
  nursing: 'Nursing license group',
  physician: 'Physician license group',
  admin: 'Dragon Administrators group',
};

/** What set-up will do for this person, part by part. */
export function planSetup(observed: readonly ObservedPart[], roles: ReadonlySet<AdminRole>): SetupPlan {
  const items: SetupItem[] = observed.map((o) => {
    const r = o.part === 'admin' ? adminPart(o) : licensePart(o as ObservedPart & { part: LicenseKind });
    const allowed = mayRun(o.part, roles);
    let status: ItemStatus = r.steps.length ? 'to-do' : r.problems ? 'attention' : 'in-place';
    let { lines, steps } = r;
    if (steps.length && !allowed) {
      status = 'not-allowed';
      // Show what is missing, but as attention: someone else has to do it.
      lines = lines.map((l) => (l.startsWith(ADD) ? `${WARN}${l.slice(ADD.length)}` : l));
      lines.push(`${WARN} This part needs a ${runnerNames(o.part)}; you are not one, so it is left as it is.`);
      steps = [];
    }
    return { part: o.part, title: TITLES[o.part], status, steps, lines, groupId: o.group?.id };
  });
  const permissions = (['licenses', 'admin'] as const).map((which) => {
    const part: SetupPart = which === 'admin' ? 'admin' : 'nursing';
    const what = which === 'admin' ? 'The Dragon Administrators group' : 'The license groups';
    return `${what}: ${runnerNames(part)} — ${mayRun(part, roles) ? 'you may' : 'you may not'}.`;
  });
  return {
    items,
    allInPlace: items.every((i) => i.status === 'in-place'),
    hasWork: items.some((i) => i.steps.length > 0),
    permissions,
  };
}
