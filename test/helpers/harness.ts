/**
 * Dragon Desk in process, driven over HTTP the way Teams drives it: activities POSTed to
 * /api/messages, replies collected by a fake connector, against the real dev tenant and store.
 * Tests talk as fixture personas: `const dana = h.as('dana'); await dana.say('…')`.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseConfig, withDevDefaults, type Config } from '../../src/config';
import type { Clock } from '../../src/clock';
import { startDragonDesk, type DragonDesk } from '../../src/dragonDesk';
import { persona } from '../../src/devtenant/fixture';
import type { DevTenant, DevTenantOptions } from '../../src/devtenant/server';
import { silentLogger, type Logger } from '../../src/log';
import { FakeConnector, cardActions, cardOf, cardText, messageText, type PostedActivity } from './connector';

export interface HarnessOptions {
  env?: Record<string, string>;
  clock?: Clock;
  startWorker?: boolean;
  /** Another harness's dev tenant and database: a second bot instance on the same state. */
  shareWith?: Harness;
  databaseUrl?: string;
  /** A dev tenant the test started itself: it outlives this harness (a restart of the bot). */
  devTenant?: DevTenant;
  /** Dev tenant options (e.g. `{ fixture: 'empty-tenant' }`) when the harness starts one. */
  devTenantOptions?: DevTenantOptions;
  /** Reuse a data folder (a restart on the same SQLite file). */
  dataDir?: string;
  /** Where Dragon Desk logs (e.g. `memoryLogger()` to read what was logged); silent by default. */
  logger?: Logger;
  /** A teams-ai model (e.g. TestModel) behind the fallback planner. */
  fallbackModel?: import('@microsoft/teams-ai').PromptCompletionModel;
  /** Sees every statement the store sends. */
  onQuery?: import('../../src/store/dialect').QueryObserver;
  /** Telemetry to record into (the test stops it). */
  telemetry?: import('../../src/telemetry').Telemetry;
}

export interface InvokeAnswer {
  httpStatus: number;
  body: any;
  /** The card shown in place of the clicked one, when the answer is a card. */
  card?: Record<string, any>;
  /** The message shown under the card, when the answer is a message. */
  message?: string;
}

const ROOT = path.resolve(__dirname, '../..');

export class Harness {
  readonly connector = new FakeConnector();
  desk!: DragonDesk;
  config!: Config;

  static async start(opts: HarnessOptions = {}): Promise<Harness> {
    const h = new Harness();
    await h.connector.start();
    const env = withDevDefaults(
      {
        PORT: '0',
        DEV_TENANT_PORT: '0',
        DATA_DIR:
          opts.dataDir ??
          (opts.shareWith ? opts.shareWith.config.dataDir : mkdtempSync(path.join(os.tmpdir(), 'dd-test-'))),
        WORKER_INTERVAL_MS: '200',
        LICENSE_VERIFY_TIMEOUT_SECONDS: '10',
        LOG_LEVEL: 'error',
        ...(opts.databaseUrl ? { DATABASE_URL: opts.databaseUrl } : {}),
        ...opts.env,
      },
      ROOT,
    );
    // The developer's own environment must not leak into tests.
    delete env.APP_MODE;
    // An empty value unsets a dev default (e.g. NURSING_GROUP_ID: '' for a tenant without groups).
    for (const [k, v] of Object.entries(opts.env ?? {})) if (v === '') delete env[k];
    h.config = parseConfig(env);
    h.desk = await startDragonDesk(h.config, {
      clock: opts.clock,
      logger: opts.logger ?? silentLogger,
      startWorker: opts.startWorker,
      devTenant: opts.devTenant ?? opts.shareWith?.desk.devTenant,
      devTenantOptions: opts.devTenantOptions,
      fallbackModel: opts.fallbackModel,
      onQuery: opts.onQuery,
      telemetry: opts.telemetry,
    });
    return h;
  }

  get url(): string {
    return this.desk.server.url;
  }

  as(alias: string): Person {
    return new Person(this, alias);
  }

  /** Let the worker finish what it is doing (executions, notifications). */
  async settle(): Promise<void> {
    await this.desk.worker.pass();
    await this.desk.worker.idle();
    await this.desk.devTenant?.settle();
  }

  async stop(): Promise<void> {
    await this.desk.stop();
    await this.connector.stop();
  }

