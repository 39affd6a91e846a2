/**
 * One explicit yes/no step on a draft, for a choice that must name what it replaces (e.g. "Replace
 * Fabrikam as partner of record?"). Yes answers `request.resolve`, No cancels the draft; the card
 * data carries only request id and version.
 */
import type { DeskRequest } from '../domain/request';
import { renderCard } from './template';
import { userText } from './text';
import type { AdaptiveCard, Fact } from './types';

export interface ConfirmStepOptions {
  title: string;
  text: string;
  facts?: Fact[];
  confirmTitle: string;
  cancelTitle: string;
}

export function confirmStepView(req: DeskRequest, o: ConfirmStepOptions) {
  return {
    requestId: req.id,
    version: req.version,
    title: userText(o.title),
    subtitle: `Request #${req.id}`,
    text: userText(o.text),
    facts: (o.facts ?? []).map((f) => ({ title: userText(f.title), value: userText(f.value) })),
    confirmTitle: userText(o.confirmTitle),
    cancelTitle: userText(o.cancelTitle),
  };
}

export function confirmStepCard(req: DeskRequest, o: ConfirmStepOptions): AdaptiveCard {
  return renderCard('confirm-step', confirmStepView(req, o));
}
