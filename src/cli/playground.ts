/**
 * `npm run playground -- <alias> [--port N]`: the Microsoft 365 Agents Playground as one person of
 * the dev tenant, talking to the Dragon Desk that `npm start` runs.
 *
 *   npm run playground -- dana            → Dana Reyes (nurse) on PLAYGROUND_PORT (56150) or the next free port
 *   npm run playground -- nina --port 56160
 *
 * Two people at once (a requester and an approver) are two Playgrounds, each with its own config
 * (devTools/playground/<alias>.yml, see playgroundConfig.ts) and its own port.
 *
 * Environment (dev defaults from env/dev-defaults.env): PORT (Dragon Desk, 3978), PLAYGROUND_PORT
 * (56150), BOT_ENDPOINT (overrides http://127.0.0.1:$PORT/api/messages), TEAMSAPPTESTER_BROWSER
 * (`none` = don't open a browser), M365_AGENTS_PLAYGROUND_LOGFILE.
 */
import path from 'node:path';
import { withDevDefaults } from '../config';
import { loadFixture, type Fixture } from '../devtenant/fixture';
import { projectRoot } from '../paths';
import { findPersona, playgroundConfigFor, unknownAliasMessage, writePlaygroundConfig } from './playgroundConfig';
import {
  DEFAULT_PLAYGROUND_PORT,
  botEndpointFrom,
  choosePort,
  healthUrlFor,
  isBotAlive,
  isPortFree,
  spawnPlayground,
} from './playgroundProcess';

// ── arguments ──────────────────────────────────────────────────────────────────────────────────

export interface PlaygroundArgs {
  alias?: string;
  port?: number;
  help: boolean;
}

export type ParsedArgs = { ok: true; args: PlaygroundArgs } | { ok: false; error: string };

/** `<alias> [--port N | --port=N | -p N] [--help]`; anything else is an error worth showing. */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const args: PlaygroundArgs = { help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') {
      args.help = true;
      continue;
    }
    let portText: string | undefined;
    if (a === '--port' || a === '-p') {
      portText = argv[++i];
      if (portText === undefined) return { ok: false, error: `${a} needs a port number, e.g. ${a} 56160` };
    } else if (a.startsWith('--port=')) {
      portText = a.slice('--port='.length);
    } else if (a.startsWith('-')) {
      return { ok: false, error: `unknown option ${a}` };
    } else {
      if (args.alias !== undefined)
        return { ok: false, error: `one persona at a time: got "${args.alias}" and "${a}"` };
      args.alias = a.trim().toLowerCase();
      continue;
    }
    const port = Number(portText);
    if (!/^\d+$/.test(portText) || !Number.isInteger(port) || port < 1 || port > 65535)
      return { ok: false, error: `--port expects a whole number from 1 to 65535, got "${portText}"` };
    args.port = port;
  }
  return { ok: true, args };
}

// ── the command ────────────────────────────────────────────────────────────────────────────────

const SHORT_USAGE = 'Usage: npm run playground -- <alias> [--port N]   (--help lists the personas)';

export function usage(fixture: Fixture): string {
  const rows = fixture.users.map((u) => `  ${u.alias.padEnd(8)} ${u.displayName.padEnd(20)} ${u.persona}`);
  return [
    'Usage: npm run playground -- <alias> [--port N]',
    '',
    'Opens the Microsoft 365 Agents Playground as one person of the dev tenant. Start Dragon Desk',
    'first (npm start); run this again with another alias, in another terminal, to be two people.',
    '',
    'Personas:',
    ...rows,
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const root = projectRoot();
  const env = withDevDefaults(process.env, root);
  const fixture = loadFixture();
  const parsed = parseArgs(argv);
  if (!parsed.ok) {
    process.stderr.write(`${parsed.error}\n${SHORT_USAGE}\n`);
    return 2;
  }
  if (parsed.args.help) {
    process.stdout.write(usage(fixture) + '\n');
    return 0;
  }
  if (!parsed.args.alias) {
    process.stderr.write(`Which persona?\n${SHORT_USAGE}\n`);
    return 2;
  }
  const me = findPersona(fixture, parsed.args.alias);
  if (!me) {
    process.stderr.write(unknownAliasMessage(parsed.args.alias, fixture) + '\n');
    return 2;
  }

  const configuredTenant = env.TENANT_ID?.trim().toLowerCase();
  if (configuredTenant && configuredTenant !== fixture.tenant.id.toLowerCase()) {
    process.stderr.write(
      `Warning: TENANT_ID is ${configuredTenant} but the dev tenant fixture is ${fixture.tenant.id}; Dragon Desk will refuse activities from another tenant.\n`,
    );
  }

  const botEndpoint = botEndpointFrom(env);
  const health = healthUrlFor(botEndpoint);
  if (!(await isBotAlive(health))) {
    process.stderr.write(
      [
        `Dragon Desk is not answering at ${health}.`,
        'Start it first, in another terminal:  npm start',
        `(or point this at it with PORT=<its port> or BOT_ENDPOINT=<url of /api/messages>)`,
        '',
      ].join('\n'),
    );
    return 1;
  }

  const preferred = Number(env.PLAYGROUND_PORT?.trim() || DEFAULT_PLAYGROUND_PORT);
  const choice = await choosePort({
    requested: parsed.args.port,
    preferred: Number.isInteger(preferred) && preferred > 0 && preferred <= 65535 ? preferred : DEFAULT_PLAYGROUND_PORT,
    isFree: (p) => isPortFree(p),
  });
  if (!choice.ok) {
    process.stderr.write(choice.error + '\n');
    return 1;
  }

  const dir = path.join(root, 'devTools', 'playground');
  const configPath = writePlaygroundConfig(dir, me.alias, playgroundConfigFor(fixture, me.alias));
  const logFile = env.M365_AGENTS_PLAYGROUND_LOGFILE?.trim() || path.join(dir, `${me.alias}.log`);
  // The child gets the process environment only: env/dev-defaults.env's values are Dragon Desk's settings.
  const pg = spawnPlayground(
    { botEndpoint, port: choice.port, configPath, logFile, env: process.env },
    {
      onOutput: (line, stream) => (stream === 'stdout' ? process.stdout : process.stderr).write(line + '\n'),
      cwd: root,
    },
  );

  const forward = (signal: NodeJS.Signals) => () => {
    if (pg.child.exitCode === null) pg.child.kill(signal);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, forward(signal));

  pg.listening.then(
    (port) => {
      if (port !== choice.port)
        process.stderr.write(`Port ${choice.port} was taken just now; the Playground moved to ${port}.\n`);
      process.stdout.write(
        `\nOpen http://localhost:${port} in your browser — you are ${me.displayName} (${me.alias})\n` +
          `Talking to ${botEndpoint}; config ${path.relative(root, configPath)}; Ctrl+C to stop.\n\n`,
      );
    },
    (err: Error) => process.stderr.write(`${err.message}\n`),
  );
  return pg.exited;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`playground: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}
