/**
 * A bot alone in a process of its own, so its resident memory can be read without the bench's
 * connector and load generator in it: Dragon Desk's composition root as `npm start` runs it, or
 * the echo bot for the floor. Driven by bench/memory.ts over IPC, which runs it compiled
 * (dist/bench/memoryChild.js) with `npm start`'s node flags.
 *
 *   memoryChild.js <dragon-desk|echo> <dev tenant URL>
 */
import { readFileSync } from 'node:fs';
import v8 from 'node:v8';
import { startBenchDesk } from './desk';
import { startEchoBot } from './echoBot';

export type ChildMessage =
  | { type: 'ready'; messagesUrl: string; tenantId: string; memory: MemoryFigures; execArgv: string[] }
  | { type: 'memory'; memory: MemoryFigures }
  | { type: 'error'; message: string };

/** `settleMs`: wait this long (idle) before reading, as a server sits between bursts. */
export type ParentMessage = { type: 'measure'; settleMs: number } | { type: 'stop' };

export interface MemoryFigures {
  rssMb: number;
  heapUsedMb: number;
  heapTotalMb: number;
  externalMb: number;
  /** Linux: resident anonymous memory (heap, malloc) and file-backed pages (the node binary, libraries). */
  rssAnonMb?: number;
  rssFileMb?: number;
  /** Whether a full GC ran before reading (node --expose-gc). */
  gc: boolean;
  /** V8 heap spaces, committed MB (new, old, code, large objects, …). */
  spaces?: Record<string, number>;
}

interface RunningBot {
  messagesUrl: string;
  tenantId: string;
  stop(): Promise<void>;
}

const MB = 1024 * 1024;

/** RssAnon / RssFile from /proc/self/status, where there is one. */
function procStatus(): { rssAnonMb?: number; rssFileMb?: number } {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const mb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) / 1024;
    return { rssAnonMb: mb('RssAnon'), rssFileMb: mb('RssFile') };
  } catch {
    return {};
  }
}

async function read(settleMs = 0): Promise<MemoryFigures> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (settleMs > 0) await new Promise((r) => setTimeout(r, settleMs));
  if (gc) {
    // Twice, with a turn of the event loop between: finalizers of the first pass free more.
    gc();
    await new Promise((r) => setTimeout(r, 50));
    gc();
  }
  const m = process.memoryUsage();
  const spaces = Object.fromEntries(
    v8.getHeapSpaceStatistics().map((s) => [s.space_name.replace(/_space$/, ''), s.space_size / MB]),
  );
  return {
    rssMb: m.rss / MB,
    heapUsedMb: m.heapUsed / MB,
    heapTotalMb: m.heapTotal / MB,
    externalMb: m.external / MB,
    ...procStatus(),
    gc: !!gc,
    spaces,
  };
}

async function startBot(kind: string, devTenantUrl: string): Promise<RunningBot> {
  if (kind === 'echo') {
    const echo = await startEchoBot();
    return { messagesUrl: echo.messagesUrl, tenantId: 'echo-tenant', stop: () => echo.close() };
  }
  const dd = await startBenchDesk({ nurses: 0, devTenantUrl });
  return { messagesUrl: dd.messagesUrl, tenantId: dd.tenantId, stop: () => dd.stop() };
}

async function main(): Promise<void> {
  const send = (m: ChildMessage) => process.send?.(m);
  const bot = await startBot(process.argv[2] ?? 'dragon-desk', process.argv[3] ?? '');
  process.on('message', (m: ParentMessage) => {
    void (async () => {
      if (m.type === 'measure') send({ type: 'memory', memory: await read(m.settleMs) });
      else if (m.type === 'stop') {
        await bot.stop();
        process.exit(0);
      }
    })();
  });
  send({
    type: 'ready',
    messagesUrl: bot.messagesUrl,
    tenantId: bot.tenantId,
    memory: await read(),
    execArgv: process.execArgv,
  });
}

main().catch((err) => {
  process.send?.({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  process.exit(1);
});
