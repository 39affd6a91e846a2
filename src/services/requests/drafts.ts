/**
 * A person's new request, up to the card they confirm or send: stored as a draft, checked (people,
 * seats, roles — reads up to 30 s old, because Send checks again and Confirm checks fresh), and
 * shown. A draft that fails its checks is kept as cancelled, with the reason, for the audit trail.
 */
import type { PayloadOfKind } from '../../domain/payloads';
import { asKind, type DeskRequest, type RequestKind } from '../../domain/request';
import type { AuditEntry, NewRequest } from '../../store/types';
import { auditEntry, systemDecision } from '../audit';
import { card, text, type Actor, type ClickResult, type Reply, type ServiceDeps } from '../types';
import type { Capabilities } from './capabilities';
import { say } from './messages';
import type { RequestCards } from './requestCards';

/** What a capability hands over to start a draft of one of its kinds. */
export type DraftInput<K extends RequestKind = RequestKind> = Pick<
  NewRequest,
  'subject' | 'justification' | 'targets'
> & {
  kind: K;
  payload: PayloadOfKind[K];
};

export interface StartDraft<K extends RequestKind = RequestKind> {
  draft: DraftInput<K>;
  /** What the person asked, as the audit records it. */
  detail: Record<string, unknown>;
  /** Nothing left to ask (everyone resolved, the kind known): check it and store it once, checked. */
  ready: boolean;
  /** Otherwise: store it as it is and ask what is missing (which Dana, which license). */
  next: (stored: DeskRequest<K>) => Promise<Reply[]>;
}

type Unstored = { input: NewRequest; audit: Omit<AuditEntry, 'requestId'> };

export class Drafts {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly caps: Capabilities,
    private readonly cards: RequestCards,
  ) {}

  async start<K extends RequestKind>(actor: Actor, o: StartDraft<K>): Promise<Reply[]> {
    const input: NewRequest = {
      tenantId: this.deps.config.tenantId,
      state: 'draft',
      requesterId: actor.id,
      requesterName: actor.name,
      ...o.draft,
    };
    const audit = auditEntry(actor, 'request.draft', this.deps.config.tenantId, o.detail);
    if (o.ready) return this.prepare({ input, audit }, actor);
    return o.next(asKind(o.draft.kind, await this.deps.store.requests.create(input, audit)));
  }

  /** Check a draft whose people and kind are known and show its card (Confirm, or Send for approval). */
  async prepare(draft: DeskRequest | Unstored, actor: Actor): Promise<Reply[]> {
    const probe = 'input' in draft ? unsaved(draft.input, this.now()) : draft;
    const cap = this.caps.of(probe);
    const check = await cap.precheck(probe, actor, 'cached');
    if (!check.ok) {
      const req = 'input' in draft ? await this.deps.store.requests.create(draft.input, draft.audit) : draft;
      await this.deps.store.requests.transition(
        req.id,
        { state: 'draft', version: req.version },
        'cancel',
        systemDecision(this.now(), 'Did not pass the checks'),
        this.audit(actor, 'request.precheck-failed'),
      );
      return check.replies;
    }
    const direct = await cap.canActDirectly(actor, probe, 'cached');
    const notes = (check.skipped ?? []).map((s) => s.reason);
    const narrowed =
      check.request && check.request.targets.length !== probe.targets.length ? check.request.targets : undefined;
    const checked = this.audit(actor, 'request.checked', { direct, skipped: check.skipped });
    const ready =
      'input' in draft
        ? await this.deps.store.requests.create(
            {
              ...draft.input,
              targets: narrowed ?? draft.input.targets,
              payload: { ...draft.input.payload, direct, notes },
            },
            [draft.audit, checked],
          )
        : ((await this.deps.store.requests.update(
            draft.id,
            draft.version,
            { ...(narrowed ? { targets: narrowed } : {}), payload: { ...draft.payload, direct, notes } },
            checked,
          )) ?? draft);
    const replies: Reply[] = [];
    if (notes.length) replies.push(text(notes.join(' ')));
    replies.push(await this.reply(ready));
    return replies;
  }

  /** The requester's card for a draft that is ready to confirm or send. */
  async reply(req: DeskRequest): Promise<Reply> {
    return card(await this.cards.cardFor(req, { role: 'requester', id: req.requesterId }), {
      requestId: req.id,
      role: 'requester',
    });
  }

  /** A draft that can't go ahead (no seats, already licensed…) is cancelled so nothing is left half-open. */
  async abandon(req: DeskRequest, actor: Actor, replies: Reply[]): Promise<ClickResult> {
    const reason =
      replies.find((r): r is { kind: 'text'; text: string } => r.kind === 'text')?.text ?? say.cannotGoAhead;
    const next = await this.deps.store.requests.transition(
      req.id,
      { state: 'draft', version: req.version },
      'cancel',
      systemDecision(this.now(), reason),
      this.audit(actor, 'request.precheck-failed', { reason }),
    );
    return {
      card: await this.cards.cardFor(next ?? req, { role: 'requester', id: actor.id }),
      followUps: replies,
      about: { requestId: req.id, role: 'requester' },
    };
  }

  private audit(actor: Actor, action: string, detail?: Record<string, unknown>) {
    return auditEntry(actor, action, this.deps.config.tenantId, detail);
  }

  private now(): string {
    return this.deps.clock.now().toISOString();
  }
}

/** A draft as the checks see it before it is stored (id 0 matches no stored request). */
function unsaved(input: NewRequest, now: string): DeskRequest {
  // The payload was made for this kind by the capability that started the draft.
  const req = {
    id: 0,
    tenantId: input.tenantId,
    kind: input.kind,
    state: 'draft',
    version: 0,
    requesterId: input.requesterId,
    requesterName: input.requesterName,
    subject: input.subject,
    payload: input.payload ?? {},
    // As the store keeps them: a person named twice is one target.
    targets: input.targets
      .filter((t, i, all) => all.findIndex((o) => o.userId === t.userId) === i)
      .map((t) => ({ ...t, status: 'waiting' })),
    approvers: input.approvers ?? [],
    createdAt: now,
    updatedAt: now,
  } as DeskRequest;
  if (input.justification !== undefined) req.justification = input.justification;
  return req;
}
