/**
 * `dragon-desk doctor`: checks, without changing anything, that a Dragon Desk configuration can
 * work in its tenant: each credential gets a token, each Graph permission the configured features
 * need is granted (and the reads that need it succeed), the configured SKUs and groups exist and
 * are set up as the flows expect, the Teams app is in the organisation's catalog, and the
 * database is reachable and migrated. Every line that is not fine says how to fix it.
 */
import type { Config } from '../config';
import { LICENSE_KINDS, ROLE_TEMPLATE, type LicenseKind } from '../domain/catalog';
import { SETUP_GROUP_NAMES } from '../domain/setupPlan';
import type { StoreInspection } from '../store/inspect';
import { explainTenantError } from '../tenant/errors';
import { TenantError, type SubscribedSku, type TenantClient, type TenantGroup } from '../tenant/types';
import { permissionsNeeded, scriptOptions, type PermissionNeed } from './permissions';

export type Status = 'ok' | 'warn' | 'fail' | 'skip';

export interface DoctorLine {
  check: string;
  status: Status;
  detail: string;
  /** What to do about it; present on every line that is not ok. */
  fix?: string;
}

export interface CredentialProbe {
  /** e.g. "Microsoft Graph (AZURE_CREDENTIAL=managed-identity)". */
  check: string;
  token(): Promise<string>;
  /** What to check when no token comes. */
  fix: string;
}

export interface GrantedPermissions {
  permissions: string[];
  /** The service principal's object id (a token's `oid`), for the grant command. */
  principalId?: string;
  /** Where the list comes from, for the report. */
  source: string;
}

export interface DoctorDeps {
  config: Config;
  tenant: TenantClient;
  credentials: CredentialProbe[];
  /** Undefined: cannot be known here (a token without a roles claim). */
  grantedPermissions(): Promise<GrantedPermissions | undefined>;
  inspectStore(): Promise<StoreInspection>;
  /** In dev: the dev tenant's URL, so a fix can also say how to repair the dev tenant. */
  devTenantUrl?: string;
}

/** The group settings the doctor checks, with the display name set-up gives each. */
const GROUP_SETTINGS: {
  variable: string;
  part: 'nursing' | 'physician' | 'admin' | 'operators';
  id: (c: Config) => string | undefined;
}[] = [
  { variable: 'NURSING_GROUP_ID', part: 'nursing', id: (c) => c.licenses.nursing.groupId },
  { variable: 'PHYSICIAN_GROUP_ID', part: 'physician', id: (c) => c.licenses.physician.groupId },
  { variable: 'DRAGON_ADMIN_GROUP_ID', part: 'admin', id: (c) => c.dragonAdminGroupId },
  { variable: 'PARTNER_OPERATORS_GROUP_ID', part: 'operators', id: (c) => c.partnerOperatorsGroupId },
];

const GROUP_NAMES = { ...SETUP_GROUP_NAMES, operators: 'Partner Operators' };

const SKU_VARIABLE: Record<LicenseKind, string> = {
  nursing: 'NURSING_SKU_PART_NUMBER',
  physician: 'PHYSICIAN_SKU_PART_NUMBER',
};

const isDenied = (err: unknown): boolean =>
  err instanceof TenantError && (err.code === 'Authorization_RequestDenied' || err.status === 403);

function failure(err: unknown): string {
  if (err instanceof TenantError)
    return `${explainTenantError(err)}${err.requestId ? ` (request-id ${err.requestId})` : ''}`;
  return err instanceof Error ? err.message : String(err);
}

export async function runDoctor(deps: DoctorDeps): Promise<DoctorLine[]> {
  const { config, tenant } = deps;
  const lines: DoctorLine[] = [];
  // Read once: its own line at the end, and the groups set-up recorded for the group checks.
  const store: Inspected = await deps.inspectStore().then(
    (db) => ({ db }),
    (err: unknown) => ({ err }),
  );

  // ── credentials ──────────────────────────────────────────────────────────────────────────
  let graphReachable = true;
  for (const probe of deps.credentials) {
    try {
      await probe.token();
      lines.push({ check: `credential: ${probe.check}`, status: 'ok', detail: 'a token was issued' });
    } catch (err) {
      if (/graph/i.test(probe.check)) graphReachable = false;
      lines.push({ check: `credential: ${probe.check}`, status: 'fail', detail: failure(err), fix: probe.fix });
    }
  }
  if (!config.bot.appId)
    lines.push({
      check: 'credential: Bot Framework',
      status: config.mode === 'dev' ? 'skip' : 'fail',
      detail: 'no BOT_APP_ID: the bot endpoint is anonymous (dev mode, for the Agents Playground)',
      fix: config.mode === 'dev' ? 'Nothing to do in dev mode.' : 'Set BOT_APP_ID (and BOT_APP_TYPE).',
    });
  if (!graphReachable) {
    lines.push({
      check: 'Microsoft Graph checks',
      status: 'skip',
      detail: 'not run: Dragon Desk could not get a Graph token',
      fix: 'Fix the Microsoft Graph credential first, then run the doctor again.',
    });
  } else {
    lines.push(...(await permissionLines(deps)));
    lines.push(...(await licenseLines(tenant, config)));
    lines.push(...(await groupLines(tenant, config, 'db' in store ? store.db.setupGroups : {})));
    lines.push(await catalogLine(tenant, config));
  }
  lines.push(databaseLine(config, store));
  return lines;
}

