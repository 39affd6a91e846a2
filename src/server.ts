/**
 * The HTTP front door: restify with /api/messages, /healthz and /readyz. It knows nothing of
 * Teams; the bot layer hands it a message handler. Shutdown stops accepting first, then waits for
 * turns in flight, so an approval click that already reached us is answered and recorded.
 */
import restify from 'restify';
import { scrub, type Logger } from './log';

export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

export interface ServerOptions {
  port: number;
  host: string;
  logger: Logger;
  /** POST /api/messages; provided by src/bot (botbuilder's adapter.process). */
  handleMessage(req: restify.Request, res: restify.Response): Promise<void>;
  readiness: ReadinessCheck[];
  /** Upper bound for waiting on turns in flight at shutdown. */
  drainTimeoutMs?: number;
  /** A readiness check that has not answered by then counts as failed. Default 3000 ms. */
  readinessTimeoutMs?: number;
}

export interface RunningServer {
  url: string;
  port: number;
  /** Turns currently being handled. */
  inFlight(): number;
  /** Stop accepting, then wait for turns in flight (bounded by drainTimeoutMs). */
  close(): Promise<void>;
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const server = restify.createServer({ name: 'dragon-desk', handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser({ mapParams: false, maxBodySize: 1024 * 1024 }));
  let inFlight = 0;
  let closing = false;
  const drained: (() => void)[] = [];

  server.post('/api/messages', async (req: restify.Request, res: restify.Response) => {
    if (closing) {
      res.send(503, { error: 'shutting down' });
      return;
    }
    inFlight++;
    try {
      await opts.handleMessage(req, res);
    } catch (err) {
      // The bot layer answers its own errors; this is the last line so a request never hangs.
      opts.logger.error('unhandled error in /api/messages', { err });
      if (!res.headersSent) res.send(500, { error: 'internal error' });
    } finally {
      inFlight--;
      if (inFlight === 0) drained.splice(0).forEach((f) => f());
    }
  });

  // restify takes an async handler or one with `next`; nothing here awaits, so the latter.
  server.get('/healthz', (_req: restify.Request, res: restify.Response, next: restify.Next) => {
    res.send(200, { status: 'alive' });
    next();
  });

  server.get('/readyz', async (_req: restify.Request, res: restify.Response) => {
    const checks: Record<string, string> = {};
    let ok = !closing;
    await Promise.all(
      opts.readiness.map(async (c) => {
        try {
          await withTimeout(c.check(), opts.readinessTimeoutMs ?? 3000);
          checks[c.name] = 'ok';
        } catch (err) {
          ok = false;
          // Served to whoever asks, so a connection string in a driver's message is masked.
          checks[c.name] = scrub(err instanceof Error ? err.message : String(err));
        }
      }),
    );
    if (closing) checks.server = 'shutting down';
    res.send(ok ? 200 : 503, { status: ok ? 'ready' : 'not ready', checks });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;

  return {
    url: `http://${opts.host === '0.0.0.0' ? '127.0.0.1' : opts.host}:${port}`,
    port,
    inFlight: () => inFlight,
    async close() {
      closing = true;
      const stopped = new Promise<void>((resolve) => {
        server.close(() => resolve());
      });
      server.server.closeIdleConnections?.();
      if (inFlight > 0) {
        await Promise.race([
          new Promise<void>((resolve) => drained.push(resolve)),
          delay(opts.drainTimeoutMs ?? 25000),
        ]);
      }
      server.server.closeAllConnections?.();
      await stopped;
    },
  };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([p, delay(ms).then(() => Promise.reject(new Error(`no answer within ${ms} ms`)))]);
}
