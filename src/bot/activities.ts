/** Replies from services as Bot Framework activities. */
import { CardFactory, MessageFactory, type Activity } from 'botbuilder';
import type { AdaptiveCard, Reply } from '../services/types';

/** Teams' file cards (bots-filesv4): the offer a person accepts or declines, and the saved file. */
const FILE_CONSENT = 'application/vnd.microsoft.teams.card.file.consent';
const FILE_INFO = 'application/vnd.microsoft.teams.card.file.info';

export function toActivity(reply: Reply): Partial<Activity> {
  switch (reply.kind) {
    case 'text':
      return MessageFactory.text(reply.text);
    case 'card':
      return MessageFactory.attachment(CardFactory.adaptiveCard(reply.card), reply.lead);
    case 'fileOffer':
      return MessageFactory.attachment({
        contentType: FILE_CONSENT,
        name: reply.name,
        content: {
          description: reply.description,
          sizeInBytes: reply.sizeInBytes,
          acceptContext: reply.context,
          declineContext: reply.context,
        },
      });
    case 'file':
      return MessageFactory.attachment({
        contentType: FILE_INFO,
        contentUrl: reply.contentUrl,
        name: reply.name,
        content: { uniqueId: reply.uniqueId, fileType: reply.fileType },
      });
  }
}

export function cardActivity(card: AdaptiveCard, id?: string): Partial<Activity> {
  const activity = MessageFactory.attachment(CardFactory.adaptiveCard(card));
  if (id) activity.id = id;
  return activity;
}
