/**
 * "Which did you mean?": the readings Dragon Desk sees in a message it will not act on as written
 * ("Sam shouldn't have Dragon any more": remove Sam's license, or check it, or neither). Each
 * button posts its sentence back into the chat as if the person had typed it (Teams `imBack`), so
 * a pick goes through the parser, the safety gate and the usual confirmation again: the card
 * carries no request, no id and nothing that is trusted.
 */
import { renderCard } from './template';
import { userText } from './text';
import type { AdaptiveCard } from './types';

export interface ReadingOption {
  label: string;
  /** What the button posts; "neither" when left out. */
  say?: string;
}

export interface ChooseReadingView {
  title: string;
  prompt: string;
  note: string;
  options: { label: string; say: string }[];
}

export function chooseReadingView(prompt: string, options: readonly ReadingOption[]): ChooseReadingView {
  return {
    title: 'Which did you mean?',
    prompt: userText(prompt),
    note: 'Nothing changes until you pick one and confirm it.',
    options: options.map((o) => ({ label: userText(o.label), say: userText(o.say ?? 'neither') })),
  };
}

export function chooseReadingCard(prompt: string, options: readonly ReadingOption[]): AdaptiveCard {
  return renderCard('choose-reading', chooseReadingView(prompt, options));
}
