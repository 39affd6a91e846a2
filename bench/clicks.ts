/**
 * Approval clicks: many pending requests, each with its approval card in the group owner's chat
 * (made the real way: a nurse asks and sends), then the owner's Approve clicks arrive N at a time
 * over the HTTP invoke path. Measured: how long the invoke takes to be answered, and how long from
 * the click until the license is Active on the dev tenant (the worker carries it out).
 */
import type { DevTenant } from '../src/devtenant/server';
import { actionActivity, type Speaker } from './activities';
import { forget } from './connector';
import { NURSING_SKU } from './fixture';
import { runLoad, stats, type LatencyStats } from './load';
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
  /** Give up waiting for licenses to land after this long (after the last click). */
  activeTimeoutMs: number;
}

interface Pending {
  requestId: number;
  version: number;
  activityId: string;
  targetId: string;
}

function isActive(devTenant: DevTenant, userId: string): boolean {
  const u = devTenant.state.getUser(userId);
  return !!u?.licenseAssignmentStates.some((s) => s.skuId.toLowerCase() === NURSING_SKU && s.state === 'Active');
}

/** Requests waiting for `approver`, each with the approval card posted to them (not measured). */
async function preparePending(world: World, approver: Speaker, count: number): Promise<Pending[]> {
  await runLoad({ concurrency: 20, count, op: async () => void (await askAndSend(world, world.freshNurse())) });
  const store = world.dd.desk.store;
  const requests = await store.requests.listPendingForApprover(approver.id, count + 100);
  const out: Pending[] = [];
  for (const req of requests) {
    const copy = (await store.cards.listForRequest(req.id)).find((c) => c.role === 'approver' && c.recipientId === approver.id);
    if (copy) out.push({ requestId: req.id, version: req.version, activityId: copy.activityId, targetId: req.targets[0].userId });
  }
  if (out.length < count) throw new Error(`prepared ${out.length} approval cards for ${count} clicks`);
  return out.slice(0, count);
}

export async function measureClicks(world: World, approver: Speaker, opts: ClicksOptions): Promise<ClicksResult> {
  const devTenant = world.dd.desk.devTenant;
  if (!devTenant) throw new Error('the bench needs the in-process dev tenant');
  const pending = await preparePending(world, approver, opts.clicks);
  forget(world.connector);
  // Let the fan-out of the preparation settle so the clicks start on a quiet bot.
  await world.dd.desk.worker.idle();

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

  const load = await runLoad({
    concurrency: opts.concurrency,
    count: pending.length,
    op: async (_w, i) => {
      const p = pending[i];
      sentAt.set(p.targetId, performance.now());
      const body = await post(world.dd.messagesUrl, actionActivity(world.ctx, approver, 'request.approve', { requestId: p.requestId, version: p.version }, p.activityId));
      if (body?.statusCode !== 200 || body.type !== 'application/vnd.microsoft.card.adaptive') {
        sentAt.delete(p.targetId);
        throw new Error(`Approve was answered with ${JSON.stringify(body).slice(0, 300)}`);
      }
    },
  });

  const deadline = performance.now() + opts.activeTimeoutMs;
  while (sentAt.size && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const notActive = sentAt.size;
  sentAt.clear();
  watching = false;
  await watcher;
  await world.dd.desk.worker.idle();
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
