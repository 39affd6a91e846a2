/**
 * Microsoft partner administration as data and rules: partner types and the admin roles each may
 * hold, what a Partner Admin Link does, who may designate a Digital Partner of Record, legacy DAP
 * and its GDAP replacement, and the constraints Graph puts on a GDAP relationship
 * (microsoft-apis.md §7–§10). Pure: no I/O.
 */
import { ROLE_TEMPLATE, type AdminRole } from './catalog';

// ------------------------------------------------------------------------------------ partner ids

/**
 * A Microsoft partner id (MPN id, Partner id or PartnerLocation id) is a number. The old cmdlet help
 * says "6 digits", but current ids are often 7 digits (§7), so the length is not fixed: Dragon Desk
 * accepts 1 to 10 digits (10 digits still fits ARM's int32 partner id; anything longer is a typo,
 * not an id). Surrounding spaces are ignored; nothing else is.
 */
export const PARTNER_ID_MAX_DIGITS = 10;

export type PartnerIdCheck = { ok: true; partnerId: string } | { ok: false; reason: string };

export function checkPartnerId(raw: string | undefined): PartnerIdCheck {
  const text = (raw ?? '').trim();
  if (text === '') return { ok: false, reason: 'Which partner ID? Say for example "link our MPN ID 1234567".' };
  if (!/^\d+$/.test(text))
    return {
      ok: false,
      reason: `“${text}” isn't a Microsoft partner ID: a partner ID (MPN, Partner or PartnerLocation ID) is digits only, like 1234567.`,
    };
  if (text.length > PARTNER_ID_MAX_DIGITS)
    return {
      ok: false,
      reason: `“${text}” has ${text.length} digits; a Microsoft partner ID has at most ${PARTNER_ID_MAX_DIGITS} (usually 6 or 7). Please check it.`,
    };
  return { ok: true, partnerId: text };
}

// ------------------------------------------------------------------------------------ partner types

/** The relationship types the Microsoft 365 admin center shows under Settings → Partner relationships. */
export type PartnerType =
  'advisor' | 'partner' | 'gdap' | 'reseller' | 'indirect-reseller' | 'isv' | 'mpsa' | 'oem' | 'line-of-business';

export interface PartnerTypeInfo {
  type: PartnerType;
  label: string;
  /** The admin roles a partner of this type can hold in the customer's tenant, in words. */
  roles: string;
  /** 'some' = a fixed set, 'any' = any Entra role, 'none' = no admin role, 'not-assignable' = roles can't be given. */
  access: 'some' | 'any' | 'none' | 'not-assignable';
  /** Directory roles of a fixed set ('some' only). */
  fixedRoles?: AdminRole[];
}

export const PARTNER_TYPES: Record<PartnerType, PartnerTypeInfo> = {
  advisor: {
    type: 'advisor',
    label: 'Advisor',
    roles: 'Global Administrator and Helpdesk Administrator',
    access: 'some',
    fixedRoles: ['globalAdministrator', 'helpdeskAdministrator'],
  },
  partner: { type: 'partner', label: 'Partner', roles: 'any Entra role', access: 'any' },
  gdap: {
    type: 'gdap',
    label: 'GDAP partner',
    roles: 'any Entra role, granted granularly (least privilege) and for a limited time (GDAP)',
    access: 'any',
  },
  reseller: { type: 'reseller', label: 'Reseller', roles: 'none', access: 'none' },
  'indirect-reseller': { type: 'indirect-reseller', label: 'Indirect reseller', roles: 'none', access: 'none' },
  isv: { type: 'isv', label: 'ISV', roles: 'none', access: 'none' },
  mpsa: { type: 'mpsa', label: 'MPSA partner', roles: 'none', access: 'none' },
  oem: { type: 'oem', label: 'OEM', roles: 'none', access: 'none' },
  'line-of-business': {
    type: 'line-of-business',
    label: 'Line-of-business partner',
    roles: 'not assignable',
    access: 'not-assignable',
  },
};

export const PARTNER_TYPE_ORDER: readonly PartnerType[] = [
  'advisor',
  'partner',
  'gdap',
  'reseller',
  'indirect-reseller',
  'isv',
  'mpsa',
  'oem',
  'line-of-business',
];

