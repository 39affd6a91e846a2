/**
 * Dragon Desk as the bench runs it: the composition root `npm start` uses (startDragonDesk), in
 * dev mode against the in-process dev tenant seeded with the bench fixture, SQLite in a temporary
 * folder (or DATABASE_URL), a silent logger, port 0.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseConfig, withDevDefaults } from '../src/config';
import { startDragonDesk, type DragonDesk } from '../src/dragonDesk';
import type { DevTenant } from '../src/devtenant/server';
import type { Latency } from '../src/devtenant/latency';
import type { QueryObserver } from '../src/store/dialect';
import { silentLogger } from '../src/log';
import { projectRoot } from '../src/paths';
import type { ActivityContext } from './activities';
import { benchFixture } from './fixture';

/** The project root, from bench/ (tsx) and dist/bench/ (the memory child) alike. */
export const ROOT = projectRoot();

export interface BenchDeskOptions {
  /** Generated nurses in the dev tenant (see fixture.ts). */
  nurses: number;
  databaseUrl?: string;
  /** Extra settings (e.g. WORKER_INTERVAL_MS). */
  env?: Record<string, string>;
  startWorker?: boolean;
  /**
   * A dev tenant already running elsewhere (another process), as Microsoft Graph is in production;
   * by default Dragon Desk starts one in its own process, as `npm start` does.
   */
  devTenantUrl?: string;
  onQuery?: QueryObserver;
  /** Latency of the in-process dev tenant's answers (none by default). */
  latency?: Latency;
}

export interface BenchDesk {
  desk: DragonDesk;
  messagesUrl: string;
  tenantId: string;
  activityContext(serviceUrl: string): ActivityContext;
  stop(): Promise<void>;
}

export async function startBenchDesk(opts: BenchDeskOptions): Promise<BenchDesk> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'dd-bench-'));
  const env = withDevDefaults(
    {
      PORT: '0',
      DEV_TENANT_PORT: '0',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'error',
      ...(opts.databaseUrl ? { DATABASE_URL: opts.databaseUrl } : {}),
      ...opts.env,
    },
    ROOT,
  );
  const config = parseConfig(env);
  const desk = await startDragonDesk(config, {
    logger: silentLogger,
    startWorker: opts.startWorker ?? true,
    onQuery: opts.onQuery,
    // Dragon Desk reads only the address of a dev tenant it did not start.
    ...(opts.devTenantUrl
      ? { devTenant: { url: opts.devTenantUrl } as DevTenant }
      : { devTenantOptions: { fixture: benchFixture(opts.nurses), latency: opts.latency } }),
  });
  return {
    desk,
    messagesUrl: `${desk.server.url}/api/messages`,
    tenantId: config.tenantId,
    activityContext: (serviceUrl) => ({ tenantId: config.tenantId, serviceUrl }),
    async stop() {
      await desk.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
