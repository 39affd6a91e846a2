/**
 * Azure Database for PostgreSQL with Microsoft Entra authentication: the password of each new
 * connection is an access token of Dragon Desk's identity (infra/azure.bicep makes that identity
 * the server's Entra administrator, so no password exists anywhere). Tokens last about an hour;
 * pooled connections outlive them, as the token is only checked when a connection opens.
 */
import type { AccessToken, TokenCredential } from '@azure/identity';

export const POSTGRES_ENTRA_SCOPE = 'https://ossrdbms-aad.database.windows.net/.default';

/** A fresh token is fetched this long before the cached one expires. */
const MARGIN_MS = 5 * 60_000;

export function entraPassword(credential: TokenCredential, now: () => number = Date.now): () => Promise<string> {
  let cached: AccessToken | undefined;
  return async () => {
    if (cached && cached.expiresOnTimestamp - MARGIN_MS > now()) return cached.token;
    const token = await credential.getToken(POSTGRES_ENTRA_SCOPE);
    // No token, no connection; the message names the scope, never a secret.
    if (!token) throw new Error(`The credential returned no token for ${POSTGRES_ENTRA_SCOPE}`);
    cached = token;
    return token.token;
  };
}
