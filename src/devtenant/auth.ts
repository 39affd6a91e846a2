/**
 * Dev tokens. `Bearer dev` is Dragon Desk's own service principal; `Bearer dev:<objectId>` is any
 * principal of the directory (a test acting as a user, which matters for ARM Partner Admin Link,
 * keyed on the caller). Anything else is refused the way Graph and ARM refuse a bad token.
 */
import { TenantHttpError, type Dialect } from './errors';
import type { Caller } from './router';
import type { DirectoryState } from './state';

export const DEV_TOKEN = 'dev';

function unauthorized(dialect: Dialect, missing: boolean): TenantHttpError {
  if (dialect === 'arm') {
    return missing
      ? new TenantHttpError(
          401,
          'AuthenticationFailed',
          "Authentication failed. The 'Authorization' header is missing.",
        )
      : new TenantHttpError(
          401,
          'InvalidAuthenticationToken',
          "The access token is invalid. The dev tenant accepts 'Bearer dev' or 'Bearer dev:<objectId>'.",
        );
  }
  return missing
    ? new TenantHttpError(401, 'InvalidAuthenticationToken', 'Access token is empty.')
    : new TenantHttpError(
        401,
        'InvalidAuthenticationToken',
        "Access token validation failure. The dev tenant accepts 'Bearer dev' or 'Bearer dev:<objectId>'.",
      );
}

export function authenticate(authorization: string | undefined, state: DirectoryState, dialect: Dialect): Caller {
  const m = /^Bearer\s+(\S*)\s*$/i.exec(authorization ?? '');
  const token = m?.[1] ?? '';
  if (!token) throw unauthorized(dialect, true);
  if (token === DEV_TOKEN) {
    return { objectId: state.fixture.app.servicePrincipalId, tenantId: state.tenantId, kind: 'servicePrincipal' };
  }
  if (token.startsWith(`${DEV_TOKEN}:`)) {
    const id = token.slice(DEV_TOKEN.length + 1);
    const kind = state.objectKind(id);
    // Groups cannot sign in, and neither can a disabled account.
    const disabled = kind === 'user' && state.getUser(id)?.accountEnabled === false;
    if ((kind === 'user' && !disabled) || kind === 'servicePrincipal') {
      return { objectId: state.canonicalId(id)!, tenantId: state.tenantId, kind };
    }
  }
  throw unauthorized(dialect, false);
}
