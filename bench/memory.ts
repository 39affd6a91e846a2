/**
 * Memory: Dragon Desk in a child process, 1,000 distinct people each having one turn in their own
 * 1:1 chat (a mix of what people ask on a go-live day), then the child's resident set size after
 * a full GC. The connector and the load generator stay in this process, so they are not counted.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { messageActivity } from './activities';
import { FakeConnector, forget } from './connector';
import { ROOT } from './desk';
import { runLoad } from './load';
import type { ChildMessage, MemoryFigures, ParentMessage } from './memoryChild';
import { nurseSpeaker, post } from './world';

export interface MemoryResult {
  conversations: number;
  errors: number;
  firstError?: string;
  /** Right after start-up, before any turn. */
  startRssMb: number;
  /** After every conversation had its turn. */
  rssMb: number;
  /** The same figures right after start-up and at the end, in detail. */
  start: MemoryFigures;
  end: MemoryFigures;
  gc: boolean;
}

const TEXTS = ['help', 'how many nursing seats are left?', 'I need a Dragon nursing license', 'my requests'];

function next(child: ChildProcess, timeoutMs: number): Promise<ChildMessage> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the Dragon Desk child did not answer within ${timeoutMs} ms`)), timeoutMs);
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`the Dragon Desk child exited (${code})`));
    };
    child.once('exit', onExit);
    child.once('message', (m: ChildMessage) => {
      clearTimeout(timer);
      child.off('exit', onExit);
      if (m.type === 'error') reject(new Error(`the Dragon Desk child failed: ${m.message}`));
      else resolve(m);
    });
  });
}

export async function measureMemory(conversations: number, concurrency = 20): Promise<MemoryResult> {
  const connector = new FakeConnector();
  await connector.start();
  const child = fork(path.join(__dirname, 'memoryChild.ts'), [String(conversations)], {
    cwd: ROOT,
    execArgv: ['--expose-gc', '--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  try {
    const ready = await next(child, 60_000);
    if (ready.type !== 'ready') throw new Error(`unexpected first message ${ready.type}`);
    const ctx = { tenantId: ready.tenantId, serviceUrl: connector.url };
    const load = await runLoad({
      concurrency,
      count: conversations,
      op: async (_w, i) => {
        await post(ready.messagesUrl, messageActivity(ctx, nurseSpeaker(i + 1), TEXTS[i % TEXTS.length]));
        // The connector is this process's, not the bot's; keep it small anyway.
        if (connector.posted.length > 5000) forget(connector);
      },
    });
    child.send({ type: 'measure' } satisfies ParentMessage);
    const after = await next(child, 30_000);
    if (after.type !== 'memory') throw new Error(`unexpected message ${after.type}`);
    const m: MemoryFigures = after.memory;
    const result: MemoryResult = {
      conversations: load.count,
      errors: load.errors,
      startRssMb: ready.memory.rssMb,
      rssMb: m.rssMb,
      start: ready.memory,
      end: m,
      gc: m.gc,
    };
    if (load.firstError) result.firstError = load.firstError;
    return result;
  } finally {
    if (child.exitCode === null) {
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
  }
}
