/**
 * Server: /healthz says the process is alive, /readyz says whether the store and the
 * tenant answer (and names what does not), and shutdown stops accepting, lets turns in flight
 * finish, and does not hang on idle keep-alive connections.
 */
import http from 'node:http';
import type restify from 'restify';
import { startServer, type ReadinessCheck, type RunningServer, type ServerOptions } from '../src/server';
import { memoryLogger } from '../src/log';

const ok = (name: string): ReadinessCheck => ({ name, check: async () => undefined });
const failing = (name: string, message: string): ReadinessCheck => ({
  name,
  check: async () => {
    throw new Error(message);
  },
});
const silent = (name: string): ReadinessCheck => ({ name, check: () => new Promise<void>(() => undefined) });

let servers: RunningServer[] = [];
/** Held turns are let go after each test, so a failed assertion does not leave a server draining. */
const heldTurnReleases: (() => void)[] = [];
async function start(opts: Partial<ServerOptions> = {}): Promise<RunningServer> {
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    logger: memoryLogger(),
    handleMessage: async (_req, res) => void res.send(200, { handled: true }),
    readiness: [ok('store'), ok('tenant')],
    ...opts,
  });
  servers.push(server);
  return server;
}
afterEach(async () => {
  heldTurnReleases.splice(0).forEach((release) => release());
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

async function get(url: string): Promise<{ status: number; body: any }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.json() };
}

describe('/healthz and /readyz', () => {
  test('/healthz answers 200 alive, even when a dependency is down', async () => {
    const s = await start({ readiness: [failing('store', 'disk full')] });
    expect(await get(`${s.url}/healthz`)).toEqual({ status: 200, body: { status: 'alive' } });
  });

  test('/readyz answers 200 with each check ok when store and tenant answer', async () => {
    const s = await start();
    expect(await get(`${s.url}/readyz`)).toEqual({
      status: 200,
      body: { status: 'ready', checks: { store: 'ok', tenant: 'ok' } },
    });
  });

  test.each<[string, ReadinessCheck[], Record<string, RegExp>]>([
    [
      'the store is unreachable',
      [failing('store', 'SQLITE_CANTOPEN: unable to open database file'), ok('tenant')],
      { store: /SQLITE_CANTOPEN/, tenant: /^ok$/ },
    ],
    [
      'the tenant is unreachable',
      [ok('store'), failing('tenant', 'connect ECONNREFUSED 127.0.0.1:5980')],
      { store: /^ok$/, tenant: /ECONNREFUSED/ },
    ],
    [
      'both are down',
      [failing('store', 'pool ended'), failing('tenant', 'Graph 503')],
      { store: /pool ended/, tenant: /Graph 503/ },
    ],
    ['the tenant never answers', [ok('store'), silent('tenant')], { store: /^ok$/, tenant: /no answer within 200 ms/ }],
  ])('/readyz answers 503 naming the failing check when %s', async (_case, readiness, expected) => {
    const s = await start({ readiness, readinessTimeoutMs: 200 });
    const { status, body } = await get(`${s.url}/readyz`);
    expect(status).toBe(503);
    expect(body.status).toBe('not ready');
    for (const [name, re] of Object.entries(expected)) expect(body.checks[name]).toMatch(re);
  });

  test('a secret in a failing check’s message is not served', async () => {
    const s = await start({
      readiness: [failing('store', 'password authentication failed for postgres://desk:pw-Zx1@db/desk')],
    });
    const { status, body } = await get(`${s.url}/readyz`);
    expect(status).toBe(503);
    expect(JSON.stringify(body)).not.toContain('pw-Zx1');
  });
});

