/**
 * Dragon Desk's own identity towards Microsoft (AZURE_CREDENTIAL) as production configures it: one
 * credential for Graph, ARM and, with Entra sign-in, PostgreSQL. On Azure that is one user-assigned
 * managed identity (infra/azure.bicep), which is also the bot's identity.
 */
import type { TokenCredential } from '@azure/identity';
import type { Config } from './config';
import { credentialFromConfig } from './tenant/tokens';

export function azureCredential(config: Config): TokenCredential {
  const c = config.credential;
  if (!c) throw new Error('No Azure credential is configured (AZURE_CREDENTIAL applies in production mode only).');
  return credentialFromConfig({
    kind: c.kind,
    tenantId: config.tenantId,
    clientId: c.clientId ?? '',
    clientSecret: c.clientSecret,
    certificatePath: c.certificatePath,
    managedIdentityClientId: c.clientId,
  });
}
