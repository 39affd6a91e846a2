/**
 * Dragon Desk alone in a process of its own (as `npm start` runs it: with the in-process dev
 * tenant), so its resident memory can be read without the bench's connector and load generator
 * in it. Driven by bench/memory.ts over IPC.
 */
import { readFileSync } from 'node:fs';
import { startBenchDesk } from './desk';

export type ChildMessage =
  | { type: 'ready'; messagesUrl: string; tenantId: string; memory: MemoryFigures }
  | { type: 'memory'; memory: MemoryFigures }
  | { type: 'error'; message: string };

export type ParentMessage = { type: 'measure' } | { type: 'stop' };

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
}

const MB = 1024 * 1024;

/** RssAnon / RssFile from /proc/self/status, where there is one. */
function procStatus(): { rssAnonMb?: number; rssFileMb?: number } {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) / 1024;
    return { rssAnonMb: kb('RssAnon'), rssFileMb: kb('RssFile') };
  } catch {
    return {};
  }
}

async function settled(): Promise<MemoryFigures> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    // Twice, with a turn of the event loop between: finalizers of the first pass free more.
    gc();
    await new Promise((r) => setTimeout(r, 50));
    gc();
  }
  const m = process.memoryUsage();
  return { rssMb: m.rss / MB, heapUsedMb: m.heapUsed / MB, heapTotalMb: m.heapTotal / MB, externalMb: m.external / MB, ...procStatus(), gc: !!gc };
}

async function main(): Promise<void> {
  const send = (m: ChildMessage) => process.send?.(m);
  const nurses = Number(process.argv[2] ?? 1000);
  const dd = await startBenchDesk({ nurses });
  process.on('message', (m: ParentMessage) => {
    void (async () => {
      if (m.type === 'measure') send({ type: 'memory', memory: await settled() });
      else if (m.type === 'stop') {
        await dd.stop();
        process.exit(0);
      }
    })();
  });
  send({ type: 'ready', messagesUrl: dd.messagesUrl, tenantId: dd.tenantId, memory: await settled() });
}

main().catch((err) => {
  process.send?.({ type: 'error', message: err instanceof Error ? err.stack ?? err.message : String(err) });
  process.exit(1);
});
