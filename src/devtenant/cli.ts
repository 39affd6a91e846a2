/**
 * `npx dragon-desk devtenant [fixture]`: the dev tenant on its own, on DEV_TENANT_PORT (5980), until
 * Ctrl+C. Several Dragon Desk processes started with DEV_TENANT_URL pointing at it share one tenant
 * (with one DATABASE_URL: a cluster on one machine; `npm run cluster` does it all).
 */
import type { Writable } from 'node:stream';
import { startDevTenant, type DevTenant } from './server';

export async function runDevTenant(args: readonly string[], env: NodeJS.ProcessEnv, out: Writable): Promise<DevTenant> {
  const port = Number(env.DEV_TENANT_PORT ?? 5980);
  const fixture = args[0] ?? env.DEV_TENANT_FIXTURE ?? 'contoso-health';
  const tenant = await startDevTenant({ port, host: env.DEV_TENANT_HOST ?? '127.0.0.1', fixture });
  out.write(`dev tenant (${fixture}) listening on ${tenant.url}\n`);
  out.write(`  Graph: ${tenant.url}/v1.0   ARM: ${tenant.url}   token: "Bearer dev" or "Bearer dev:<objectId>"\n`);
  out.write(`  Dragon Desk instances attach with DEV_TENANT_URL=${tenant.url}\n`);
  return tenant;
}
