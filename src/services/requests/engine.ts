/**
 * The request engine: every write goes draft → pending/approved → executing → completed/failed
 * here, whatever the capability. It is put together from one part per job — drafts, decisions
 * (card clicks), request cards, notifications, execution, expiry — and is what capabilities, the
 * Desk and the worker talk to.
 */
import type { RequestCardViewer } from '../../cards/types';
import type { CardActionData, CardVerb } from '../../cards/verbs';
import type { Route } from '../../domain/approvalRouting';
import type { DeskRequest, RequestKind } from '../../domain/request';
import type { Capability } from '../capability';
import type { TimerRegistry } from '../grants';
import type { RequestAccess } from '../requestAccess';
import type { Actor, AdaptiveCard, ClickResult, Reply, ServiceDeps } from '../types';
import { Background } from './background';
import { Capabilities, type DraftChoice } from './capabilities';
import { Decisions } from './decisions';
import { Deliveries } from './deliveries';
import { Drafts, type StartDraft } from './drafts';
import { Execution } from './execution';
import { Expiry } from './expiry';
import { FollowUps } from './followUps';
import { Notifications } from './notifications';
import { RequestCards } from './requestCards';
import { ApprovalRouting, type AwayReader } from './routing';
import { Unreached } from './unreached';
import { Reach } from '../reach';

export class RequestEngine {
  private readonly caps = new Capabilities();
  private readonly background: Background;
  private readonly cards: RequestCards;
  private readonly drafts: Drafts;
  private readonly decisions: Decisions;
  private readonly execution: Execution;
  private readonly expiry: Expiry;
  private readonly followUps: FollowUps;
  readonly notifications: Notifications;
  private readonly deliveries: Deliveries;
  private readonly routing: ApprovalRouting;

  constructor(
    private readonly deps: ServiceDeps,
    access: RequestAccess,
    awayOf: AwayReader,
  ) {
    this.background = new Background(deps.logger, () => deps.yieldToTurns?.() ?? Promise.resolve());
    this.cards = new RequestCards(deps, this.caps, this.background);
    // An approval card that cannot reach its approver is recorded and routed on (unreached.ts),
    // which queues through the notifications that deliver through these deliveries.
    this.deliveries = new Deliveries(deps, this.cards, this.background, new Reach(deps), (id, approverId, why) =>
      unreached.record(id, approverId, why),
    );
    this.notifications = new Notifications(deps, this.caps, this.deliveries);
    const unreached = new Unreached(deps, this.caps, this.notifications);
    this.drafts = new Drafts(deps, this.caps, this.cards);
    this.followUps = new FollowUps(deps, this.caps, this.notifications);
    this.routing = new ApprovalRouting(deps, this.caps, awayOf);
    this.decisions = new Decisions(
      deps,
      access,
      this.caps,
      this.cards,
      this.drafts,
      this.notifications,
      this.followUps,
      this.routing,
    );
    const leaseMs = deps.config.leaseSeconds * 1000;
    this.execution = new Execution(deps, this.caps, this.cards, this.notifications, {
      leaseMs,
      renewMs: Math.floor(leaseMs / 3),
    });
    this.expiry = new Expiry(deps, this.notifications);
  }

  // Capabilities plug in here.
  register<K extends RequestKind>(cap: Capability<K>): void {
    this.caps.register(cap);
  }

  onDraftChoice<K extends RequestKind>(kind: K, handler: DraftChoice<K>): void {
    this.caps.onDraftChoice(kind, handler);
  }

  capability(req: DeskRequest): Capability {
    return this.caps.of(req);
  }

  // Drafts.
  startDraft<K extends RequestKind>(actor: Actor, o: StartDraft<K>): Promise<Reply[]> {
    return this.drafts.start(actor, o);
  }

  prepareDraft(req: DeskRequest, actor: Actor): Promise<Reply[]> {
    return this.drafts.prepare(req, actor);
  }

  draftReply(req: DeskRequest): Promise<Reply> {
    return this.drafts.reply(req);
  }

  // Clicks and text commands about a request.
  click(actor: Actor, verb: CardVerb, data: CardActionData): Promise<ClickResult> {
    return this.decisions.click(actor, verb, data);
  }

  cancelByText(actor: Actor, requestId: number): Promise<Reply[]> {
    return this.decisions.cancelByText(actor, requestId);
  }

  /**
   * Where a request Dragon Desk sends by itself (a review of license holders) goes: approvers who
   * handed their approvals over are replaced by their delegate, away ones skipped while someone
   * else can decide — as sending a draft routes it.
   */
  route(req: DeskRequest, primary: DeskRequest['approvers']): Promise<Route> {
    return this.routing.route(req, primary);
  }

  // Cards.
  cardFor(req: DeskRequest, viewer: RequestCardViewer): Promise<AdaptiveCard> {
    return this.cards.cardFor(req, viewer);
  }

  refreshLater(requestId: number): void {
    this.cards.refreshLater(requestId);
  }

  /** Pending approvals for a person who just talked to Dragon Desk (e.g. for the first time). */
  pendingFor(approverId: string, limit = 10): Promise<DeskRequest[]> {
    return this.deps.store.requests.listPendingForApprover(approverId, limit);
  }

  /**
   * Whether an approval card for this request is reaching this person already: posted to them
   * (its copy is kept), or queued for them and not given up. Installing Dragon Desk for someone
   * (reach) makes Teams announce the new chat while their card is on its way there.
   */
  async cardReaching(req: Pick<DeskRequest, 'id'>, personId: string): Promise<boolean> {
    const [copies, deliveries] = await Promise.all([
      this.deps.store.cards.listForRequest(req.id),
      this.deps.store.outbox.list(req.id),
    ]);
    return (
      copies.some((c) => c.recipientId === personId && c.role === 'approver') ||
      deliveries.some(
        (d) =>
          d.kind === 'approval-card' && d.recipientId === personId && (d.state === 'pending' || d.state === 'sent'),
      )
    );
  }

  // The worker's side.
  /** Reminders and escalations of requests waiting for approval run as the worker's timers. */
  registerTimers(worker: TimerRegistry): void {
    this.followUps.register(worker);
  }

  execute(req: DeskRequest): Promise<void> {
    return this.execution.execute(req);
  }

  expireDue(): Promise<number> {
    return this.expiry.expireDue();
  }

  /** Messages and card updates a crash or a failed send left in the outbox. */
  deliverDue(): Promise<number> {
    return this.deliveries.deliverDue();
  }

  /** Resolves when no background work (card updates, notifications) is left. */
  idle(): Promise<void> {
    return this.background.idle();
  }
}
