/**
 * The one card design for a request, in any state, for any viewer. The same request is shown in the
 * requester's chat, in each approver's chat and optionally in a channel; after every transition each
 * copy is re-rendered from the stored request and updated in place, so this function must depend
 * only on its arguments.
 */
import { nextNudge } from '../domain/approvalRouting';
import type { DeskRequest, RequestKind, RequestState, RequestTarget } from '../domain/request';
import { renderCard } from './template';
import { formatTime, joinNames, plural, userText } from './text';
import type { AdaptiveCard, Fact, RequestCardContext, RequestCardViewer, SeatCount } from './types';

type TextColor = 'default' | 'accent' | 'good' | 'warning' | 'attention';
type ContainerStyle = 'emphasis' | 'accent' | 'good' | 'warning' | 'attention';

interface StatusLook {
  icon: string;
  text: string;
  color: TextColor;
  header: ContainerStyle;
}

export const STATUS: Record<RequestState, StatusLook> = {
  draft: { icon: '📝', text: 'Not sent yet', color: 'accent', header: 'emphasis' },
  pending: { icon: '⏳', text: 'Waiting for approval', color: 'warning', header: 'warning' },
  approved: { icon: '👍', text: 'Approved — working on it', color: 'accent', header: 'accent' },
  executing: { icon: '⚙️', text: 'In progress', color: 'accent', header: 'accent' },
  completed: { icon: '✅', text: 'Done', color: 'good', header: 'good' },
  failed: { icon: '❌', text: 'Failed', color: 'attention', header: 'attention' },
  rejected: { icon: '⛔', text: 'Rejected', color: 'attention', header: 'attention' },
  cancelled: { icon: '🚫', text: 'Cancelled', color: 'default', header: 'emphasis' },
  expired: { icon: '⌛', text: 'Expired', color: 'default', header: 'emphasis' },
};

/** The fact label for what is changing, and the verb in front of the title. */
const SUBJECT: Record<RequestKind, { label: string; change: string }> = {
  'license.assign': { label: 'License', change: 'Add' },
  'license.remove': { label: 'License', change: 'Remove' },
  'license.recertify': { label: 'License', change: 'Review holders of' },
  'role.assign': { label: 'Role', change: 'Assign' },
  'role.remove': { label: 'Role', change: 'Remove' },
  'partner.link': { label: 'Partner', change: 'Link' },
  'partner.link.update': { label: 'Partner', change: 'Update' },
  'partner.link.remove': { label: 'Partner', change: 'Remove' },
  'partner.record': { label: 'Partner', change: 'Record' },
  'partner.roles.remove': { label: 'Partner', change: 'Remove roles of' },
  'partner.offer': { label: 'Partner', change: 'Offer' },
  setup: { label: 'Setup', change: 'Set up' },
};

/** Per-person progress only means something once the work has started. */
const SHOWS_PROGRESS: ReadonlySet<RequestState> = new Set(['approved', 'executing', 'completed', 'failed']);

const TARGET_ICON: Record<RequestTarget['status'], string> = {
  done: '✅',
  waiting: '⏳',
  failed: '❌',
  skipped: '➖',
};

export interface RequestView {
  requestId: number;
  version: number;
  title: string;
  statusLine: string;
  statusColor: TextColor;
  headerStyle: ContainerStyle;
  requestLabel: string;
  peopleLabel: string;
  people: { line: string; note: string; noteColor: TextColor }[];
  facts: Fact[];
  hasError: boolean;
  errorText: string;
  errorCode: string;
  notes: { text: string }[];
  justification: { show: boolean; label: string; placeholder: string; value: string; required: boolean };
  showReason: boolean;
  reasonLabel: string;
  reasonPlaceholder: string;
  /** An approver of a request for several people may approve some of them: one box each, all ticked. */
  approveEach: { show: boolean; label: string; value: string; choices: { title: string; value: string }[] };
  /** "Approve", or "Submit review" on a review of license holders. */
  approveTitle: string;
  cancelTitle: string;
  can: {
    submit: boolean;
    confirm: boolean;
    cancel: boolean;
    approve: boolean;
    reject: boolean;
    refresh: boolean;
    nudge: boolean;
  };
}

