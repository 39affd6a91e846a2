/**
 * Proactive Teams messages: to a person's 1:1 chat with Dragon Desk (using the conversation
 * reference stored at their last turn), to the approvals channel, and in-place card updates.
 * Teams can't message someone by UPN or e-mail: a person who never talked to the bot is reached
 * in the chat Teams opened when Dragon Desk was installed for them (services/reach.ts finds it
 * through Graph), sent through the service URL of the approvals channel or of any stored reference.
 */
import type { CloudAdapter, ConversationReference } from 'botbuilder';
import type { Config } from '../config';
import type { Logger } from '../log';
import { ChatRefused, type Messenger, type Reply, type SentMessage, type AdaptiveCard } from '../services/types';
import type { Store } from '../store/types';
import { cardActivity, toActivity } from './activities';

export class TeamsMessenger implements Messenger {
  constructor(
    private readonly adapter: CloudAdapter,
    private readonly config: Config,
    private readonly store: Store,
    private readonly logger: Logger,
  ) {}

  /**
   * A failed send is logged and answers undefined, as it always did, unless `surface` says the
   * caller acts on it: a refusal (403) is recorded, a send to a new chat is retried by the outbox.
   */
  private async send(
    reference: Partial<ConversationReference>,
    reply: Reply,
    surface: (err: Error) => boolean = () => false,
  ): Promise<SentMessage | undefined> {
    let activityId: string | undefined;
    let failure: Error | undefined;
    await this.adapter.continueConversationAsync(this.config.bot.appId ?? '', reference, async (ctx) => {
      try {
        const res = await ctx.sendActivity(toActivity(reply));
        activityId = res?.id;
      } catch (err) {
        failure = err instanceof Error ? err : new Error(String(err));
      }
    });
    if (failure && surface(failure)) throw failure;
    if (failure) this.logger.warn('a proactive message failed', { err: failure.message });
    return activityId ? { conversationRef: reference, activityId } : undefined;
  }

  async sendToPerson(aadObjectId: string, reply: Reply): Promise<SentMessage | undefined> {
    const known = await this.store.conversations.get(aadObjectId);
    if (!known) return undefined;
    const refused = (err: Error) => (err as { statusCode?: unknown }).statusCode === 403;
    try {
      return await this.send(known.conversationRef, reply, refused);
    } catch {
      throw new ChatRefused(aadObjectId);
    }
  }

  async sendToNewChat(
    person: { id: string; name: string },
    chatId: string,
    reply: Reply,
  ): Promise<SentMessage | { missing: 'service-url' | 'chat' }> {
    const serviceUrl = this.config.approvalsChannel?.serviceUrl ?? (await this.store.conversations.latestServiceUrl());
    // In dev, before anyone opened a Playground there is no connector to send to at all: like a chat
    // the Playground does not know, the person sees the request when they open theirs.
    if (!serviceUrl) return { missing: this.config.mode === 'dev' ? 'chat' : 'service-url' };
    const botId = this.config.bot.appId;
    const reference: Partial<ConversationReference> = {
      channelId: 'msteams',
      serviceUrl,
      conversation: {
        id: chatId,
        isGroup: false,
        conversationType: 'personal',
        tenantId: this.config.tenantId,
        name: '',
      },
      user: { id: person.id, aadObjectId: person.id, name: person.name },
      ...(botId ? { bot: { id: `28:${botId}`, name: 'Dragon Desk' } } : {}),
    };
    let sent: SentMessage | undefined;
    try {
      sent = await this.send(reference, reply, () => true);
    } catch (err) {
      // In dev the connector is the Agents Playground of whoever talked last, which knows no chat it
      // did not open: the person sees the request when they open their own Playground (pending
      // approvals on arrival), and nothing is stored, so that first turn is their first contact.
      if (this.config.mode !== 'dev') throw err;
      this.logger.info('the dev connector does not know the chat Teams would have opened', { userId: person.id });
      return { missing: 'chat' };
    }
    if (!sent) return { missing: 'chat' };
    // Stored once the chat took a message: later messages go straight to it (their own first turn,
    // or the install's conversationUpdate when Teams sends it, replaces it with their own).
    await this.store.conversations.upsert(person.id, person.name, reference);
    this.logger.info('reached a person in the chat opened by installing Dragon Desk for them', { userId: person.id });
    return sent;
  }

  async sendToChannel(reply: Reply): Promise<SentMessage | undefined> {
    const channel = this.config.approvalsChannel;
    if (!channel) return undefined;
    const reference: Partial<ConversationReference> = {
      channelId: 'msteams',
      serviceUrl: channel.serviceUrl,
      conversation: {
        id: channel.conversationId,
        isGroup: true,
        conversationType: 'channel',
        name: 'approvals',
        tenantId: this.config.tenantId,
      },
    };
    return this.send(reference, reply);
  }

  async updateCard(sent: SentMessage, card: AdaptiveCard): Promise<void> {
    await this.adapter.continueConversationAsync(this.config.bot.appId ?? '', sent.conversationRef, async (ctx) => {
      await ctx.updateActivity(cardActivity(card, sent.activityId));
    });
    this.logger.debug('card updated', { activityId: sent.activityId });
  }
}
