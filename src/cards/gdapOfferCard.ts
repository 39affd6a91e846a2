/**
 * "Which roles, for how long?": the partner-side delegated admin (GDAP) offer, before anything is
 * sent to Microsoft. A multi-select of least-privilege roles (pre-selected) and a duration; the
 * values come back as inputs merged into the click, so the handler checks them against
 * GDAP_ROLES and the documented limits (domain/partners.ts) — never trusts them.
 */
import type { DeskRequest } from '../domain/request';
import { daysInWords, GDAP_DURATION_CHOICES, GDAP_ROLES, gdapDays, type GdapRoleKey } from '../domain/partners';
import { renderCard } from './template';
import { userText } from './text';
import type { AdaptiveCard } from './types';

export interface GdapOfferCardOptions {
  customer: string;
  selectedRoles: readonly GdapRoleKey[];
  /** ISO 8601, pre-selected in the duration list (added to it when it is not one of the usual choices). */
  duration: string;
  autoExtend: boolean;
  /** The customer's Entra tenant id, when the offer is for that tenant only. */
  customerTenantId?: string | null;
  /** What was wrong with the last attempt, shown in red. */
  problems?: string[];
}

export interface GdapOfferView {
  requestId: number;
  version: number;
  title: string;
  subtitle: string;
  intro: string;
  problems: { text: string }[];
  roles: { title: string; value: string }[];
  selectedRoles: string;
  durations: { title: string; value: string }[];
  selectedDuration: string;
  autoExtend: string;
  customerTenantId: string;
  footer: string;
}

export function gdapOfferView(req: DeskRequest, o: GdapOfferCardOptions): GdapOfferView {
  const durations = GDAP_DURATION_CHOICES.map((d) => ({ title: d.title, value: `P${d.days}D` }));
  const days = gdapDays(o.duration);
  let selectedDuration = days === undefined ? 'P180D' : `P${days}D`;
  if (days !== undefined && !durations.some((d) => d.value === selectedDuration)) {
    // What they asked for in chat stays visible even when it is out of range; Continue then says why.
    durations.push({ title: `${daysInWords(days)} (as you asked)`, value: selectedDuration });
  }
  if (!durations.some((d) => d.value === selectedDuration)) selectedDuration = 'P180D';
  return {
    requestId: req.id,
    version: req.version,
    title: `Delegated admin offer for ${userText(o.customer)}`,
    subtitle: `Request #${req.id}`,
    intro:
      `Choose the roles your team needs in ${userText(o.customer)}'s tenant and for how long. Microsoft recommends least privilege: ` +
      'License Administrator and Dragon Administrator cover Dragon Copilot work and are pre-selected.',
    problems: (o.problems ?? []).map((p) => ({ text: userText(p) })),
    roles: GDAP_ROLES.map((r) => ({ title: `${r.name} — ${r.why}`, value: r.key })),
    selectedRoles: o.selectedRoles.join(','),
    durations,
    selectedDuration,
    autoExtend: o.autoExtend ? 'true' : 'false',
    customerTenantId: o.customerTenantId ?? '',
    footer:
      'Nothing is sent yet: Continue shows a summary to confirm. The customer must approve the offer before any role is granted.',
  };
}

export function gdapOfferCard(req: DeskRequest, o: GdapOfferCardOptions): AdaptiveCard {
  return renderCard('gdap-offer', gdapOfferView(req, o));
}
