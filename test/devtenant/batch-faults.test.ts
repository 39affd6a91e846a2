import { persona } from '../../src/devtenant/fixture';
import { startDevTenant, type DevTenant } from '../../src/devtenant/server';
import { call, ref } from './http';

let t: DevTenant;
beforeAll(async () => {
  t = await startDevTenant({ licenseProcessingDelayMs: 5 });
});
afterAll(() => t.close());
beforeEach(() => {
  t.reset();
  t.faults.clear();
  t.calls.reset();
});

const NURSING_GROUP = '11111111-aaaa-4aaa-8aaa-000000000001';
const dana = persona('dana');

describe('$batch', () => {
  test('21 requests → 400 for the whole batch', async () => {
    const requests = Array.from({ length: 21 }, (_, i) => ({
      id: String(i + 1),
      method: 'GET',
      url: `/users/${dana.id}`,
    }));
    const r = await call(t, 'POST', '/v1.0/$batch', { body: { requests } });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'Request_BadRequest', message: expect.stringContaining('20') });
    expect(t.calls.count({ inBatch: true })).toBe(0);
  });

  test('20 requests are fine; urls with and without a leading slash; responses in request order', async () => {
    const users = t.state.listUsers().slice(0, 20);
    const requests = users.map((u, i) => ({
      id: `r${i}`,
      method: 'GET',
      url: `${i % 2 ? '/' : ''}users/${u.id}?$select=id`,
    }));
    const r = await call(t, 'POST', '/v1.0/$batch', { body: { requests } });
    expect(r.status).toBe(200);
    expect(
      r.body.responses.map((x: { id: string; status: number; body: { id: string } }) => [x.id, x.status, x.body.id]),
    ).toEqual(users.map((u, i) => [`r${i}`, 200, u.id]));
  });

  test('duplicate ids → 400', async () => {
    const r = await call(t, 'POST', '/v1.0/$batch', {
      body: {
        requests: [
          { id: 'a', method: 'GET', url: '/organization' },
          { id: 'A', method: 'GET', url: '/organization' },
        ],
      },
    });
    expect(r.status).toBe(400);
  });

  test('dependsOn: a failed request makes its dependents 424, others run', async () => {
    const r = await call(t, 'POST', '/v1.0/$batch', {
      body: {
        requests: [
          { id: '1', method: 'GET', url: '/users/33333333-cccc-4ccc-8ccc-000000000999' },
          {
            id: '2',
            dependsOn: ['1'],
            method: 'POST',
            url: `/groups/${NURSING_GROUP}/members/$ref`,
            headers: { 'Content-Type': 'application/json' },
            body: ref(dana.id),
          },
          { id: '3', method: 'GET', url: `/users/${dana.id}?$select=displayName` },
        ],
      },
    });
    expect(r.status).toBe(200);
    const byId = Object.fromEntries(r.body.responses.map((x: { id: string }) => [x.id, x]));
    expect(byId['1'].status).toBe(404);
    expect(byId['1'].body.error.code).toBe('Request_ResourceNotFound');
    expect(byId['2'].status).toBe(424);
    expect(byId['3']).toMatchObject({ status: 200, body: { displayName: 'Dana Reyes' } });
    expect(t.state.isMember(NURSING_GROUP, dana.id)).toBe(false);
  });

  test('dependsOn orders writes: add then read back in one batch', async () => {
    const r = await call(t, 'POST', '/v1.0/$batch', {
      body: {
        requests: [
          { id: 'read', dependsOn: ['add'], method: 'GET', url: `/groups/${NURSING_GROUP}/members?$select=id` },
          {
            id: 'add',
            method: 'POST',
            url: `/groups/${NURSING_GROUP}/members/$ref`,
            headers: { 'content-type': 'application/json' },
            body: ref(dana.id),
          },
        ],
      },
    });
    const byId = Object.fromEntries(r.body.responses.map((x: { id: string }) => [x.id, x]));
    expect(byId.add.status).toBe(204);
    expect(byId.read.body.value.map((m: { id: string }) => m.id)).toContain(dana.id);
  });

  test('an inner request can be throttled: 429 with Retry-After inside a 200', async () => {
    t.faults.failNext({ path: `/v1.0/users/${dana.id}`, count: 1, status: 429, retryAfterSeconds: 7 });
    const r = await call(t, 'POST', '/v1.0/$batch', {
      body: {
        requests: [
          { id: '1', method: 'GET', url: `/users/${dana.id}` },
          { id: '2', method: 'GET', url: `/users/${persona('danak').id}` },
        ],
      },
    });
    expect(r.status).toBe(200);
    const [first, second] = r.body.responses;
    expect(first.status).toBe(429);
    expect(first.headers['Retry-After']).toBe('7');
    expect(first.body.error.code).toBe('TooManyRequests');
    expect(second.status).toBe(200);
  });

  test('the call log counts the outer batch once and each inner request flagged inBatch', async () => {
    await call(t, 'POST', '/v1.0/$batch', {
      body: {
        requests: [
          { id: '1', method: 'GET', url: `/users/${dana.id}` },
          { id: '2', method: 'GET', url: '/organization' },
        ],
      },
    });
    expect(t.calls.count({ path: '/v1.0/$batch' })).toBe(1);
    expect(t.calls.count({ inBatch: true })).toBe(2);
    expect(t.calls.count({ path: `/v1.0/users/${dana.id}` })).toBe(1);
    expect(t.calls.list({ path: '/v1.0/organization' })[0]).toMatchObject({
      inBatch: true,
      status: 200,
      method: 'GET',
    });
  });
});

