/**
 * Shapes the approval-flow tests share: Dragon Desk restarted on the same SQLite file and dev
 * tenant, and two instances on one PostgreSQL database (each with its own connector), in a describe
 * block that has its own PostgreSQL server.
 */
import { startDevTenant } from '../../src/devtenant/server';
import { Harness, type HarnessOptions } from './harness';
import { startPostgres, type TestPostgres } from './postgres';

/**
 * `before` runs on a first instance, which is then stopped; `after` runs on a second one started
 * on its data folder and dev tenant, with what `before` returned.
 */
export async function acrossRestart<T>(
  opts: HarnessOptions,
  before: (a: Harness) => Promise<T>,
  after: (b: Harness, carried: T) => Promise<void>,
): Promise<void> {
  const tenant = await startDevTenant({ host: '127.0.0.1' });
  try {
    const a = await Harness.start({ ...opts, devTenant: tenant });
    const carried = await before(a);
    const dataDir = a.config.dataDir;
    await a.desk.stop();
    const b = await Harness.start({ ...opts, devTenant: tenant, dataDir });
    try {
      await after(b, carried);
    } finally {
      await b.stop();
      await a.connector.stop();
    }
  } finally {
    await tenant.close();
  }
}

/** Two instances on a fresh database of `pg`, sharing one dev tenant; both stopped afterwards. */
export async function twoInstances(
  pg: TestPostgres,
  opts: HarnessOptions,
  run: (a: Harness, b: Harness) => Promise<void>,
): Promise<void> {
  const url = await pg.createDatabase();
  const a = await Harness.start({ ...opts, databaseUrl: url });
  const b = await Harness.start({ ...opts, databaseUrl: url, shareWith: a });
  try {
    await run(a, b);
  } finally {
    await b.stop();
    await a.stop();
  }
}

/** A describe block with one embedded PostgreSQL server for its tests, started before and stopped after. */
export function describeOnPostgres(title: string, body: (pg: () => TestPostgres) => void): void {
  describe(title, () => {
    let pg: TestPostgres | undefined;
    beforeAll(async () => {
      pg = await startPostgres();
    }, 120_000);
    afterAll(async () => pg?.stop());
    body(() => {
      if (!pg) throw new Error('PostgreSQL did not start');
      return pg;
    });
  });
}
