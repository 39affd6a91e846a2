/**
 * Delegated admin offers, partner side (when Dragon Desk runs in the partner's tenant): a GDAP
 * relationship request with least-privilege roles chosen on a card and a duration, created through
 * Graph `tenantRelationships/delegatedAdminRelationships`, locked for approval, and answered with
 * the customer approval link built from the relationship id (§9). A legacy "full" / "limited" DAP
 * ask is explained and answered with its GDAP equivalent (§10).
 */
import { gdapOfferCard } from '../cards/gdapOfferCard';
import type { CardActionData, CardVerb } from '../cards/verbs';
import {
  checkGdapOffer,
  DAP_LEVELS,
  DAP_RETIRED,
  dapLevel,
  daysInWords,
  GDAP_AUTO_EXTEND,
  GDAP_DEFAULT_DAYS,
  GDAP_ROLES,
  gdapApprovalLink,
  gdapDays,
  gdapDisplayName,
  gdapRole,
  normalizeGdapRole,
  type GdapRoleKey,
} from '../domain/partners';
import type { OfferPayload } from '../domain/payloads';
import type { DeskRequest } from '../domain/request';
import {
  DirectOnlyCapability,
  type Capability,
  type ExecutionContext,
  type ExecutionOutcome,
  type Precheck,
} from './capability';
import type { PartnerAccess } from './partnerAccess';
import { auditRefusal, createDirectDraft, customerTarget } from './partnerDrafts';
import type { RequestEngine } from './requests';
import { card, text, type Actor, type AdaptiveCard, type ClickResult, type Reply, type ServiceDeps } from './types';
import { auditEntry, SYSTEM_ACTOR } from './audit';
import { recordKind } from '../store/types';

type OfferRequest = DeskRequest<'partner.offer'>;

/** store.records kind: the relationship a request created, so a resumed execution never creates two. */
export const GDAP_OFFER = recordKind<{
  relationshipId: string;
  customer: string;
  requestId: number;
  createdAt: string;
}>('gdap-offer');

