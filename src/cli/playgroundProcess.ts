/**
 * Running the Agents Playground CLI from node_modules: port choice, the bot's health check, the
 * command line and the child process. Used by `npm run playground` and by the browser tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { fromRoot } from '../paths';

export const DEFAULT_BOT_PORT = 3978;
export const DEFAULT_PLAYGROUND_PORT = 56150;
/** How many ports after the preferred one are tried before giving up. */
export const PORT_SEARCH_SPAN = 50;

export type PortChoice = { ok: true; port: number } | { ok: false; error: string };

/**
 * `--port` if given (and free: the Playground would silently move to a random port otherwise, and
 * the URL we print would be wrong); else the preferred port if free; else the next free one, so a
 * second persona's Playground starts beside the first without flags.
 */
export async function choosePort(opts: {
  requested?: number;
  preferred: number;
  isFree: (port: number) => Promise<boolean>;
  span?: number;
}): Promise<PortChoice> {
  if (opts.requested !== undefined) {
    return (await opts.isFree(opts.requested))
      ? { ok: true, port: opts.requested }
      : {
          ok: false,
          error: `Port ${opts.requested} is already in use; choose another with --port, or leave --port out to take the next free one.`,
        };
  }
  const span = opts.span ?? PORT_SEARCH_SPAN;
  const last = Math.min(65535, opts.preferred + span - 1);
  for (let port = opts.preferred; port <= last; port++) {
    if (await opts.isFree(port)) return { ok: true, port };
  }
  return { ok: false, error: `No free port from ${opts.preferred} to ${last}; set PLAYGROUND_PORT or pass --port.` };
}

/** True when nothing listens on host:port (probed by binding it for a moment). */
export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.unref();
    probe.once('error', () => resolve(false));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

export function botEndpointFrom(env: NodeJS.ProcessEnv): string {
  const explicit = env.BOT_ENDPOINT?.trim();
  if (explicit) return explicit;
  const port = Number(env.PORT?.trim() || DEFAULT_BOT_PORT);
  return `http://127.0.0.1:${Number.isInteger(port) && port > 0 ? port : DEFAULT_BOT_PORT}/api/messages`;
}

/** /healthz beside the bot's /api/messages. */
export function healthUrlFor(botEndpoint: string): string {
  const u = new URL(botEndpoint);
  u.pathname = '/healthz';
  u.search = '';
  return u.toString();
}

/** True when Dragon Desk answers /healthz with a 2xx within the time limit. */
export async function isBotAlive(healthUrl: string, timeoutMs = 3000): Promise<boolean> {
  try {
    const res = await fetch(healthUrl, { signal: AbortSignal.timeout(timeoutMs) });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  }
}

// ── the Playground process ─────────────────────────────────────────────────────────────────────

export interface PlaygroundLaunch {
  botEndpoint: string;
  port: number;
  configPath: string;
  logFile: string;
  /** Base environment (TEAMSAPPTESTER_BROWSER and friends pass through from here). */
  env: NodeJS.ProcessEnv;
  /** Bind the Playground to loopback only (default true; see playgroundLoopback.cjs). */
  loopbackOnly?: boolean;
}

export interface PlaygroundCommand {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

/** The Playground CLI script inside node_modules (run with this node, so it works on Windows too). */
export function playgroundCliPath(): string {
  return require.resolve('@microsoft/m365agentsplayground/cli.js');
}

/** What to run: `agentsplayground start -e <bot> -c msteams --dt -p <port>` with its environment. */
export function playgroundCommand(launch: PlaygroundLaunch, cliPath = playgroundCliPath()): PlaygroundCommand {
  const loopback = launch.loopbackOnly !== false;
  const args = [
    ...(loopback ? ['--require', fromRoot('src', 'cli', 'playgroundLoopback.cjs')] : []),
    cliPath,
    'start',
    '-e',
    launch.botEndpoint,
    '-c',
    'msteams',
    '--dt',
    '-p',
    String(launch.port),
    // No --service-url: the default, http://localhost:<the port it really got>/_connector, stays
    // right even when the port was taken between our probe and its bind and it moved elsewhere.
  ];
  const env: NodeJS.ProcessEnv = {
    ...launch.env,
    M365_AGENTS_PLAYGROUND_CONFIG_PATH: launch.configPath,
    M365_AGENTS_PLAYGROUND_LOGFILE: launch.logFile,
  };
  // -e and -p win over these anyway; removing them keeps a stale shell export from confusing a reader of `env`.
  delete env.BOT_ENDPOINT;
  delete env.TEAMSAPPTESTER_PORT;
  return { command: process.execPath, args, env };
}

/** The port the Playground says it listens on, from a line of its output. */
export function listeningPortIn(line: string): number | undefined {
  const m = /Listening on (\d+)/.exec(line);
  return m ? Number(m[1]) : undefined;
}

export interface PlaygroundProcess {
  child: ChildProcess;
  /** Resolves with the port once the Playground listens; rejects if it exits or times out first. */
  listening: Promise<number>;
  /** Resolves with the exit code (128 + signal number when killed by a signal). */
  exited: Promise<number>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

const SIGNAL_NUMBERS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

/**
 * Spawns the Playground. Its output goes to `onOutput` line by line (the CLI echoes it; tests keep
 * it for failure reports).
 */
export function spawnPlayground(
  launch: PlaygroundLaunch,
  opts: { onOutput?: (line: string, stream: 'stdout' | 'stderr') => void; startTimeoutMs?: number; cwd?: string } = {},
): PlaygroundProcess {
  const cmd = playgroundCommand(launch);
  const child = spawn(cmd.command, cmd.args, { env: cmd.env, cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? 128 + (signal ? (SIGNAL_NUMBERS[signal] ?? 1) : 1)));
    child.once('error', () => resolve(1));
  });
  const listening = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`The Playground did not start listening within ${opts.startTimeoutMs ?? 30000} ms`)),
      opts.startTimeoutMs ?? 30000,
    );
    timer.unref();
    const watch = (stream: NodeJS.ReadableStream, name: 'stdout' | 'stderr') => {
      let buffered = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        buffered += chunk;
        const lines = buffered.split(/\r?\n/);
        buffered = lines.pop() ?? '';
        for (const line of lines) {
          opts.onOutput?.(line, name);
          const port = listeningPortIn(line);
          if (port !== undefined) {
            clearTimeout(timer);
            resolve(port);
          }
        }
      });
      stream.on('end', () => {
        if (buffered) opts.onOutput?.(buffered, name);
      });
    };
    watch(child.stdout, 'stdout');
    watch(child.stderr, 'stderr');
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`The Playground exited (code ${code}) before it was listening`));
    });
  });
  listening.catch(() => undefined);
  const stop = async (graceMs = 5000): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    killer.unref();
    await exited;
    clearTimeout(killer);
  };
  return { child, listening, exited, stop };
}
