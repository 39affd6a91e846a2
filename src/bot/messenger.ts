/**
 * Proactive Teams messages: to a person's 1:1 chat with Dragon Desk (using the conversation
 * reference stored at their last turn), to the approvals channel, and in-place card updates.
 * Teams can't message someone by UPN or e-mail, so a person who never talked to the bot is
 * reached when they first do (services show their pending approvals then).
 */
import type { CloudAdapter, ConversationReference } from 'botbuilder';
import type { Config } from '../config';
import type { Logger } from '../log';
import type { Messenger, Reply, SentMessage, AdaptiveCard } from '../services/types';
import type { Store } from '../store/types';
import { cardActivity, toActivity } from './activities';

export class TeamsMessenger implements Messenger {
  constructor(
    private readonly adapter: CloudAdapter,
    private readonly config: Config,
    private readonly store: Store,
    private readonly logger: Logger,
  ) {}

  private async send(reference: Partial<ConversationReference>, reply: Reply): Promise<SentMessage | undefined> {
    let activityId: string | undefined;
    await this.adapter.continueConversationAsync(this.config.bot.appId ?? '', reference, async (ctx) => {
      const res = await ctx.sendActivity(toActivity(reply));
      activityId = res?.id;
    });
    return activityId ? { conversationRef: reference, activityId } : undefined;
  }

  async sendToPerson(aadObjectId: string, reply: Reply): Promise<SentMessage | undefined> {
    const known = await this.store.conversations.get(aadObjectId);
    if (!known) return undefined;
    return this.send(known.conversationRef, reply);
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
