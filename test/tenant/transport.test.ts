/**
 * The HTTP behaviour of GraphTenantClient that the dev tenant cannot provoke: scripted answers from
 * a throwaway server on 127.0.0.1:0 (dropped connections, a 504 on a create, a nextLink to another
 * host, a failing credential).
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ArmError } from '../../src/tenant/errors';
import { GraphTenantClient } from '../../src/tenant/graphClient';
import type { TokenSource } from '../../src/tenant/tokens';
import { TenantError } from '../../src/tenant/types';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

type Script = (req: Seen, res: http.ServerResponse, n: number) => void;

interface Stub {
  url: string;
  seen: Seen[];
  script: Script;
  close(): Promise<void>;
}

async function startStub(): Promise<Stub> {
  const stub: Partial<Stub> & { seen: Seen[] } = { seen: [] };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const seen: Seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      stub.seen.push(seen);
      (stub.script as Script)(seen, res, stub.seen.length);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  stub.url = `http://127.0.0.1:${port}`;
  stub.script = (_req, res) => json(res, 200, {});
  stub.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return stub as Stub;
}

function json(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'request-id': `rid-${status}`, ...headers });
  res.end(body === undefined ? undefined : JSON.stringify(body));
}

function graphError(
  res: http.ServerResponse,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
) {
  json(
    res,
    status,
    { error: { code, message, innerError: { 'request-id': `inner-${status}`, date: '2026-03-02T10:00:00' } } },
    headers,
  );
}

describe('GraphTenantClient transport', () => {
  let stub: Stub;
  let other: Stub;
  let sleeps: number[];
  let tokens: { graph: number; arm: number };

  const tokenSource: TokenSource = {
    getToken: async (aud) => {
      tokens[aud]++;
      return `tok-${aud}`;
    },
  };

  function client(overrides: Partial<ConstructorParameters<typeof GraphTenantClient>[0]> = {}) {
    return new GraphTenantClient({
      graphBaseUrl: stub.url,
      armBaseUrl: stub.url,
      tokens: tokenSource,
      sleep: async (ms) => void sleeps.push(ms),
      random: () => 0,
      ...overrides,
    });
  }

  beforeEach(async () => {
    stub = await startStub();
    other = await startStub();
    sleeps = [];
    tokens = { graph: 0, arm: 0 };
  });
  afterEach(async () => {
    await stub.close();
    await other.close();
  });

  it('sends Graph calls under /v1.0 with a Graph bearer token and one client-request-id across retries', async () => {
    stub.script = (_req, res, n) =>
      n === 1 ? graphError(res, 503, 'ServiceUnavailable', 'busy') : json(res, 200, { value: [] });
    await client().listSubscribedSkus();
    expect(stub.seen.map((s) => s.url)).toEqual(['/v1.0/subscribedSkus', '/v1.0/subscribedSkus']);
    expect(stub.seen[0].headers.authorization).toBe('Bearer tok-graph');
    expect(stub.seen[0].headers['client-request-id']).toBeTruthy();
    expect(stub.seen[1].headers['client-request-id']).toBe(stub.seen[0].headers['client-request-id']);
    expect(tokens.graph).toBe(2); // fresh token per attempt
    expect(sleeps).toEqual([500]);
  });

  it('does not replay a create after an ambiguous 504', async () => {
    stub.script = (_req, res) => graphError(res, 504, 'GatewayTimeout', 'upstream timed out');
    await expect(
      client().createGroup({ displayName: 'Dragon Nursing', mailNickname: 'dragonnursing' }),
    ).rejects.toMatchObject({
      status: 504,
      code: 'GatewayTimeout',
      requestId: 'inner-504',
    });
    expect(stub.seen).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('sends a security group body for createGroup', async () => {
    stub.script = (req, res) => json(res, 201, { id: 'g-new', ...JSON.parse(req.body) });
    const g = await client().createGroup({
      displayName: 'Dragon Admins',
      mailNickname: 'dragonadmins',
      isAssignableToRole: true,
    });
    expect(JSON.parse(stub.seen[0].body)).toEqual({
      displayName: 'Dragon Admins',
      mailNickname: 'dragonadmins',
      mailEnabled: false,
      securityEnabled: true,
      isAssignableToRole: true,
    });
    expect(g.id).toBe('g-new');
  });

  it('counts a replayed member add that Graph had already done as success', async () => {
    stub.script = (_req, res, n) =>
      n === 1
        ? graphError(res, 504, 'GatewayTimeout', 'upstream timed out')
        : graphError(
            res,
            400,
            'Request_BadRequest',
            "One or more added object references already exist for the following modified properties: 'members'.",
          );
    await expect(client().addGroupMember('g-1', 'u-1')).resolves.toBe(false);
    expect(stub.seen).toHaveLength(2);
    expect(JSON.parse(stub.seen[1].body)).toEqual({
      '@odata.id': 'https://graph.microsoft.com/v1.0/directoryObjects/u-1',
    });
  });

  it('fails fast when Retry-After is longer than the retry budget, keeping the wait on the error', async () => {
    stub.script = (_req, res) => graphError(res, 429, 'TooManyRequests', 'slow down', { 'Retry-After': '90' });
    const err = await client()
      .getUser('u-1')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TenantError);
    expect(err).toMatchObject({ status: 429, retryAfterSeconds: 90 });
    expect(stub.seen).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('retries a GET whose connection dropped, but not a POST', async () => {
    stub.script = (req, res, n) => {
      if (n === 1 || req.method === 'POST') {
        res.socket?.destroy();
        return;
      }
      json(res, 200, { id: 'u-1', displayName: 'Dana', userPrincipalName: 'dana@contoso.com' });
    };
    await expect(client().getUser('u-1')).resolves.toMatchObject({ id: 'u-1' });
    expect(stub.seen).toHaveLength(2);

    const before = stub.seen.length;
    await expect(client().assignLicense('u-1', ['sku'], [])).rejects.toMatchObject({
      status: 0,
      code: 'NetworkError',
      message: expect.stringContaining('fetch failed'),
    });
    expect(stub.seen.length - before).toBe(1);
  });

  it('gives up on a GET that keeps timing out after the attempt limit', async () => {
    stub.script = () => undefined; // never answers
    const c = client({ attemptTimeoutMs: 50, retry: { maxAttempts: 2 } });
    await expect(c.getGroup('g-1')).rejects.toMatchObject({ status: 0, code: 'NetworkError' });
    expect(stub.seen).toHaveLength(2);
  });

  it('never follows a nextLink to another host (the token would go with it)', async () => {
    stub.script = (_req, res) =>
      json(res, 200, { value: [{ id: 'u-1' }], '@odata.nextLink': `${other.url}/v1.0/groups/g/members?$skiptoken=x` });
    await expect(client().listGroupMembers('g')).rejects.toMatchObject({ code: 'UnexpectedNextLink' });
    expect(other.seen).toHaveLength(0);
  });

  it('follows nextLinks on its own Graph', async () => {
    stub.script = (req, res) =>
      req.url.includes('skiptoken')
        ? json(res, 200, { value: [{ '@odata.type': '#microsoft.graph.user', id: 'u-2' }] })
        : json(res, 200, {
            value: [
              { '@odata.type': '#microsoft.graph.user', id: 'u-1' },
              { '@odata.type': '#microsoft.graph.device', id: 'd-1' },
            ],
            '@odata.nextLink': `${stub.url}/v1.0/groups/g/members?$select=id&$skiptoken=p2`,
          });
    const members = await client().listGroupMembers('g');
    expect(members.map((m) => m.id)).toEqual(['u-1', 'u-2']);
    expect(stub.seen[1].url).toBe('/v1.0/groups/g/members?$select=id&$skiptoken=p2');
  });

  it('surfaces a credential failure as the TenantError from the token source, without calling Graph', async () => {
    const failing: TokenSource = {
      getToken: async () => Promise.reject(new TenantError(401, 'TokenUnavailable', 'no token')),
    };
    await expect(client({ tokens: failing }).getUser('u-1')).rejects.toMatchObject({
      status: 401,
      code: 'TokenUnavailable',
    });
    await expect(client({ tokens: failing }).getPartnerLink()).rejects.toMatchObject({
      status: 401,
      code: 'TokenUnavailable',
    });
    expect(stub.seen).toHaveLength(0);
  });

  it('calls ARM with an ARM token and maps its errors to ArmError', async () => {
    stub.script = (req, res) =>
      req.method === 'PATCH'
        ? json(
            res,
            404,
            { error: { code: 'NotFound', message: 'No partner link for this identity.' } },
            { 'x-ms-request-id': 'arm-rid' },
          )
        : json(res, 200, {});
    const err = await client()
      .updatePartnerLink('1234567')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ArmError);
    expect(err).toMatchObject({ status: 404, code: 'NotFound', requestId: 'arm-rid' });
    expect(stub.seen[0].url).toBe('/providers/Microsoft.ManagementPartner/partners/1234567?api-version=2018-02-01');
    expect(stub.seen[0].headers.authorization).toBe('Bearer tok-arm');
  });

  it('exposes the request-id of the last successful call', async () => {
    stub.script = (_req, res) => json(res, 200, { value: [] }, { 'request-id': 'last-ok' });
    const c = client();
    expect(c.lastRequestId).toBeUndefined();
    await c.listSubscribedSkus();
    expect(c.lastRequestId).toBe('last-ok');
  });
});
