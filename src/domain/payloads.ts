/**
 * What each kind of request keeps beside its people and subject, typed per kind: the engine and the
 * capability that owns a kind read the same fields by the same names. Stored as JSON in the
 * request row. Pure types.
 */
import type { Bypassed, Covering } from './approvalRouting';
import type { DapLevel, GdapRoleKey } from './partners';
import type { PersonCandidate } from './people';

/** A name that fits several people, waiting for the requester to choose on a card. */
export interface PersonQuestion {
  /** The name as the person wrote it ("Dana"). */
  written: string;
  candidates: Pick<PersonCandidate, 'id' | 'displayName' | 'userPrincipalName' | 'jobTitle' | 'department'>[];
}

/** Fields the engine sets on any request. */
export interface CommonPayload {
  /** Set once the checks have run: whether the requester may confirm it directly (an admin). */
  direct?: boolean;
  /** Lines the card shows: people left out and why, what the change did. */
  notes?: string[];
  /** Executions that failed in a way worth trying again (an outage, the network). */
  attempts?: number;
  /** Executions Graph throttled: tried again at its Retry-After, counted apart from failures. */
  throttled?: number;
  /** Names still to be resolved to one person each. */
  questions?: PersonQuestion[];
  /** How a request sent for approval was routed and followed up. */
  approval?: ApprovalTrail;
}

/** Routing and follow-ups of a request waiting for approval; each step is set once, when it runs. */
export interface ApprovalTrail {
  remindAt?: string;
  escalateAt?: string;
  reminded?: string;
  escalated?: string;
  /** The requester's last nudge (one a day). */
  nudged?: string;
  /** Approvers it was not sent to, and why (away, a delegate who cannot decide it). */
  bypassed?: Bypassed[];
  /** Approvers deciding for someone who handed their approvals over. */
  covering?: Covering[];
  /** Who could not be reached in Teams, and why (told to the requester). */
  unreached?: Bypassed[];
}

export type LicensePayload = CommonPayload;

/** A periodic review of who holds a Dragon license (one per license group and round). */
export interface RecertifyPayload extends CommonPayload {
  /** The campaign's round for this license kind: 1, 2, … */
  round: number;
  /** The group whose members were reviewed. */
  groupId: string;
  /** When owners must have answered. */
  answerBy: string;
  /** The one removal request the review (or silence) led to, once it exists. */
  removal?: number;
}

/** How a Dragon Administrator grant is carried out. */
export type GrantVia = 'group' | 'pim' | 'direct';

export interface RolePayload extends CommonPayload {
  /** ISO 8601 duration of time-bound access ("PT4H"). */
  duration?: string;
  /** Fixed at the first execution: time-bound access runs from when it is given. */
  endsAt?: string;
  via?: GrantVia;
}

export interface PartnerLinkPayload extends CommonPayload {
  partnerName?: string | null;
  /** The partner id linked before an update or removal. */
  previous?: string | null;
  previousName?: string | null;
}

/** A partner of record that a new designation would replace, as Dragon Desk recorded it. */
export interface ReplacedPartner {
  partnerId: string;
  partnerName?: string;
  recordedByName?: string;
  recordedAt?: string;
}

export interface PartnerRecordPayload extends CommonPayload {
  partnerName: string | null;
  subscriptionId: string;
  subscriptionName: string;
  replaces: ReplacedPartner | null;
  replaceConfirmed: boolean;
}

export interface PartnerRolesPayload extends CommonPayload {
  partnerName: string;
  mpnId: string | null;
  /** The role the person removing the roles holds (Billing Administrator or higher). */
  actingAs: string;
}

export interface OfferPayload extends CommonPayload {
  stage: 'options' | 'summary';
  customer: string;
  customerTenantId: string | null;
  roles: GdapRoleKey[];
  duration: string;
  autoExtend: boolean;
  dap: DapLevel | null;
  displayName?: string;
}

export interface SetupPayload extends CommonPayload {
  /** What Confirm will do, one line per step, as the card shows it. */
  plan: string[];
}

export interface PayloadOfKind {
  'license.assign': LicensePayload;
  'license.remove': LicensePayload;
  'license.recertify': RecertifyPayload;
  'role.assign': RolePayload;
  'role.remove': RolePayload;
  'partner.link': PartnerLinkPayload;
  'partner.link.update': PartnerLinkPayload;
  'partner.link.remove': PartnerLinkPayload;
  'partner.record': PartnerRecordPayload;
  'partner.roles.remove': PartnerRolesPayload;
  'partner.offer': OfferPayload;
  setup: SetupPayload;
}