const TYPE_ALIASES: Record<string, PartnerType> = {
  advisor: 'advisor',
  partner: 'partner',
  'delegated-admin': 'partner',
  dap: 'partner',
  gdap: 'gdap',
  csp: 'reseller',
  reseller: 'reseller',
  'indirect-reseller': 'indirect-reseller',
  isv: 'isv',
  mpsa: 'mpsa',
  oem: 'oem',
  'line-of-business': 'line-of-business',
  lob: 'line-of-business',
};

/** A partner Dragon Desk knows of from configuration (`PARTNERS`). */
export interface KnownPartner {
  name: string;
  mpnId?: string;
  types: PartnerType[];
}

/**
 * `PARTNERS` lists the partners an organisation works with, because the customer side has no API
 * to read them (§9): `Name|MPN id|type+type;Name|…`, e.g.
 * `Fabrikam|1234567|reseller+gdap;Northwind Advisors|7654321|advisor`. The MPN id may be empty.
 */
export function parsePartnerList(text: string | undefined): { partners: KnownPartner[]; problems: string[] } {
  const partners: KnownPartner[] = [];
  const problems: string[] = [];
  for (const entry of (text ?? '')
    .split(';')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const [rawName = '', rawId = '', rawTypes = ''] = entry.split('|').map((p) => p.trim());
    if (!rawName) {
      problems.push(`“${entry}”: a partner needs a name (Name|MPN id|types)`);
      continue;
    }
    let mpnId: string | undefined;
    if (rawId) {
      const id = checkPartnerId(rawId);
      if (!id.ok) problems.push(`“${entry}”: ${id.reason}`);
      else mpnId = id.partnerId;
    }
    const types: PartnerType[] = [];
    for (const t of rawTypes
      .split(/[+,]/)
      .map((x) => x.trim().toLowerCase().replace(/\s+/g, '-'))
      .filter(Boolean)) {
      const type = TYPE_ALIASES[t];
      if (!type) problems.push(`“${entry}”: unknown partner type “${t}” (expected ${PARTNER_TYPE_ORDER.join(', ')})`);
      else if (!types.includes(type)) types.push(type);
    }
    partners.push({ name: rawName, mpnId, types });
  }
  return { partners, problems };
}

