/** Replies from services as Bot Framework activities. */
import { CardFactory, MessageFactory, type Activity } from 'botbuilder';
import type { AdaptiveCard, Reply } from '../services/types';

export function toActivity(reply: Reply): Partial<Activity> {
  if (reply.kind === 'text') return MessageFactory.text(reply.text);
  return MessageFactory.attachment(CardFactory.adaptiveCard(reply.card), reply.lead);
}

export function cardActivity(card: AdaptiveCard, id?: string): Partial<Activity> {
  const activity = MessageFactory.attachment(CardFactory.adaptiveCard(card));
  if (id) activity.id = id;
  return activity;
}
