/**
 * Adaptive Cards for Dragon Desk: pure builders from view data to card JSON (schema 1.5).
 * Templates live in the top-level `cards/` folder.
 */
export { requestCard, requestView, STATUS as REQUEST_STATUS } from './requestCard';
export { choosePersonCard, candidateTitle } from './choosePersonCard';
export { chooseLicenseCard } from './chooseLicenseCard';
export { chooseReadingCard, type ReadingOption } from './chooseReadingCard';
export { helpCard, HELP_EXAMPLES } from './helpCard';
export { seatsCard } from './seatsCard';
export { listCard, type ListAction, type ListCardOptions } from './listCard';
export { noticeCard } from './noticeCard';
export { validateTeamsCard, MAX_CARD_BYTES } from './validate';
export { CARD_VERBS, isCardVerb, readActionData, type CardVerb, type CardActionData } from './verbs';
export type {
  AdaptiveCard,
  CardElement,
  Fact,
  HelpCardOptions,
  NoticeCardOptions,
  PersonCandidate,
  PersonQuestion,
  RequestCardContext,
  RequestCardViewer,
  SeatCount,
  SeatRow,
  Tone,
} from './types';