describe('fault injection', () => {
  test('429 with Retry-After for the next N matching calls, then normal again', async () => {
    const path = `/v1.0/groups/${NURSING_GROUP}/members/$ref`;
    t.faults.failNext({ method: 'POST', path, count: 2, status: 429, retryAfterSeconds: 3 });
    const a = await call(t, 'POST', path, { body: ref(dana.id) });
    expect(a.status).toBe(429);
    expect(a.headers.get('retry-after')).toBe('3');
    expect(a.body.error).toMatchObject({
      code: 'TooManyRequests',
      innerError: expect.objectContaining({ 'request-id': expect.any(String) }),
    });
    expect((await call(t, 'POST', path, { body: ref(dana.id) })).status).toBe(429);
    expect((await call(t, 'POST', path, { body: ref(dana.id) })).status).toBe(204);
    expect(t.calls.count({ method: 'POST', path })).toBe(3);
    expect(t.calls.list({ path }).map((c) => c.injected)).toEqual([true, true, false]);
  });

  test('503 by regex, only for the method given; a faulted write changes nothing', async () => {
    t.faults.failNext({ method: 'POST', path: /\/members\/\$ref$/, count: 1, status: 503 });
    expect((await call(t, 'GET', `/v1.0/groups/${NURSING_GROUP}/members`)).status).toBe(200);
    const r = await call(t, 'POST', `/v1.0/groups/${NURSING_GROUP}/members/$ref`, { body: ref(dana.id) });
    expect(r.status).toBe(503);
    expect(r.body.error.code).toBe('ServiceUnavailable');
    expect(t.state.isMember(NURSING_GROUP, dana.id)).toBe(false);
  });

  test('over HTTP: arm a fault, read the calls, clear both, re-seed', async () => {
    const post = await call(t, 'POST', '/_devtenant/faults', {
      token: null,
      body: { pathRegex: '^/v1\\.0/organization$', count: 1, status: 504 },
    });
    expect(post.status).toBe(201);
    expect((await call(t, 'GET', '/v1.0/organization')).status).toBe(504);
    expect((await call(t, 'GET', '/v1.0/organization')).status).toBe(200);
    const calls = await call(t, 'GET', '/_devtenant/calls?path=/v1.0/organization', { token: null });
    expect(calls.body.count).toBe(2);
    expect(calls.body.calls.map((c: { status: number }) => c.status)).toEqual([504, 200]);
    expect((await call(t, 'DELETE', '/_devtenant/calls', { token: null })).status).toBe(204);
    expect(t.calls.count()).toBe(0);

    await call(t, 'POST', `/v1.0/groups/${NURSING_GROUP}/members/$ref`, { body: ref(dana.id) });
    expect((await call(t, 'POST', '/_devtenant/reset', { token: null })).status).toBe(204);
    expect(t.state.isMember(NURSING_GROUP, dana.id)).toBe(false);
  });
});