function simplify(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** A configured partner by MPN id or name ("Fabrikam", "fabrikam inc", "Northwind"). */
export function findPartner(
  partners: readonly KnownPartner[],
  written: { name?: string; partnerId?: string },
): KnownPartner | undefined {
  if (written.partnerId) {
    const byId = partners.find((p) => p.mpnId === written.partnerId);
    if (byId) return byId;
  }
  const name = written.name ? simplify(written.name) : '';
  if (!name) return undefined;
  const exact = partners.find((p) => simplify(p.name) === name);
  if (exact) return exact;
  // "Northwind" for "Northwind Advisors", "Fabrikam Inc" for "Fabrikam": one clear match only.
  const loose = partners.filter((p) => {
    const n = simplify(p.name);
    return n.startsWith(`${name} `) || name.startsWith(`${n} `);
  });
  return loose.length === 1 ? loose[0] : undefined;
}

/** "Fabrikam's", "Northwind Advisors'". */
export function possessive(name: string): string {
  return /s$/i.test(name) ? `${name}'` : `${name}'s`;
}

/** "Fabrikam (1234567)" or "Fabrikam" or "partner 1234567". */
export function partnerLabel(p: { name?: string; mpnId?: string }): string {
  if (p.name && p.mpnId) return `${p.name} (${p.mpnId})`;
  return p.name ?? `partner ${p.mpnId ?? '?'}`;
}

/** Admin roles a partner of these types can hold, as one sentence. */
export function describePartnerAccess(types: readonly PartnerType[]): string {
  if (!types.length) return 'Dragon Desk has no relationship type configured for this partner.';
  return types.map((t) => `${PARTNER_TYPES[t].label}: ${PARTNER_TYPES[t].roles}`).join('; ') + '.';
}

// ------------------------------------------------------------------------------------ PAL

/** What the confirmation card says about a Partner Admin Link (§7, Microsoft's PAL page). */
export const PAL_NOTES: readonly string[] = [
  "What a partner link does: it attributes the Azure revenue this partner influences through Dragon Desk's work in your tenant to their partner ID.",
  'What it does not do: it grants the partner no permission and shows them no customer data.',
  "It is per identity and per customer tenant: this link is on Dragon Desk's own identity (its service principal) in this tenant only. Links that people made themselves are separate.",
  'Only the identity that made a link can change or remove it, so this link can only be changed through Dragon Desk.',
];

// ------------------------------------------------------------------------------------ DPOR

/** Azure built-in Owner role definition id. */
export const OWNER_ROLE_GUID = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';

export function isOwnerRole(roleDefinitionId: string): boolean {
  return roleDefinitionId.toLowerCase().replace(/\/+$/, '').endsWith(OWNER_ROLE_GUID);
}

/**
 * Does an assignment at `scope` apply to the whole subscription? The subscription itself, the root
 * or a management group above it do; a resource group or resource inside it does not (an Owner of
 * one resource group is not the subscription's owner).
 */
export function scopeCoversSubscription(scope: string, subscriptionId: string): boolean {
  const s = scope.toLowerCase().replace(/\/+$/, '');
  if (s === '' || s === '/') return true;
  if (s.startsWith('/providers/microsoft.management/managementgroups/')) return true;
  return s === `/subscriptions/${subscriptionId.toLowerCase()}`;
}

export type ClassicRole = 'ServiceAdministrator' | 'CoAdministrator' | 'AccountAdministrator';

/** "ServiceAdministrator;AccountAdministrator" → both. */
export function classicRoles(role: string): ClassicRole[] {
  const known: ClassicRole[] = ['ServiceAdministrator', 'CoAdministrator', 'AccountAdministrator'];
  return role
    .split(/[;,]/)
    .map((r) => r.trim().toLowerCase())
    .map((r) => known.find((k) => k.toLowerCase() === r))
    .filter((r): r is ClassicRole => r !== undefined);
}

export const DPOR_RULE =
  "Microsoft's rule: only the customer designates a partner of record, and only the subscription's owner can attach one. Service administrators, co-administrators and partners acting as delegated admins can't.";

export type DporStanding = { may: true } | { may: false; why: 'guest' | 'service-admin' | 'co-admin' | 'not-owner' };

/**
 * May this person attach a partner of record to the subscription? A guest (how partner staff and
 * delegated admins sign in to a customer tenant) may not even if they hold Owner, because only the
 * customer designates the partner of record.
 */
export function dporStanding(facts: {
  isGuest: boolean;
  isOwner: boolean;
  classic: readonly ClassicRole[];
}): DporStanding {
  if (facts.isGuest) return { may: false, why: 'guest' };
  if (facts.isOwner) return { may: true };
  if (facts.classic.includes('ServiceAdministrator')) return { may: false, why: 'service-admin' };
  if (facts.classic.includes('CoAdministrator')) return { may: false, why: 'co-admin' };
  return { may: false, why: 'not-owner' };
}

export function dporRefusal(
  why: Exclude<DporStanding, { may: true }>['why'],
  subscriptionName: string,
  owners: readonly string[],
): string {
  const ask = owners.length
    ? ` Ask ${owners.join(' or ')} (Owner of ${subscriptionName}) to do it.`
    : ` Ask an Owner of ${subscriptionName} to do it.`;
  switch (why) {
    case 'guest':
      return `You sign in to this tenant as a guest, which is how partner staff and delegated admins work here. Only the customer can designate a partner of record: delegated admins can't attach or change it, whatever access they hold.${ask}`;
    case 'service-admin':
      return `You are a classic service administrator of ${subscriptionName}, not its Owner. Service administrators can't attach a partner of record; only the subscription's owner can.${ask}`;
    case 'co-admin':
      return `You are a classic co-administrator of ${subscriptionName}, not its Owner. Co-administrators can't attach a partner of record; only the subscription's owner can.${ask}`;
    case 'not-owner':
      return `You don't hold the Owner role on ${subscriptionName}, and only the subscription's owner can attach a partner of record.${ask}`;
  }
}

/**
 * Where the owner attaches the partner of record. [U] Microsoft documents DPOR only as portal steps
 * (§8); the blade and the "Partner information" label are taken from that guidance and may move.
 */
export const DPOR_PORTAL_URL = 'https://portal.azure.com/#blade/Microsoft_Azure_Billing/SubscriptionsBlade';

export function dporSteps(subscriptionName: string, partner: { name?: string; mpnId: string }): string[] {
  const who = partner.name ? possessive(partner.name) : "the partner's";
  return [
    `Sign in to the Azure portal with your own account (the Owner of ${subscriptionName}), not a shared or partner account.`,
    `Open Subscriptions and select ${subscriptionName}.`,
    `Open Partner information and enter ${who} partner ID ${partner.mpnId}.`,
    `Check that the partner name Microsoft shows is ${partner.name ?? 'the partner you expect'}, then save.`,
    'Come back here and press Confirm: Dragon Desk then records the designation.',
  ];
}

// ------------------------------------------------------------------------------------ partner roles (customer side)

/**
 * Who may manage partner relationships in the customer tenant: at least Billing Administrator
 * (Microsoft's partner-relationship docs); Global Administrator includes it, and the newer
 * Customer Delegated Admin Relationship Administrator role can terminate GDAP relationships (§9).
 */
export const PARTNER_RELATIONSHIP_MANAGERS: readonly AdminRole[] = [
  'globalAdministrator',
  'billingAdministrator',
  'customerDelegatedAdminRelationshipAdministrator',
];

/** [U] The admin center's Partner relationships page; Microsoft may move it. */
export const PARTNER_RELATIONSHIPS_URL = 'https://admin.microsoft.com/Adminportal/Home#/partners';

export function removeRolesSteps(partnerName: string): string[] {
  return [
    'Sign in to the Microsoft 365 admin center as a Billing Administrator or Global Administrator.',
    'Go to Settings → Partner relationships.',
    `Select ${partnerName}.`,
    `Choose Remove roles and confirm. This takes away ${possessive(partnerName)} admin roles (delegated admin and GDAP) in your tenant.`,
    'Come back here and press Confirm: Dragon Desk then records that the roles were removed.',
  ];
}

export const REMOVE_ROLES_KEEPS_RELATIONSHIP =
  'Removing roles does not end the relationship: the partner stays your partner (for example your reseller, with its subscriptions and billing) but can no longer administer your tenant.';

// ------------------------------------------------------------------------------------ GDAP (partner side)

export type GdapRoleKey =
  | 'license-administrator'
  | 'user-administrator'
  | 'helpdesk-administrator'
  | 'dragon-administrator'
  | 'global-reader'
  | 'service-support-administrator'
  | 'password-administrator'
  | 'global-administrator';

export interface GdapRoleOption {
  key: GdapRoleKey;
  name: string;
  templateId: string;
  /** Pre-selected on the offer card: the least privilege a Dragon-focused partner needs. */
  preselected: boolean;
  /** What the partner can do with it, on the card. */
  why: string;
}

/**
 * Roles a partner supporting Dragon Copilot may ask for. License Administrator assigns Dragon
 * licenses and Dragon Administrator runs the Dragon admin center (§5: it cannot assign licenses), so
 * those two are the least-privilege default.
 */
export const GDAP_ROLES: readonly GdapRoleOption[] = [
  {
    key: 'license-administrator',
    name: 'License Administrator',
    templateId: ROLE_TEMPLATE.licenseAdministrator,
    preselected: true,
    why: 'assign and remove Dragon Copilot licenses',
  },
  // [U] that GDAP accepts the Dragon Administrator role; it is a built-in Entra role (§5).
  {
    key: 'dragon-administrator',
    name: 'Dragon Administrator',
    templateId: ROLE_TEMPLATE.dragonAdministrator,
    preselected: true,
    why: 'manage the Dragon admin center',
  },
  {
    key: 'user-administrator',
    name: 'User Administrator',
    templateId: ROLE_TEMPLATE.userAdministrator,
    preselected: false,
    why: 'create users and manage groups',
  },
  {
    key: 'helpdesk-administrator',
    name: 'Helpdesk Administrator',
    templateId: ROLE_TEMPLATE.helpdeskAdministrator,
    preselected: false,
    why: 'reset passwords of non-admins',
  },
  {
    key: 'global-reader',
    name: 'Global Reader',
    templateId: ROLE_TEMPLATE.globalReader,
    preselected: false,
    why: 'read everything, change nothing',
  },
  // [U] template id: not in catalog.ts nor the reference; from Microsoft's permissions reference.
  {
    key: 'service-support-administrator',
    name: 'Service Support Administrator',
    templateId: 'f023fd81-a637-4b56-95fd-791ac0226033',
    preselected: false,
    why: 'open Microsoft support requests',
  },
  {
    key: 'password-administrator',
    name: 'Password Administrator',
    templateId: ROLE_TEMPLATE.passwordAdministrator,
    preselected: false,
    why: 'reset passwords (what legacy "limited" DAP gave)',
  },
  {
    key: 'global-administrator',
    name: 'Global Administrator',
    templateId: ROLE_TEMPLATE.globalAdministrator,
    preselected: false,
    why: 'everything (what legacy "full" DAP gave); not least privilege, and cannot auto-extend',
  },
];

export function gdapRole(key: string): GdapRoleOption | undefined {
  return GDAP_ROLES.find((r) => r.key === key);
}

/** "license-admin", "License Administrator", "dragon-admin" → the option key. */
export function normalizeGdapRole(written: string): GdapRoleKey | undefined {
  const key = written
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '-')
    .replace(/-admin$/, '-administrator');
  return GDAP_ROLES.find((r) => r.key === key)?.key;
}