describe('POST /api/messages', () => {
  test('a handler that throws still gets an answer (500), and the error is logged', async () => {
    const logger = memoryLogger();
    const s = await start({
      logger,
      handleMessage: async () => {
        throw new Error('adapter exploded');
      },
    });
    const res = await fetch(`${s.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(500);
    expect(logger.lines.some((l) => JSON.stringify(l).includes('adapter exploded'))).toBe(true);
  });
});

describe('shutdown', () => {
  /** A message handler that holds its turn until released. */
  function heldTurns() {
    const releases: (() => void)[] = [];
    let entered: () => void = () => undefined;
    const firstEntered = new Promise<void>((r) => (entered = r));
    const handleMessage = async (_req: restify.Request, res: restify.Response) => {
      entered();
      await new Promise<void>((r) => releases.push(r));
      res.send(200, { answered: 'after the wait' });
    };
    const release = () => releases.splice(0).forEach((r) => r());
    heldTurnReleases.push(release);
    return { handleMessage, firstEntered, release };
  }

  test('a turn in flight is answered; new requests are refused; close waits for it', async () => {
    const turns = heldTurns();
    const s = await start({ handleMessage: turns.handleMessage });
    const inFlight = fetch(`${s.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    await turns.firstEntered;
    expect(s.inFlight()).toBe(1);

    let closed = false;
    const closing = s.close().then(() => (closed = true));
    await new Promise((r) => setTimeout(r, 100));
    expect(closed).toBe(false);

    // A new request: either the listener is gone (connection refused) or it gets 503.
    expectRefused(await rawPost(s.port));

    turns.release();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ answered: 'after the wait' });
    await closing;
    expect(closed).toBe(true);
  });

  test('a request arriving on a kept-alive connection during shutdown is refused', async () => {
    const turns = heldTurns();
    const s = await start({ handleMessage: turns.handleMessage });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
    try {
      // Open two kept-alive sockets: one holds a turn, the other is idle and then reused.
      const held = rawPost(s.port, agent);
      await turns.firstEntered;
      expect(statusOf(await rawGet(s.port, '/healthz', agent))).toBe(200);
      const closing = s.close();
      expectRefused(await rawPost(s.port, agent));
      turns.release();
      expect(statusOf(await held)).toBe(200);
      await closing;
    } finally {
      agent.destroy();
    }
  });

  test('idle keep-alive connections do not hold shutdown up', async () => {
    const s = await start();
    const agent = new http.Agent({ keepAlive: true });
    try {
      expect(statusOf(await rawGet(s.port, '/healthz', agent))).toBe(200);
      const t0 = Date.now();
      await s.close();
      expect(Date.now() - t0).toBeLessThan(1000);
    } finally {
      agent.destroy();
    }
  });

  test('a turn that never ends is cut off after drainTimeoutMs', async () => {
    const turns = heldTurns();
    const s = await start({ handleMessage: turns.handleMessage, drainTimeoutMs: 300 });
    const stuck = rawPost(s.port);
    await turns.firstEntered;
    const t0 = Date.now();
    await s.close();
    const took = Date.now() - t0;
    expect(took).toBeGreaterThanOrEqual(250);
    expect(took).toBeLessThan(2000);
    // The connection is cut rather than left hanging for ever.
    expect(await stuck).toEqual({ refused: expect.stringMatching(/ECONNRESET|socket hang up/) });
    turns.release();
  });
});

/** An HTTP answer, or how the connection was refused (node's errors are another realm under jest). */
type Answer = { status: number; body: string } | { refused: string };

function rawPost(port: number, agent?: http.Agent): Promise<Answer> {
  return raw(port, 'POST', '/api/messages', agent, '{}');
}
function rawGet(port: number, path: string, agent?: http.Agent): Promise<Answer> {
  return raw(port, 'GET', path, agent);
}
function raw(port: number, method: string, path: string, agent?: http.Agent, body?: string): Promise<Answer> {
  return new Promise((resolve) => {
    const refused = (err: Error) => resolve({ refused: `${(err as { code?: string }).code ?? ''} ${err.message}` });
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent: agent ?? false,
        headers: body ? { 'content-type': 'application/json' } : {},
      },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        res.on('error', refused);
      },
    );
    req.on('error', refused);
    req.end(body);
  });
}

/** What a request that arrives during shutdown may get: no connection, or 503. */
function expectRefused(answer: Answer): void {
  if ('refused' in answer) expect(answer.refused).toMatch(/ECONNREFUSED|ECONNRESET|socket hang up/);
  else expect(answer.status).toBe(503);
}

function statusOf(answer: Answer): number | string {
  return 'status' in answer ? answer.status : answer.refused;
}
