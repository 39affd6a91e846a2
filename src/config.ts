/**
 * The one place that reads the environment. Every problem is collected and reported together,
 * by variable name and with what is expected, so a newcomer fixes the whole list in one go.
 * In dev mode `env/dev-defaults.env` (and the gitignored `env/.env.local.user`) supply defaults; values
 * already in the process environment win. The other files in env/ (`.env.local`, `.env.dev`,
 * `.env.playground`) belong to the Microsoft 365 Agents Toolkit, which writes generated ids into
 * them; Dragon Desk never reads them.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import dotenv from 'dotenv';
import type { LicenseKind } from './domain/catalog';
import { parsePartnerList, type KnownPartner } from './domain/partners';
import { fromRoot, projectRoot } from './paths';

export type AppMode = 'dev' | 'production';
export type CredentialKind = 'client-secret' | 'certificate' | 'managed-identity';

export interface LicenseConfig {
  skuPartNumber: string;
  /** Security group that carries the SKU through group-based licensing; absent = direct assignLicense. */
  groupId?: string;
}

export interface Config {
  mode: AppMode;
  port: number;
  host: string;
  tenantId: string;
  bot: {
    /** Absent = anonymous (dev only), as the Agents Playground expects. */
    appId?: string;
    appPassword?: string;
    appType: 'SingleTenant' | 'UserAssignedMsi';
  };
  /** The in-process dev tenant (dev mode only), seeded from a fixture (`contoso-health` by default). */
  /**
   * The dev tenant (dev mode only): started in process on `port`, seeded from `fixture`; or, with
   * `url` (DEV_TENANT_URL), one already running (`npx dragon-desk devtenant`) that several Dragon
   * Desk processes share.
   */
  devTenant?: { port: number; fixture: string; url?: string };
  graphBaseUrl: string;
  armBaseUrl: string;
  /** How Dragon Desk authenticates to Graph and ARM in production. */
  credential?: {
    kind: CredentialKind;
    clientId?: string;
    clientSecret?: string;
    certificatePath?: string;
  };
  dataDir: string;
  databaseUrl?: string;
  /**
   * How Dragon Desk signs in to PostgreSQL: the password in DATABASE_URL, or a Microsoft Entra token
   * of AZURE_CREDENTIAL's identity (Azure Database for PostgreSQL with Entra authentication).
   */
  databaseAuth: 'password' | 'entra';
  /** The Teams app's id (manifest id): the doctor looks for it in the organisation's catalog. */
  teamsAppId?: string;
  /** Present only with APPLICATIONINSIGHTS_CONNECTION_STRING: OpenTelemetry to Application Insights. */
  telemetry?: { connectionString: string };
  /** As configured; a gap may be filled by set-up at run time (services/groupsInUse.ts), never here. */
  readonly licenses: Readonly<Record<LicenseKind, Readonly<LicenseConfig>>>;
  readonly dragonAdminGroupId?: string;
  partnerOperatorsGroupId?: string;
  /** Partners the organisation works with (`PARTNERS`); the customer side has no API to list them. */
  partners: KnownPartner[];
  /** Who approves when a license group has no enabled owner. */
  approverFallback: 'license-admins' | 'none';
  requestExpiryHours: number;
  approvalsChannel?: { conversationId: string; serviceUrl: string };
  playgroundPort: number;
  pimEnabled: boolean;
  grantReminderMinutes: number;
  workerIntervalMs: number;
  /** Requests one instance carries out at the same time (most of an execution is waiting for Graph). */
  workerConcurrency: number;
  licenseVerifyTimeoutSeconds: number;
  /**
   * How long an instance's claim on background work holds — an execution (renewed every third of
   * it while it runs), a message being sent, a timer being run: after a crash, another instance
   * takes the work over within this.
   */
  leaseSeconds: number;
  openai?: {
    apiKey?: string;
    model?: string;
    azureEndpoint?: string;
    azureApiKey?: string;
    azureDeployment?: string;
  };
  logLevel: 'debug' | 'info' | 'warn' | 'error';
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Dragon Desk cannot start; fix these settings:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Names of variables whose values must never be printed. */
export const SECRET_VARIABLES = [
  'BOT_APP_PASSWORD',
  'AZURE_CLIENT_SECRET',
  'OPENAI_API_KEY',
  'AZURE_OPENAI_API_KEY',
  'DATABASE_URL',
  'APPLICATIONINSIGHTS_CONNECTION_STRING',
];

/**
 * Dragon Desk's committed dev defaults, then the personal overrides. The name deliberately does not
 * start with `.env.`: the Agents Toolkit treats every `env/.env.<name>` as an environment of its own.
 */
export const DEV_ENV_FILES = ['env/dev-defaults.env', 'env/.env.local.user'] as const;

/**
 * Reads DEV_ENV_FILES beneath `root`; the process environment wins, and an empty value there means
 * unset (parseConfig treats empty as absent).
 */
export function withDevDefaults(env: NodeJS.ProcessEnv, root: string): NodeJS.ProcessEnv {
  const merged: NodeJS.ProcessEnv = {};
  for (const file of DEV_ENV_FILES) {
    const full = path.join(root, file);
    if (existsSync(full)) Object.assign(merged, dotenv.parse(readFileSync(full)));
  }
  // An empty value set in the environment wins too: `NURSING_GROUP_ID=` unsets the dev default.
  for (const [k, v] of Object.entries(env)) if (v !== undefined) merged[k] = v;
  return merged;
}

/** Parses and validates; throws ConfigError listing every problem. */
export function parseConfig(env: NodeJS.ProcessEnv): Config {
  const problems: string[] = [];
  const str = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = str(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${name}: expected a whole number from ${min} to ${max}, got "${raw}"`);
      return fallback;
    }
    return n;
  };
  const bool = (name: string, fallback: boolean): boolean => {
    const raw = str(name);
    if (raw === undefined) return fallback;
    if (/^(true|1|yes)$/i.test(raw)) return true;
    if (/^(false|0|no)$/i.test(raw)) return false;
    problems.push(`${name}: expected true or false, got "${raw}"`);
    return fallback;
  };
  const guid = (name: string, required: boolean): string | undefined => {
    const raw = str(name);
    if (raw === undefined) {
      if (required) problems.push(`${name}: required, expected a GUID (Entra object or tenant id)`);
      return undefined;
    }
    if (!GUID.test(raw)) {
      problems.push(`${name}: expected a GUID like 00000000-0000-0000-0000-000000000000, got "${raw}"`);
      return undefined;
    }
    return raw.toLowerCase();
  };
  const oneOf = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const raw = str(name);
    if (raw === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(raw)) {
      problems.push(`${name}: expected one of ${allowed.join(', ')}, got "${raw}"`);
      return fallback;
    }
    return raw as T;
  };
  const url = (name: string, fallback: string | undefined): string | undefined => {
    const raw = str(name) ?? fallback;
    if (raw === undefined) return undefined;
    try {
      const u = new URL(raw);
      if (!/^https?:$/.test(u.protocol)) throw new Error('protocol');
      return raw.replace(/\/+$/, '');
    } catch {
      problems.push(`${name}: expected an http(s) URL, got "${raw}"`);
      return fallback;
    }
  };

  const mode = oneOf<AppMode>('APP_MODE', ['dev', 'production'], 'dev');
  // 0 = any free port (tests and benchmarks).
  const port = int('PORT', 3978, 0, 65535);
  const tenantId = guid('TENANT_ID', true) ?? '';

  const appId = guid('BOT_APP_ID', false);
  const appPassword = str('BOT_APP_PASSWORD');
  const appType = oneOf('BOT_APP_TYPE', ['SingleTenant', 'UserAssignedMsi'] as const, 'SingleTenant');
  if (mode === 'production') {
    if (!appId)
      problems.push(
        "BOT_APP_ID: required in production (the Azure Bot registration's app id); without Bot Framework credentials Dragon Desk runs only in dev mode",
      );
    if (appType === 'SingleTenant' && !appPassword)
      problems.push(
        'BOT_APP_PASSWORD: required in production for BOT_APP_TYPE=SingleTenant (or set BOT_APP_TYPE=UserAssignedMsi on Azure)',
      );
  }
  if (appType === 'UserAssignedMsi' && appPassword)
    problems.push(
      'BOT_APP_PASSWORD: must be empty when BOT_APP_TYPE=UserAssignedMsi (the managed identity has no password)',
    );
  if (appPassword && !appId) problems.push('BOT_APP_ID: required when BOT_APP_PASSWORD is set');

  let devTenant: Config['devTenant'];
  let graphBaseUrl: string;
  let armBaseUrl: string;
  let credential: Config['credential'];
  if (mode === 'dev') {
    const fixture = str('DEV_TENANT_FIXTURE') ?? 'contoso-health';
    const known = fromRoot('src', 'devtenant', 'fixtures', `${fixture}.json`);
    if (!existsSync(known) && !existsSync(path.resolve(fixture)))
      problems.push(
        `DEV_TENANT_FIXTURE: expected a fixture name under src/devtenant/fixtures (contoso-health, empty-tenant) or a JSON file path, got "${fixture}"`,
      );
    const shared = url('DEV_TENANT_URL', undefined);
    if (shared && !isLoopbackUrl(shared))
      problems.push(`DEV_TENANT_URL: must be on this machine (127.0.0.1 or localhost), got "${shared}"`);
    devTenant = { port: int('DEV_TENANT_PORT', 5980, 0, 65535), fixture, ...(shared ? { url: shared } : {}) };
    // Dev mode never reaches Microsoft: the tenant is always a dev tenant, in process or on this machine.
    graphBaseUrl = shared ?? `http://127.0.0.1:${devTenant.port}`;
    armBaseUrl = graphBaseUrl;
  } else {
    graphBaseUrl = url('GRAPH_BASE_URL', 'https://graph.microsoft.com')!;
    armBaseUrl = url('ARM_BASE_URL', 'https://management.azure.com')!;
    const kind = oneOf<CredentialKind>(
      'AZURE_CREDENTIAL',
      ['client-secret', 'certificate', 'managed-identity'],
      'managed-identity',
    );
    credential = {
      kind,
      clientId: guid('AZURE_CLIENT_ID', kind !== 'managed-identity'),
      clientSecret: str('AZURE_CLIENT_SECRET'),
      certificatePath: str('AZURE_CLIENT_CERTIFICATE_PATH'),
    };
    if (kind === 'client-secret' && !credential.clientSecret)
      problems.push('AZURE_CLIENT_SECRET: required when AZURE_CREDENTIAL=client-secret');
    if (kind === 'certificate' && !credential.certificatePath)
      problems.push(
        'AZURE_CLIENT_CERTIFICATE_PATH: required when AZURE_CREDENTIAL=certificate (a PEM file with the private key)',
      );
  }

  const licenses: Record<LicenseKind, LicenseConfig> = {
    nursing: {
      skuPartNumber: str('NURSING_SKU_PART_NUMBER') ?? '',
      groupId: guid('NURSING_GROUP_ID', false),
    },
    physician: {
      skuPartNumber: str('PHYSICIAN_SKU_PART_NUMBER') ?? '',
      groupId: guid('PHYSICIAN_GROUP_ID', false),
    },
  };
  if (!licenses.nursing.skuPartNumber)
    problems.push(
      'NURSING_SKU_PART_NUMBER: required, the skuPartNumber of the Dragon Copilot nursing SKU (see GET /subscribedSkus)',
    );
  if (!licenses.physician.skuPartNumber)
    problems.push('PHYSICIAN_SKU_PART_NUMBER: required, the skuPartNumber of the Dragon Copilot physician SKU');

  const partnerList = parsePartnerList(str('PARTNERS'));
  for (const p of partnerList.problems) problems.push(`PARTNERS: ${p}`);

  const channelId = str('APPROVALS_CHANNEL_ID');
  const channelUrl = url('APPROVALS_SERVICE_URL', undefined);
  if (channelId && !channelUrl)
    problems.push(
      'APPROVALS_SERVICE_URL: required when APPROVALS_CHANNEL_ID is set (the serviceUrl of that team, e.g. https://smba.trafficmanager.net/emea/)',
    );

  const databaseUrl = str('DATABASE_URL');
  // The value is never echoed: it usually holds a password.
  if (databaseUrl !== undefined && !isPostgresUrl(databaseUrl))
    problems.push(
      'DATABASE_URL: expected a PostgreSQL URL like postgres://user:password@host:5432/dragondesk (value not shown), or leave it empty for SQLite in DATA_DIR',
    );
  const databaseAuth = oneOf('DATABASE_AUTH', ['password', 'entra'] as const, 'password');
  if (databaseAuth === 'entra') {
    if (mode !== 'production')
      problems.push('DATABASE_AUTH: entra needs APP_MODE=production (the token comes from AZURE_CREDENTIAL)');
    if (databaseUrl === undefined)
      problems.push(
        'DATABASE_AUTH: entra needs DATABASE_URL, e.g. postgres://<identity name>@<server>.postgres.database.azure.com:5432/dragondesk?sslmode=verify-full',
      );
    else if (isPostgresUrl(databaseUrl) && new URL(databaseUrl).password !== '')
      problems.push(
        'DATABASE_URL: must not contain a password when DATABASE_AUTH=entra (the password is a Microsoft Entra token; value not shown)',
      );
  }

  const connectionString = str('APPLICATIONINSIGHTS_CONNECTION_STRING');
  // The value is never echoed: its instrumentation key lets anyone send telemetry in our name.
  if (connectionString !== undefined && !/(^|;)\s*InstrumentationKey=/i.test(connectionString))
    problems.push(
      'APPLICATIONINSIGHTS_CONNECTION_STRING: expected an Application Insights connection string (InstrumentationKey=…;IngestionEndpoint=…; value not shown), or leave it empty for no telemetry',
    );

  const openaiKey = str('OPENAI_API_KEY');
  const azureEndpoint = url('AZURE_OPENAI_ENDPOINT', undefined);
  let openai: Config['openai'];
  if (openaiKey || azureEndpoint) {
    openai = {
      apiKey: openaiKey,
      model: str('OPENAI_MODEL') ?? 'gpt-4o-mini',
      azureEndpoint,
      azureApiKey: str('AZURE_OPENAI_API_KEY'),
      azureDeployment: str('AZURE_OPENAI_DEPLOYMENT'),
    };
    if (azureEndpoint && !openai.azureDeployment)
      problems.push('AZURE_OPENAI_DEPLOYMENT: required when AZURE_OPENAI_ENDPOINT is set');
  }

  const config: Config = {
    mode,
    port,
    host: str('HOST') ?? (mode === 'dev' ? '127.0.0.1' : '0.0.0.0'),
    tenantId,
    bot: { appId, appPassword, appType },
    devTenant,
    graphBaseUrl,
    armBaseUrl,
    credential,
    dataDir: str('DATA_DIR') ?? './data',
    databaseUrl,
    databaseAuth,
    teamsAppId: guid('TEAMS_APP_ID', false),
    telemetry: connectionString ? { connectionString } : undefined,
    licenses,
    dragonAdminGroupId: guid('DRAGON_ADMIN_GROUP_ID', false),
    partnerOperatorsGroupId: guid('PARTNER_OPERATORS_GROUP_ID', false),
    partners: partnerList.partners,
    approverFallback: oneOf('APPROVER_FALLBACK', ['license-admins', 'none'] as const, 'license-admins'),
    requestExpiryHours: int('REQUEST_EXPIRY_HOURS', 168, 1, 24 * 90),
    approvalsChannel: channelId && channelUrl ? { conversationId: channelId, serviceUrl: channelUrl } : undefined,
    playgroundPort: int('PLAYGROUND_PORT', 56150, 1, 65535),
    pimEnabled: bool('PIM_ENABLED', false),
    grantReminderMinutes: int('GRANT_REMINDER_MINUTES', 15, 1, 24 * 60),
    workerIntervalMs: int('WORKER_INTERVAL_MS', 1000, 10, 600000),
    workerConcurrency: int('WORKER_CONCURRENCY', 8, 1, 64),
    licenseVerifyTimeoutSeconds: int('LICENSE_VERIFY_TIMEOUT_SECONDS', 120, 1, 3600),
    leaseSeconds: int('LEASE_SECONDS', 30, 2, 3600),
    openai,
    logLevel: oneOf('LOG_LEVEL', ['debug', 'info', 'warn', 'error'] as const, 'info'),
  };
  if (problems.length) throw new ConfigError(problems);
  return config;
}

function isPostgresUrl(raw: string): boolean {
  try {
    return /^postgres(ql)?:$/.test(new URL(raw).protocol);
  } catch {
    return false;
  }
}

/** Loads the configuration for this process: dev defaults from env/ unless APP_MODE=production. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, root = projectRoot()): Config {
  const isProduction = (env.APP_MODE ?? '').trim() === 'production';
  return parseConfig(isProduction ? env : withDevDefaults(env, root));
}

/** A one-line summary for the start-up log; secrets are shown only as set / not set. */
export function describeConfig(c: Config): string {
  return [
    `mode=${c.mode}`,
    `port=${c.port}`,
    `tenant=${c.tenantId}`,
    `bot=${c.bot.appId ? `${c.bot.appType} ${c.bot.appId}` : 'anonymous (dev)'}`,
    `graph=${c.graphBaseUrl}`,
    `store=${c.databaseUrl ? 'postgres (DATABASE_URL set)' : `sqlite in ${c.dataDir}`}`,
    `llm=${c.openai ? 'configured' : 'off'}`,
    `telemetry=${c.telemetry ? 'application-insights' : 'off'}`,
  ].join(' ');
}

function isLoopbackUrl(value: string): boolean {
  const host = new URL(value).hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127(?:\.\d{1,3}){3}$/.test(host);
}
