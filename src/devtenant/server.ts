/**
 * The dev tenant: a plain node:http server that speaks the part of Microsoft Graph v1.0 and Azure
 * Resource Manager Dragon Desk uses, over one in-memory directory seeded from a fixture. Dragon
 * Desk's real tenant client talks to it exactly as it talks to Microsoft.
 *
 *   const tenant = await startDevTenant({ fixture: 'contoso-health' });
 *   // Graph: `${tenant.url}/v1.0/...`   ARM: `${tenant.url}/subscriptions?api-version=...`
 *   // Authorization: Bearer dev  (Dragon Desk's service principal) | Bearer dev:<objectId>
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Dispatcher, type IncomingCall } from './dispatch';
import { CallLog, FaultInjector } from './faults';
import { AppPermissions } from './permissions';
import { loadFixture, DEFAULT_FIXTURE, type Fixture } from './fixture';
import { Router } from './router';
import { appCatalogRoutes } from './routes/appCatalogs';
import { armPartnerRoutes } from './routes/arm-partners';
import { armSubscriptionRoutes } from './routes/arm-subscriptions';
import { batchRoutes } from './routes/batch';
import { gdapRoutes } from './routes/gdap';
import { groupRoutes } from './routes/groups';
import { licenseRoutes } from './routes/licenses';
import { organizationRoutes } from './routes/organization';
import { pimRoutes } from './routes/pim';
import { roleRoutes } from './routes/roles';
import type { RouteDeps } from './routes/shared';
import { skuRoutes } from './routes/skus';
import { testHookRoutes } from './routes/test-hooks';
import { userRoutes } from './routes/users';
import { AdjustableClock, DirectoryState, type Clock } from './state';

export interface DevTenantOptions {
  /** 0 (the default) picks a free port; the app passes DEV_TENANT_PORT. */
  port?: number;
  host?: string;
  /** A fixture, or its name ('contoso-health', 'empty-tenant') or file path. */
  fixture?: Fixture | string;
  /** Time for PIM expiry and timestamps. Without one, real time that `/_devtenant/clock` can move. */
  clock?: Clock;
  /** Delay before queued group-based license processing runs. Default 50 ms. */
  licenseProcessingDelayMs?: number;
}

export interface DevTenant {
  /** http://HOST:PORT — the Graph base (append /v1.0) and the ARM base. */
  url: string;
  port: number;
  close(): Promise<void>;
  faults: FaultInjector;
  calls: CallLog;
  /** The Graph application permissions of Dragon Desk's app (all granted at start). */
  permissions: AppPermissions;
  /** The directory, for test assertions. */
  state: DirectoryState;
  /** Resolves when queued group-license processing is done. */
  settle(): Promise<void>;
  /**
   * Re-seeds the directory from the fixture it started with, or from another one (a Fixture, a
   * name or a path). Faults and the call log are kept; queued license processing is dropped.
   */
  reset(fixture?: Fixture | string): void;
}

const MAX_BODY_BYTES = 4 * 1024 * 1024;

function headerMap(h: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) {
    if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

/** A body over the limit: not a string, so no body text can be mistaken for it. */
const TOO_LARGE = Symbol('too-large');

function readBody(req: http.IncomingMessage): Promise<string | typeof TOO_LARGE> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(c);
    });
    req.on('end', () => resolve(tooLarge ? TOO_LARGE : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startDevTenant(opts: DevTenantOptions = {}): Promise<DevTenant> {
  const fixture = typeof opts.fixture === 'object' ? opts.fixture : loadFixture(opts.fixture ?? DEFAULT_FIXTURE);
  const adjustableClock = opts.clock ? undefined : new AdjustableClock();
  const clock: Clock = opts.clock ?? adjustableClock!;
  const state = new DirectoryState(fixture, clock, opts.licenseProcessingDelayMs ?? 50);
  const faults = new FaultInjector();
  const calls = new CallLog();
  const permissions = new AppPermissions();
  let baseUrl = '';
  const deps: RouteDeps = { state, clock, baseUrl: () => baseUrl };
  const reset = (other?: Fixture | string) =>
    state.seed(other === undefined ? fixture : typeof other === 'object' ? other : loadFixture(other));

  const graph = new Router();
  const arm = new Router();
  const hooks = new Router();
  const dispatcher: Dispatcher = new Dispatcher({ state, faults, calls, permissions, clock, graph, arm, hooks });
  graph
    .add(organizationRoutes(deps))
    .add(userRoutes(deps))
    .add(groupRoutes(deps))
    .add(licenseRoutes(deps))
    .add(skuRoutes(deps))
    .add(roleRoutes(deps))
    .add(pimRoutes(deps))
    .add(gdapRoutes(deps))
    .add(appCatalogRoutes(deps))
    .add(batchRoutes({ ...deps, dispatch: (call: IncomingCall) => dispatcher.handle(call) }));
  arm.add(armPartnerRoutes(deps)).add(armSubscriptionRoutes(deps));
  hooks.add(testHookRoutes({ ...deps, faults, calls, permissions, adjustableClock, reset }));

  const server = http.createServer((req, res) => {
    void (async () => {
      try {
        const text = await readBody(req);
        if (text === TOO_LARGE) {
          res.writeHead(413, { 'Content-Type': 'application/json' });
          res.end(
            JSON.stringify({ error: { code: 'RequestEntityTooLarge', message: 'The request body is too large.' } }),
          );
          return;
        }
        const out = await dispatcher.handle({
          method: req.method ?? 'GET',
          url: req.url ?? '/',
          headers: headerMap(req.headers),
          body: { text },
          inBatch: false,
        });
        const payload = out.body === undefined ? '' : JSON.stringify(out.body);
        res.writeHead(out.status, { ...out.headers, 'Content-Length': String(Buffer.byteLength(payload)) });
        res.end(payload);
      } catch (err) {
        // The dispatcher renders every error; this is only for a broken socket or a bug in rendering.
        console.error('[devtenant] failed to answer', err);
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end();
      }
    })();
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  });

  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    url: baseUrl,
    port,
    faults,
    permissions,
    calls,
    state,
    settle: () => state.settle(),
    reset,
    close: async () => {
      state.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
