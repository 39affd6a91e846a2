/**
 * Plain-language answers that need some structure: no seats left and how to buy, guided portal
 * steps for what has no API (partner of record), a finished setup with its facts.
 */
import { renderCard } from './template';
import { isWebUrl, userText } from './text';
import type { AdaptiveCard, NoticeCardOptions, Tone } from './types';

const LOOK: Record<Tone, { header: 'good' | 'warning' | 'attention' | 'emphasis'; color: 'good' | 'warning' | 'attention' | 'default' }> = {
  good: { header: 'good', color: 'good' },
  warning: { header: 'warning', color: 'warning' },
  attention: { header: 'attention', color: 'attention' },
  default: { header: 'emphasis', color: 'default' },
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
  const look = LOOK[opts.tone];
  return {
    title: userText(opts.title),
    titleColor: look.color,
    headerStyle: look.header,
    text: userText(opts.text),
    facts: (opts.facts ?? []).map((f) => ({ title: userText(f.title), value: userText(f.value) })),
    steps: (opts.steps ?? []).filter((s) => s.trim() !== '').map((s, i) => ({ text: `${i + 1}. ${userText(s)}` })),
    links: opts.link && isWebUrl(opts.link.url) ? [{ title: userText(opts.link.title), url: opts.link.url }] : [],
  };
}

export function noticeCard(opts: NoticeCardOptions): AdaptiveCard {
  return renderCard('notice', noticeView(opts));
}
