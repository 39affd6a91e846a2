/**
 * Dragon Desk as real processes, the way `npm start` runs it (compiled, `node dist/src/main.js`),
 * attached to a dev tenant and a PostgreSQL the test owns — so a test can `kill -9` one in the
 * middle of something and start another on the same state.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { freePort } from '../../src/cli/ports';
import { parseConfig, withDevDefaults } from '../../src/config';
import { persona } from '../../src/devtenant/fixture';

const ROOT = path.resolve(__dirname, '../..');

/** Compiles src/ into dist/ (a no-op when nothing changed), as `npm start` does first. */
export async function buildDist(): Promise<void> {
  const script = (await import(path.join(ROOT, 'scripts', 'build.js'))) as {
    build(o: { root: string }): Promise<unknown>;
  };
  await script.build({ root: ROOT });
}

/** The tenant the dev defaults name (the Contoso Health fixture's). */
export const DEV_TENANT_ID = parseConfig(withDevDefaults({}, ROOT)).tenantId;

export interface Instance {
  name: string;
  url: string;
  child: ChildProcess;
  /** What it printed, for the failure message of a test. */
  output(): string;
  /** `kill -9`: no shutdown, nothing flushed. */
  kill9(): Promise<void>;
  /** SIGTERM, and wait for the exit. */
  stop(): Promise<void>;
}

export async function startInstance(o: {
  name: string;
  databaseUrl: string;
  devTenantUrl: string;
  env?: Record<string, string>;
}): Promise<Instance> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'src', 'main.js')], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      APP_MODE: 'dev',
      PORT: String(port),
      DATABASE_URL: o.databaseUrl,
      DEV_TENANT_URL: o.devTenantUrl,
      WORKER_INTERVAL_MS: '200',
      LOG_LEVEL: 'warn',
      OPENAI_API_KEY: '',
      AZURE_OPENAI_ENDPOINT: '',
      APPLICATIONINSIGHTS_CONNECTION_STRING: '',
      ...o.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (chunk: Buffer) => (out = (out + chunk.toString('utf8')).slice(-20_000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited()) throw new Error(`${o.name} exited at start:\n${out}`);
    const ok = await fetch(`${url}/readyz`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${o.name} was not ready within 30 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const waitExit = () => new Promise<void>((resolve) => (exited() ? resolve() : child.once('exit', () => resolve())));
  return {
    name: o.name,
    url,
    child,
    output: () => out,
    async kill9() {
      child.kill('SIGKILL');
      await waitExit();
    },
    async stop() {
      if (!exited()) child.kill('SIGTERM');
      await waitExit();
    },
  };
}

/** A fixture persona talking to whichever instance a test points at, through the fake connector. */
export class ProcessPerson {
  readonly alias: string;
  readonly conversationId: string;

  constructor(
    readonly user: { alias: string; id: string; displayName: string },
    private readonly connectorUrl: string,
  ) {
    this.alias = user.alias;
    this.conversationId = `personal-${user.alias}`;
  }

  static persona(alias: string, connectorUrl: string): ProcessPerson {
    const p = persona(alias);
    return new ProcessPerson({ alias, id: p.id, displayName: p.displayName }, connectorUrl);
  }

  get id(): string {
    return this.user.id;
  }

  private activity(extra: Record<string, unknown>): Record<string, unknown> {
    return {
      id: randomUUID(),
      timestamp: new Date().toISOString(),
      channelId: 'msteams',
      serviceUrl: this.connectorUrl,
      from: { id: `29:${this.alias}`, name: this.user.displayName, aadObjectId: this.user.id },
      recipient: { id: '28:dragon-desk', name: 'Dragon Desk' },
      conversation: { id: this.conversationId, conversationType: 'personal', tenantId: DEV_TENANT_ID },
      channelData: { tenant: { id: DEV_TENANT_ID } },
      locale: 'en-US',
      ...extra,
    };
  }

  async say(instance: { url: string }, text: string): Promise<void> {
    const res = await fetch(`${instance.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(this.activity({ type: 'message', text })),
    });
    if (!res.ok) throw new Error(`"${text}" answered HTTP ${res.status}: ${await res.text()}`);
  }

  /** An Action.Execute click; resolves with the invoke answer's body. */
  async click(instance: { url: string }, verb: string, data: Record<string, unknown>, replyToId?: string) {
    const res = await fetch(`${instance.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(
        this.activity({
          type: 'invoke',
          name: 'adaptiveCard/action',
          replyToId,
          value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
        }),
      ),
    });
    if (!res.ok) throw new Error(`click ${verb} answered HTTP ${res.status}`);
    return (await res.json()) as { statusCode: number; type: string; value: unknown };
  }
}

/** Polls until `check` holds, or fails with what `describe` says after `timeoutMs`. */
export async function eventually(
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  describe: () => string | Promise<string>,
): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await check()) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`not within ${timeoutMs} ms: ${await describe()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
