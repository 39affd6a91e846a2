/**
 * Digital Partner of Record (DPOR): there is no public API to set or read it (§8), so this is a
 * guided flow. Dragon Desk checks that the asker is the subscription's Owner (Azure RBAC at the
 * subscription scope), shows the portal steps, and records the designation in `store.records` once
 * the owner confirms it is done. One record per subscription; replacing one is an explicit step
 * that names the partner being replaced. Answers say they come from Dragon Desk's record.
 */
import { confirmStepCard } from '../cards/confirmStepCard';
import { noticeCard } from '../cards';
import { formatTime } from '../cards/text';
import type { CardActionData, CardVerb } from '../cards/verbs';
import {
  checkPartnerId,
  classicRoles,
  DPOR_PORTAL_URL,
  DPOR_RULE,
  dporRefusal,
  dporStanding,
  dporSteps,
  findPartner,
  isOwnerRole,
  matchSubscription,
  partnerLabel,
  scopeCoversSubscription,
  type DporStanding,
} from '../domain/partners';
import type { ReplacedPartner } from '../domain/payloads';
import { sameKind, type DeskRequest } from '../domain/request';
import { explainTenantError } from '../tenant/errors';
import type { AzureSubscription } from '../tenant/types';
import {
  DirectOnlyCapability,
  type Capability,
  type ExecutionContext,
  type ExecutionOutcome,
  type Precheck,
} from './capability';
import { auditRefusal, createDirectDraft, subscriptionTarget } from './partnerDrafts';
import type { RequestEngine } from './requests';
import { card, text, type Actor, type AdaptiveCard, type ClickResult, type Reply, type ServiceDeps } from './types';
import { auditEntry, SYSTEM_ACTOR } from './audit';
import { recordKind } from '../store/types';

type RecordRequest = DeskRequest<'partner.record'>;

export const PARTNER_OF_RECORD = recordKind<PartnerOfRecordEntry>('partner-of-record');

/** What Dragon Desk keeps per subscription (store.records, kind `partner-of-record`, key = subscription id). */
export interface PartnerOfRecordEntry {
  partnerId: string;
  partnerName?: string;
  subscriptionId: string;
  subscriptionName: string;
  recordedBy: string;
  recordedByName: string;
  recordedAt: string;
  requestId: number;
  replaced?: { partnerId: string; partnerName?: string } | null;
}

const NO_API =
  "Dragon Desk can't read Microsoft's own record: Microsoft offers no API for the partner of record, so the Azure portal is the authority.";

export class PartnerOfRecordService extends DirectOnlyCapability implements Capability<'partner.record'> {
  readonly kinds = ['partner.record'] as const;

  constructor(
    private readonly deps: ServiceDeps,
    private readonly engine: RequestEngine,
  ) {
    super();
    engine.register(this);
    engine.onDraftChoice('partner.record', (req, actor, data, verb) => this.onChoice(req, actor, data, verb));
  }

  // ---------------------------------------------------------------- reading

  private async entry(subscriptionId: string): Promise<PartnerOfRecordEntry | undefined> {
    const rec = await this.deps.store.records.get(PARTNER_OF_RECORD, subscriptionId.toLowerCase());
    return rec?.value;
  }

  async entries(): Promise<PartnerOfRecordEntry[]> {
    return (await this.deps.store.records.list(PARTNER_OF_RECORD)).map((r) => r.value);
  }

  private describe(e: PartnerOfRecordEntry): string {
    return `${partnerLabel({ name: e.partnerName, mpnId: e.partnerId })} is the partner of record for ${e.subscriptionName}: ${e.recordedByName} confirmed it on ${formatTime(e.recordedAt)}`;
  }

  /** "who is our partner of record?" — from Dragon Desk's record, and says so. */
  async show(_actor: Actor, ask: { subscription?: string }): Promise<Reply[]> {
    const all = await this.entries();
    if (ask.subscription) {
      const subs = await this.deps.tenant.listSubscriptions().catch(() => [] as AzureSubscription[]);
      const known = subs.length
        ? subs
        : all.map((e) => ({ subscriptionId: e.subscriptionId, displayName: e.subscriptionName, state: '' }));
      const m = matchSubscription(ask.subscription, known);
      if (m.kind === 'many')
        return [
          text(`“${ask.subscription}” could mean ${m.candidates.map((c) => c.displayName).join(' or ')}. Which one?`),
        ];
      if (m.kind === 'none')
        return [text(`I can't find a subscription called “${ask.subscription}”. ${this.existing(known)}`)];
      const e = all.find((x) => x.subscriptionId.toLowerCase() === m.subscription.subscriptionId.toLowerCase());
      if (!e)
        return [
          text(
            `Dragon Desk has no partner of record recorded for ${m.subscription.displayName}. ${NO_API} If one was attached outside Dragon Desk, check there.`,
          ),
        ];
      return [text(`According to Dragon Desk's record, ${this.describe(e)}. ${NO_API}`)];
    }
    if (!all.length)
      return [
        text(
          `Dragon Desk has no partner of record recorded for any subscription. ${NO_API} A subscription's Owner can say "make Fabrikam (1234567) partner of record for the Production subscription".`,
        ),
      ];
    if (all.length === 1) return [text(`According to Dragon Desk's record, ${this.describe(all[0])}. ${NO_API}`)];
    const lines = all.map((e) => `- ${this.describe(e)}.`);
    return [text(`According to Dragon Desk's record:\n\n${lines.join('\n')}\n\n${NO_API}`)];
  }

