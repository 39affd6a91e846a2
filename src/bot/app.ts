/**
 * The teams-ai Application: routes, the planner, card clicks, greetings and error answers. This
 * folder is the only code that knows botbuilder / teams-ai; everything it does is "who is asking,
 * what did they ask" → Desk → Replies → activities.
 */
import { randomUUID } from 'node:crypto';
// First: botbuilder-dialogs (required by teams-ai's Application) must find the stand-ins.
import './deferredModules';
import {
  ActivityTypes,
  INVOKE_RESPONSE_KEY,
  TurnContext,
  type Activity,
  type FileConsentCardResponse,
  type Request,
  type Response,
} from 'botbuilder';
// teams-ai through its deep paths: the package index also loads the LLM stack (openai,
// gpt-tokenizer, …), ~17 MB resident that a turn never uses (see README, Performance).
// They are the same module files the index re-exports, so classes are identical either way.
import { AI } from '@microsoft/teams-ai/lib/AI';
import { Application } from '@microsoft/teams-ai/lib/Application';
import { TurnState } from '@microsoft/teams-ai/lib/TurnState';
import type { Planner } from '@microsoft/teams-ai/lib/planners/Planner';
import type { TeamsAdapter } from '@microsoft/teams-ai/lib/TeamsAdapter';
import { isCardVerb, readActionData } from '../cards/verbs';
import type { Config } from '../config';
import type { Logger } from '../log';
import type { UploadTarget } from '../services/auditTrail';
import type { Desk } from '../services/desk';
import { withGreeting, type Actor, type ClickResult, type Reply } from '../services/types';
import type { Store } from '../store/types';
import type { Telemetry, TurnInfo } from '../telemetry';
import { toActivity } from './activities';
import { checkInbound, fromTenant, uploadUrlProblem } from './inbound';
import { GATE_ACTIONS, gateReplies } from './gateReplies';
import { GrammarPlanner, INTENT_ACTIONS } from './planner';
import type { TurnGate } from './turnGate';

export interface BotOptions {
  config: Config;
  adapter: TeamsAdapter;
  store: Store;
  desk: Desk;
  logger: Logger;
  /** Consulted for what the grammar can't place (an ActionPlanner when an LLM is configured). */
  fallbackPlanner?: Planner<TurnState>;
  /** Counts turns in flight, so background work can let them go first (turnGate.ts). */
  gate?: TurnGate;
  /** A span per turn (when Application Insights is configured). */
  telemetry?: Telemetry;
}

export interface Bot {
  app: Application<TurnState>;
  /** restify handler for POST /api/messages. */
  handleMessage(req: unknown, res: unknown): Promise<void>;
}

const ERROR_TYPE = 'application/vnd.microsoft.error';

/** Per-turn facts set in beforeTurn (teams-ai's temp scope is never persisted). */
interface TempState {
  firstContact?: boolean;
}

