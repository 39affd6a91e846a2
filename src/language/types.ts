/**
 * What the language layer hands to the bot: one intent and the entities it found. This is a
 * maintainers' contract (the `dragon-desk parse` CLI prints exactly this object): keep it stable.
 * An entity is absent when the utterance did not state it; the bot then asks, it never assumes.
 */
import type { LicenseKind } from '../domain/catalog';

export type Intent =
  | 'license.request'
  | 'license.remove'
  | 'license.seats'
  | 'license.check'
  | 'license.holders'
  | 'license.purchase'
  | 'role.assign'
  | 'role.remove'
  | 'role.holders'
  | 'role.check'
  | 'partner.link'
  | 'partner.link.show'
  | 'partner.link.update'
  | 'partner.link.remove'
  | 'partner.record'
  | 'partner.record.show'
  | 'partner.relationships'
  | 'partner.roles.remove'
  | 'partner.offer'
  | 'setup'
  | 'request.status'
  | 'request.cancel'
  | 'approvals.pending'
  | 'approvals.delegate'
  | 'approvals.delegate.stop'
  | 'approvals.delegate.show'
  | 'audit.show'
  | 'audit.export'
  | 'help'
  | 'unknown';

/** Intents that change something in the tenant (after a confirmation or approval). */
export type WriteIntent =
  | 'license.request'
  | 'license.remove'
  | 'role.assign'
  | 'role.remove'
  | 'partner.link'
  | 'partner.link.update'
  | 'partner.link.remove'
  | 'partner.record'
  | 'partner.roles.remove'
  | 'partner.offer';

/** The only role Dragon Desk hands out. Requests for any other role are `unknown`. */
export type DragonRole = 'dragon-admin';

export interface Entities {
  /** Names or UPNs as written ("Dana Reyes", "dana.reyes@contoso.com"), honorifics stripped; "me" for the requester. */
  users?: string[];
  license?: LicenseKind;
  role?: DragonRole;
  /** ISO 8601 duration ("PT4H", "P7D"); months count as 30 days and years as 365. */
  duration?: string;
  /**
   * An end stated as a date ("2026-12-11") or a date and time ("2026-12-08T17:00"), ISO local time,
   * read against the reference moment of the parse. An end that is not a date gives none.
   */
  until?: string;
  /** Why, as written ("go-live support"). */
  justification?: string;
  /** MPN / partner / PartnerLocation id: digits only. */
  partnerId?: string;
  /** Partner organisation name as written. */
  partner?: string;
  /** Azure subscription id (GUID) or name as written. */
  subscription?: string;
  /** Customer organisation name as written (partner side). */
  customer?: string;
  /** Roles asked of a customer, lower-case hyphenated ("user-administrator"), or ["full"] / ["limited"] for legacy DAP. */
  roles?: string[];
  requestId?: number;
  /** A span of whole UTC days, ISO 8601, both ends included: "2026-11-01/2026-11-30". */
  period?: string;
  /** What an export holds: one row per request, or one per audit event. */
  dataset?: 'requests' | 'audit';
}

export type EntityName = keyof Entities;

export type ParseError = 'too-long';

export interface ParseOptions {
  /** The moment "until Friday", "November" or "last month" is read against; the current time when left out. */
  now?: Date;
}

export interface ParseResult extends Entities {
  intent: Intent;
  /** Set with intent `unknown` when the bot should say why rather than guess. */
  error?: ParseError;
}

/**
 * Which entities each intent may carry, in the order they are printed. Anything else a rule
 * happens to notice is left out, so a name can never ride along on the wrong intent.
 */
export const INTENT_ENTITIES: Readonly<Record<Intent, readonly EntityName[]>> = {
  'license.request': ['users', 'license', 'justification'],
  'license.remove': ['users', 'license'],
  'license.seats': ['license'],
  'license.check': ['users', 'license'],
  'license.holders': ['license'],
  'license.purchase': ['license'],
  'role.assign': ['users', 'role', 'duration', 'until', 'justification'],
  'role.remove': ['users', 'role'],
  'role.holders': ['role'],
  'role.check': ['users', 'role'],
  'partner.link': ['partnerId'],
  'partner.link.show': [],
  'partner.link.update': ['partnerId'],
  'partner.link.remove': [],
  'partner.record': ['partnerId', 'partner', 'subscription'],
  'partner.record.show': ['subscription'],
  'partner.relationships': ['partner'],
  'partner.roles.remove': ['partner'],
  'partner.offer': ['customer', 'roles', 'duration'],
  setup: [],
  'request.status': ['requestId'],
  'request.cancel': ['requestId'],
  'approvals.pending': [],
  'approvals.delegate': ['users', 'until'],
  'approvals.delegate.stop': [],
  'approvals.delegate.show': [],
  'audit.show': ['requestId'],
  'audit.export': ['period', 'dataset'],
  help: [],
  unknown: [],
};

export const INTENTS: readonly Intent[] = Object.keys(INTENT_ENTITIES) as Intent[];

export const WRITE_INTENTS: ReadonlySet<WriteIntent> = new Set<WriteIntent>([
  'license.request',
  'license.remove',
  'role.assign',
  'role.remove',
  'partner.link',
  'partner.link.update',
  'partner.link.remove',
  'partner.record',
  'partner.roles.remove',
  'partner.offer',
]);

export function isWriteIntent(intent: string): intent is WriteIntent {
  return (WRITE_INTENTS as ReadonlySet<string>).has(intent);
}