// ── permissions ──────────────────────────────────────────────────────────────────────────────

async function permissionLines(deps: DoctorDeps): Promise<DoctorLine[]> {
  const { config, tenant } = deps;
  let granted: GrantedPermissions | undefined;
  try {
    granted = await deps.grantedPermissions();
  } catch {
    granted = undefined;
  }
  const has = (p: string) => granted?.permissions.some((g) => g.toLowerCase() === p.toLowerCase()) ?? false;
  const command = `bash scripts/grant-graph-permissions.sh ${granted?.principalId ?? '<principal object id>'}${scriptOptions(
    config,
  )
    .map((o) => ` ${o}`)
    .join('')}`;
  const grantFix = (need: PermissionNeed) =>
    `Grant ${need.permission} to Dragon Desk's identity and consent: ${command}` +
    (deps.devTenantUrl
      ? ` (dev tenant: curl -X POST ${deps.devTenantUrl}/_devtenant/permissions/grant -H 'content-type: application/json' -d '{"permission":"${need.permission}"}')`
      : '');
  const out: DoctorLine[] = [];
  for (const need of permissionsNeeded(config)) {
    const check = `permission: ${need.permission}`;
    const missing: Status = need.required ? 'fail' : 'warn';
    let read: 'ok' | 'denied' | undefined;
    let readError: unknown;
    if (need.read) {
      try {
        await need.read(tenant);
        read = 'ok';
      } catch (err) {
        // Any answer but "denied" means Graph let the read through to the question itself.
        if (isDenied(err)) read = 'denied';
        else {
          read = 'ok';
          readError = err;
        }
      }
    }
    const broader = need.broader.filter(has);
    if (read === 'denied') {
      out.push({
        check,
        status: missing,
        detail: `Graph refused a read that needs it (403 Authorization_RequestDenied); needed for ${need.purpose}`,
        fix: has(need.permission)
          ? `It is granted, but not in effect yet: consent can take some minutes to reach Graph; run the doctor again. If it stays, re-grant it: ${command}`
          : grantFix(need),
      });
    } else if (granted && has(need.permission)) {
      out.push({ check, status: 'ok', detail: `granted (${granted.source}); for ${need.purpose}` });
    } else if (granted && broader.length) {
      out.push({
        check,
        status: 'warn',
        detail: `allowed through ${broader.join(', ')}, which grants more than ${need.purpose} needs`,
        fix: `Least privilege: ${command} --remove-others`,
      });
    } else if (granted) {
      out.push({
        check,
        status: missing,
        detail: `not granted (${granted.source}); needed for ${need.purpose}`,
        fix: grantFix(need),
      });
    } else if (read === 'ok') {
      out.push({
        check,
        status: 'ok',
        detail: `a read that needs it succeeded${readError ? ` (Graph answered: ${failure(readError)})` : ''}; for ${need.purpose}`,
      });
    } else {
      out.push({
        check,
        status: 'warn',
        detail: `not checked: it allows writes, which cannot be tried without a change, and the token lists no roles; needed for ${need.purpose}`,
        fix: `Make sure it is granted: ${command}`,
      });
    }
  }
  return out;
}

// ── licenses ─────────────────────────────────────────────────────────────────────────────────

