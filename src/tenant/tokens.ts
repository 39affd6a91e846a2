/**
 * Where the bearer tokens for Graph and ARM come from. Production uses an @azure/identity credential;
 * the dev tenant accepts `dev` (Dragon Desk's own app) or `dev:<objectId>` (acting as that object,
 * which is how the dev tenant keys a Partner Admin Link on the caller).
 *
 * Tokens are secrets: nothing here logs them, and errors carry no token or client secret.
 */
import {
  ClientCertificateCredential,
  ClientSecretCredential,
  ManagedIdentityCredential,
  type AccessToken,
  type TokenCredential,
} from '@azure/identity';
import { TenantError } from './types';

export type TokenAudience = 'graph' | 'arm';

export interface TokenSource {
  getToken(audience: TokenAudience): Promise<string>;
}

export const AUDIENCE_SCOPES: Record<TokenAudience, string> = {
  graph: 'https://graph.microsoft.com/.default',
  arm: 'https://management.azure.com/.default',
};

/** `dev` for Dragon Desk itself; any other identity becomes `dev:<identity>`. */
export function devTokenSource(identity = 'dev'): TokenSource {
  const token = identity === 'dev' || identity.startsWith('dev:') ? identity : `dev:${identity}`;
  return { getToken: () => Promise.resolve(token) };
}

/** Refresh this long before expiry so a token never lapses between fetch and use. */
const EXPIRY_MARGIN_MS = 2 * 60_000;

/**
 * @azure/identity credentials cache through MSAL already; the small cache here also covers
 * credentials that do not (and spares a promise hop on every Graph call).
 */
export function azureTokenSource(credential: TokenCredential, now: () => number = Date.now): TokenSource {
  const cache = new Map<TokenAudience, AccessToken>();
  return {
    async getToken(audience) {
      const cached = cache.get(audience);
      if (cached && cached.expiresOnTimestamp - EXPIRY_MARGIN_MS > now()) return cached.token;
      let token: AccessToken | null;
      try {
        token = await credential.getToken(AUDIENCE_SCOPES[audience]);
      } catch (err) {
        const detail = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
        throw new TenantError(401, 'TokenUnavailable', `Could not get a ${audience} token: ${detail}`);
      }
      if (!token) throw new TenantError(401, 'TokenUnavailable', `The credential returned no ${audience} token.`);
      cache.set(audience, token);
      return token.token;
    },
  };
}

export type CredentialKind = 'client-secret' | 'certificate' | 'managed-identity';

export interface CredentialConfig {
  kind: CredentialKind;
  tenantId: string;
  clientId: string;
  clientSecret?: string;
  /** PEM file with the certificate and its private key. */
  certificatePath?: string;
  /** Client id of a user-assigned managed identity; omitted means the app's clientId, empty means system-assigned. */
  managedIdentityClientId?: string;
}

export function credentialFromConfig(cfg: CredentialConfig): TokenCredential {
  switch (cfg.kind) {
    case 'client-secret':
      requireValue(cfg.tenantId, 'tenantId', cfg.kind);
      requireValue(cfg.clientId, 'clientId', cfg.kind);
      requireValue(cfg.clientSecret, 'clientSecret', cfg.kind);
      return new ClientSecretCredential(cfg.tenantId, cfg.clientId, cfg.clientSecret as string);
    case 'certificate':
      requireValue(cfg.tenantId, 'tenantId', cfg.kind);
      requireValue(cfg.clientId, 'clientId', cfg.kind);
      requireValue(cfg.certificatePath, 'certificatePath', cfg.kind);
      return new ClientCertificateCredential(cfg.tenantId, cfg.clientId, {
        certificatePath: cfg.certificatePath as string,
      });
    case 'managed-identity': {
      const miClientId = cfg.managedIdentityClientId ?? cfg.clientId;
      return miClientId ? new ManagedIdentityCredential({ clientId: miClientId }) : new ManagedIdentityCredential();
    }
    default: {
      const kind: never = cfg.kind;
      throw new Error(`Unknown credential kind: ${String(kind)}`);
    }
  }
}

function requireValue(value: string | undefined, name: string, kind: CredentialKind): void {
  // Name the missing setting, never echo a value: it may be a secret.
  if (!value) throw new Error(`Credential kind '${kind}' needs ${name}.`);
}
