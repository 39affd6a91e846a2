/**
 * Seats per license kind: "7 of 10 used · 3 left" and a bar. Adaptive Cards 1.5 has no progress bar,
 * so the bar is a ColumnSet whose two columns are weighted used : free, with contrasting container
 * styles. When none are left the text turns to the attention colour and says how to buy more.
 */
import { renderCard } from './template';
import { userText } from './text';
import type { AdaptiveCard, SeatRow } from './types';

/** At or below this share of free seats the row turns to the warning colour. */
const LOW_SHARE = 0.1;

export interface SeatsView {
  title: string;
  emptyText: string;
  rows: {
    label: string;
    summary: string;
    summaryColor: 'default' | 'warning' | 'attention';
    summaryWeight: 'Default' | 'Bolder';
    purchase: string;
    bar: { show: boolean; used: number; free: number; usedStyle: 'accent' | 'warning' | 'attention' };
  }[];
}

function rowView(row: SeatRow): SeatsView['rows'][number] {
  const used = Math.max(0, Math.floor(row.used));
  const total = Math.max(0, Math.floor(row.total));
  const left = total - used;
  const none = left <= 0;
  const low = !none && left / total <= LOW_SHARE;
  let summary: string;
  if (total === 0) summary = 'No seats bought';
  else if (left < 0) summary = `${used} of ${total} used · ${-left} over`;
  else summary = `${used} of ${total} used · ${none ? 'none' : left} left`;
  return {
    label: userText(row.label),
    summary,
    summaryColor: none ? 'attention' : low ? 'warning' : 'default',
    summaryWeight: none || low ? 'Bolder' : 'Default',
    purchase: none && row.purchase ? userText(row.purchase) : '',
    bar: {
      show: total > 0,
      used: Math.min(used, total),
      free: Math.max(0, left),
      usedStyle: none ? 'attention' : low ? 'warning' : 'accent',
    },
  };
}

export function seatsView(rows: SeatRow[]): SeatsView {
  return {
    title: 'Dragon Copilot seats',
    emptyText: rows.length === 0 ? 'No Dragon Copilot licenses are set up in this tenant yet.' : '',
    rows: rows.map(rowView),
  };
}

export function seatsCard(rows: SeatRow[]): AdaptiveCard {
  return renderCard('seats', seatsView(rows));
}
