/**
 * PostgreSQL with Microsoft Entra authentication (what infra/azure.bicep deploys): each new
 * connection signs in with a token of Dragon Desk's identity instead of a password in DATABASE_URL.
 */
import type { AccessToken, TokenCredential } from '@azure/identity';
import { Client, type ClientConfig } from 'pg';
import { poolSettings } from '../../src/store/dialect';
import { entraPassword, POSTGRES_ENTRA_SCOPE } from '../../src/store/entraPassword';

const URL_WITHOUT_PASSWORD =
  'postgres://dragondesk-id@dd.postgres.database.azure.com:5432/dragondesk?sslmode=verify-full';

/** A credential that hands out numbered tokens valid for an hour from `now`. */
function countingCredential(now: () => number): TokenCredential & { scopes: string[] } {
  const scopes: string[] = [];
  return {
    scopes,
    getToken(scope: string | string[]): Promise<AccessToken> {
      scopes.push(String(scope));
      return Promise.resolve({ token: `token-${scopes.length}`, expiresOnTimestamp: now() + 3_600_000 });
    },
  };
}

/** The password setting a pg client ends up with (pg keeps it on a field its types leave out). */
function passwordPgUses(settings: ClientConfig): unknown {
  return (new Client(settings) as Client & { connectionParameters: { password: unknown } }).connectionParameters
    .password;
}

describe('the connection settings', () => {
  test('with a token provider, pg gets the URL taken apart and asks the provider for the password', () => {
    const password = () => Promise.resolve('t');
    const settings = poolSettings(URL_WITHOUT_PASSWORD, password);
    expect(settings).toEqual({
      host: 'dd.postgres.database.azure.com',
      port: 5432,
      user: 'dragondesk-id',
      database: 'dragondesk',
      ssl: { rejectUnauthorized: true },
      password,
    });
    // Handing pg the URL as well would replace the provider with the URL's (missing) password.
    expect(passwordPgUses(settings)).toBe(password);
    expect(passwordPgUses({ connectionString: URL_WITHOUT_PASSWORD, password })).not.toBe(password);
  });

  test('without one, the URL is used as it is (a password in it, as before)', () => {
    expect(poolSettings('postgres://u:p@db:5432/x')).toEqual({ connectionString: 'postgres://u:p@db:5432/x' });
  });

  test('TLS is verified unless the URL says otherwise', () => {
    const p = () => Promise.resolve('t');
    expect(poolSettings('postgres://u@db/x', p).ssl).toEqual({ rejectUnauthorized: true });
    expect(poolSettings('postgres://u@db/x?sslmode=disable', p).ssl).toBe(false);
    expect(poolSettings('postgres://u@db/x?sslmode=no-verify', p).ssl).toEqual({ rejectUnauthorized: false });
  });
});

describe('the password is a token for Azure Database for PostgreSQL', () => {
  test('asked for the PostgreSQL scope, reused while valid, renewed before it expires', async () => {
    let now = 1_000_000;
    const credential = countingCredential(() => now);
    const password = entraPassword(credential, () => now);
    expect(await password()).toBe('token-1');
    now += 30 * 60_000;
    expect(await password()).toBe('token-1');
    // Within five minutes of the end a new connection gets a new token.
    now += 26 * 60_000;
    expect(await password()).toBe('token-2');
    expect(credential.scopes).toEqual([POSTGRES_ENTRA_SCOPE, POSTGRES_ENTRA_SCOPE]);
    expect(POSTGRES_ENTRA_SCOPE).toBe('https://ossrdbms-aad.database.windows.net/.default');
  });

  test('a credential that returns nothing fails the connection with the scope named', async () => {
    const password = entraPassword({ getToken: () => Promise.resolve(null) });
    await expect(password()).rejects.toThrow(/no token for https:\/\/ossrdbms-aad/);
  });
});
