/**
 * Teams activities as the Bot Connector posts them to /api/messages (the same shape the test
 * harness sends), for any person: fixture personas and the bench's generated nurses alike.
 */
import { randomUUID } from 'node:crypto';

export interface Speaker {
  /** Entra object id (activity.from.aadObjectId). */
  id: string;
  displayName: string;
  /** Distinguishes the Teams user id and the 1:1 conversation id. */
  alias: string;
}

export interface ActivityContext {
  tenantId: string;
  /** The connector the bot must answer to (activity.serviceUrl). */
  serviceUrl: string;
}

export function conversationIdOf(who: Speaker): string {
  return `personal-${who.alias}`;
}

function base(ctx: ActivityContext, who: Speaker): Record<string, unknown> {
  return {
    id: randomUUID(),
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl: ctx.serviceUrl,
    from: { id: `29:${who.alias}`, name: who.displayName, aadObjectId: who.id },
    recipient: { id: '28:dragon-desk', name: 'Dragon Desk' },
    conversation: { id: conversationIdOf(who), conversationType: 'personal', tenantId: ctx.tenantId },
    channelData: { tenant: { id: ctx.tenantId } },
    locale: 'en-US',
  };
}

export function messageActivity(ctx: ActivityContext, who: Speaker, text: string): Record<string, unknown> {
  return { ...base(ctx, who), type: 'message', text };
}

/** An Action.Execute click on the card posted as `replyToId`. */
export function actionActivity(
  ctx: ActivityContext,
  who: Speaker,
  verb: string,
  data: Record<string, unknown>,
  replyToId?: string,
): Record<string, unknown> {
  return {
    ...base(ctx, who),
    type: 'invoke',
    name: 'adaptiveCard/action',
    replyToId,
    value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
  };
}
