/**
 * Everything one bench run talks to, started once: the connector, the echo bot and Dragon Desk,
 * side by side in this process, so both are measured on the same machine state. Also the steps
 * several phases share (a person asking for a license and sending it for approval).
 */
import { persona } from '../src/devtenant/fixture';
import { actionActivity, conversationIdOf, messageActivity, type ActivityContext, type Speaker } from './activities';
import { FakeConnector, buttonData, latestCardWith } from './connector';
import type { QueryObserver } from '../src/store/dialect';
import { startBenchDesk, type BenchDesk } from './desk';
import { startEchoBot, type EchoBot } from './echoBot';
import { benchUser } from './fixture';
import { postJson } from './load';

export interface World {
  connector: FakeConnector;
  echo: EchoBot;
  dd: BenchDesk;
  ctx: ActivityContext;
  /** A generated nurse nobody has used yet in this run (each can ask for a license once). */
  freshNurse(): Speaker;
  /** How many generated nurses are left. */
  nursesLeft(): number;
  /** Resolves when Dragon Desk's background work (card updates, notifications, executions) is done. */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

export function personaSpeaker(alias: string): Speaker {
  const p = persona(alias);
  return { id: p.id, displayName: p.displayName, alias };
}

export function nurseSpeaker(n: number): Speaker {
  const u = benchUser(n);
  return { id: u.id, displayName: u.displayName, alias: `bench${n}` };
}

export interface WorldOptions {
  nurses: number;
  env?: Record<string, string>;
  onQuery?: QueryObserver;
}

export async function startWorld(opts: WorldOptions): Promise<World> {
  const connector = new FakeConnector();
  await connector.start();
  const echo = await startEchoBot();
  const dd = await startBenchDesk({ nurses: opts.nurses, env: opts.env, onQuery: opts.onQuery });
  const ctx = dd.activityContext(connector.url);
  let used = 0;
  return {
    connector,
    echo,
    dd,
    ctx,
    freshNurse() {
      if (used >= opts.nurses)
        throw new Error(`the bench fixture has only ${opts.nurses} generated nurses; raise BenchOptions.nurses`);
      return nurseSpeaker(++used);
    },
    nursesLeft: () => opts.nurses - used,
    async settle() {
      const { services, worker } = dd.desk;
      // Executions leave card updates and notifications in the background; twice covers an
      // execution that a background update's worker kick started meanwhile.
      for (let i = 0; i < 2; i++) {
        await worker.idle();
        await services.engine.idle();
      }
    },
    async stop() {
      await dd.stop();
      await echo.close();
      await connector.stop();
    },
  };
}

/** Posts an activity and insists on a 2xx answer; returns the parsed body (invokes) or undefined. */
export async function post(url: string, activity: Record<string, unknown>): Promise<Record<string, any> | undefined> {
  const res = await postJson(url, activity);
  if (res.status < 200 || res.status >= 300) throw new Error(`HTTP ${res.status}: ${res.body.slice(0, 200)}`);
  return res.body ? (JSON.parse(res.body) as Record<string, any>) : undefined;
}

export async function say(world: World, url: string, who: Speaker, text: string): Promise<void> {
  await post(url, messageActivity(world.ctx, who, text));
}

/** Presses a button on a posted card; the answer must be a card (the updated request card). */
export async function click(
  world: World,
  who: Speaker,
  cardRef: { activityId: string; card: Record<string, unknown> },
  button: string,
  inputs: Record<string, unknown> = {},
): Promise<Record<string, any>> {
  const { verb, data } = buttonData(cardRef.card, button);
  const body = await post(
    world.dd.messagesUrl,
    actionActivity(world.ctx, who, verb, { ...data, ...inputs }, cardRef.activityId),
  );
  if (body?.statusCode !== 200 || body.type !== 'application/vnd.microsoft.card.adaptive') {
    throw new Error(`“${button}” was answered with ${JSON.stringify(body).slice(0, 300)}`);
  }
  return body.value as Record<string, any>;
}

export const LICENSE_ASK = 'I need a Dragon nursing license';
export const SEND = 'Send for approval';

/**
 * A nurse asks for a nursing license (the message turn: a draft request and its card), then sends
 * it for approval (the invoke: the request goes pending and the approval card reaches the group
 * owner). Returns both turns' latencies.
 */
export async function askAndSend(world: World, who: Speaker): Promise<{ askMs: number; sendMs: number }> {
  const t0 = performance.now();
  await say(world, world.dd.messagesUrl, who, LICENSE_ASK);
  const t1 = performance.now();
  const draft = latestCardWith(world.connector, conversationIdOf(who), SEND);
  if (!draft) throw new Error(`${who.displayName} got no draft card with “${SEND}”`);
  const t2 = performance.now();
  await click(world, who, draft, SEND, { justification: 'Go-live in the emergency department' });
  const t3 = performance.now();
  return { askMs: t1 - t0, sendMs: t3 - t2 };
}
