/**
 * What services need from the world and what they give back. Services never import botbuilder:
 * they return Replies (text or an Adaptive Card as plain JSON) and reach people through the
 * Messenger port, which src/bot implements with proactive Teams messages.
 */
import type { Clock } from '../clock';
import type { Config } from '../config';
import type { Logger } from '../log';
import type { AdaptiveCard } from '../cards/types';
import type { Store, CardMessage } from '../store/types';
import type { TenantClient } from '../tenant/types';

/** The person talking to Dragon Desk, from the activity (`from.aadObjectId`), never from text. */
export interface Actor {
  id: string;
  name: string;
  tenantId: string;
}

export type { AdaptiveCard } from '../cards/types';

/** Something to show a person. A card about a request is remembered so it can be updated in place. */
export type Reply =
  | { kind: 'text'; text: string }
  /** `lead`: a line shown above the card in the same message (a first-contact greeting). */
  | { kind: 'card'; card: AdaptiveCard; about?: { requestId: number; role: CardMessage['role'] }; lead?: string }
  /**
   * A file offered for the person to accept (a Teams file consent card): `context` comes back when
   * they accept or decline, as untrusted as any card data.
   */
  | { kind: 'fileOffer'; name: string; description: string; sizeInBytes: number; context: Record<string, string> }
  /** A file the person accepted, now in their OneDrive (a Teams file card). */
  | { kind: 'file'; name: string; contentUrl: string; uniqueId: string; fileType: string };

export const text = (t: string): Reply => ({ kind: 'text', text: t });
/**
 * The replies with a greeting in front, in the same message as the first of them: one message
 * instead of two, which reads better and is one Teams call fewer (bench/: a go-live day is mostly
 * first contacts).
 */
export function withGreeting(greeting: string, replies: Reply[]): Reply[] {
  const [first, ...rest] = replies;
  if (!first) return [text(greeting)];
  if (first.kind === 'text') return [text(`${greeting}\n\n${first.text}`), ...rest];
  if (first.kind !== 'card') return [text(greeting), first, ...rest];
  return [{ ...first, lead: first.lead ? `${greeting}\n\n${first.lead}` : greeting }, ...rest];
}

export const card = (c: AdaptiveCard, about?: { requestId: number; role: CardMessage['role'] }): Reply =>
  about ? { kind: 'card', card: c, about } : { kind: 'card', card: c };

/**
 * The answer to a card click: a card shown in place of the one clicked (or a short message under
 * it), plus messages to post afterwards in the same chat. `about` lets the bot remember the
 * clicked card so later changes update it in place.
 */
export interface ClickResult {
  card?: AdaptiveCard;
  message?: string;
  followUps?: Reply[];
  about?: { requestId: number; role: CardMessage['role'] };
}

export interface SentMessage {
  conversationRef: Record<string, unknown>;
  activityId: string;
}

/**
 * Teams refused the bot's message in a person's chat (the connector's 403, e.g.
 * `MessageWritesBlocked`: they blocked or removed Dragon Desk, or a policy keeps it from them).
 */
export class ChatRefused extends Error {
  constructor(readonly personId: string) {
    super('Teams refused the message in this chat (403)');
    this.name = 'ChatRefused';
  }
}

/** Proactive delivery; implemented in src/bot. */
export interface Messenger {
  /**
   * Sends to a person's 1:1 chat; undefined when they have never talked to Dragon Desk. Throws
   * ChatRefused when Teams refuses the message there.
   */
  sendToPerson(aadObjectId: string, reply: Reply): Promise<SentMessage | undefined>;
  /**
   * Sends to a 1:1 chat Teams opened when Dragon Desk was installed for the person (its id from
   * Graph, services/reach.ts), and stores the chat as theirs so later messages go there directly
   * (their own first turn, or the install's conversationUpdate, refreshes it). `missing`: no Teams
   * service URL is known yet to send through, or (dev) the connector does not know the chat — the
   * Agents Playground, one connector per persona, knows only chats it opened itself, so the person
   * sees what waits for them when they open it.
   */
  sendToNewChat(
    person: { id: string; name: string },
    chatId: string,
    reply: Reply,
  ): Promise<SentMessage | { missing: 'service-url' | 'chat' }>;
  /** Sends to the configured approvals channel, if any. */
  sendToChannel(reply: Reply): Promise<SentMessage | undefined>;
  /** Replaces a card already posted. */
  updateCard(sent: SentMessage, card: AdaptiveCard): Promise<void>;
}

export interface ServiceDeps {
  config: Config;
  tenant: TenantClient;
  store: Store;
  clock: Clock;
  logger: Logger;
  messenger: Messenger;
  /** Ask the worker to look for approved requests now rather than at its next tick. */
  kickWorker(): void;
  /**
   * Background work (card updates, notifications, approval fan-out) awaits this before starting,
   * so turns being answered go first (src/bot/turnGate.ts). Absent: start at once.
   */
  yieldToTurns?(): Promise<void>;
}