  private existing(subs: readonly { displayName: string }[]): string {
    return subs.length
      ? `The subscriptions I can see are ${subs.map((s) => s.displayName).join(', ')}.`
      : 'I can see no Azure subscriptions in this tenant.';
  }

  // ---------------------------------------------------------------- standing

  /**
   * Owner on the subscription (directly or through a group, at the subscription or above), and the
   * facts that explain a refusal: guest account, classic service admin / co-admin. Read fresh.
   */
  async standing(actorId: string, subscriptionId: string): Promise<{ standing: DporStanding; owners: string[] }> {
    const [user, assignments, groupIds, classic] = await Promise.all([
      this.deps.tenant.getUser(actorId),
      this.deps.tenant.listSubscriptionRoleAssignments(subscriptionId),
      this.deps.tenant.getUserGroupIds(actorId),
      this.deps.tenant.listClassicAdministrators(subscriptionId),
    ]);
    const mine = new Set([actorId.toLowerCase(), ...groupIds.map((g) => g.toLowerCase())]);
    const ownerAssignments = assignments.filter(
      (a) => isOwnerRole(a.roleDefinitionId) && scopeCoversSubscription(a.scope, subscriptionId),
    );
    const isOwner = ownerAssignments.some((a) => mine.has(a.principalId.toLowerCase()));
    const addresses = [user?.mail, user?.userPrincipalName].filter((x): x is string => !!x).map((x) => x.toLowerCase());
    const classicMine = classic
      .filter((c) => c.name.toLowerCase() === actorId.toLowerCase() || addresses.includes(c.emailAddress.toLowerCase()))
      .flatMap((c) => classicRoles(c.role));
    const standing = dporStanding({
      isGuest: (user?.userType ?? '').toLowerCase() === 'guest',
      isOwner,
      classic: classicMine,
    });
    let owners: string[] = [];
    if (!standing.may) {
      const people = await this.deps.tenant.getUsers(ownerAssignments.map((a) => a.principalId)).catch(() => []);
      owners = people
        .filter((p) => p.accountEnabled !== false && (p.userType ?? '').toLowerCase() !== 'guest')
        .map((p) => p.displayName);
    }
    return { standing, owners };
  }

  // ---------------------------------------------------------------- asking

