/**
 * What `npm start` promises, on the real entry point: `npm start` (`npm run build`, then node with the
 * start script's flags on dist/src/main.js; here the build, then that node command as a child
 * process) answers /healthz within 20 s, prints how to open the Playground, is ready, serves a
 * Graph-shaped dev tenant, and on SIGTERM stops accepting, answers the turn in flight and exits 0.
 * A bad configuration exits non-zero, naming every problem.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FakeConnector, cardOf } from './helpers/connector';
import { buildDist, START_ENTRY, startNodeFlags } from '../bench/start';
import { freePort } from '../src/cli/ports';
import { persona } from '../src/devtenant/fixture';

const ROOT = path.resolve(__dirname, '..');
const TENANT_ID = '7b1c1a40-0c5e-4d8a-9f7e-1c0a7e5a1e01';
const NURSING_GROUP = '11111111-aaaa-4aaa-8aaa-000000000001';
const START_BUDGET_MS = 20_000;

interface Running {
  proc: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * `npm start` without npm (after its build step): node with the start script's flags on the
 * compiled dist/src/main.js, in the repository, with only the variables a fresh shell has plus
 * `env` — the developer's own settings must not leak in.
 */
function startMain(env: Record<string, string>): Running {
  const base: Record<string, string> = {};
  for (const k of ['PATH', 'HOME', 'TMPDIR', 'LANG']) if (process.env[k]) base[k] = process.env[k]!;
  const proc = spawn(process.execPath, [...startNodeFlags(), START_ENTRY], {
    cwd: ROOT,
    env: { ...base, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stdout.on('data', (c: Buffer) => (out += c.toString()));
  proc.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { proc, stdout: () => out, stderr: () => err, exited };
}

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** An HTTP status, or the network error code when nothing answered. */
async function statusOf(url: string, init?: RequestInit): Promise<number | string> {
  try {
    const res = await fetch(url, init);
    await res.arrayBuffer();
    return res.status;
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause;
    return cause?.code ?? (err as Error).message;
  }
}

/** `npm start`'s first step, timed (every start below runs the compiled code). */
let buildMs = 0;
beforeAll(async () => {
  buildMs = (await buildDist()).ms;
}, 60_000);

describe('npm start on a fresh clone', () => {
  const connector = new FakeConnector();
  let app: Running;
  let botUrl: string;
  let tenantUrl: string;
  let healthyAfterMs = Number.POSITIVE_INFINITY;
  const graph = (p: string, init: RequestInit = {}) =>
    fetch(`${tenantUrl}/v1.0${p}`, {
      ...init,
      headers: { Authorization: 'Bearer dev', 'content-type': 'application/json', ...(init.headers ?? {}) },
    });

  beforeAll(async () => {
    await connector.start();
    const [port, devTenantPort] = [await freePort(), await freePort()];
    botUrl = `http://127.0.0.1:${port}`;
    tenantUrl = `http://127.0.0.1:${devTenantPort}`;
    const t0 = Date.now();
    app = startMain({
      PORT: String(port),
      DEV_TENANT_PORT: String(devTenantPort),
      // A data folder that does not exist yet, as on a fresh clone (the store creates it).
      DATA_DIR: path.join(mkdtempSync(path.join(os.tmpdir(), 'dd-main-')), 'data'),
    });
    await waitFor(
      '/healthz',
      async () => {
        if (app.proc.exitCode !== null)
          throw new Error(`npm start exited early (${app.proc.exitCode}): ${app.stderr()}`);
        return (await statusOf(`${botUrl}/healthz`)) === 200 ? true : undefined;
      },
      START_BUDGET_MS + 10_000,
    ).catch(() => undefined);
    // npm start's build step counts too.
    healthyAfterMs = buildMs + Date.now() - t0;
    process.stdout.write(
      `npm start (build ${buildMs} ms, then node ${START_ENTRY}) answered /healthz after ${healthyAfterMs} ms\n`,
    );
  }, 60_000);

  afterAll(async () => {
    if (app.proc.exitCode === null && app.proc.signalCode === null) {
      app.proc.kill('SIGKILL');
      await app.exited;
    }
    await connector.stop();
  });

  test('/healthz answers within 20 seconds of a cold start', () => {
    expect(healthyAfterMs).toBeLessThan(START_BUDGET_MS);
  });

  test('it prints where it listens and how to open the Agents Playground', async () => {
    const out = await waitFor(
      'the start banner',
      () => (app.stdout().includes('npm run playground') ? app.stdout() : undefined),
      5000,
    );
    expect(out).toContain(`${botUrl}/api/messages`);
    expect(out).toMatch(/npm run playground -- dana/);
    expect(out).toContain(tenantUrl);
    // The start-up log line is structured and names the mode, without secrets.
    expect(out).toMatch(/"msg":"Dragon Desk started".*mode=dev/);
  });

  test('/readyz is 200 with the store and the tenant ok', async () => {
    const res = await fetch(`${botUrl}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ready', checks: { store: 'ok', tenant: 'ok' } });
  });

  test('the dev tenant answers a user with $select in Graph’s shape', async () => {
    const dana = persona('dana');
    const res = await graph(`/users/${dana.id}?$select=displayName,usageLocation`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body['@odata.context']).toMatch(/\$metadata#users\(displayName,usageLocation\)\/\$entity$/);
    expect(body.displayName).toBe('Dana Reyes');
    expect(typeof body.usageLocation).toBe('string');
    // $select means only those properties.
    expect(Object.keys(body).sort()).toEqual(['@odata.context', 'displayName', 'usageLocation']);
  });

  test('the dev tenant answers subscribedSkus in Graph’s shape', async () => {
    const res = await graph('/subscribedSkus');
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body['@odata.context']).toMatch(/\$metadata#subscribedSkus$/);
    expect(body.value.length).toBeGreaterThan(0);
    for (const sku of body.value) {
      expect(sku).toEqual(
        expect.objectContaining({
          skuId: expect.stringMatching(/^[0-9a-f-]{36}$/),
          skuPartNumber: expect.any(String),
          consumedUnits: expect.any(Number),
          prepaidUnits: expect.objectContaining({ enabled: expect.any(Number) }),
        }),
      );
    }
    expect(body.value.map((s: { skuPartNumber: string }) => s.skuPartNumber)).toContain('DRAGON_COPILOT_NURSING_TEST');
  });

  test('adding a member twice gives 204, then Graph’s documented 400', async () => {
    const dana = persona('dana');
    const add = () =>
      graph(`/groups/${NURSING_GROUP}/members/$ref`, {
        method: 'POST',
        body: JSON.stringify({ '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${dana.id}` }),
      });
    const first = await add();
    expect(first.status).toBe(204);
    expect(await first.text()).toBe('');
    const second = await add();
    expect(second.status).toBe(400);
    const body = await second.json();
    expect(body.error.code).toBe('Request_BadRequest');
    expect(body.error.message).toBe(
      "One or more added object references already exist for the following modified properties: 'members'.",
    );
    // Leave the fixture as it was for the turn below.
    const removed = await graph(`/groups/${NURSING_GROUP}/members/${dana.id}/$ref`, { method: 'DELETE' });
    expect(removed.status).toBe(204);
  });

  test('SIGTERM: the turn in flight is answered, new requests are refused, the process exits 0', async () => {
    const nina = persona('nina');
    // Slow the turn down: the tenant throttles the look-up of Nina's name twice, with Retry-After: 1.
    const armed = await fetch(`${tenantUrl}/_devtenant/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        method: 'GET',
        path: `/v1.0/users/${nina.id}`,
        count: 2,
        status: 429,
        retryAfterSeconds: 1,
      }),
    });
    expect(armed.status).toBe(201);

    const conversationId = 'personal-nina-main';
    const turnStarted = Date.now();
    const turn = fetch(`${botUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'message',
        id: 'm-1',
        text: 'help',
        channelId: 'msteams',
        serviceUrl: connector.url,
        from: { id: '29:nina', name: 'Nina Okafor', aadObjectId: nina.id },
        recipient: { id: '28:dragon-desk', name: 'Dragon Desk' },
        conversation: { id: conversationId, conversationType: 'personal', tenantId: TENANT_ID },
        channelData: { tenant: { id: TENANT_ID } },
      }),
    });

    // SIGTERM once the turn is waiting on the throttled tenant.
    await waitFor(
      'the throttled call',
      async () => {
        const calls = await (
          await fetch(`${tenantUrl}/_devtenant/calls?method=GET&path=/v1.0/users/${nina.id}`)
        ).json();
        return calls.count > 0 ? true : undefined;
      },
      10_000,
      50,
    );
    const signalledAt = Date.now();
    app.proc.kill('SIGTERM');
    await waitFor(
      'the shutdown log line',
      () => (app.stdout().includes('"msg":"shutting down"') ? true : undefined),
      5000,
      20,
    );

    // A new request during shutdown is refused (503 on a live socket, or no listener at all).
    const late = await statusOf(`${botUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect([503, 'ECONNREFUSED', 'ECONNRESET', 'UND_ERR_SOCKET']).toContain(late);

    // The turn that was in flight still gets its answer, and Nina her help card.
    const res = await turn;
    expect(res.status).toBe(200);
    expect(Date.now() - turnStarted).toBeGreaterThanOrEqual(1500); // it really did wait on the tenant
    const card = connector
      .messages(conversationId)
      .map((m) => cardOf(m.activity))
      .find(Boolean);
    expect(card).toBeDefined();
    expect(JSON.stringify(card)).toMatch(/Hi Nina/);

    const { code, signal } = await app.exited;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(Date.now() - signalledAt).toBeLessThan(10_000);
    expect(app.stdout()).not.toMatch(/shutdown failed/);
  }, 30_000);
});

describe('npm start refuses a bad configuration', () => {
  test('invalid values: exits non-zero and lists every problem by name', async () => {
    const app = startMain({
      PORT: 'abc',
      TENANT_ID: 'nope',
      DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'dd-main-bad-')),
    });
    const { code } = await app.exited;
    expect(code).not.toBe(0);
    expect(app.stderr()).toMatch(/PORT: expected a whole number.*got "abc"/);
    expect(app.stderr()).toMatch(/TENANT_ID: expected a GUID.*got "nope"/);
    expect(app.stdout()).not.toMatch(/listening/);
  }, 30_000);

  test('production without Bot Framework credentials refuses to start, saying why', async () => {
    const app = startMain({
      APP_MODE: 'production',
      TENANT_ID,
      NURSING_SKU_PART_NUMBER: 'DRAGON_COPILOT_NURSING',
      PHYSICIAN_SKU_PART_NUMBER: 'DRAGON_COPILOT_PHYSICIAN',
      DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'dd-main-prod-')),
      PORT: String(await freePort()),
    });
    const { code } = await app.exited;
    expect(code).not.toBe(0);
    expect(app.stderr()).toMatch(/BOT_APP_ID: required in production/);
    expect(app.stderr()).toMatch(/BOT_APP_PASSWORD: required in production/);
    expect(app.stderr()).toMatch(/only in dev mode/);
    expect(app.stdout()).not.toMatch(/listening/);
  }, 30_000);
});