function personLine(target: RequestTarget, progress: boolean): RequestView['people'][number] {
  const icon = progress ? TARGET_ICON[target.status] : '•';
  const upn = target.userPrincipalName ? ` · ${userText(target.userPrincipalName)}` : '';
  const line = `${icon} **${userText(target.displayName) || userText(target.userPrincipalName) || 'Unknown person'}**${upn}`;
  if (!progress) return { line, note: '', noteColor: 'default' };
  if (target.status === 'failed') {
    return { line, note: userText(target.errorMessage) || 'This change did not go through.', noteColor: 'attention' };
  }
  if (target.status === 'skipped')
    return { line, note: userText(target.errorMessage) || 'Skipped.', noteColor: 'default' };
  return { line, note: '', noteColor: 'default' };
}

function seatsText(seats: SeatCount): string {
  const { used, total, after } = seats;
  if (after !== undefined && after !== used) {
    const leftAfter = total - after;
    const tail = leftAfter < 0 ? `${plural(-leftAfter, 'seat')} short` : `${leftAfter} left after this change`;
    return `${used} → ${after} of ${total} used, ${tail}`;
  }
  const left = total - used;
  if (left <= 0) return `${used} of ${total} used, none left`;
  return `${used} of ${total} used, ${left} left`;
}

function decisionLabel(req: DeskRequest): string {
  switch (req.state) {
    case 'rejected':
      return 'Rejected by';
    case 'cancelled':
      return 'Cancelled by';
    case 'expired':
      return 'Decided by';
    default:
      // An admin acting directly confirms their own draft: say so, rather than "approved".
      return req.decidedBy && req.decidedBy === req.requesterId ? 'Confirmed by' : 'Approved by';
  }
}

function factsFor(req: DeskRequest, viewer: RequestCardViewer, ctx: RequestCardContext, draftInput: boolean): Fact[] {
  const zone = ctx.timeZone;
  const subject = SUBJECT[req.kind];
  const facts: Fact[] = [
    { title: 'Requested by', value: userText(req.requesterName) },
    { title: subject.label, value: `${subject.change} ${userText(ctx.subject ?? ctx.title)}` },
  ];
  if (req.justification && !draftInput) facts.push({ title: 'Justification', value: userText(req.justification) });
  if (ctx.seats) facts.push({ title: 'Seats', value: seatsText(ctx.seats) });
  facts.push({ title: 'Asked', value: formatTime(req.createdAt, zone) });
  const trail = req.payload.approval;
  if (req.state === 'pending' && req.approvers.length > 0) {
    const name = (a: DeskRequest['approvers'][number]) => {
      const covering = trail?.covering?.find((c) => c.byId === a.approverId);
      return userText(covering ? `${a.displayName} (on behalf of ${covering.forName})` : a.displayName);
    };
    facts.push({ title: 'Waiting for', value: joinNames(req.approvers.map(name)) });
  }
  if (req.state === 'pending' && trail?.bypassed?.length)
    facts.push({
      title: 'Not sent to',
      value: trail.bypassed.map((b) => `${userText(b.name)}: ${userText(b.why)}`).join('; '),
    });
  if (req.state === 'pending' && trail?.unreached?.length)
    facts.push({
      title: 'Not reached',
      value: trail.unreached.map((b) => `${userText(b.name)}: ${userText(b.why)}`).join('; '),
    });
  if (req.state === 'pending' && viewer.role === 'approver') {
    const own = req.approvers.find((a) => viewer.id !== undefined && a.approverId === viewer.id)?.reason;
    const why = ctx.approverReason ?? own;
    if (why) facts.push({ title: 'Why you are an approver', value: userText(why) });
  }
  if (req.state === 'pending' && trail?.remindAt && !trail.reminded)
    facts.push({ title: 'Reminder', value: formatTime(trail.remindAt, zone) });
  if (req.state === 'pending' && trail?.escalateAt && !trail.escalated && ctx.escalatesTo)
    facts.push({ title: 'Escalates', value: `to ${userText(ctx.escalatesTo)}, ${formatTime(trail.escalateAt, zone)}` });
  if (req.state === 'pending' && trail?.escalated)
    facts.push({ title: 'Escalated', value: formatTime(trail.escalated, zone) });
  if ((req.state === 'draft' || req.state === 'pending') && req.expiresAt) {
    facts.push({ title: 'Expires', value: formatTime(req.expiresAt, zone) });
  }
  const decided = req.state !== 'draft' && req.state !== 'pending';
  if (decided && (req.decidedByName || req.decidedBy)) {
    facts.push({ title: decisionLabel(req), value: userText(req.decidedByName ?? req.decidedBy) });
  }
  if (decided && req.decidedAt)
    facts.push({ title: req.state === 'expired' ? 'Expired' : 'Decided', value: formatTime(req.decidedAt, zone) });
  if (decided && req.decisionReason) facts.push({ title: 'Reason', value: userText(req.decisionReason) });
  return facts;
}