  /** "make Fabrikam (1234567) partner of record for the Contoso Health Production subscription". */
  async ask(actor: Actor, ask: { partnerId?: string; partner?: string; subscription?: string }): Promise<Reply[]> {
    // Which partner: an id is required by the portal; a configured name supplies it.
    if (ask.partnerId !== undefined) {
      const id = checkPartnerId(ask.partnerId);
      if (!id.ok) return [text(`${id.reason} Nothing was recorded.`)];
    }
    const byName = ask.partner ? findPartner(this.deps.config.partners, { name: ask.partner }) : undefined;
    if (byName?.mpnId && ask.partnerId && byName.mpnId !== ask.partnerId)
      return [
        text(
          `Dragon Desk knows ${byName.name}'s partner ID as ${byName.mpnId}, not ${ask.partnerId}. Please check which partner you mean; nothing was recorded.`,
        ),
      ];
    const known = byName ?? findPartner(this.deps.config.partners, { partnerId: ask.partnerId });
    const partnerId = ask.partnerId ?? known?.mpnId;
    const partnerName = known?.name ?? ask.partner;
    if (!partnerId)
      return [
        text(
          `${ask.partner ? `I don't know ${ask.partner}'s partner ID, and the portal needs it.` : 'Which partner?'} Say for example "make Fabrikam (1234567) partner of record for the Production subscription".`,
        ),
      ];

    let subs: AzureSubscription[];
    try {
      subs = await this.deps.tenant.listSubscriptions();
    } catch (err) {
      return [text(`I couldn't list the Azure subscriptions: ${explainTenantError(err)}`)];
    }
    const m = matchSubscription(ask.subscription, subs);
    if (m.kind === 'many')
      return [
        text(
          `${ask.subscription ? `“${ask.subscription}” could mean` : 'Which subscription?'} ${m.candidates.map((c) => `${c.displayName} (${c.subscriptionId})`).join(' or ')}${ask.subscription ? '. Which one?' : ''} Say it again with the full name or the subscription id.`,
        ),
      ];
    if (m.kind === 'none')
      return [
        text(
          `I can't find ${ask.subscription ? `a subscription called “${ask.subscription}”` : 'an Azure subscription'}. ${this.existing(subs)}`,
        ),
      ];
    const sub = m.subscription;

    let standing: Awaited<ReturnType<PartnerOfRecordService['standing']>>;
    try {
      standing = await this.standing(actor.id, sub.subscriptionId);
    } catch (err) {
      return [
        text(`I couldn't check who owns ${sub.displayName}, so nothing was recorded: ${explainTenantError(err)}`),
      ];
    }
    if (!standing.standing.may) {
      await auditRefusal(this.deps, actor, 'refused.partner-of-record', {
        subscriptionId: sub.subscriptionId,
        why: standing.standing.why,
      });
      return [text(`${dporRefusal(standing.standing.why, sub.displayName, standing.owners)} Nothing was recorded.`)];
    }

    const current = await this.entry(sub.subscriptionId);
    if (current?.partnerId === partnerId)
      return [text(`According to Dragon Desk's record, ${this.describe(current)}. Nothing needed to change.`)];
    const replaces: ReplacedPartner | null = current
      ? {
          partnerId: current.partnerId,
          partnerName: current.partnerName,
          recordedByName: current.recordedByName,
          recordedAt: current.recordedAt,
        }
      : null;
    const req = await createDirectDraft(this.deps, actor, {
      kind: 'partner.record',
      subject: partnerId,
      payload: {
        partnerName: partnerName ?? null,
        subscriptionId: sub.subscriptionId.toLowerCase(),
        subscriptionName: sub.displayName,
        replaces,
        replaceConfirmed: replaces === null,
      },
      target: subscriptionTarget(sub.subscriptionId, sub.displayName),
    });
    // Not remembered as a copy of the request: after "Replace" it becomes the checklist, which must stay.
    if (replaces) return [card(this.replaceCard(req, replaces))];
    return this.checklist(req);
  }

  private replaceCard(req: RecordRequest, replaces: ReplacedPartner): AdaptiveCard {
    const current = partnerLabel({ name: replaces.partnerName, mpnId: replaces.partnerId });
    const next = partnerLabel({ name: req.payload.partnerName ?? undefined, mpnId: req.subject });
    const sub = String(req.payload.subscriptionName);
    return confirmStepCard(req, {
      title: `Replace ${replaces.partnerName ?? replaces.partnerId} as partner of record?`,
      text: `According to Dragon Desk's record, ${current} is the partner of record for ${sub}. A subscription has only one partner of record, so attaching ${next} replaces ${current}.`,
      facts: [
        { title: 'Current partner of record', value: current },
        ...(replaces.recordedByName
          ? [
              {
                title: 'Recorded by',
                value: `${replaces.recordedByName}${replaces.recordedAt ? `, ${formatTime(replaces.recordedAt)}` : ''}`,
              },
            ]
          : []),
        { title: 'New partner of record', value: next },
        { title: 'Subscription', value: sub },
      ],
      confirmTitle: `Replace ${replaces.partnerName ?? replaces.partnerId}`,
      cancelTitle: `Keep ${replaces.partnerName ?? replaces.partnerId}`,
    });
  }

  /** The portal steps, then the draft card whose Confirm means "I've done it". */
  private async checklist(req: RecordRequest): Promise<Reply[]> {
    const sub = String(req.payload.subscriptionName);
    const name = req.payload.partnerName ?? undefined;
    const steps = noticeCard({
      title: `Attach ${partnerLabel({ name, mpnId: req.subject })} as partner of record`,
      text: `Microsoft offers no API for the partner of record, so you attach it yourself in the Azure portal. ${DPOR_RULE}`,
      tone: 'default',
      facts: [
        { title: 'Subscription', value: sub },
        { title: 'Partner ID', value: req.subject },
      ],
      steps: dporSteps(sub, { name, mpnId: req.subject }),
      link: { title: 'Open subscriptions in the Azure portal', url: DPOR_PORTAL_URL },
    });
    return [card(steps), await this.engine.draftReply(req)];
  }

