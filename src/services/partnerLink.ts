/**
 * Partner Admin Link (PAL): linking, changing and removing the partner id on Dragon Desk's *own*
 * identity in this tenant, through ARM `Microsoft.ManagementPartner/partners` (§7). A service
 * principal is what Microsoft recommends partners link; the tenant client's token is the app's, so
 * every call here acts as Dragon Desk, never as the person asking. Only Global Administrators and
 * partner operators may change it, after a confirmation card that says what a link does and doesn't.
 */
import { formatTime } from '../cards/text';
import { checkPartnerId, findPartner, PAL_NOTES } from '../domain/partners';
import type { DeskRequest } from '../domain/request';
import { explainTenantError, tenantErrorKind } from '../tenant/errors';
import { TenantError, type PartnerLink } from '../tenant/types';
import {
  DirectOnlyCapability,
  type Capability,
  type ExecutionContext,
  type ExecutionOutcome,
  type Precheck,
} from './capability';
import type { PartnerAccess } from './partnerAccess';
import { auditRefusal, createDirectDraft, DRAGON_DESK_TARGET } from './partnerDrafts';
import type { RequestEngine } from './requests';
import { text, type Actor, type Reply, type ServiceDeps } from './types';
import { asText } from '../text';
import { auditEntry, SYSTEM_ACTOR } from './audit';

type LinkRequest = DeskRequest<'partner.link' | 'partner.link.update' | 'partner.link.remove'>;

export type PartnerLinkKind = 'partner.link' | 'partner.link.update' | 'partner.link.remove';
const KINDS = ['partner.link', 'partner.link.update', 'partner.link.remove'] as const;

const WHAT = "link, change or remove Dragon Desk's partner ID";