export const GDAP_MIN_DAYS = 1;
export const GDAP_MAX_DAYS = 730;
export const GDAP_DEFAULT_DAYS = 180;
export const GDAP_AUTO_EXTEND = 'P180D';
export const GDAP_NO_AUTO_EXTEND = 'PT0S';
export const GDAP_MAX_DISPLAY_NAME = 50;

/** Choices on the offer card, all within P1D..P2Y. */
export const GDAP_DURATION_CHOICES: readonly { days: number; title: string }[] = [
  { days: 1, title: '1 day' },
  { days: 7, title: '1 week' },
  { days: 30, title: '30 days' },
  { days: 90, title: '90 days' },
  { days: 180, title: '180 days' },
  { days: 365, title: '1 year' },
  { days: 730, title: '2 years (the maximum)' },
];

/**
 * Whole days of an ISO 8601 duration (years 365 days, months 30, as the language layer counts), or
 * undefined. GDAP durations are whole days, so a time part (PT4H) is not accepted.
 */
export function gdapDays(iso: string): number | undefined {
  const m = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$/i.exec(iso.trim());
  if (!m || iso.trim().toUpperCase() === 'P') return undefined;
  const n = (i: number) => (m[i] ? Number(m[i]) : 0);
  return n(1) * 365 + n(2) * 30 + n(3) * 7 + n(4);
}

