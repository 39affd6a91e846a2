/**
 * A compact table for holders, requests and pending-approval summaries.
 *
 * Rows are ColumnSets, not the 1.5 `Table` element: Table parses at 1.5, but there are reports of
 * Teams clients showing table rows empty (AdaptiveCards discussions, "Adaptive Card version 1.5
 * TableRow does not show content of table in Teams") [U], and ColumnSets render everywhere.
 *
 * Long lists are cut to what fits under the Teams size limit, with "…and N more" in the footer.
 */
import { renderCard } from './template';
import { isWebUrl, userText } from './text';
import type { AdaptiveCard } from './types';
import type { CardVerb } from './verbs';

/** Leaves headroom under MAX_CARD_BYTES (validate.ts) for the message envelope. */
const BYTE_BUDGET = 22 * 1024;
const DEFAULT_MAX_ROWS = 50;

export type ListAction =
  { title: string; verb: CardVerb; requestId: number; version: number } | { title: string; url: string };

export interface ListCardOptions {
  title: string;
  subtitle?: string;
  columns: string[];
  rows: string[][];
  footer?: string;
  actions?: ListAction[];
  /** Text shown when there are no rows. */
  emptyText?: string;
  /** At most this many rows are shown (default 50); fewer if the card would be too large. */
  maxRows?: number;
}

type Cell = { text: string; width: string | number };

export interface ListView {
  title: string;
  subtitle: string;
  header: Cell[];
  rows: { cells: Cell[] }[];
  emptyText: string;
  footer: string;
  executeActions: { title: string; verb: CardVerb; requestId: number; version: number }[];
  linkActions: { title: string; url: string }[];
}

/**
 * The first column (usually a name) gets more room; the rest share the remainder. Numeric weights
 * keep header and rows aligned, which "stretch"/"auto" would not.
 */
function widthOf(index: number): number {
  return index === 0 ? 3 : 2;
}

function cellsOf(values: readonly string[], count: number): Cell[] {
  return Array.from({ length: count }, (_, i) => {
    const text = userText(values[i] ?? '').trim();
    // An empty cell is shown as a dash so the row keeps its shape (empty text is tidied away).
    return { text: text === '' ? '—' : text, width: widthOf(i) };
  });
}

export function listView(
  opts: ListCardOptions,
  shownRows = Math.min(opts.rows.length, opts.maxRows ?? DEFAULT_MAX_ROWS),
): ListView {
  const count = Math.max(1, opts.columns.length);
  const hidden = opts.rows.length - shownRows;
  const footer = [hidden > 0 ? `…and ${hidden} more not shown.` : '', userText(opts.footer ?? '')]
    .filter((s) => s !== '')
    .join(' ');
  const actions = opts.actions ?? [];
  return {
    title: userText(opts.title),
    subtitle: userText(opts.subtitle ?? ''),
    header: opts.columns.length > 0 ? cellsOf(opts.columns, count) : [],
    rows: opts.rows.slice(0, shownRows).map((r) => ({ cells: cellsOf(r, count) })),
    emptyText: opts.rows.length === 0 ? userText(opts.emptyText ?? 'Nothing to show.') : '',
    footer,
    executeActions: actions
      .filter((a): a is Extract<ListAction, { verb: CardVerb }> => 'verb' in a)
      .map((a) => ({ ...a, title: userText(a.title) })),
    linkActions: actions
      .filter((a): a is Extract<ListAction, { url: string }> => 'url' in a && isWebUrl(a.url))
      .map((a) => ({ title: userText(a.title), url: a.url })),
  };
}

function bytes(card: AdaptiveCard): number {
  return Buffer.byteLength(JSON.stringify(card), 'utf8');
}

export function listCard(opts: ListCardOptions): AdaptiveCard {
  let shown = Math.min(opts.rows.length, opts.maxRows ?? DEFAULT_MAX_ROWS);
  let card = renderCard('list', listView(opts, shown));
  // Shrink in proportion to the overshoot, then step down; converges in a few renders.
  while (bytes(card) > BYTE_BUDGET && shown > 0) {
    const next = Math.floor((shown * BYTE_BUDGET) / bytes(card));
    shown = Math.max(0, Math.min(shown - 1, next));
    card = renderCard('list', listView(opts, shown));
  }
  return card;
}
