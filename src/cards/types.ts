/**
 * Types shared by the card builders and their callers (bot/ renders, services/ decide what to show).
 * Cards are plain JSON objects; `AdaptiveCard` is structurally compatible with teams-ai's
 * `AdaptiveCard` (`{ type: 'AdaptiveCard'; [key]: any }`), so handlers can return ours directly.
 */

export interface CardElement {
  type: string;
  [key: string]: unknown;
}

export interface AdaptiveCard {
  type: 'AdaptiveCard';
  /** Always "1.5": the highest version Teams renders (teams-platform.md §2.1). */
  version: string;
  body: CardElement[];
  actions?: CardElement[];
  [key: string]: unknown;
}

/** Who is looking at a request card; the same request renders differently per viewer. */
export interface RequestCardViewer {
  role: 'requester' | 'approver' | 'observer';
  /** Entra object id of the viewer; used to pick their own approver reason. */
  id?: string;
}

export interface SeatCount {
  used: number;
  total: number;
  /** Seats used after this change, on admin confirm cards ("7 → 8 of 10"). */
  after?: number;
}

export interface RequestCardContext {
  /** The card's heading, e.g. "Dragon Copilot nursing license" or "Remove Dragon Copilot nursing license". */
  title: string;
  /** The thing changed, for the "Add …" / "Remove …" fact line; defaults to the title. */
  subject?: string;
  seats?: SeatCount;
  /** Why this viewer may decide, e.g. "You own the group Dragon Copilot Nursing". */
  approverReason?: string;
  /** The requester is an admin acting directly: a draft shows Confirm, not Send for approval. */
  direct?: boolean;
  requireJustification?: boolean;
  /** Extra lines, e.g. role scope, or what a partner link does and does not do. */
  notes?: string[];
  /** IANA time zone for times on the card; UTC when absent or unknown. */
  timeZone?: string;
}

export interface PersonCandidate {
  id: string;
  displayName: string;
  jobTitle?: string | null;
  department?: string | null;
  userPrincipalName: string;
}

export type { PersonQuestion } from '../domain/payloads';

export interface HelpCardOptions {
  name?: string;
  isAdmin?: boolean;
}

export interface SeatRow {
  kind: string;
  label: string;
  used: number;
  total: number;
  /** How to buy more; shown when no seats are left. */
  purchase?: string;
}

export type Tone = 'good' | 'warning' | 'attention' | 'default';

export interface Fact {
  title: string;
  value: string;
}

export interface NoticeCardOptions {
  title: string;
  text: string;
  tone: Tone;
  facts?: Fact[];
  /** A numbered checklist, e.g. guided portal steps. */
  steps?: string[];
  link?: { title: string; url: string };
}
