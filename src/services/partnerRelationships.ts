/**
 * Partner relationships, customer side: which partners the organisation works with, what each
 * type of partner can do in the tenant, and removing a partner's admin roles. Microsoft offers no
 * customer-side API for any of it (§9), so the list comes from configuration (`PARTNERS`) and from
 * what Dragon Desk recorded, and removing roles is a guided admin-center step that Dragon Desk
 * records once a Billing Administrator (or higher) confirms it is done.
 */
import { listCard, noticeCard } from '../cards';
import { formatTime } from '../cards/text';
import { ROLE_NAMES } from '../domain/catalog';
import {
  describePartnerAccess,
  findPartner,
  PARTNER_RELATIONSHIPS_URL,
  PARTNER_TYPE_ORDER,
  PARTNER_TYPES,
  partnerLabel,
  possessive,
  REMOVE_ROLES_KEEPS_RELATIONSHIP,
  removeRolesSteps,
  type KnownPartner,
} from '../domain/partners';
import type { DeskRequest } from '../domain/request';
import type { PartnerLink } from '../tenant/types';
import {
  DirectOnlyCapability,
  type Capability,
  type ExecutionContext,
  type ExecutionOutcome,
  type Precheck,
} from './capability';
import type { Directory } from './directory';
import type { PartnerAccess } from './partnerAccess';
import { auditRefusal, createDirectDraft, tenantTarget } from './partnerDrafts';
import type { PartnerOfRecordService } from './partnerOfRecord';
import type { RequestEngine } from './requests';
import { card, text, type Actor, type Reply, type ServiceDeps } from './types';
import { asText } from '../text';
import { auditEntry, SYSTEM_ACTOR } from './audit';
import { recordKind } from '../store/types';

type RolesRemovalRequest = DeskRequest<'partner.roles.remove'>;

export const PARTNER_ROLES_REMOVED = recordKind<RolesRemovedEntry>('partner-roles-removed');

export interface RolesRemovedEntry {
  partnerName: string;
  mpnId?: string;
  removedBy: string;
  removedByName: string;
  removedAt: string;
  requestId: number;
}

const NO_CUSTOMER_API =
  "Dragon Desk can't see which roles a partner actually holds: Microsoft offers no customer-side API for partner relationships. The Microsoft 365 admin center (Settings → Partner relationships) shows them.";

/** Key of a partner in Dragon Desk's records: its MPN id when known, else its name. */
function partnerKey(p: { name: string; mpnId?: string }): string {
  return p.mpnId ?? `name:${p.name.toLowerCase()}`;
}

export class PartnerRelationshipsService extends DirectOnlyCapability implements Capability<'partner.roles.remove'> {
  readonly kinds = ['partner.roles.remove'] as const;

  constructor(
    private readonly deps: ServiceDeps,
    private readonly directory: Directory,
    private readonly engine: RequestEngine,
    private readonly access: PartnerAccess,
    private readonly partnerOfRecord: PartnerOfRecordService,
  ) {
    super();
    engine.register(this);
  }

  private async rolesRemoved(): Promise<RolesRemovedEntry[]> {
    return (await this.deps.store.records.list(PARTNER_ROLES_REMOVED)).map((r) => r.value);
  }

  /** Configured partners plus any partner only Dragon Desk's records mention. */
  private async knownPartners(): Promise<{ partners: KnownPartner[]; link?: PartnerLink }> {
    const partners = [...this.deps.config.partners];
    const add = (name: string | undefined, mpnId: string | undefined) => {
      if (!name && !mpnId) return;
      if (findPartner(partners, { name, partnerId: mpnId })) return;
      partners.push({ name: name ?? `Partner ${mpnId}`, mpnId, types: [] });
    };
    for (const e of await this.partnerOfRecord.entries()) add(e.partnerName, e.partnerId);
    for (const e of await this.rolesRemoved()) add(e.partnerName, e.mpnId);
    const link = await this.deps.tenant.getPartnerLink().catch(() => undefined);
    if (link) add(link.partnerName ?? undefined, link.partnerId);
    return { partners, link };
  }

  /** What Dragon Desk has recorded about one partner, as card facts. */
  private async recordedFacts(
    p: KnownPartner,
    link: PartnerLink | undefined,
  ): Promise<{ title: string; value: string }[]> {
    const facts: { title: string; value: string }[] = [];
    for (const e of await this.partnerOfRecord.entries())
      if (
        (p.mpnId && e.partnerId === p.mpnId) ||
        (e.partnerName && e.partnerName.toLowerCase() === p.name.toLowerCase())
      )
        facts.push({
          title: 'Partner of record',
          value: `${e.subscriptionName} (recorded by ${e.recordedByName}, ${formatTime(e.recordedAt)})`,
        });
    const removed = (await this.rolesRemoved()).find(
      (e) => partnerKey({ name: e.partnerName, mpnId: e.mpnId }) === partnerKey(p),
    );
    if (removed)
      facts.push({
        title: 'Admin roles removed',
        value: `${removed.removedByName}, ${formatTime(removed.removedAt)} (the relationship itself continues)`,
      });
    if (link && p.mpnId && link.partnerId === p.mpnId)
      facts.push({ title: 'Partner Admin Link', value: "Dragon Desk's identity is linked to this partner ID" });
    return facts;
  }