export function daysInWords(days: number): string {
  if (days === 730) return '2 years';
  if (days === 365) return '1 year';
  if (days % 7 === 0 && days < 30) return days === 7 ? '1 week' : `${days / 7} weeks`;
  return days === 1 ? '1 day' : `${days} days`;
}

export interface GdapOfferInput {
  roles: readonly string[];
  /** ISO 8601 duration. */
  duration: string;
  autoExtend: boolean;
}

export type GdapOfferCheck =
  | { ok: true; roles: GdapRoleOption[]; days: number; duration: string; autoExtendDuration: string }
  | { ok: false; problems: string[] };

/** The constraints Graph puts on a relationship (§9), checked before anything is sent. */
export function checkGdapOffer(input: GdapOfferInput): GdapOfferCheck {
  const problems: string[] = [];
  const roles: GdapRoleOption[] = [];
  for (const r of input.roles) {
    const opt = gdapRole(r);
    if (!opt) problems.push(`“${r}” is not one of the roles offered on the card.`);
    else if (!roles.includes(opt)) roles.push(opt);
  }
  if (input.roles.length === 0)
    problems.push('Choose at least one role: a delegated admin relationship without roles grants nothing.');
  const days = gdapDays(input.duration);
  if (days === undefined)
    problems.push(`“${input.duration}” is not a duration in whole days; choose one on the card (1 day to 2 years).`);
  else if (days < GDAP_MIN_DAYS || days > GDAP_MAX_DAYS)
    problems.push(
      `A delegated admin relationship lasts from 1 day to 2 years (730 days); ${daysInWords(days)} is outside that.`,
    );
  if (input.autoExtend && roles.some((r) => r.key === 'global-administrator'))
    problems.push(
      'A relationship that includes Global Administrator cannot auto-extend. Turn auto-extend off, or leave Global Administrator out.',
    );
  if (problems.length) return { ok: false, problems };
  return {
    ok: true,
    roles,
    days: days!,
    duration: `P${days}D`,
    autoExtendDuration: input.autoExtend ? GDAP_AUTO_EXTEND : GDAP_NO_AUTO_EXTEND,
  };
}