  /**
   * POST an activity as Teams would. Then wait for the work the turn started in the background
   * (approval cards to other chats, in-place updates) — in Teams those arrive moments later.
   */
  async post(activity: Record<string, unknown>): Promise<{ status: number; body: any }> {
    const res = await fetch(`${this.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activity),
    });
    await this.desk.services.engine.idle();
    const raw = await res.text();
    let body: any = raw;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      /* keep text */
    }
    return { status: res.status, body };
  }
}

export class Person {
  readonly user: ReturnType<typeof persona>;
  readonly conversationId: string;

  constructor(
    private readonly h: Harness,
    readonly alias: string,
  ) {
    this.user = persona(alias);
    this.conversationId = `personal-${alias}`;
  }

  get id(): string {
    return this.user.id;
  }

  activity(extra: Record<string, unknown>): Record<string, unknown> {
    return {
      id: randomUUID(),
      timestamp: new Date().toISOString(),
      channelId: 'msteams',
      serviceUrl: this.h.connector.url,
      from: { id: `29:${this.alias}`, name: this.user.displayName, aadObjectId: this.user.id },
      recipient: { id: '28:dragon-desk', name: 'Dragon Desk' },
      conversation: { id: this.conversationId, conversationType: 'personal', tenantId: this.h.config.tenantId },
      channelData: { tenant: { id: this.h.config.tenantId } },
      locale: 'en-US',
      ...extra,
    };
  }

  /** Type a message; returns what Dragon Desk posted in this chat during the turn. */
  async say(text: string): Promise<PostedActivity[]> {
    const before = this.h.connector.lastSeq();
    const res = await this.h.post(this.activity({ type: 'message', text }));
    if (res.status >= 300) throw new Error(`message turn answered HTTP ${res.status}: ${JSON.stringify(res.body)}`);
    return this.h.connector.messages(this.conversationId, before);
  }

  async install(): Promise<PostedActivity[]> {
    const before = this.h.connector.lastSeq();
    await this.h.post(
      this.activity({
        type: 'conversationUpdate',
        membersAdded: [{ id: '28:dragon-desk' }, { id: `29:${this.alias}`, aadObjectId: this.user.id }],
      }),
    );
    return this.h.connector.messages(this.conversationId, before);
  }

  /** Everything posted in this chat so far (messages only), oldest first. */
  messages(after = 0): PostedActivity[] {
    return this.h.connector.messages(this.conversationId, after);
  }

  /** What each message says: its text, then its card's text (a greeting may lead a card). */
  texts(after = 0): string[] {
    return this.messages(after).map((m) => messageText(m.activity));
  }

  /** The newest card in this chat, in its current (possibly updated) version. */
  lastCard(): { activityId: string; card: Record<string, any> } {
    const withCards = this.messages().filter((m) => cardOf(m.activity));
    const last = withCards[withCards.length - 1];
    if (!last) throw new Error(`no card in ${this.alias}'s chat; saw: ${JSON.stringify(this.texts())}`);
    return { activityId: last.activityId, card: this.currentCard(last.activityId) };
  }

  /** A posted card as it is now, after any in-place updates. */
  currentCard(activityId: string): Record<string, any> {
    const rec = this.h.connector.current.get(activityId);
    const card = rec && cardOf(rec.activity);
    if (!card) throw new Error(`activity ${activityId} has no card`);
    return card;
  }

  /** Press a button (by title) on a card, with input values; returns the invoke answer. */
  async click(
    target: { activityId: string; card: Record<string, any> },
    title: string,
    inputs: Record<string, unknown> = {},
  ): Promise<InvokeAnswer> {
    const action = cardActions(target.card).find((a) => a.title === title);
    if (!action)
      throw new Error(
        `no button “${title}” on the card; buttons: ${cardActions(target.card)
          .map((a) => a.title)
          .join(', ')}`,
      );
    return this.invoke(action.verb, { ...action.data, ...inputs }, target.activityId);
  }

  /** A raw Action.Execute invoke, for tampering tests. */
  async invoke(verb: string, data: Record<string, unknown>, replyToId?: string): Promise<InvokeAnswer> {
    const res = await this.h.post(
      this.activity({
        type: 'invoke',
        name: 'adaptiveCard/action',
        replyToId,
        value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
      }),
    );
    const body = res.body;
    return {
      httpStatus: res.status,
      body,
      card: body?.type === 'application/vnd.microsoft.card.adaptive' ? body.value : undefined,
      message: body?.type === 'application/vnd.microsoft.activity.message' ? body.value : undefined,
    };
  }
}

export { cardActions, cardOf, cardText, messageText };