  // ---------------------------------------------------------------- answers

  /** "which partners do we work with?" / "what can Fabrikam do in our tenant?" */
  async explain(_actor: Actor, ask: { partner?: string; partnerId?: string }): Promise<Reply[]> {
    const { partners, link } = await this.knownPartners();
    const typesCard = card(
      noticeCard({
        title: 'Partner types and the admin roles they can hold',
        text: `In the Microsoft 365 admin center a partner has one or more of these relationship types. ${NO_CUSTOMER_API}`,
        tone: 'default',
        facts: PARTNER_TYPE_ORDER.map((t) => ({ title: PARTNER_TYPES[t].label, value: PARTNER_TYPES[t].roles })),
        link: { title: 'Partner relationships in the admin center', url: PARTNER_RELATIONSHIPS_URL },
      }),
    );

    if (ask.partner || ask.partnerId) {
      const p = findPartner(partners, { name: ask.partner, partnerId: ask.partnerId });
      if (!p)
        return [
          text(
            // The card that follows says what Dragon Desk cannot see; the text does not say it twice.
            `Dragon Desk doesn't know a partner called ${ask.partner ?? ask.partnerId}: it isn't configured (PARTNERS) and nothing about it was recorded. What a partner of each type can hold, and where to see the roles yours hold:`,
          ),
          typesCard,
        ];
      const facts = [
        ...(p.mpnId ? [{ title: 'Partner ID', value: p.mpnId }] : []),
        ...p.types.map((t) => ({ title: PARTNER_TYPES[t].label, value: PARTNER_TYPES[t].roles })),
        ...(await this.recordedFacts(p, link)),
      ];
      const types = p.types.map((t) => PARTNER_TYPES[t].label).join(' and ');
      return [
        card(
          noticeCard({
            title: `What ${p.name} can do in your tenant`,
            text:
              (types
                ? `${p.name} is your ${types} (from Dragon Desk's configuration). The admin roles a partner can hold depend on that: ${describePartnerAccess(p.types)} `
                : `Dragon Desk knows ${p.name} only from its own records; no relationship type is configured. `) +
              `${NO_CUSTOMER_API} A Billing Administrator can say "remove ${possessive(p.name)} admin roles".`,
            tone: 'default',
            facts,
            link: { title: 'Partner relationships in the admin center', url: PARTNER_RELATIONSHIPS_URL },
          }),
        ),
      ];
    }

    const rows: string[][] = [];
    for (const p of partners) {
      const recorded = (await this.recordedFacts(p, link)).map((f) => f.title).join(', ');
      const roles = p.types
        .map((t) =>
          p.types.length > 1 ? `${PARTNER_TYPES[t].label}: ${PARTNER_TYPES[t].roles}` : PARTNER_TYPES[t].roles,
        )
        .join('; ');
      rows.push([
        p.name,
        p.mpnId ?? '—',
        p.types.map((t) => PARTNER_TYPES[t].label).join(', ') || 'not configured',
        roles || '—',
        recorded || '—',
      ]);
    }
    return [
      card(
        listCard({
          title: 'Partners Dragon Desk knows of',
          subtitle: "From Dragon Desk's configuration and its own records (the admin center is the authority).",
          columns: ['Partner', 'Partner ID', 'Type', 'Admin roles they can hold', 'Recorded'],
          rows,
          emptyText: 'No partners are configured (PARTNERS) and none were recorded.',
        }),
      ),
      typesCard,
    ];
  }

  // ---------------------------------------------------------------- removing roles