export class PartnerLinkService
  extends DirectOnlyCapability
  implements Capability<'partner.link' | 'partner.link.update' | 'partner.link.remove'>
{
  readonly kinds = KINDS;

  constructor(
    private readonly deps: ServiceDeps,
    private readonly engine: RequestEngine,
    private readonly access: PartnerAccess,
  ) {
    super();
    engine.register(this);
  }

  private nameOf(partnerId: string | undefined, fromArm?: string | null): string | undefined {
    if (!partnerId) return undefined;
    return findPartner(this.deps.config.partners, { partnerId })?.name ?? (fromArm || undefined);
  }

  private label(partnerId: string, name?: string): string {
    return `MPN ID ${partnerId}${name ? ` (${name})` : ''}`;
  }

  // ---------------------------------------------------------------- answers

  /** "what partner ID is linked?": the no-id GET returns the caller's (Dragon Desk's) single link. */
  async show(_actor: Actor): Promise<Reply[]> {
    let link: PartnerLink | undefined;
    try {
      link = await this.deps.tenant.getPartnerLink();
    } catch (err) {
      return [text(`I couldn't read Dragon Desk's partner link: ${explainTenantError(err)}`)];
    }
    const others =
      "This is Dragon Desk's own link; links that people made with their own accounts are separate, and only they can see or change them.";
    if (!link)
      return [
        text(
          `No partner ID is linked to Dragon Desk's identity in this tenant. A Global Administrator or partner operator can say "link our MPN ID 1234567". ${others}`,
        ),
      ];
    const since = link.createdTime ? ` since ${formatTime(link.createdTime)}` : '';
    const changed =
      link.updatedTime && link.updatedTime !== link.createdTime ? `, last changed ${formatTime(link.updatedTime)}` : '';
    return [
      text(
        `Dragon Desk's identity in this tenant is linked to ${this.label(link.partnerId, this.nameOf(link.partnerId, link.partnerName))}${since}${changed}. ${others}`,
      ),
    ];
  }

  // ---------------------------------------------------------------- asking

  /** "link our MPN ID 1234567" / "change our partner ID to …" / "remove the partner link". */
  async ask(actor: Actor, ask: { partnerId?: string }, asked: PartnerLinkKind): Promise<Reply[]> {
    const standing = await this.access.operator(actor.id, WHAT);
    if (!standing.ok) {
      await auditRefusal(this.deps, actor, 'refused.partner-link', { kind: asked });
      return [text(standing.reason)];
    }
    let partnerId: string | undefined;
    if (asked !== 'partner.link.remove' || ask.partnerId !== undefined) {
      const id = checkPartnerId(ask.partnerId);
      if (!id.ok) return [text(`${id.reason} Nothing was changed.`)];
      partnerId = id.partnerId;
    }
    let current: PartnerLink | undefined;
    try {
      current = await this.deps.tenant.getPartnerLink();
    } catch (err) {
      return [
        text(`I couldn't read Dragon Desk's current partner link, so nothing was changed: ${explainTenantError(err)}`),
      ];
    }
    const currentLabel = current && this.label(current.partnerId, this.nameOf(current.partnerId, current.partnerName));

    let kind: PartnerLinkKind = asked;
    const notes: string[] = [];
    if (asked === 'partner.link.remove') {
      if (!current)
        return [
          text("No partner ID is linked to Dragon Desk's identity in this tenant, so there is nothing to remove."),
        ];
      if (partnerId && partnerId !== current.partnerId)
        return [
          text(
            `Dragon Desk's identity is linked to ${currentLabel}, not ${partnerId}, so nothing was removed. Say "remove the partner link" to remove ${current.partnerId}.`,
          ),
        ];
      partnerId = current.partnerId;
    } else if (current?.partnerId === partnerId) {
      return [text(`Dragon Desk's identity is already linked to ${currentLabel}. Nothing needed to change.`)];
    } else if (current) {
      // A link holds one partner id: linking another one is a change of the existing link.
      kind = 'partner.link.update';
      if (asked === 'partner.link')
        notes.push(
          `Dragon Desk's identity is linked to ${currentLabel} now. An identity has one link, so this replaces it.`,
        );
    } else if (asked === 'partner.link.update') {
      kind = 'partner.link';
      notes.push('No partner ID is linked yet, so this creates the link.');
    }

    const req = await createDirectDraft(this.deps, actor, {
      kind,
      subject: partnerId!,
      payload: {
        partnerName: this.nameOf(partnerId),
        previous: current?.partnerId ?? null,
        previousName: current ? (this.nameOf(current.partnerId, current.partnerName) ?? null) : null,
        notes,
      },
      target: DRAGON_DESK_TARGET,
    });
    return [await this.engine.draftReply(req)];
  }

  // ---------------------------------------------------------------- capability

  title(req: LinkRequest): string {
    const name = req.payload.partnerName ?? undefined;
    if (req.kind === 'partner.link.remove') return `Partner Admin Link to ${this.label(req.subject, name)}`;
    if (req.kind === 'partner.link.update')
      return `${this.label(req.subject, name)} via Partner Admin Link, replacing ${asText(req.payload.previous) || 'the current ID'}`;
    return `${this.label(req.subject, name)} via Partner Admin Link`;
  }

  cardContext(req: LinkRequest) {
    const extra = (req.payload.notes ?? []).filter(Boolean);
    const notes =
      req.kind === 'partner.link.remove'
        ? [
            ...extra,
            "Removing the link stops attributing Dragon Desk's work in this tenant to this partner. It changes no permission.",
            PAL_NOTES[2],
            PAL_NOTES[3],
          ]
        : [...extra, ...PAL_NOTES];
    return { notes };
  }

  async canActDirectly(actor: Actor): Promise<boolean> {
    return (await this.access.operator(actor.id, WHAT)).ok;
  }

  /** The link may have changed since the card was made (someone else, another instance). */
  async precheck(req: LinkRequest): Promise<Precheck> {
    let current: PartnerLink | undefined;
    try {
      current = await this.deps.tenant.getPartnerLink();
    } catch (err) {
      return {
        ok: false,
        replies: [
          text(`I couldn't read Dragon Desk's partner link, so nothing was changed: ${explainTenantError(err)}`),
        ],
      };
    }
    const changed = (now: string) => ({
      ok: false as const,
      replies: [
        text(
          `Dragon Desk's partner link changed since this card was made: ${now}. Nothing was changed; ask again if it is still needed.`,
        ),
      ],
    });
    if (req.kind === 'partner.link') {
      if (current?.partnerId === req.subject)
        return {
          ok: false,
          replies: [
            text(`Dragon Desk's identity is already linked to MPN ID ${req.subject}. Nothing needed to change.`),
          ],
        };
      if (current) return changed(`it is now linked to MPN ID ${current.partnerId}`);
    } else if (req.kind === 'partner.link.update') {
      if (!current) return changed('no partner ID is linked any more');
      if (current.partnerId !== req.payload.previous) return changed(`it is now linked to MPN ID ${current.partnerId}`);
    } else if (!current || current.partnerId !== req.subject) {
      return changed(current ? `it is now linked to MPN ID ${current.partnerId}` : 'no partner ID is linked any more');
    }
    return { ok: true };
  }

  completedMessage(req: LinkRequest): string {
    return `Request #${req.id} is done: ${this.title(req)}.`;
  }

  // ---------------------------------------------------------------- execution

  /** Idempotent: a resumed execution first looks at what the link already is. */
  async execute(req: LinkRequest, ctx: ExecutionContext): Promise<ExecutionOutcome> {
    const id = req.subject;
    const name = req.payload.partnerName ?? undefined;
    const audit = (action: string, detail?: Record<string, unknown>) =>
      this.deps.store.audit.append({
        ...auditEntry(SYSTEM_ACTOR, action, req.tenantId, { partnerId: id, ...detail }),
        requestId: req.id,
      });

    if (req.kind === 'partner.link.remove') {
      const before = await this.deps.tenant.getPartnerLink();
      if (before && before.partnerId !== id)
        return {
          state: 'failed',
          errorCode: 'LinkChanged',
          errorMessage: `Dragon Desk's identity is now linked to MPN ID ${before.partnerId}, not ${id}; nothing was removed.`,
        };
      if (before) {
        await this.deps.tenant.deletePartnerLink(id);
        await audit('arm.partnerLink.delete');
      }
      const after = await this.deps.tenant.getPartnerLink();
      if (after)
        return {
          state: 'failed',
          errorCode: 'NotVerified',
          errorMessage: `Azure still shows MPN ID ${after.partnerId} linked after the removal; please try again later.`,
        };
      await ctx.progress(DRAGON_DESK_TARGET.userId, 'done');
      return {
        state: 'completed',
        notes: ["Azure shows no partner ID on Dragon Desk's identity in this tenant any more."],
      };
    }

    const before = await this.deps.tenant.getPartnerLink();
    if (before?.partnerId !== id) {
      try {
        if (req.kind === 'partner.link') await this.deps.tenant.createPartnerLink(id);
        else await this.deps.tenant.updatePartnerLink(id);
        await audit(req.kind === 'partner.link' ? 'arm.partnerLink.create' : 'arm.partnerLink.update', {
          previous: before?.partnerId,
        });
      } catch (err) {
        if (!(err instanceof TenantError)) throw err;
        const kind = tenantErrorKind(err);
        if (kind !== 'arm-conflict' && kind !== 'arm-not-found' && kind !== 'arm-bad-request') throw err;
        // Say what Azure refused, and what the link is now, so the next step is obvious.
        const now = await this.deps.tenant.getPartnerLink().catch(() => undefined);
        if (now?.partnerId === id) {
          await ctx.progress(DRAGON_DESK_TARGET.userId, 'done');
          return {
            state: 'completed',
            notes: [`Azure now shows ${this.label(id, name)} on Dragon Desk's link in this tenant.`],
          };
        }
        const state = now
          ? ` It is linked to MPN ID ${now.partnerId} now; say "change our partner ID to ${id}" to replace it.`
          : kind === 'arm-not-found'
            ? ` No partner ID is linked now; say "link our MPN ID ${id}".`
            : '';
        await audit('arm.partnerLink.refused', { code: err.code, status: err.status });
        return { state: 'failed', errorCode: err.code, errorMessage: `${explainTenantError(err)}${state}` };
      }
    }
    const after = await this.deps.tenant.getPartnerLink();
    if (after?.partnerId !== id)
      return {
        state: 'failed',
        errorCode: 'NotVerified',
        errorMessage: `Azure did not show MPN ID ${id} on Dragon Desk's link afterwards${after ? ` (it shows ${after.partnerId})` : ''}; please check and try again.`,
      };
    await ctx.progress(DRAGON_DESK_TARGET.userId, 'done');
    return {
      state: 'completed',
      notes: [
        `Azure now shows ${this.label(id, name ?? this.nameOf(id, after.partnerName))} on Dragon Desk's link in this tenant.`,
      ],
    };
  }
}