async function licenseLines(tenant: TenantClient, config: Config): Promise<DoctorLine[]> {
  let skus: SubscribedSku[];
  try {
    skus = await tenant.listSubscribedSkus();
  } catch (err) {
    return LICENSE_KINDS.map((kind) => ({
      check: `license: ${SKU_VARIABLE[kind]}`,
      status: 'fail',
      detail: `could not read the tenant's subscriptions: ${failure(err)}`,
      fix: 'See the Organization.Read.All line above.',
    }));
  }
  return LICENSE_KINDS.map((kind): DoctorLine => {
    const partNumber = config.licenses[kind].skuPartNumber;
    const variable = SKU_VARIABLE[kind];
    const check = `license: ${variable}`;
    const sku = skus.find((s) => s.skuPartNumber.toLowerCase() === partNumber.toLowerCase());
    if (!sku) {
      const owned = skus.map((s) => s.skuPartNumber).sort();
      return {
        check,
        status: 'fail',
        detail: `the tenant has no subscription with skuPartNumber ${partNumber}`,
        fix: `Set ${variable} to the skuPartNumber of the Dragon Copilot ${kind} SKU as GET /subscribedSkus shows it; this tenant has: ${owned.join(', ') || 'none'}.`,
      };
    }
    const seats = `${sku.consumedUnits} of ${sku.prepaidUnits.enabled} seats used`;
    if (sku.capabilityStatus !== 'Enabled')
      return {
        check,
        status: 'warn',
        detail: `${sku.skuPartNumber}: subscription ${sku.capabilityStatus}; ${seats}`,
        fix: 'Renew or reactivate the subscription in the Microsoft 365 admin center (Billing → Your products).',
      };
    return { check, status: 'ok', detail: `${sku.skuPartNumber} found, ${seats}` };
  });
}

// ── groups ───────────────────────────────────────────────────────────────────────────────────

async function groupLines(
  tenant: TenantClient,
  config: Config,
  recorded: StoreInspection['setupGroups'],
): Promise<DoctorLine[]> {
  const out: DoctorLine[] = [];
  let skus: SubscribedSku[] = [];
  try {
    skus = await tenant.listSubscribedSkus();
  } catch {
    // Reported with the licenses.
  }
  for (const setting of GROUP_SETTINGS) {
    const configured = setting.id(config);
    // A part the configuration leaves empty uses the group "set up Dragon licensing" recorded.
    const fromSetup = !configured && setting.part !== 'operators' ? recorded[setting.part] : undefined;
    const id = configured ?? fromSetup;
    const name = GROUP_NAMES[setting.part];
    if (!id) {
      out.push({
        check: `group: ${setting.variable}`,
        status: 'skip',
        detail:
          setting.part === 'nursing' || setting.part === 'physician'
            ? 'not configured: licenses of this kind are assigned directly'
            : 'not configured',
      });
      continue;
    }
    const check = `group: ${setting.variable}`;
    let group: TenantGroup | undefined;
    try {
      group = await tenant.getGroup(id);
    } catch (err) {
      out.push({
        check,
        status: 'fail',
        detail: `could not read it: ${failure(err)}`,
        fix: 'See the GroupMember.Read.All line above.',
      });
      continue;
    }
    if (!group) {
      const byName = await tenant.findGroupByName(name).catch(() => undefined);
      out.push({
        check,
        status: 'fail',
        detail: fromSetup
          ? `set-up recorded group ${id}, and tenant ${config.tenantId} has no such group (deleted since?)`
          : `no group with id ${id} in tenant ${config.tenantId}`,
        fix: byName
          ? `A group named "${name}" exists with id ${byName.id}: set ${setting.variable}=${byName.id}.`
          : `Set ${setting.variable} to the object id of your ${name} group (Entra admin center → Groups)` +
            (setting.part === 'operators'
              ? '.'
              : `, or leave it empty and say "set up Dragon licensing" in chat to create it.`),
      });
      continue;
    }
    const shape = await groupShape(tenant, config, setting.part, check, group, skus);
    out.push(
      ...(fromSetup
        ? shape.map((l) => ({ ...l, detail: `${l.detail} (set up in chat; ${setting.variable} is empty)` }))
        : shape),
    );
  }
  return out;
}

