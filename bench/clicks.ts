/**
 * Approval clicks: many pending requests, each with its approval card in the group owner's chat
 * (made the real way: a nurse asks and sends), then, after a few warm-up clicks, the owner's
 * Approve clicks arrive N at a time over the HTTP invoke path. Measured: how long the invoke takes to be answered, and how long from
 * the click until the license is Active on the dev tenant (the worker carries it out).
 */
import type { DevTenant } from '../src/devtenant/server';
import { actionActivity, type Speaker } from './activities';
import { forget } from './connector';
import { NURSING_SKU } from './fixture';
import { openConnections, runLoad, stats, type LatencyStats } from './load';
import { askAndSend, post, type World } from './world';

export interface ClicksResult {
  concurrency: number;
  clicks: number;
  errors: number;
  firstError?: string;
  /** adaptiveCard/action invoke: POST to answer. */
  invoke: LatencyStats;
  /** Click sent → nursing license Active on the person in the dev tenant. */
  clickToActive: LatencyStats;
  /** Clicks whose license was not Active before the bench stopped waiting. */
  notActive: number;
}

export interface ClicksOptions {
  concurrency: number;
  clicks: number;
  /**
   * Clicks before the measured ones, a few at a time, on requests of their own: the approve path
   * is compiled and its connections opened, as on a server that has been up for a while.
   */
  warmup?: number;
  /** Give up waiting for licenses to land after this long (after the last click). */
  activeTimeoutMs: number;
}

interface Pending {
  requestId: number;
  version: number;
  activityId: string;
  targetId: string;
}

/** The approver presses Approve on the request's card; the answer must be the updated card. */
async function approve(world: World, approver: Speaker, p: Pending): Promise<void> {
  const body = await post(
    world.dd.messagesUrl,
    actionActivity(
      world.ctx,
      approver,
      'request.approve',
      { requestId: p.requestId, version: p.version },
      p.activityId,
    ),
  );
  if (body?.statusCode !== 200 || body.type !== 'application/vnd.microsoft.card.adaptive') {
    throw new Error(`Approve was answered with ${JSON.stringify(body).slice(0, 300)}`);
  }
}

function isActive(devTenant: DevTenant, userId: string): boolean {
  const u = devTenant.state.getUser(userId);
  return !!u?.licenseAssignmentStates.some((s) => s.skuId.toLowerCase() === NURSING_SKU && s.state === 'Active');
}

/** Requests waiting for `approver`, each with the approval card posted to them (not measured). */
async function preparePending(world: World, approver: Speaker, count: number): Promise<Pending[]> {
  const made = await runLoad({
    concurrency: 20,
    count,
    op: async () => void (await askAndSend(world, world.freshNurse())),
  });
  if (made.errors)
    throw new Error(`${made.errors} of ${count} requests could not be prepared: ${made.firstError ?? ''}`);
  // The approval cards are posted after each Send is answered.
  await world.settle();
  const store = world.dd.desk.store;
  const requests = await store.requests.listPendingForApprover(approver.id, count + 100);
  const out: Pending[] = [];
  for (const req of requests) {
    const copy = (await store.cards.listForRequest(req.id)).find(
      (c) => c.role === 'approver' && c.recipientId === approver.id,
    );
    if (copy)
      out.push({
        requestId: req.id,
        version: req.version,
        activityId: copy.activityId,
        targetId: req.targets[0].userId,
      });
  }
  if (out.length < count) throw new Error(`prepared ${out.length} approval cards for ${count} clicks`);
  return out.slice(0, count);
}

export async function measureClicks(world: World, approver: Speaker, opts: ClicksOptions): Promise<ClicksResult> {
  const devTenant = world.dd.desk.devTenant;
  if (!devTenant) throw new Error('the bench needs the in-process dev tenant');
  const warmup = opts.warmup ?? 20;
  const all = await preparePending(world, approver, opts.clicks + warmup);
  await runLoad({ concurrency: 5, count: warmup, op: (_w, i) => approve(world, approver, all[i]) });
  await world.settle();
  const pending = all.slice(warmup);
  forget(world.connector);

  const sentAt = new Map<string, number>();
  const activeAfter: number[] = [];
  let watching = true;
  // Licenses land in the background; a light poll of the in-process directory sees them arrive.
  const watcher = (async () => {
    while (watching || sentAt.size) {
      const now = performance.now();
      for (const [userId, t0] of sentAt) {
        if (isActive(devTenant, userId)) {
          activeAfter.push(now - t0);
          sentAt.delete(userId);
        }
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  })();

  // The clicks arrive on open connections, as from the Bot Connector; a burst of new connections
  // would measure TCP set-up and accept order instead (p99 ~300 ms here, most of it before the
  // first byte reached the bot).
  await openConnections(world.dd.messagesUrl.replace(/\/api\/messages$/, '/healthz'), opts.concurrency);
  const load = await runLoad({
    keepConnections: true,
    concurrency: opts.concurrency,
    count: pending.length,
    op: async (_w, i) => {
      const p = pending[i];
      sentAt.set(p.targetId, performance.now());
      try {
        await approve(world, approver, p);
      } catch (err) {
        sentAt.delete(p.targetId);
        throw err;
      }
    },
  });

  const deadline = performance.now() + opts.activeTimeoutMs;
  while (sentAt.size && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const notActive = sentAt.size;
  sentAt.clear();
  watching = false;
  await watcher;
  await world.settle();
  forget(world.connector);

  const result: ClicksResult = {
    concurrency: opts.concurrency,
    clicks: pending.length,
    errors: load.errors,
    invoke: stats(load.samples),
    clickToActive: stats(activeAfter),
    notActive,
  };
  if (load.firstError) result.firstError = load.firstError;
  return result;
}
