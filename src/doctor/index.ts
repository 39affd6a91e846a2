/**
 * What the doctor checks against. In production: Microsoft Graph and ARM with Dragon Desk's own
 * credential (the granted permissions read from its Graph token's `roles` claim), the Bot
 * Framework credential, and the configured database. In dev: the dev tenant of the running
 * `npm start` (DEV_TENANT_PORT), or one started here from the fixture when none answers; the
 * granted permissions are the dev tenant's record of them.
 */
import { ClientSecretCredential, ManagedIdentityCredential, type TokenCredential } from '@azure/identity';
import type { Config } from '../config';
import { azureCredential } from '../credentials';
import type { DevTenant } from '../devtenant/server';
import { POSTGRES_ENTRA_SCOPE, entraPassword } from '../store/entraPassword';
import { inspectStore } from '../store/inspect';
import { createTenantClient } from '../tenant';
import { AUDIENCE_SCOPES } from '../tenant/tokens';
import type { CredentialProbe, DoctorDeps, GrantedPermissions } from './doctor';

export { runDoctor, failed, type DoctorLine, type DoctorDeps } from './doctor';
export { renderTable } from './report';

const BOT_FRAMEWORK_SCOPE = 'https://api.botframework.com/.default';

/** The claims of a JWT, read without verifying it (the doctor only reports what the token says). */
export function tokenClaims(token: string): Record<string, unknown> | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** Application permissions a Microsoft Graph app-only token carries, and whose they are. */
export function grantedFromToken(token: string): GrantedPermissions | undefined {
  const claims = tokenClaims(token);
  if (!claims) return undefined;
  const roles = Array.isArray(claims.roles) ? claims.roles.filter((r): r is string => typeof r === 'string') : [];
  return {
    permissions: roles,
    principalId: typeof claims.oid === 'string' ? claims.oid : undefined,
    source: 'roles of the Graph token',
  };
}

async function tokenFrom(credential: TokenCredential, scope: string): Promise<string> {
  const token = await credential.getToken(scope);
  if (!token) throw new Error(`the credential returned no token for ${scope}`);
  return token.token;
}

const CREDENTIAL_FIX: Record<string, (c: Config) => string> = {
  'managed-identity': (c) =>
    `On Azure, the user-assigned identity ${c.credential?.clientId ?? '(AZURE_CLIENT_ID)'} must be attached to this App Service (infra/azure.bicep does it) and AZURE_CLIENT_ID must be its client id. Outside Azure there is no managed identity: use AZURE_CREDENTIAL=client-secret or certificate.`,
  'client-secret': (c) =>
    `Check AZURE_CLIENT_ID (${c.credential?.clientId ?? 'unset'}) and AZURE_CLIENT_SECRET in tenant ${c.tenantId}; an expired secret needs a new one (Entra admin center → App registrations → Certificates & secrets).`,
  certificate: (c) =>
    `Check that AZURE_CLIENT_CERTIFICATE_PATH (${c.credential?.certificatePath ?? 'unset'}) is a PEM with the private key and that the certificate is uploaded to app ${c.credential?.clientId ?? '(AZURE_CLIENT_ID)'}.`,
};

function productionDeps(config: Config): DoctorDeps {
  const credential = azureCredential(config);
  const kind = config.credential!.kind;
  let graphToken: Promise<string> | undefined;
  const graph = () => (graphToken ??= tokenFrom(credential, AUDIENCE_SCOPES.graph));
  const fix = CREDENTIAL_FIX[kind](config);
  const credentials: CredentialProbe[] = [
    { check: `Microsoft Graph (AZURE_CREDENTIAL=${kind})`, token: graph, fix },
    {
      check: `Azure Resource Manager (AZURE_CREDENTIAL=${kind})`,
      token: () => tokenFrom(credential, AUDIENCE_SCOPES.arm),
      fix,
    },
  ];
  if (config.databaseUrl && config.databaseAuth === 'entra')
    credentials.push({
      check: 'Azure Database for PostgreSQL (DATABASE_AUTH=entra)',
      token: () => tokenFrom(credential, POSTGRES_ENTRA_SCOPE),
      fix,
    });
  const bot = config.bot;
  if (bot.appId)
    credentials.push({
      check: `Bot Framework (BOT_APP_TYPE=${bot.appType}, ${bot.appId})`,
      token: () =>
        tokenFrom(
          bot.appType === 'UserAssignedMsi'
            ? new ManagedIdentityCredential({ clientId: bot.appId! })
            : new ClientSecretCredential(config.tenantId, bot.appId!, bot.appPassword ?? ''),
          BOT_FRAMEWORK_SCOPE,
        ),
      fix:
        bot.appType === 'UserAssignedMsi'
          ? `BOT_APP_ID must be the client id of the user-assigned identity attached to this App Service and set as the Azure Bot's identity (infra/botRegistration/azurebot.bicep).`
          : `BOT_APP_PASSWORD must be a current client secret of app ${bot.appId} in tenant ${config.tenantId}, the app of the Azure Bot (single tenant).`,
    });
  return {
    config,
    tenant: createTenantClient({
      mode: 'production',
      credential,
      graphBaseUrl: config.graphBaseUrl,
      armBaseUrl: config.armBaseUrl,
    }),
    credentials,
    grantedPermissions: async () => grantedFromToken(await graph()),
    inspectStore: () =>
      inspectStore({
        databaseUrl: config.databaseUrl,
        dataDir: config.dataDir,
        databasePassword: config.databaseAuth === 'entra' ? entraPassword(credential) : undefined,
      }),
  };
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/_devtenant/permissions`, { signal: AbortSignal.timeout(2000) })).ok;
  } catch {
    return false;
  }
}

async function devDeps(config: Config): Promise<{ deps: DoctorDeps; started?: DevTenant }> {
  let url = `http://127.0.0.1:${config.devTenant!.port}`;
  let started: DevTenant | undefined;
  if (!config.devTenant!.port || !(await answers(url))) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { startDevTenant } = require('../devtenant/server') as typeof import('../devtenant/server');
    started = await startDevTenant({ port: 0, fixture: config.devTenant!.fixture });
    url = started.url;
  }
  return {
    started,
    deps: {
      config,
      tenant: createTenantClient({ mode: 'dev', devTenantUrl: url }),
      credentials: [
        {
          check: started ? `dev tenant (started here from ${config.devTenant!.fixture})` : `dev tenant at ${url}`,
          token: async () => {
            if (!(await answers(url))) throw new Error(`the dev tenant at ${url} does not answer`);
            return 'dev';
          },
          fix: 'Start Dragon Desk (npm start), or check DEV_TENANT_PORT.',
        },
      ],
      grantedPermissions: async () => {
        const res = await fetch(`${url}/_devtenant/permissions`);
        const body = (await res.json()) as { granted: string[] };
        return { permissions: body.granted, source: 'the dev tenant’s grants' };
      },
      inspectStore: () => inspectStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir }),
      devTenantUrl: url,
    },
  };
}

/** The doctor's view of the tenant and the database for `config`; close() stops what it started. */
export async function doctorFor(config: Config): Promise<{ deps: DoctorDeps; close(): Promise<void> }> {
  if (config.mode === 'production') return { deps: productionDeps(config), close: () => Promise.resolve() };
  const { deps, started } = await devDeps(config);
  return { deps, close: () => started?.close() ?? Promise.resolve() };
}