const WHAT = 'send delegated admin offers';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class DelegatedAdminService extends DirectOnlyCapability implements Capability<'partner.offer'> {
  readonly kinds = ['partner.offer'] as const;

  constructor(
    private readonly deps: ServiceDeps,
    private readonly engine: RequestEngine,
    private readonly access: PartnerAccess,
  ) {
    super();
    engine.register(this);
    engine.onDraftChoice('partner.offer', (req, actor, data, verb) => this.onOptions(req, actor, data, verb));
  }

  private offer(req: OfferRequest): OfferPayload {
    return req.payload;
  }

  // ---------------------------------------------------------------- asking

  /** "send Contoso Health a delegated admin offer" (roles and duration optional; "full DAP" explained). */
  async ask(actor: Actor, ask: { customer?: string; roles?: string[]; duration?: string }): Promise<Reply[]> {
    const standing = await this.access.operator(actor.id, WHAT);
    if (!standing.ok) {
      await auditRefusal(this.deps, actor, 'refused.partner-offer', { customer: ask.customer });
      return [text(standing.reason)];
    }
    if (!ask.customer?.trim())
      return [text('Which customer? Say for example "send Contoso Health a delegated admin offer".')];
    const replies: Reply[] = [];
    const dap = dapLevel(ask.roles);
    let roles: GdapRoleKey[] = GDAP_ROLES.filter((r) => r.preselected).map((r) => r.key);
    if (dap) {
      const level = DAP_LEVELS[dap];
      const equivalent = gdapRole(level.gdapEquivalent)!;
      replies.push(
        text(
          `A legacy DAP offer with ${level.label} gives the partner ${level.grants}. ${DAP_RETIRED} ` +
            `The GDAP equivalent is ${equivalent.name}, and I've pre-selected it below${dap === 'full' ? '; Microsoft recommends least privilege instead (License Administrator and Dragon Administrator cover Dragon Copilot work), and a relationship with Global Administrator cannot auto-extend' : ''}.`,
        ),
      );
      roles = [equivalent.key];
    } else if (ask.roles?.length) {
      const asked = ask.roles.map((r) => ({ written: r, key: normalizeGdapRole(r) }));
      const unknown = asked.filter((a) => !a.key).map((a) => a.written);
      const found = [...new Set(asked.map((a) => a.key).filter((k): k is GdapRoleKey => !!k))];
      if (found.length) roles = found;
      if (unknown.length)
        replies.push(
          text(
            `I don't offer ${unknown.map((u) => `“${u}”`).join(', ')} in a delegated admin offer; pick from the roles on the card.`,
          ),
        );
    }
    const customer = ask.customer.trim();
    const tenantId = GUID.test(customer) ? customer.toLowerCase() : null;
    const payload: OfferPayload = {
      stage: 'options',
      customer,
      customerTenantId: tenantId,
      roles,
      duration: ask.duration && gdapDays(ask.duration) !== undefined ? ask.duration : `P${GDAP_DEFAULT_DAYS}D`,
      autoExtend: false,
      dap: dap ?? null,
    };
    if (ask.duration && gdapDays(ask.duration) === undefined)
      replies.push(
        text(
          `A delegated admin relationship lasts whole days (1 day to 2 years), so I can't use “${ask.duration}”; choose a duration on the card.`,
        ),
      );
    const req = await createDirectDraft(this.deps, actor, {
      kind: 'partner.offer',
      subject: customer,
      payload,
      target: customerTarget(customer, tenantId ?? undefined),
    });
    replies.push(card(this.optionsCard(req, payload), { requestId: req.id, role: 'requester' }));
    return replies;
  }

  private optionsCard(
    req: OfferRequest,
    p: Pick<OfferPayload, 'customer' | 'roles' | 'duration' | 'autoExtend' | 'customerTenantId'>,
    problems?: string[],
  ): AdaptiveCard {
    return gdapOfferCard(req, {
      customer: p.customer,
      selectedRoles: p.roles,
      duration: p.duration,
      autoExtend: p.autoExtend,
      customerTenantId: p.customerTenantId,
      problems,
    });
  }

  /** Continue on the options card: the inputs are untrusted and checked against what was offered. */
  private async onOptions(req: OfferRequest, actor: Actor, data: CardActionData, verb: CardVerb): Promise<ClickResult> {
    const about = { requestId: req.id, role: 'requester' as const };
    const current = this.offer(req);
    if (verb !== 'request.resolve' || current.stage !== 'options')
      return { card: await this.engine.cardFor(req, { role: 'requester', id: actor.id }), about };
    const chosen = {
      roles: data.roles ?? [],
      duration: data.duration ?? current.duration,
      autoExtend: data.autoExtend ?? false,
    };
    const check = checkGdapOffer(chosen);
    // Empty: the offer stays open to whoever the link is sent to; a GUID locks it to that tenant.
    const tenantInput = data.customerTenantId ?? current.customerTenantId ?? '';
    const customerTenantId = tenantInput === '' ? null : GUID.test(tenantInput) ? tenantInput.toLowerCase() : undefined;
    if (!check.ok || customerTenantId === undefined) {
      const offered = chosen.roles.filter((r): r is GdapRoleKey => gdapRole(r) !== undefined);
      if (offered.length !== chosen.roles.length)
        await this.deps.store.audit.append({
          ...auditEntry(actor, 'refused.tampered-choice', req.tenantId, { roles: chosen.roles }),
          requestId: req.id,
        });
      return {
        card: this.optionsCard(
          req,
          {
            customer: current.customer,
            roles: offered,
            duration: chosen.duration,
            autoExtend: chosen.autoExtend,
            customerTenantId: customerTenantId === undefined ? tenantInput : customerTenantId,
          },
          [
            ...(check.ok ? [] : check.problems),
            ...(customerTenantId === undefined ? [`“${tenantInput}” is not a tenant ID (a GUID).`] : []),
          ],
        ),
        about,
      };
    }
    const next: OfferPayload = {
      ...current,
      customerTenantId,
      stage: 'summary',
      roles: check.roles.map((r) => r.key),
      duration: check.duration,
      autoExtend: check.autoExtendDuration === GDAP_AUTO_EXTEND,
      displayName: gdapDisplayName(current.customer, req.id),
    };
    const updated = await this.deps.store.requests.update(
      req.id,
      req.version,
      { payload: { ...req.payload, ...next } },
      auditEntry(actor, 'request.options-chosen', req.tenantId, {
        roles: next.roles,
        duration: next.duration,
        autoExtend: next.autoExtend,
        customerTenantId: next.customerTenantId,
      }),
    );
    if (!updated) return { message: 'This request changed while you were choosing; please look at the latest card.' };
    return { card: await this.engine.cardFor(updated, { role: 'requester', id: actor.id }), about };
  }

  // ---------------------------------------------------------------- capability

  title(): string {
    return 'Delegated admin (GDAP) relationship';
  }

  cardContext(req: OfferRequest) {
    const p = this.offer(req);
    const days = gdapDays(p.duration);
    const notes = [
      `Roles: ${p.roles.map((k) => gdapRole(k)?.name ?? k).join(', ')}.`,
      `Duration: ${days === undefined ? p.duration : daysInWords(days)}; auto-extend: ${p.autoExtend ? 'on (180 days)' : 'off'}.`,
      ...(p.displayName ? [`Relationship name: ${p.displayName}.`] : []),
      p.customerTenantId
        ? `Only the customer tenant ${p.customerTenantId} can approve it.`
        : 'Whoever you send the approval link to can approve it (no customer tenant ID was given).',
      ...(req.state === 'draft' || req.state === 'pending'
        ? [
            `On Confirm, Dragon Desk creates the relationship, locks it for approval and gives you the approval link for ${p.customer}'s Global Administrator. Nothing is granted until they approve it.`,
          ]
        : []),
      ...(req.payload.notes ?? []).filter(Boolean),
    ];
    return { notes };
  }

  async canActDirectly(actor: Actor): Promise<boolean> {
    return (await this.access.operator(actor.id, WHAT)).ok;
  }

  precheck(req: OfferRequest): Precheck {
    const p = this.offer(req);
    if (p.stage !== 'summary')
      return { ok: false, replies: [text('Choose the roles and duration on the offer card first. Nothing was sent.')] };
    const check = checkGdapOffer({ roles: p.roles, duration: p.duration, autoExtend: p.autoExtend });
    if (!check.ok) return { ok: false, replies: [text(`${check.problems.join(' ')} Nothing was sent.`)] };
    return { ok: true };
  }

  completedMessage(req: OfferRequest): string {
    return `Delegated admin offer for ${this.offer(req).customer} is ready (request #${req.id}).`;
  }

  // ---------------------------------------------------------------- execution

  /**
   * Create → lock for approval → link. The relationship id is kept before the lock, so a resumed
   * execution locks the relationship it made instead of creating a second one (create is not
   * replay-safe, and displayName must be unique).
   */
  async execute(req: OfferRequest, ctx: ExecutionContext): Promise<ExecutionOutcome> {
    const p = this.offer(req);
    const check = checkGdapOffer({ roles: p.roles, duration: p.duration, autoExtend: p.autoExtend });
    if (!check.ok) return { state: 'failed', errorCode: 'InvalidOffer', errorMessage: check.problems.join(' ') };
    const key = String(req.id);
    let relationshipId = (await this.deps.store.records.get(GDAP_OFFER, key))?.value.relationshipId;
    if (!relationshipId) {
      const rel = await this.deps.tenant.createGdapRelationship({
        displayName: p.displayName ?? gdapDisplayName(p.customer, req.id),
        duration: check.duration,
        // Without the customer's tenant id the offer is open: whoever the link is sent to approves it.
        customerTenantId: p.customerTenantId ?? undefined,
        roleDefinitionIds: check.roles.map((r) => r.templateId),
        autoExtendDuration: check.autoExtendDuration,
      });
      relationshipId = rel.id;
      await this.deps.store.records.put(
        GDAP_OFFER,
        key,
        { relationshipId, customer: p.customer, requestId: req.id, createdAt: this.deps.clock.now().toISOString() },
        req.requesterId,
      );
      await this.deps.store.audit.append({
        ...auditEntry(SYSTEM_ACTOR, 'graph.gdap.create', req.tenantId, {
          relationshipId,
          roles: p.roles,
          duration: check.duration,
        }),
        requestId: req.id,
      });
    }
    let rel = await this.deps.tenant.getGdapRelationship(relationshipId);
    if (!rel)
      return {
        state: 'failed',
        errorCode: 'NotFound',
        errorMessage: `The relationship ${relationshipId} that Dragon Desk created can no longer be found in Partner Center.`,
      };
    if (rel.status === 'created') {
      try {
        await this.deps.tenant.lockGdapRelationshipForApproval(relationshipId);
      } catch (err) {
        // A replayed lock after a lost answer finds it already locked; only that case is not a failure.
        const again = await this.deps.tenant.getGdapRelationship(relationshipId).catch(() => undefined);
        if (again?.status !== 'approvalPending') throw err;
      }
      await this.deps.store.audit.append({
        ...auditEntry(SYSTEM_ACTOR, 'graph.gdap.lockForApproval', req.tenantId, {
          relationshipId,
        }),
        requestId: req.id,
      });
      rel = (await this.deps.tenant.getGdapRelationship(relationshipId)) ?? rel;
    }
    if (
      rel.status !== 'approvalPending' &&
      rel.status !== 'approved' &&
      rel.status !== 'activating' &&
      rel.status !== 'active'
    )
      return {
        state: 'failed',
        errorCode: 'UnexpectedStatus',
        errorMessage: `The relationship ${relationshipId} is ${rel.status}, not waiting for the customer's approval.`,
      };
    await ctx.progress(req.targets[0].userId, 'done');
    const link = gdapApprovalLink(relationshipId);
    return {
      state: 'completed',
      notes: [
        `The offer is locked for approval. Customer approval link for ${p.customer}: ${link}`,
        `Send it to ${p.customer}'s Global Administrator; they approve it in the Microsoft 365 admin center. An offer nobody approves expires after 90 days.`,
      ],
    };
  }
}