describe('re-seeding', () => {
  test("POST /_devtenant/reset {fixture:'empty-tenant'} swaps in the set-up fixture; reset() goes back", async () => {
    const r = await call(t, 'POST', '/_devtenant/reset', { token: null, body: { fixture: 'empty-tenant' } });
    expect(r.status).toBe(204);
    const groups = await call(t, 'GET', "/v1.0/groups?$filter=startswith(displayName,'Dragon')");
    expect(groups.body.value).toEqual([]);
    const skus = await call(t, 'GET', '/v1.0/subscribedSkus?$select=skuPartNumber,consumedUnits');
    expect(
      skus.body.value.find((s: { skuPartNumber: string }) => s.skuPartNumber === 'DRAGON_COPILOT_NURSING_TEST')
        .consumedUnits,
    ).toBe(0);
    t.reset();
    expect((await call(t, 'GET', "/v1.0/groups?$filter=startswith(displayName,'Dragon')")).body.value).toHaveLength(3);
  });

  test('only fixture names are accepted over HTTP', async () => {
    const r = await call(t, 'POST', '/_devtenant/reset', { token: null, body: { fixture: '/etc/passwd' } });
    expect(r.status).toBe(400);
  });
});

describe('robustness', () => {
  test('no token → 401 InvalidAuthenticationToken "Access token is empty."', async () => {
    const r = await call(t, 'GET', `/v1.0/users/${dana.id}`, { token: null });
    expect(r.status).toBe(401);
    expect(r.body.error).toMatchObject({ code: 'InvalidAuthenticationToken', message: 'Access token is empty.' });
    expect(r.headers.get('request-id')).toBeTruthy();
  });

  test.each(['nonsense', 'dev:33333333-cccc-4ccc-8ccc-000000000999', `dev:${persona('ken').id}`])(
    'token %p → 401',
    async (token) => {
      const r = await call(t, 'GET', '/v1.0/organization', { token });
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe('InvalidAuthenticationToken');
    },
  );

  test('malformed JSON → 400 BadRequest, and the server keeps serving', async () => {
    const r = await call(t, 'POST', `/v1.0/groups/${NURSING_GROUP}/members/$ref`, { rawBody: '{"@odata.id": ' });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('BadRequest');
    expect((await call(t, 'GET', '/v1.0/organization')).status).toBe(200);
  });

  test('unknown segment → 400 "Resource not found for the segment \'…\'."', async () => {
    const r = await call(t, 'GET', `/v1.0/users/${dana.id}/calendarView`);
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({
      code: 'BadRequest',
      message: "Resource not found for the segment 'calendarView'.",
    });
    const top = await call(t, 'GET', '/v1.0/widgets');
    expect(top.body.error.message).toBe("Resource not found for the segment 'widgets'.");
  });

  test('a known path with the wrong method → 405', async () => {
    expect((await call(t, 'DELETE', '/v1.0/subscribedSkus')).status).toBe(405);
  });

  test('an unsupported query option is refused, not ignored', async () => {
    const r = await call(t, 'GET', `/v1.0/users/${dana.id}?$expand=manager`);
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('Request_UnsupportedQuery');
  });
});
