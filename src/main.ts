/**
 * `npm start`: Dragon Desk with its configuration from the environment (dev defaults from
 * env/dev-defaults.env). Prints how to open the Agents Playground; SIGTERM/SIGINT shut down gracefully.
 */
import { ConfigError, describeConfig, loadConfig } from './config';
import { personas } from './devtenant/fixture';
import { loadFixture } from './devtenant/fixture';
import { startDragonDesk } from './dragonDesk';

/** Longest a graceful shutdown may take (turns in flight drain within 25 s, see server.ts). */
const SHUTDOWN_LIMIT_MS = 28_000;

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(err.message + '\n');
      process.exit(1);
    }
    throw err;
  }
  const desk = await startDragonDesk(config);
  desk.logger.info('Dragon Desk started', { config: describeConfig(config) });
  const lines = ['', `Dragon Desk is listening on ${desk.server.url}/api/messages (${config.mode} mode).`];
  if (desk.devTenant) {
    const aliases = Object.keys(personas(loadFixture())).slice(0, 12).join(', ');
    lines.push(
      `Dev tenant (Contoso Health) on ${desk.devTenant.url} — try: curl -H 'Authorization: Bearer dev' '${desk.devTenant.url}/v1.0/subscribedSkus'`,
      '',
      'Open the Microsoft 365 Agents Playground as a persona, in another terminal:',
      '  npm run playground -- dana        (Dana Reyes, a nurse)',
      '  npm run playground -- nina        (Nina Okafor, owner of the nursing license group)',
      `Personas: ${aliases}, … (see README).`,
      '',
    );
  }
  process.stdout.write(lines.join('\n') + '\n');

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) {
      // A second Ctrl-C means "now": work in flight resumes on the next start (executions are idempotent).
      desk.logger.warn('second signal: exiting without waiting', { signal });
      process.exit(1);
    }
    stopping = true;
    desk.logger.info('shutting down', { signal });
    // Orchestrators kill after ~30 s anyway; exit on our own terms, with a log line, before that.
    setTimeout(() => {
      desk.logger.error('shutdown took too long; exiting with work still in flight', { afterMs: SHUTDOWN_LIMIT_MS });
      process.exit(1);
    }, SHUTDOWN_LIMIT_MS).unref();
    try {
      await desk.stop();
      process.exit(0);
    } catch (err) {
      desk.logger.error('shutdown failed', { err });
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err) => {
  process.stderr.write(
    `Dragon Desk failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
