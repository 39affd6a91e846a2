import {
  ClientCertificateCredential,
  ClientSecretCredential,
  ManagedIdentityCredential,
  type TokenCredential,
} from '@azure/identity';
import { azureTokenSource, credentialFromConfig, devTokenSource } from '../../src/tenant/tokens';
import { TenantError } from '../../src/tenant/types';

describe('devTokenSource', () => {
  it.each([
    [undefined, 'dev'],
    ['dev', 'dev'],
    ['4f1c0000-0000-4000-8000-000000000001', 'dev:4f1c0000-0000-4000-8000-000000000001'],
    ['dev:abc', 'dev:abc'],
  ])('identity %p → token %p for both audiences', async (identity, token) => {
    const src = devTokenSource(identity);
    expect(await src.getToken('graph')).toBe(token);
    expect(await src.getToken('arm')).toBe(token);
  });
});

describe('azureTokenSource', () => {
  function fakeCredential(expiresInMs: number, now: () => number) {
    const scopes: string[] = [];
    const credential: TokenCredential = {
      getToken: async (scope) => {
        const s = Array.isArray(scope) ? scope.join(' ') : scope;
        scopes.push(s);
        return { token: `tok-${scopes.length}-${s}`, expiresOnTimestamp: now() + expiresInMs };
      },
    };
    return { credential, scopes };
  }

  it('asks for the Graph and ARM .default scopes', async () => {
    const t = 0;
    const { credential, scopes } = fakeCredential(3600_000, () => t);
    const src = azureTokenSource(credential, () => t);
    await src.getToken('graph');
    await src.getToken('arm');
    expect(scopes).toEqual(['https://graph.microsoft.com/.default', 'https://management.azure.com/.default']);
  });

  it('reuses a token until two minutes before it expires', async () => {
    let t = 0;
    const { credential, scopes } = fakeCredential(10 * 60_000, () => t);
    const src = azureTokenSource(credential, () => t);
    const first = await src.getToken('graph');
    t = 7 * 60_000;
    expect(await src.getToken('graph')).toBe(first);
    t = 8 * 60_000 + 1;
    expect(await src.getToken('graph')).not.toBe(first);
    expect(scopes).toHaveLength(2);
  });

  it('turns a credential failure into a TenantError (401 TokenUnavailable)', async () => {
    const src = azureTokenSource({
      getToken: async () => Promise.reject(new Error('AADSTS7000215: Invalid client secret provided.')),
    });
    await expect(src.getToken('graph')).rejects.toMatchObject({ status: 401, code: 'TokenUnavailable' });
    await expect(src.getToken('arm')).rejects.toBeInstanceOf(TenantError);
  });

  it('treats a null token as a failure', async () => {
    const src = azureTokenSource({ getToken: async () => null });
    await expect(src.getToken('arm')).rejects.toMatchObject({ code: 'TokenUnavailable' });
  });
});

describe('credentialFromConfig', () => {
  const ids = { tenantId: '7b1c1a40-0c5e-4d8a-9f7e-1c0a7e5a1e01', clientId: '00000000-0000-4000-8000-00000000c11e' };

  it('builds the credential of each kind', () => {
    expect(credentialFromConfig({ kind: 'client-secret', ...ids, clientSecret: 's3cret' })).toBeInstanceOf(
      ClientSecretCredential,
    );
    expect(
      credentialFromConfig({ kind: 'certificate', ...ids, certificatePath: '/etc/dragon/cert.pem' }),
    ).toBeInstanceOf(ClientCertificateCredential);
    expect(credentialFromConfig({ kind: 'managed-identity', ...ids })).toBeInstanceOf(ManagedIdentityCredential);
    expect(credentialFromConfig({ kind: 'managed-identity', tenantId: '', clientId: '' })).toBeInstanceOf(
      ManagedIdentityCredential,
    );
  });

  it.each([
    [{ kind: 'client-secret' as const, ...ids }, /client-secret' needs clientSecret/],
    [{ kind: 'certificate' as const, ...ids }, /certificate' needs certificatePath/],
    [
      { kind: 'client-secret' as const, tenantId: '', clientId: ids.clientId, clientSecret: 'hunter2' },
      /needs tenantId/,
    ],
  ])('names what is missing: %#', (cfg, message) => {
    expect(() => credentialFromConfig(cfg)).toThrow(message);
  });

  it('never echoes a secret in a configuration error', () => {
    expect(() =>
      credentialFromConfig({ kind: 'client-secret', tenantId: '', clientId: ids.clientId, clientSecret: 'hunter2' }),
    ).toThrow(expect.objectContaining({ message: expect.not.stringContaining('hunter2') }));
  });
});