/** Builds the view model; exported so tests can check that every template field is bound. */
export function requestView(req: DeskRequest, viewer: RequestCardViewer, ctx: RequestCardContext): RequestView {
  const look = STATUS[req.state];
  const progress = SHOWS_PROGRESS.has(req.state);
  const draftByRequester = req.state === 'draft' && viewer.role === 'requester';
  const pendingForApprover = req.state === 'pending' && viewer.role === 'approver';
  const inProgress = req.state === 'approved' || req.state === 'executing';
  const count = req.targets.length;
  // A review of license holders: a Keep box per person (even one), submitted, never rejected.
  const review = req.kind === 'license.recertify';

  return {
    requestId: req.id,
    version: req.version,
    title: userText(ctx.title),
    statusLine: `${look.icon} ${look.text}`,
    statusColor: look.color,
    headerStyle: look.header,
    requestLabel: `Request #${req.id}`,
    // A request about no one in particular (set-up) has no people section at all.
    peopleLabel: count === 0 ? '' : count > 1 ? `For ${count} people` : 'For',
    people: req.targets.map((t) => personLine(t, progress)),
    facts: factsFor(req, viewer, ctx, draftByRequester),
    hasError: req.state === 'failed',
    errorText:
      userText(req.errorMessage) ||
      'Something went wrong while making this change. An administrator can find the details in the log.',
    errorCode: req.errorCode ? `Error code: ${userText(req.errorCode)}` : '',
    notes: (ctx.notes ?? []).filter((n) => n.trim() !== '').map((n) => ({ text: userText(n) })),
    justification: {
      show: draftByRequester,
      label: ctx.requireJustification ? 'Why is this needed?' : 'Why is this needed? (optional)',
      placeholder: ctx.direct ? 'Recorded with the change' : 'Shown to the approver',
      value: userText(req.justification),
      required: draftByRequester && ctx.requireJustification === true,
    },
    showReason: pendingForApprover,
    reasonLabel: review
      ? 'Reason (required for anyone you untick)'
      : count > 1
        ? 'Reason (required to reject, or to leave someone out)'
        : 'Reason (required to reject)',
    reasonPlaceholder: review ? 'Recorded with the removal' : 'Visible to the requester',
    approveEach: {
      show: pendingForApprover && (count > 1 || (review && count > 0)),
      label: review ? 'Keep (untick anyone who no longer needs the license)' : 'Approve for',
      value: req.targets.map((t) => t.userId).join(','),
      choices: req.targets.map((t) => ({
        title: userText(t.displayName) || userText(t.userPrincipalName),
        value: t.userId,
      })),
    },
    approveTitle: review ? 'Submit review' : 'Approve',
    cancelTitle: req.state === 'draft' ? 'Cancel' : 'Cancel request',
    can: {
      submit: draftByRequester && !ctx.direct,
      confirm: draftByRequester && ctx.direct === true,
      cancel: draftByRequester || (req.state === 'pending' && viewer.role === 'requester'),
      approve: pendingForApprover,
      reject: pendingForApprover && !review,
      refresh: inProgress && viewer.role !== 'observer',
      nudge:
        req.state === 'pending' &&
        viewer.role === 'requester' &&
        nextNudge(req.payload.approval?.nudged, new Date(ctx.now ?? req.updatedAt)) === undefined,
    },
  };
}

export function requestCard(req: DeskRequest, viewer: RequestCardViewer, ctx: RequestCardContext): AdaptiveCard {
  return renderCard('request', requestView(req, viewer, ctx));
}
