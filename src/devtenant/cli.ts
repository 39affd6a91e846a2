/**
 * Runs the dev tenant on its own: `tsx src/devtenant/cli.ts [fixture]`, on DEV_TENANT_PORT (5980),
 * answering after DEV_TENANT_LATENCY_MS when set.
 * Useful to poke it with curl or to point a separately started bot at it.
 */
import { describeLatency } from './latency';
import { startDevTenant } from './server';

async function main(): Promise<void> {
  const port = Number(process.env.DEV_TENANT_PORT ?? 5980);
  const fixture = process.argv[2] ?? process.env.DEV_TENANT_FIXTURE ?? 'contoso-health';
  const tenant = await startDevTenant({
    port,
    host: process.env.DEV_TENANT_HOST ?? '127.0.0.1',
    fixture,
    latency: process.env.DEV_TENANT_LATENCY_MS,
  });
  console.log(
    `dev tenant (${fixture}) listening on ${tenant.url}; latency per answer: ${describeLatency(tenant.latency)}`,
  );
  console.log(`  Graph: ${tenant.url}/v1.0   ARM: ${tenant.url}   token: "Bearer dev" or "Bearer dev:<objectId>"`);
  const stop = () => {
    void tenant.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
