/**
 * The dev tenant against the real @microsoft/microsoft-graph-client 3.0.7: the SDK must parse its
 * responses and errors exactly as it parses Microsoft's. The SDK's AuthenticationHandler only adds
 * (and otherwise strips) the Authorization header for https Graph hosts, so over http the chain
 * needs its own small auth middleware — as Dragon Desk's tenant client must have.
 */
import {
  Client,
  GraphError,
  HTTPMessageHandler,
  RetryHandler,
  RetryHandlerOptions,
  type Context,
  type Middleware,
} from '@microsoft/microsoft-graph-client';
import { persona } from '../../src/devtenant/fixture';
import { startDevTenant, type DevTenant } from '../../src/devtenant/server';

class DevTokenMiddleware implements Middleware {
  private next?: Middleware;
  constructor(private readonly token: string) {}
  async execute(context: Context): Promise<void> {
    context.options = context.options ?? {};
    const headers = new Headers(context.options.headers);
    headers.set('Authorization', `Bearer ${this.token}`);
    const plain: Record<string, string> = {};
    headers.forEach((v, k) => (plain[k] = v));
    context.options.headers = plain;
    await this.next!.execute(context);
  }
  setNext(m: Middleware): void {
    this.next = m;
  }
}

let t: DevTenant;
let client: Client;
beforeAll(async () => {
  t = await startDevTenant({ licenseProcessingDelayMs: 5 });
  const auth = new DevTokenMiddleware('dev');
  const retry = new RetryHandler(new RetryHandlerOptions(0, 3));
  auth.setNext(retry);
  retry.setNext(new HTTPMessageHandler());
  client = Client.initWithMiddleware({ middleware: auth, baseUrl: t.url, defaultVersion: 'v1.0' });
});
afterAll(() => t.close());
beforeEach(() => {
  t.reset();
  t.faults.clear();
  t.calls.reset();
});

const dana = persona('dana');

test('get with $select', async () => {
  const u = await client.api(`/users/${dana.id}`).select(['id', 'usageLocation', 'displayName']).get();
  expect(u).toMatchObject({ id: dana.id, usageLocation: 'US', displayName: 'Dana Reyes' });
});

test('$filter and $search exactly as the SDK sends them (unencoded)', async () => {
  const f = await client.api('/users').filter("startswith(displayName,'dana')").select('id').get();
  expect(f.value).toHaveLength(2);
  const s = await client
    .api('/users')
    .header('ConsistencyLevel', 'eventual')
    .search('"displayName:reyes" OR "mail:reyes"')
    .count(true)
    .select('displayName')
    .get();
  expect(s['@odata.count']).toBe(1);
  expect(s.value[0].displayName).toBe('Dana Reyes');
});

test('a 404 becomes a GraphError with code, status and request id', async () => {
  const err: GraphError = await client
    .api('/users/33333333-cccc-4ccc-8ccc-000000000999')
    .get()
    .then(() => {
      throw new Error('expected a GraphError');
    })
    .catch((e: GraphError) => e);
  expect(err).toBeInstanceOf(GraphError);
  expect(err.statusCode).toBe(404);
  expect(err.code).toBe('Request_ResourceNotFound');
  expect(err.requestId).toMatch(/^[0-9a-f-]{36}$/);
});

test('the SDK retry handler retries an injected 429 using Retry-After', async () => {
  t.faults.failNext({ path: '/v1.0/organization', count: 1, status: 429, retryAfterSeconds: 0 });
  const org = await client.api('/organization').get();
  expect(org.value[0].displayName).toBe('Contoso Health');
  expect(t.calls.list({ path: '/v1.0/organization' }).map((c) => c.status)).toEqual([429, 200]);
});

test('members/$ref 204 and the duplicate 400 as a GraphError', async () => {
  const group = '11111111-aaaa-4aaa-8aaa-000000000001';
  const body = { '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${dana.id}` };
  await client.api(`/groups/${group}/members/$ref`).post(body);
  const err = await client
    .api(`/groups/${group}/members/$ref`)
    .post(body)
    .catch((e: GraphError) => e);
  expect(err).toMatchObject({ statusCode: 400, code: 'Request_BadRequest' });
  expect((err as GraphError).message).toContain('already exist');
});

test('$batch through the SDK', async () => {
  const res = await client.api('/$batch').post({
    requests: [
      { id: '1', method: 'GET', url: `/users/${dana.id}?$select=displayName` },
      { id: '2', method: 'GET', url: '/subscribedSkus?$select=skuPartNumber' },
    ],
  });
  expect(res.responses.map((r: { status: number }) => r.status)).toEqual([200, 200]);
});