export function createBot(opts: BotOptions): Bot {
  const { config, adapter, store, desk, logger } = opts;
  const app = new Application<TurnState>({
    adapter,
    botAppId: config.bot.appId,
    // Dragon Desk keeps everything it knows in the store, never in teams-ai's conversation or user
    // state; only the language-model planner keeps its conversation history there. Without one,
    // no storage means no bot_state read on every turn (two statements per license request).
    storage: opts.fallbackPlanner ? store.botStorage : undefined,
    removeRecipientMention: true,
    startTypingTimer: false,
    ai: { planner: new GrammarPlanner<TurnState>(opts.fallbackPlanner), allow_looping: false },
  });

  const actorOf = (ctx: TurnContext): Actor => ({
    id: ctx.activity.from?.aadObjectId ?? '',
    name: ctx.activity.from?.name ?? 'there',
    tenantId: config.tenantId,
  });

  /** Sends replies in order; cards about a request are remembered so later changes update them. */
  const respond = async (ctx: TurnContext, replies: Reply[]): Promise<void> => {
    for (const reply of replies) {
      const sent = await ctx.sendActivity(toActivity(reply));
      if (reply.kind === 'card' && reply.about && sent?.id) {
        await store.cards.record({
          requestId: reply.about.requestId,
          recipientId: actorOf(ctx).id,
          role: reply.about.role,
          conversationRef: chatReference(ctx.activity),
          activityId: sent.id,
        });
      }
    }
  };

  const invokeError = async (ctx: TurnContext, statusCode: number, code: string, message: string): Promise<void> => {
    await ctx.sendActivity({
      type: ActivityTypes.InvokeResponse,
      value: { status: 200, body: { statusCode, type: ERROR_TYPE, value: { code, message } } },
    });
  };

  /** Something unexpected: the person gets a reference, the log gets the stack under it. */
  const failed = async (ctx: TurnContext, err: unknown): Promise<void> => {
    const reference = randomUUID().slice(0, 8);
    logger.error('turn failed', { reference, activityType: ctx.activity.type, name: ctx.activity.name, err });
    const message = `Sorry, something went wrong on my side (reference ${reference}). Nothing was changed; please try again, and quote the reference if it keeps happening.`;
    try {
      if ((ctx.activity.type as ActivityTypes) === ActivityTypes.Invoke) {
        if (!ctx.turnState.get(INVOKE_RESPONSE_KEY)) await invokeError(ctx, 500, 'InternalError', message);
      } else await ctx.sendActivity(message);
    } catch (sendErr) {
      logger.error('could not report a failed turn', { reference, err: sendErr });
    }
  };

  /** A turn Dragon Desk will not take: an invoke gets an error body, a message a plain answer, others nothing. */
  const refuse = async (ctx: TurnContext, status: number, code: string, message: string): Promise<void> => {
    const type = ctx.activity.type as ActivityTypes;
    if (type === ActivityTypes.Invoke) await invokeError(ctx, status, code, message);
    else if (type === ActivityTypes.Message) await ctx.sendActivity(message);
  };

  // Who is asking, from which tenant; remember how to reach them in their 1:1 chat.
  app.turn('beforeTurn', async (ctx, state) => {
    const a = ctx.activity;
    const type = a.type as ActivityTypes;
    if (type !== ActivityTypes.Message && type !== ActivityTypes.Invoke && type !== ActivityTypes.ConversationUpdate)
      return true;
    if (!fromTenant(a, config.tenantId)) {
      const tenant =
        a.conversation?.tenantId ?? (a.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id;
      logger.warn('activity from another tenant refused', { tenant });
      await refuse(
        ctx,
        403,
        'WrongTenant',
        'Dragon Desk serves only its own organisation, and this message came from another tenant.',
      );
      return false;
    }
    if (!a.from?.aadObjectId) {
      await refuse(
        ctx,
        401,
        'UnknownUser',
        "I can't tell who you are (Teams didn't send your Entra ID object id), so I can't act for you.",
      );
      return type === ActivityTypes.ConversationUpdate;
    }
    const personal = !a.conversation?.conversationType || a.conversation.conversationType === 'personal';
    if (personal) {
      // Someone new is looked up before anything is stored for them: an id the tenant does not know
      // gets an answer and leaves no trace (the read is the one their first question needs anyway).
      if (!(await store.conversations.get(a.from.aadObjectId))) {
        const known = await desk.isPerson(a.from.aadObjectId);
        if (known === false) {
          await refuse(
            ctx,
            403,
            'UnknownUser',
            "I can't find you in your organisation's directory, so I can't act for you.",
          );
          return false;
        }
        // The tenant did not answer: the turn goes on (and reports what fails), and the reference
        // waits for a turn where the person is confirmed.
        if (known === undefined) return true;
      }
      const { firstContact } = await store.conversations.upsert(
        a.from.aadObjectId,
        a.from.name ?? '',
        chatReference(a),
      );
      (state.temp as TempState).firstContact = firstContact;
    }
    return true;
  });

  // Installed, or a chat started: greet by the name the tenant knows, show what waits for them.
  app.conversationUpdate('membersAdded', async (ctx) => {
    const botId = ctx.activity.recipient?.id;
    const added = (ctx.activity.membersAdded ?? []).filter((m) => m.id !== botId);
    const botAdded = (ctx.activity.membersAdded ?? []).some((m) => m.id === botId);
    if (!ctx.activity.from?.aadObjectId || (!botAdded && !added.length)) return;
    await respond(ctx, await desk.welcome(actorOf(ctx)));
  });

  /** Answers a message: greets a first contact, then sends what `answerOf` works out. */
  const answerTurn = async (
    ctx: TurnContext,
    state: TurnState,
    name: string,
    answerOf: (actor: Actor) => Promise<Reply[]>,
  ): Promise<void> => {
    try {
      const actor = actorOf(ctx);
      // The answer is worked out before the greeting, though sent after it: a request for oneself
      // has just read the person's record, and the greeting takes the name from it (no second read).
      const answer = await answerOf(actor);
      if (!(state.temp as TempState).firstContact) {
        await respond(ctx, answer);
        return;
      }
      const replies = [...(await desk.pendingApprovalsOnArrival(actor)), ...answer];
      // The help card opens with its own "Hi <name>", so a first "help" (or "hi") is greeted once.
      if (name === 'help') await respond(ctx, replies);
      else
        await respond(
          ctx,
          withGreeting(
            `Hi ${await desk.greetingName(actor)}, I'm Dragon Desk. I can get you Dragon Copilot licenses, handle the Dragon Administrator role and partner administration. Say "help" any time.`,
            replies,
          ),
        );
    } catch (err) {
      await failed(ctx, err);
    }
  };

  // Messages go through the planner; each intent is one action.
  for (const name of INTENT_ACTIONS) {
    app.ai.action<Record<string, unknown>>(name, async (ctx, state, params) => {
      await answerTurn(ctx, state, name, (actor) => desk.handle(actor, { ...(params ?? {}), intent: name }));
      return '';
    });
  }
  // What the safety gate says instead of proposing a change (src/language/gate.ts).
  for (const name of GATE_ACTIONS) {
    app.ai.action<Record<string, unknown>>(name, async (ctx, state, params) => {
      await answerTurn(ctx, state, name, () => Promise.resolve(gateReplies(name, params ?? {})));
      return '';
    });
  }
  app.ai.action(AI.UnknownActionName, async (ctx) => {
    await respond(ctx, desk.unknown({}));
    return AI.StopCommandName;
  });
  app.ai.action(AI.HttpErrorActionName, async (ctx, _state, err) => {
    await failed(ctx, err);
    return AI.StopCommandName;
  });

  /** A click: verb and request id/version from the card; everything else from the store. */
  const click = async (ctx: TurnContext, rawData: unknown): Promise<ClickResult | string> => {
    const value = ctx.activity.value as { action?: { verb?: unknown }; verb?: unknown } | undefined;
    const verb = value?.action?.verb ?? value?.verb;
    if (!isCardVerb(verb)) return 'This button is not one Dragon Desk knows. Please use a current card.';
    const data = readActionData(rawData);
    if (!data) {
      logger.warn('card action without a request reference', { verb });
      return 'This card is missing its request reference, so I can’t act on it. Ask again in chat to get a fresh card.';
    }
    const actor = actorOf(ctx);
    const result = await desk.click(actor, verb, data);
    if (result.about && ctx.activity.replyToId) {
      await store.cards.record({
        requestId: result.about.requestId,
        recipientId: actor.id,
        role: result.about.role,
        conversationRef: chatReference(ctx.activity),
        activityId: ctx.activity.replyToId,
      });
    }
    return result;
  };

  app.adaptiveCards.actionExecute<Record<string, unknown>>(/.*/, async (ctx, _state, data) => {
    try {
      const result = await click(ctx, data);
      if (typeof result === 'string') return result;
      if (result.message && result.card) await ctx.sendActivity(result.message);
      if (result.followUps?.length) await respond(ctx, result.followUps);
      if (result.card) return result.card;
      return result.message ?? 'Done.';
    } catch (err) {
      await failed(ctx, err);
      return 'Sorry, something went wrong.';
    }
  });

  // Clients without Universal Actions send the Action.Submit fallback as a message with a value.
  app.adaptiveCards.actionSubmit<Record<string, unknown>>(/^request\./, async (ctx, _state, data) => {
    try {
      const result = await click(ctx, data);
      if (typeof result === 'string') return void (await ctx.sendActivity(result));
      if (result.message) await ctx.sendActivity(result.message);
      if (result.card) await respond(ctx, [{ kind: 'card', card: result.card, about: result.about }]);
      if (result.followUps?.length) await respond(ctx, result.followUps);
    } catch (err) {
      await failed(ctx, err);
    }
  });

  /**
   * A file Dragon Desk offered (an export) was accepted or declined. Teams expects a plain 200 (which
   * teams-ai sends after this), so what happened is told in the chat, errors included.
   */
  const fileConsent = async (ctx: TurnContext, response: FileConsentCardResponse, accepted: boolean) => {
    try {
      let upload: UploadTarget | undefined;
      if (accepted) {
        upload = uploadTarget(response);
        const problem = upload ? uploadUrlProblem(upload.uploadUrl, { loopbackOnly: config.mode === 'dev' }) : 'absent';
        if (!upload || problem) {
          logger.warn('file consent without a usable upload target', { problem });
          await ctx.sendActivity('Teams didn’t say where to save the file, so nothing was saved. Please ask again.');
          return;
        }
      }
      await respond(ctx, await desk.fileConsent(actorOf(ctx), response.context, upload));
    } catch (err) {
      const reference = randomUUID().slice(0, 8);
      logger.error('file consent failed', { reference, err });
      await ctx.sendActivity(
        `Sorry, I couldn’t save the file (reference ${reference}). Please ask again, and quote the reference if it keeps happening.`,
      );
    }
  };
  app.fileConsentAccept((ctx, _state, response) => fileConsent(ctx, response, true));
  app.fileConsentDecline((ctx, _state, response) => fileConsent(ctx, response, false));

  // Any other invoke gets a clear error body, never HTTP 501.
  app.activity(ActivityTypes.Invoke, async (ctx) => {
    await invokeError(
      ctx,
      400,
      'NotSupported',
      `Dragon Desk does not handle “${ctx.activity.name ?? 'this'}” requests.`,
    );
  });

  app.error(async (ctx, err) => failed(ctx, err));

  return {
    app,
    handleMessage: (req, res) => {
      const checked = checkInbound((req as { body?: unknown }).body, { loopbackOnly: config.mode === 'dev' });
      if (!checked.ok) {
        logger.warn('malformed activity refused', { reason: checked.reason });
        const out = res as Response;
        out.status(400);
        out.send({ error: 'BadActivity', message: checked.reason });
        out.end();
        return Promise.resolve();
      }
      const processTurn = () =>
        adapter.process(req as Request, res as Response, async (ctx) => {
          await app.run(ctx);
        });
      const telemetry = opts.telemetry;
      const turn = telemetry?.enabled
        ? () =>
            telemetry.turn(
              () => turnInfo((req as Request).body as Partial<Activity> | undefined),
              processTurn,
              () => (res as { statusCode?: number }).statusCode,
            )
        : processTurn;
      return opts.gate ? opts.gate.during(turn) : turn();
    },
  };
}

/**
 * How to reach this chat later, without the id of the activity at hand: a proactive message then
 * starts a new message rather than replying to whatever was said last, and the reference stays the
 * same turn after turn, so the store can skip rewriting an unchanged one (card copies are updated
 * by their own activity id).
 */
function chatReference(activity: Activity): Record<string, unknown> {
  const { activityId: _atHand, ...reference } = TurnContext.getConversationReference(activity);
  return reference;
}

/** The upload target of an accepted file consent card, when Teams gave all of it. */
function uploadTarget(response: FileConsentCardResponse): UploadTarget | undefined {
  const info = response.uploadInfo;
  if (!info) return undefined;
  const { uploadUrl, contentUrl, name, uniqueId, fileType } = info;
  if (![uploadUrl, contentUrl, name, uniqueId, fileType].every((v) => typeof v === 'string' && v !== ''))
    return undefined;
  return { uploadUrl: uploadUrl!, contentUrl: contentUrl!, name: name!, uniqueId: uniqueId!, fileType: fileType! };
}

/** What a turn's span says about the activity: its kind, never what was written. */
function turnInfo(activity: Partial<Activity> | undefined): TurnInfo {
  const value = activity?.value as { action?: { verb?: unknown } } | undefined;
  const verb = value?.action?.verb;
  return {
    activityType: typeof activity?.type === 'string' ? activity.type : 'unknown',
    name: activity?.name,
    verb: typeof verb === 'string' ? verb : undefined,
    conversationType: activity?.conversation?.conversationType,
    userId: activity?.from?.aadObjectId,
  };
}
