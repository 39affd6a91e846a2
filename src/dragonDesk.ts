/**
 * The composition root: wires config → tenant, store, services, bot, worker, server. `main.ts`
 * runs it for `npm start`; tests and the benchmark start the same thing in process (port 0, a
 * temporary data folder), so what they exercise is what runs.
 */
import path from 'node:path';
import type { Config } from './config';
import { systemClock, type Clock } from './clock';
import { createLogger, type Logger } from './log';
import { startServer, type RunningServer } from './server';
import { createAdapter } from './bot/adapter';
import { createBot, type Bot } from './bot/app';
import { TeamsMessenger } from './bot/messenger';
import { TurnGate } from './bot/turnGate';
import { fallbackPlannerFor } from './bot/fallback';
import type { PromptCompletionModel } from './bot/llm';
import { Desk } from './services/desk';
import { createServices, type Services } from './services/services';
import type { ServiceDeps } from './services/types';
import { openStore } from './store';
import type { Store } from './store/types';
import type { QueryObserver } from './store/dialect';
import { entraPassword } from './store/entraPassword';
import { createTenantClient } from './tenant';
import { azureCredential } from './credentials';
import type { TenantClient } from './tenant/types';
import { Worker } from './worker/worker';
import { telemetryFor, type Telemetry } from './telemetry';
import { reportingRequestChanges } from './telemetry/requestMetrics';
import type { DevTenant, startDevTenant } from './devtenant/server';

export interface DragonDesk {
  config: Config;
  server: RunningServer;
  devTenant?: DevTenant;
  tenant: TenantClient;
  store: Store;
  services: Services;
  desk: Desk;
  bot: Bot;
  worker: Worker;
  logger: Logger;
  telemetry: Telemetry;
  stop(): Promise<void>;
}

export interface StartOptions {
  clock?: Clock;
  logger?: Logger;
  /** Start the worker's timer (tests may drive `worker.pass()` by hand). Default true. */
  startWorker?: boolean;
  /** Use this already-running dev tenant instead of starting one (tests sharing a tenant). */
  devTenant?: DevTenant;
  /** A language model for the fallback planner instead of the configured one (tests use teams-ai's TestModel). */
  fallbackModel?: PromptCompletionModel;
  /** Dev tenant options (e.g. a fixture) when one is started here. */
  devTenantOptions?: Parameters<typeof startDevTenant>[0];
  /** Sees every statement the store sends (query-count tests, the benchmark's traces). */
  onQuery?: QueryObserver;
  /** Telemetry instead of the configured one (tests read spans and metrics in memory); the caller stops it. */
  telemetry?: Telemetry;
}

export async function startDragonDesk(config: Config, opts: StartOptions = {}): Promise<DragonDesk> {
  const clock = opts.clock ?? systemClock;
  const logger = opts.logger ?? createLogger(config.logLevel, { app: 'dragon-desk' });
  const cleanup: (() => Promise<void>)[] = [];
  try {
    // First, so that what starts next is already recorded; off (and not loaded) without Application Insights.
    const telemetry = opts.telemetry ?? telemetryFor(config);
    if (!opts.telemetry) cleanup.push(() => telemetry.shutdown());
    let devTenant = opts.devTenant;
    if (config.mode === 'dev' && !devTenant && !config.devTenant?.url) {
      // Loaded only here: production, and a Dragon Desk given a tenant, never need the dev tenant's code.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { startDevTenant: start } = require('./devtenant/server') as { startDevTenant: typeof startDevTenant };
      devTenant = await start({
        host: '127.0.0.1',
        port: config.devTenant?.port ?? 0,
        fixture: config.devTenant?.fixture,
        latency: config.devTenant?.latency,
        clock,
        ...opts.devTenantOptions,
      });
      const started = devTenant;
      cleanup.push(() => started.close());
    }
    // One credential for Graph, ARM and (with Entra sign-in) PostgreSQL: one managed identity in Azure.
    const credential = config.mode === 'production' ? azureCredential(config) : undefined;
    const tenant =
      config.mode === 'dev'
        ? createTenantClient({
            mode: 'dev',
            devTenantUrl: devTenant?.url ?? config.devTenant!.url!,
            logger,
            now: () => clock.now().getTime(),
            telemetry,
          })
        : createTenantClient({
            mode: 'production',
            now: () => clock.now().getTime(),
            telemetry,
            graphBaseUrl: config.graphBaseUrl,
            armBaseUrl: config.armBaseUrl,
            logger,
            credential: credential!,
          });

    const opened = await openStore({
      databaseUrl: config.databaseUrl,
      databasePassword: credential && config.databaseAuth === 'entra' ? entraPassword(credential) : undefined,
      dataDir: path.resolve(config.dataDir),
      clock,
      onQuery: opts.onQuery,
      onPoolError: (err) =>
        logger.warn('a pooled PostgreSQL connection failed; the pool replaces it', { err: err.message }),
    });
    cleanup.push(() => opened.close());
    const store = telemetry.enabled
      ? { ...opened, requests: reportingRequestChanges(opened.requests, telemetry) }
      : opened;

    const adapter = createAdapter(config);
    // Turns first: card updates, notifications and executions wait while turns are being answered
    // (for a second at most).
    const gate = new TurnGate();
    const messenger = new TeamsMessenger(adapter, config, store, logger);
    // The worker needs the services and the services nudge the worker: bound once both exist.
    let kickWorker = (): void => undefined;
    const deps: ServiceDeps = {
      config,
      tenant,
      store,
      clock,
      logger,
      messenger,
      kickWorker: () => kickWorker(),
      yieldToTurns: () => gate.quiet(),
    };
    const services = createServices(deps);
    const desk = new Desk(services);
    const worker = new Worker({
      store,
      engine: services.engine,
      clock,
      logger,
      intervalMs: config.workerIntervalMs,
      concurrency: config.workerConcurrency,
      timerClaimMs: config.leaseSeconds * 1000,
      yieldTo: () => gate.quiet(),
      telemetry,
    });
    kickWorker = () => worker.kick();
    // Time-bound Dragon admin grants remind and end through the worker.
    services.roles.registerTimers(worker);
    // Reminders and escalations of requests nobody has decided yet.
    services.engine.registerTimers(worker);
    // Periodic reviews of who holds each Dragon license (RECERTIFY_EVERY_DAYS), and their deadlines.
    services.recertification.register(worker);
    const bot = createBot({
      config,
      adapter,
      store,
      desk,
      logger,
      gate,
      fallbackPlanner: fallbackPlannerFor(config, opts.fallbackModel),
      telemetry,
    });
    const server = await startServer({
      port: config.port,
      host: config.host,
      logger,
      handleMessage: (req, res) => bot.handleMessage(req, res),
      readiness: [
        { name: 'store', check: () => store.ping() },
        { name: 'tenant', check: () => tenant.ping() },
      ],
    });
    if (opts.startWorker !== false) worker.start();
    const w = worker;
    return {
      config,
      server,
      devTenant,
      tenant,
      store,
      services,
      desk,
      bot,
      worker: w,
      logger,
      telemetry,
      async stop() {
        // Stop taking turns first, let those in flight finish, then the worker, then storage.
        await server.close();
        await w.stop();
        for (const c of cleanup.reverse()) await c();
      },
    };
  } catch (err) {
    for (const c of cleanup.reverse()) await c().catch(() => undefined);
    throw err;
  }
}