async function groupShape(
  tenant: TenantClient,
  config: Config,
  part: 'nursing' | 'physician' | 'admin' | 'operators',
  check: string,
  group: TenantGroup,
  skus: SubscribedSku[],
): Promise<DoctorLine[]> {
  const problems: DoctorLine[] = [];
  if (part === 'nursing' || part === 'physician') {
    const partNumber = config.licenses[part].skuPartNumber.toLowerCase();
    const sku = skus.find((s) => s.skuPartNumber.toLowerCase() === partNumber);
    if (sku && !(group.assignedLicenses ?? []).some((l) => l.skuId === sku.skuId))
      problems.push({
        check,
        status: 'warn',
        detail: `"${group.displayName}" does not carry the ${part} license, so members get none`,
        fix: `Assign the ${sku.skuPartNumber} license to the group (Microsoft 365 admin center → Billing → Licenses → Groups), or say "set up Dragon licensing" in chat.`,
      });
  }
  if (part === 'admin') {
    if (group.isAssignableToRole !== true)
      problems.push({
        check,
        status: 'fail',
        detail: `"${group.displayName}" is not role-assignable, so it cannot hold the Dragon Administrator role`,
        fix: 'Role-assignability is set only when a group is created: create a role-assignable group (or say "set up Dragon licensing" in chat) and set DRAGON_ADMIN_GROUP_ID to it.',
      });
    else {
      const held = await tenant
        .listRoleAssignments({ principalId: group.id, roleDefinitionId: ROLE_TEMPLATE.dragonAdministrator })
        .catch(() => undefined);
      if (held && held.length === 0)
        problems.push({
          check,
          status: 'warn',
          detail: `"${group.displayName}" does not hold the Dragon Administrator role, so its members are not Dragon administrators`,
          fix: 'Assign the Dragon Administrator role to the group (Entra admin center → Roles and administrators), or say "set up Dragon licensing" in chat.',
        });
    }
  }
  if (part !== 'operators') {
    const owners = await tenant.listGroupOwners(group.id).catch(() => undefined);
    if (owners && owners.length === 0)
      problems.push({
        check,
        status: 'warn',
        detail: `"${group.displayName}" has no owner, so nobody approves requests for it${part === 'admin' ? ' but the Global and Privileged Role Administrators' : ` but the License Administrators (APPROVER_FALLBACK=${config.approverFallback})`}`,
        fix: 'Add an owner who decides who joins (Entra admin center → Groups → Owners).',
      });
  }
  return problems.length ? problems : [{ check, status: 'ok', detail: `"${group.displayName}" (${group.id}) found` }];
}

// ── Teams ────────────────────────────────────────────────────────────────────────────────────

async function catalogLine(tenant: TenantClient, config: Config): Promise<DoctorLine> {
  const check = 'Teams app in the organisation’s catalog';
  if (!config.teamsAppId)
    return {
      check,
      status: 'warn',
      detail: 'not checked: TEAMS_APP_ID is not set',
      fix: 'Set TEAMS_APP_ID to the Teams app id (teamsApp/create writes it to env/.env.<environment>; infra/azure.bicep sets it on App Service).',
    };
  try {
    const app = await tenant.findCatalogApp(config.teamsAppId);
    if (app)
      return {
        check,
        status: 'ok',
        detail: `"${app.displayName}" (${app.externalId}) is published to the organisation`,
      };
    return {
      check,
      status: 'fail',
      detail: `no app with id ${config.teamsAppId} in the organisation's catalog: approvers who never talked to Dragon Desk cannot get its cards`,
      fix: 'Publish it: `atk publish --env <environment>` (or upload the app package in the Teams admin center → Manage apps), then approve it there. A new app can take some hours to appear.',
    };
  } catch (err) {
    return {
      check,
      status: 'warn',
      detail: `could not read the catalog: ${failure(err)}`,
      fix: 'Check in the Teams admin center → Manage apps that Dragon Desk is published and allowed. (Microsoft documents the catalog read for signed-in users; whether an app-only token may read it is unverified.)',
    };
  }
}

// ── database ─────────────────────────────────────────────────────────────────────────────────

type Inspected = { db: StoreInspection } | { err: unknown };

function databaseLine(config: Config, store: Inspected): DoctorLine {
  const check = `database (${config.databaseUrl ? `PostgreSQL, ${config.databaseAuth === 'entra' ? 'Entra sign-in' : 'password'}` : 'SQLite'})`;
  if ('err' in store)
    return {
      check,
      status: 'fail',
      detail: `not reachable: ${failure(store.err)}`,
      fix:
        config.databaseAuth === 'entra'
          ? "Check DATABASE_URL's host and user (the managed identity's name), that the identity is the server's Microsoft Entra administrator, and the server's firewall (infra/azure.bicep sets all three)."
          : config.databaseUrl
            ? "Check DATABASE_URL's host, port, user and password, and that the server accepts connections from here."
            : `Check that DATA_DIR (${config.dataDir}) is readable.`,
    };
  const { db } = store;
  if (!db.exists)
    return {
      check,
      status: 'warn',
      detail: `${db.where} does not exist yet`,
      fix: 'Nothing to do: Dragon Desk creates and migrates it at its first start.',
    };
  if (db.pending.length)
    return {
      check,
      status: 'warn',
      detail: `${db.where} is reachable; migrations not applied yet: ${db.pending.join(', ')}`,
      fix: 'Start (or restart) Dragon Desk: migrations run at start, safely with several instances.',
    };
  return { check, status: 'ok', detail: `${db.where} is reachable and migrated (${db.applied.join(', ')})` };
}

export function failed(lines: DoctorLine[]): boolean {
  return lines.some((l) => l.status === 'fail');
}