  /** "remove Fabrikam's admin roles": guided admin-center steps, recorded when confirmed. */
  async askRemoveRoles(actor: Actor, ask: { partner?: string; partnerId?: string }): Promise<Reply[]> {
    const role = await this.access.relationshipManagerRole(actor.id);
    if (!role) {
      await auditRefusal(this.deps, actor, 'refused.partner-roles', { partner: ask.partner });
      const billing = await this.directory.roleHolders('billingAdministrator', 'cached').catch(() => []);
      const who = billing.length
        ? ` Ask a Billing Administrator, for example ${billing
            .slice(0, 3)
            .map((b) => b.displayName)
            .join(' or ')}.`
        : '';
      return [
        text(
          `Removing a partner's admin roles needs at least the Billing Administrator role (${this.access.relationshipManagersInWords()} can). You hold none of them, so nothing was changed.${who}`,
        ),
      ];
    }
    if (!ask.partner && !ask.partnerId)
      return [text('Which partner? Say for example "remove Fabrikam\'s admin roles".')];
    const { partners } = await this.knownPartners();
    const known = findPartner(partners, { name: ask.partner, partnerId: ask.partnerId });
    const name = known?.name ?? ask.partner ?? `Partner ${ask.partnerId}`;
    const notes: string[] = [];
    if (!known)
      notes.push(
        `Dragon Desk doesn't know a partner called ${name}; the steps work for any partner listed in the admin center.`,
      );
    else if (
      known.types.length &&
      known.types.every((t) => PARTNER_TYPES[t].access === 'none' || PARTNER_TYPES[t].access === 'not-assignable')
    )
      notes.push(
        `Dragon Desk's configuration lists ${name} as ${known.types.map((t) => PARTNER_TYPES[t].label).join(' and ')}, which hold no admin roles; there may be nothing to remove.`,
      );

    const req = await createDirectDraft(this.deps, actor, {
      kind: 'partner.roles.remove',
      subject: partnerKey({ name, mpnId: known?.mpnId ?? ask.partnerId }),
      payload: { partnerName: name, mpnId: known?.mpnId ?? ask.partnerId ?? null, actingAs: ROLE_NAMES[role], notes },
      target: tenantTarget(),
    });
    const steps = noticeCard({
      title: `Remove ${possessive(name)} admin roles`,
      text: `Microsoft offers no API for this on the customer side, so you do it in the Microsoft 365 admin center. ${REMOVE_ROLES_KEEPS_RELATIONSHIP}`,
      tone: 'warning',
      facts: [{ title: 'Partner', value: partnerLabel({ name, mpnId: known?.mpnId ?? ask.partnerId }) }],
      steps: removeRolesSteps(name),
      link: { title: 'Open Partner relationships', url: PARTNER_RELATIONSHIPS_URL },
    });
    return [card(steps), await this.engine.draftReply(req)];
  }

  // ---------------------------------------------------------------- capability

  private partnerName(req: RolesRemovalRequest): string {
    return asText(req.payload.partnerName) || req.subject;
  }

  /**
   * Names the change, not just the partner: the title heads the card, "my requests" and the
   * requester's "Done: … is complete — {title}" message, where a bare "Fabrikam" said nothing.
   */
  title(req: RolesRemovalRequest): string {
    return `Remove ${possessive(this.partnerName(req))} admin roles`;
  }

  cardContext(req: RolesRemovalRequest) {
    return {
      // The card's fact reads "Remove roles of {subject}".
      subject: this.partnerName(req),
      notes: [
        `Press Confirm once you have removed ${possessive(this.partnerName(req))} roles in the admin center. Dragon Desk then records it; it can't remove them for you.`,
        REMOVE_ROLES_KEEPS_RELATIONSHIP,
        ...(req.payload.notes ?? []).filter(Boolean),
      ],
    };
  }

  async canActDirectly(actor: Actor): Promise<boolean> {
    return (await this.access.relationshipManagerRole(actor.id)) !== undefined;
  }

  precheck(): Precheck {
    return { ok: true };
  }

  completedMessage(req: RolesRemovalRequest): string {
    return `Recorded: ${possessive(this.partnerName(req))} admin roles were removed (request #${req.id}). ${REMOVE_ROLES_KEEPS_RELATIONSHIP}`;
  }

  async execute(req: RolesRemovalRequest, ctx: ExecutionContext): Promise<ExecutionOutcome> {
    const entry: RolesRemovedEntry = {
      partnerName: this.partnerName(req),
      mpnId: req.payload.mpnId ?? undefined,
      removedBy: req.decidedBy ?? req.requesterId,
      removedByName: req.decidedByName ?? req.requesterName,
      removedAt: req.decidedAt ?? this.deps.clock.now().toISOString(),
      requestId: req.id,
    };
    await this.deps.store.records.put(PARTNER_ROLES_REMOVED, req.subject, entry, entry.removedBy);
    await this.deps.store.audit.append({
      ...auditEntry(SYSTEM_ACTOR, 'record.partner-roles-removed', req.tenantId, {
        ...entry,
      }),
      requestId: req.id,
    });
    await ctx.progress(req.targets[0].userId, 'done');
    return {
      state: 'completed',
      notes: [
        `Dragon Desk recorded that ${possessive(entry.partnerName)} admin roles were removed.`,
        REMOVE_ROLES_KEEPS_RELATIONSHIP,
      ],
    };
  }
}
