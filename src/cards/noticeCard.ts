/**
 * Plain-language answers that need some structure: no seats left and how to buy, guided portal
 * steps for what has no API (partner of record), a finished setup with its facts.
 */
import { renderCard } from './template';
import { isWebUrl, userText } from './text';
import type { AdaptiveCard, NoticeCardOptions, Tone } from './types';

/**
 * The tone is the header's background. The title stays in the default colour: tone-coloured text on
 * a container of the same tone was yellow on peach and light green on pale green in the Agents
 * Playground (its host config gives those containers no foreground colour of their own), hard to
 * read; the request card's title does the same.
 */
const HEADER: Record<Tone, 'good' | 'warning' | 'attention' | 'emphasis'> = {
  good: 'good',
  warning: 'warning',
  attention: 'attention',
  default: 'emphasis',
};

export interface NoticeView {
  title: string;
  titleColor: string;
  headerStyle: string;
  text: string;
  facts: { title: string; value: string }[];
  steps: { text: string }[];
  links: { title: string; url: string }[];
}

export function noticeView(opts: NoticeCardOptions): NoticeView {
  return {
    title: userText(opts.title),
    titleColor: 'default',
    headerStyle: HEADER[opts.tone],
    text: userText(opts.text),
    facts: (opts.facts ?? []).map((f) => ({ title: userText(f.title), value: userText(f.value) })),
    steps: (opts.steps ?? []).filter((s) => s.trim() !== '').map((s, i) => ({ text: `${i + 1}. ${userText(s)}` })),
    links: opts.link && isWebUrl(opts.link.url) ? [{ title: userText(opts.link.title), url: opts.link.url }] : [],
  };
}

export function noticeCard(opts: NoticeCardOptions): AdaptiveCard {
  return renderCard('notice', noticeView(opts));
}
