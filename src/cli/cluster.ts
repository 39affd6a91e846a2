/**
 * `npm run cluster`: Dragon Desk scaled out on one machine, the way it runs behind a load balancer
 * in production — several instances sharing one PostgreSQL (embedded, throw-away) and one dev
 * tenant, behind a small round-robin proxy on PORT, so the Agents Playground talks to "the bot" and
 * every turn, click and background job may land on any instance.
 *
 *   npm run cluster                 2 instances; CLUSTER_SIZE=3 npm run cluster for more
 *   npm run playground -- dana      in another terminal, as usual
 */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { projectRoot } from '../paths';
import { startPostgres } from './embeddedPostgres';
import { runDevTenant } from '../devtenant/cli';

export interface ClusterOptions {
  size: number;
  /** Where the proxy listens (the bot's address for the Playground). */
  port: number;
  devTenantPort: number;
  /** Each instance's port; by default the ports right above the proxy's. */
  instancePorts?: number[];
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
}

export interface Cluster {
  url: string;
  instances: { port: number; child: ChildProcess }[];
  stop(): Promise<void>;
}

export async function startCluster(o: ClusterOptions): Promise<Cluster> {
  const root = projectRoot();
  const script = (await import(path.join(root, 'scripts', 'build.js'))) as {
    build(o: { root: string }): Promise<unknown>;
  };
  await script.build({ root });
  const pg = await startPostgres();
  o.log(`PostgreSQL (embedded, throw-away): ${pg.url}`);
  const tenant = await runDevTenant([], { ...o.env, DEV_TENANT_PORT: String(o.devTenantPort) }, process.stdout);
  const instances: Cluster['instances'] = [];
  for (let i = 0; i < o.size; i++) {
    const port = o.instancePorts?.[i] ?? o.port + 1 + i;
    const child = spawn(process.execPath, ['--v8-pool-size=1', path.join(root, 'dist', 'src', 'main.js')], {
      cwd: root,
      env: {
        ...o.env,
        APP_MODE: 'dev',
        PORT: String(port),
        DATABASE_URL: pg.url,
        DEV_TENANT_URL: tenant.url,
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    instances.push({ port, child });
    o.log(`instance ${i + 1}: http://127.0.0.1:${port} (pid ${child.pid})`);
  }
  await Promise.all(instances.map((x) => ready(x.port, x.child)));
  const proxy = roundRobin(instances.map((x) => x.port));
  await new Promise<void>((resolve) => proxy.listen(o.port, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${o.port}`;
  o.log(`round-robin proxy: ${url}/api/messages → ${instances.map((x) => x.port).join(', ')}`);
  return {
    url,
    instances,
    async stop() {
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
      await Promise.all(instances.map(({ child }) => stopChild(child)));
      await tenant.close();
      await pg.stop();
    },
  };
}

/** Forwards each request to the next instance in turn; one that refuses the connection is skipped. */
function roundRobin(ports: number[]): http.Server {
  let next = 0;
  return http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const tryPort = (left: number): void => {
        const port = ports[next++ % ports.length];
        const out = http.request(
          { host: '127.0.0.1', port, method: req.method, path: req.url, headers: req.headers },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        out.on('error', () => {
          if (left > 1) tryPort(left - 1);
          else if (!res.headersSent) {
            res.writeHead(502, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ error: 'no Dragon Desk instance answered' }));
          }
        });
        out.end(body);
      };
      tryPort(ports.length);
    });
  });
}

/** Waits until the instance answers /readyz (its store migrated, its tenant reachable). */
async function ready(port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the instance on port ${port} exited at start (${child.exitCode})`);
    const ok = await fetch(`http://127.0.0.1:${port}/readyz`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`the instance on port ${port} was not ready within 60 s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

async function main(): Promise<void> {
  const env = process.env;
  const cluster = await startCluster({
    size: Number(env.CLUSTER_SIZE ?? 2),
    port: Number(env.PORT ?? 3978),
    devTenantPort: Number(env.DEV_TENANT_PORT ?? 5980),
    env,
    log: (line) => console.log(line),
  });
  console.log(`Dragon Desk cluster ready on ${cluster.url}. Open a persona: npm run playground -- dana`);
  const stop = () => {
    void cluster.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) void main();