  /** "Replace Fabrikam" on the replace card. */
  private async onChoice(
    req: RecordRequest,
    actor: Actor,
    _data: CardActionData,
    verb: CardVerb,
  ): Promise<ClickResult> {
    if (verb !== 'request.resolve' || req.payload.replaceConfirmed === true)
      return { message: 'There is nothing to choose on this request.' };
    const current = await this.entry(String(req.payload.subscriptionId));
    const replaces = req.payload.replaces;
    if ((current?.partnerId ?? null) !== (replaces?.partnerId ?? null))
      return {
        message: `The record changed since this card was made: ${current ? `now ${partnerLabel({ name: current.partnerName, mpnId: current.partnerId })} is recorded` : 'no partner of record is recorded any more'}. Please ask again.`,
      };
    const updated = sameKind(
      req,
      await this.deps.store.requests.update(
        req.id,
        req.version,
        { payload: { ...req.payload, replaceConfirmed: true } },
        auditEntry(actor, 'request.replace-confirmed', req.tenantId, { replaces: replaces?.partnerId }),
      ),
    );
    if (!updated) return { message: 'This request changed while you were choosing; please look at the latest card.' };
    const [steps, draft] = await this.checklist(updated);
    return { card: steps.kind === 'card' ? steps.card : undefined, followUps: [draft] };
  }

  // ---------------------------------------------------------------- capability

  title(req: RecordRequest): string {
    return `${partnerLabel({ name: req.payload.partnerName ?? undefined, mpnId: req.subject })} as partner of record`;
  }

  cardContext(req: RecordRequest) {
    const replaces = req.payload.replaces;
    const notes = [
      `Press Confirm once you have attached partner ID ${req.subject} in the Azure portal. Dragon Desk then records it; it can't attach it for you (there is no API).`,
      ...(replaces
        ? [
            `This replaces ${partnerLabel({ name: replaces.partnerName, mpnId: replaces.partnerId })} in Dragon Desk's record.`,
          ]
        : []),
      ...(req.payload.notes ?? []).filter(Boolean),
    ];
    return { notes };
  }

  async canActDirectly(actor: Actor, req: RecordRequest): Promise<boolean> {
    return (await this.standing(actor.id, String(req.payload.subscriptionId))).standing.may;
  }

  async precheck(req: RecordRequest): Promise<Precheck> {
    const replaces = req.payload.replaces;
    if (req.payload.replaceConfirmed !== true)
      return {
        ok: false,
        replies: [
          text(
            `Please confirm replacing ${replaces?.partnerName ?? replaces?.partnerId ?? 'the current partner of record'} first. Nothing was recorded.`,
          ),
        ],
      };
    const current = await this.entry(String(req.payload.subscriptionId));
    if (current?.partnerId === req.subject)
      return {
        ok: false,
        replies: [text(`According to Dragon Desk's record, ${this.describe(current)}. Nothing needed to change.`)],
      };
    if ((current?.partnerId ?? null) !== (replaces?.partnerId ?? null))
      return {
        ok: false,
        replies: [
          text(
            `Dragon Desk's record for ${String(req.payload.subscriptionName)} changed since this card was made${current ? `: ${this.describe(current)}` : ''}. Nothing was recorded; ask again if it is still needed.`,
          ),
        ],
      };
    return { ok: true };
  }

  completedMessage(req: RecordRequest): string {
    return `Recorded: ${this.title(req)} for ${String(req.payload.subscriptionName)} (request #${req.id}).`;
  }

  /** Records the designation (overwriting is the point: one per subscription). Idempotent. */
  async execute(req: RecordRequest, ctx: ExecutionContext): Promise<ExecutionOutcome> {
    const replaces = req.payload.replaces;
    const entry: PartnerOfRecordEntry = {
      partnerId: req.subject,
      partnerName: req.payload.partnerName ?? undefined,
      subscriptionId: String(req.payload.subscriptionId),
      subscriptionName: String(req.payload.subscriptionName),
      recordedBy: req.decidedBy ?? req.requesterId,
      recordedByName: req.decidedByName ?? req.requesterName,
      recordedAt: req.decidedAt ?? this.deps.clock.now().toISOString(),
      requestId: req.id,
      replaced: replaces ? { partnerId: replaces.partnerId, partnerName: replaces.partnerName } : null,
    };
    await this.deps.store.records.put(PARTNER_OF_RECORD, entry.subscriptionId, entry, entry.recordedBy);
    await this.deps.store.audit.append({
      ...auditEntry(SYSTEM_ACTOR, 'record.partner-of-record', req.tenantId, { ...entry }),
      requestId: req.id,
    });
    await ctx.progress(req.targets[0].userId, 'done');
    return {
      state: 'completed',
      notes: [
        `Recorded in Dragon Desk${replaces ? `, replacing ${partnerLabel({ name: replaces.partnerName, mpnId: replaces.partnerId })}` : ''}. ${NO_API}`,
      ],
    };
  }
}