/**
 * displayName must be unique among the partner's relationships and at most 50 characters (§9): the
 * request number makes it unique, the customer name is shortened to fit.
 */
export function gdapDisplayName(customer: string, requestId: number): string {
  const tail = ` Dragon #${requestId}`;
  const room = GDAP_MAX_DISPLAY_NAME - tail.length;
  const name = customer.trim().replace(/\s+/g, ' ');
  const short = name.length > room ? `${name.slice(0, room - 1).trimEnd()}…` : name;
  return `${short}${tail}`;
}

/** The customer approval link: built from the relationship id, not the lockForApproval request id (§9). */
export function gdapApprovalLink(relationshipId: string): string {
  return `https://admin.microsoft.com/AdminPortal/Home#/partners/invitation/granularAdminRelationships/${encodeURIComponent(relationshipId)}`;
}

// ------------------------------------------------------------------------------------ DAP (legacy)

export type DapLevel = 'full' | 'limited';

export const DAP_LEVELS: Record<DapLevel, { label: string; grants: string; gdapEquivalent: GdapRoleKey }> = {
  full: {
    label: 'Full administration',
    grants: "Global Administrator: everything in the customer's tenant, with no end date",
    gdapEquivalent: 'global-administrator',
  },
  limited: {
    label: 'Limited administration',
    grants: 'Password Administrator: reset passwords and handle service requests, with no end date',
    gdapEquivalent: 'password-administrator',
  },
};

export function dapLevel(roles: readonly string[] | undefined): DapLevel | undefined {
  const r = (roles ?? []).map((x) => x.toLowerCase());
  if (r.includes('full')) return 'full';
  if (r.includes('limited')) return 'limited';
  return undefined;
}

/** [V-c] Microsoft's announcement as summarised by distributors (§10). */
export const DAP_RETIRED =
  'Since October 9, 2023 Microsoft no longer grants DAP with reseller relationships; a reseller invitation now carries no admin roles. GDAP replaces it: chosen roles, for a set time (1 day to 2 years), approved by the customer.';

// ------------------------------------------------------------------------------------ subscriptions

export interface NamedSubscription {
  subscriptionId: string;
  displayName: string;
}

export type SubscriptionMatch<S extends NamedSubscription> =
  { kind: 'one'; subscription: S } | { kind: 'many'; candidates: S[] } | { kind: 'none' };

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Which subscription "Contoso Health Production", "production" or a subscription id means. Never
 * picks among several: "Contoso Health" matches both Production and Dev/Test and is asked about.
 * Nothing written means the only subscription, when there is exactly one.
 */
export function matchSubscription<S extends NamedSubscription>(
  written: string | undefined,
  subs: readonly S[],
): SubscriptionMatch<S> {
  const text = (written ?? '')
    .trim()
    .replace(/\s+subscription$/i, '')
    .replace(/^the\s+/i, '');
  if (!text)
    return subs.length === 1
      ? { kind: 'one', subscription: subs[0] }
      : subs.length
        ? { kind: 'many', candidates: [...subs] }
        : { kind: 'none' };
  if (GUID.test(text)) {
    const byId = subs.find((s) => s.subscriptionId.toLowerCase() === text.toLowerCase());
    return byId ? { kind: 'one', subscription: byId } : { kind: 'none' };
  }
  const wanted = simplify(text);
  const exact = subs.filter((s) => simplify(s.displayName) === wanted);
  if (exact.length === 1) return { kind: 'one', subscription: exact[0] };
  const words = wanted.split(' ');
  const loose = subs.filter((s) => {
    const have = simplify(s.displayName).split(' ');
    return words.every((w) => have.includes(w));
  });
  if (loose.length === 1) return { kind: 'one', subscription: loose[0] };
  if (loose.length > 1) return { kind: 'many', candidates: loose };
  return { kind: 'none' };
}
