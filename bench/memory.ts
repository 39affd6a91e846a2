/**
 * Memory: a bot in a child process, 1,000 distinct people each having one turn in their own 1:1
 * chat (a mix of what people ask on a go-live day), then the child's resident set size after a
 * full GC: at once, and again after the bot sat idle for a few seconds (V8 gives freed heap pages
 * back to the system only after a quiet spell, so the first figure is the burst's high-water mark
 * and the second is what the bot holds). The connector, the load generator and the dev tenant
 * stay in this process and are not counted: in production the tenant is Microsoft Graph, not part
 * of the bot.
 *
 * The child runs what `npm start` runs: the compiled JavaScript under dist/ (built here first,
 * `npm run build`, a no-op when nothing changed) with the node flags of package.json's start
 * script, read from there so the two cannot drift apart; plus --expose-gc, to read after a full
 * GC. The echo bot's floor is measured the same way.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { messageActivity } from './activities';
import { FakeConnector, forget } from './connector';
import { startDevTenant } from '../src/devtenant/server';
import { ROOT } from './desk';
import { benchFixture } from './fixture';
import { runLoad } from './load';
import type { ChildMessage, MemoryFigures, ParentMessage } from './memoryChild';
import { buildDist, startNodeFlags } from './start';
import { nurseSpeaker, post } from './world';

export const MEMORY_TEXTS = [
  'help',
  'how many nursing seats are left?',
  'I need a Dragon nursing license',
  'my requests',
];

export interface MemoryOptions {
  conversations: number;
  concurrency?: number;
  bot?: 'dragon-desk' | 'echo';
  /** What the people say, in turn (one message each). */
  texts?: readonly string[];
  /** Idle time before the settled reading. */
  settleMs?: number;
  /** Node flags for the child instead of `npm start`'s (to try others out). */
  nodeFlags?: string[];
}

export interface MemoryResult {
  bot: 'dragon-desk' | 'echo';
  /** The node flags the child ran with (`npm start`'s, and --expose-gc). */
  nodeFlags: string[];
  conversations: number;
  errors: number;
  firstError?: string;
  /** Right after start-up, before any turn. */
  start: MemoryFigures;
  /** Right after the last turn (after a full GC). */
  afterBurst: MemoryFigures;
  /** After `settleMs` idle (after a full GC): what the budget is held against. */
  settled: MemoryFigures;
  settleMs: number;
}

function next(child: ChildProcess, timeoutMs: number): Promise<ChildMessage> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the bot's process did not answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`the bot's process exited (${code})`));
    };
    child.once('exit', onExit);
    child.once('message', (m: ChildMessage) => {
      clearTimeout(timer);
      child.off('exit', onExit);
      if (m.type === 'error') reject(new Error(`the bot's process failed: ${m.message}`));
      else resolve(m);
    });
  });
}

async function measure(child: ChildProcess, settleMs: number): Promise<MemoryFigures> {
  child.send({ type: 'measure', settleMs } satisfies ParentMessage);
  const m = await next(child, settleMs + 30_000);
  if (m.type !== 'memory') throw new Error(`unexpected message ${m.type}`);
  return m.memory;
}

export async function measureMemory(opts: MemoryOptions): Promise<MemoryResult> {
  const { conversations, concurrency = 20, bot = 'dragon-desk', texts = MEMORY_TEXTS, settleMs = 10_000 } = opts;
  // Before anything is started, so a build error leaves nothing running.
  await buildDist();
  const execArgv = [...(opts.nodeFlags ?? startNodeFlags()), '--expose-gc'];
  const connector = new FakeConnector();
  await connector.start();
  const tenant = await startDevTenant({ host: '127.0.0.1', port: 0, fixture: benchFixture(conversations) });
  const child = fork(path.join(ROOT, 'dist', 'bench', 'memoryChild.js'), [bot, tenant.url], {
    cwd: ROOT,
    execArgv,
    // Its stderr is kept (the tail) for the error message if it fails, not shown in the table.
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr = (stderr + c.toString('utf8')).slice(-4000)));
  try {
    const ready = await next(child, 60_000);
    if (ready.type !== 'ready') throw new Error(`unexpected first message ${ready.type}`);
    const ctx = { tenantId: ready.tenantId, serviceUrl: connector.url };
    const load = await runLoad({
      concurrency,
      count: conversations,
      op: async (_w, i) => {
        await post(ready.messagesUrl, messageActivity(ctx, nurseSpeaker(i + 1), texts[i % texts.length]));
        if (connector.posted.length > 5000) forget(connector);
      },
    });
    const afterBurst = await measure(child, 0);
    const settled = await measure(child, settleMs);
    const result: MemoryResult = {
      bot,
      nodeFlags: ready.execArgv,
      conversations: load.count,
      errors: load.errors,
      start: ready.memory,
      afterBurst,
      settled,
      settleMs,
    };
    if (load.firstError) result.firstError = load.firstError;
    return result;
  } catch (err) {
    const tail = stderr
      .split('\n')
      .filter((l) => l && !/DEP0111|trace-deprecation/.test(l))
      .slice(-8)
      .join('\n');
    throw new Error(`${err instanceof Error ? err.message : String(err)}${tail ? `\n${tail}` : ''}`, { cause: err });
  } finally {
    if (child.exitCode === null && child.connected) {
      child.send({ type: 'stop' } satisfies ParentMessage);
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(force);
          resolve();
        });
      });
    }
    await connector.stop();
    await tenant.close();
  }
}
