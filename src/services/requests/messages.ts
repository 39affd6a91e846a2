/**
 * What the request engine says to people: one catalogue, so the wording of a state, a refusal or a
 * notice is found (and changed) in one place. Pure.
 */
import { joinNames } from '../../domain/people';
import type { Bypassed, Route } from '../../domain/approvalRouting';
import type { DeskRequest } from '../../domain/request';
import type { Unreachable } from '../reach';

export function stateWords(req: DeskRequest): string {
  switch (req.state) {
    case 'draft':
      return 'not sent yet';
    case 'pending':
      return 'waiting for approval';
    case 'approved':
      return `approved by ${req.decidedByName ?? 'an approver'}`;
    case 'executing':
      return 'being carried out';
    case 'completed':
      return 'completed';
    case 'failed':
      return 'failed';
    case 'rejected':
      return `rejected by ${req.decidedByName ?? 'an approver'}`;
    case 'cancelled':
      return 'cancelled';
    case 'expired':
      return 'expired';
  }
}

/** The same answer whether a request does not exist or is hidden from the asker. */
export function notFound(requestId: number): string {
  return `I can't find a request #${requestId} that you are part of. Say "my requests" to see yours.`;
}

export const say = {
  notYours: (requestId: number) => `I can't find a request #${requestId} of yours. Say "my requests" to see them.`,
  cancelled: (requestId: number) => `Cancelled request #${requestId}.`,
  staleCard: (req: DeskRequest) =>
    `This card was out of date: request #${req.id} is now ${stateWords(req)}. Here is where it stands.`,
  nothingToDecide: (req: DeskRequest) => `Request #${req.id} is ${stateWords(req)}; there is nothing to decide.`,
  noLongerCancellable: (req: DeskRequest) => `Request #${req.id} is ${stateWords(req)} and can no longer be cancelled.`,
  onlyRequesterAnswers: 'Only the person who asked can answer this question.',
  onlyRequesterSends: 'Only the person who asked can send this request.',
  onlyRequesterConfirms: 'Only the person who asked can confirm this.',
  onlyRequesterCancels: 'Only the person who asked can cancel this request.',
  noLongerAdmin: 'You no longer hold an admin role that allows this change directly. Send it for approval instead.',
  justificationNeeded: 'Please add a justification: approvers need to know why.',
  rejectReasonNeeded: 'Please give a reason to reject: the requester will see it.',
  reviewNotRejected:
    'A review is submitted, not rejected: untick the people who no longer need the license, give a reason, and press Submit review.',
  leaveOutReasonNeeded:
    'Please give a reason for the people you left out: the requester and they will see it. Or tick everyone to approve the whole request.',
  approveSomeone: 'You unticked everyone. Tick the people you approve, or Reject the request (with a reason).',
  strangePeople:
    'This card named people who are not part of the request, so nothing was changed. Here is the request as it stands.',
  noApprover: (title: string) =>
    `Nobody can approve this right now: ${title} has no enabled owner to route it to, and no fallback approver is available. Please ask your IT team to name an owner.`,
  cannotGoAhead: 'The request can no longer go ahead.',
  gone: 'That request no longer exists.',
  lostRace: (req: DeskRequest, byYou: boolean) =>
    byYou
      ? `You already acted on request #${req.id}: it is now ${stateWords(req)}.`
      : `Someone else acted on request #${req.id} first: it is now ${stateWords(req)}.`,
  routed: (route: Route) =>
    [
      ...route.covering.map((c) => `${c.forName} handed their approvals to ${c.byName}, so it went to ${c.byName}.`),
      ...route.bypassed.map((b) => `Not sent to ${b.name}: ${b.why}.`),
      `It is waiting for ${joinNames(route.approvers.map((a) => a.displayName))}.`,
    ].join(' '),
  nudgeTooSoon: (at: string, next: string) => `You nudged the approvers ${at}; you can nudge them again after ${next}.`,
  nudged: (names: string[]) => `I've reminded ${joinNames(names)} that your request is waiting for them.`,
  notRequesterNudges: 'Only the person who asked can nudge the approvers.',
  executionFailedInternally:
    'Something went wrong while making the change; nothing further was changed. An administrator can see the details in the audit log.',
};

/** What the requester and the people a request is for hear when an approver decides. */
export function decisionNotice(
  req: DeskRequest,
  title: string,
): { requester: string; target: string; leftOut: string } {
  const who = req.decidedByName ?? 'An approver';
  const reason = req.decisionReason ?? 'none given';
  if (req.state !== 'approved') {
    const what = `${title} for ${joinNames(req.targets.map((t) => t.displayName))}`;
    return {
      requester: `${who} rejected your request #${req.id} (${what}). Reason: ${reason}.`,
      target: `${who} rejected request #${req.id} from ${req.requesterName} for a ${title} for you. Reason: ${reason}.`,
      leftOut: '',
    };
  }
  const approved = req.targets.filter((t) => t.status !== 'skipped');
  const leftOut = req.targets.filter((t) => t.status === 'skipped');
  const what = `${title} for ${joinNames(approved.map((t) => t.displayName))}`;
  const notFor = leftOut.length
    ? ` Not approved for ${joinNames(leftOut.map((t) => t.displayName))}. Reason: ${reason}.`
    : '';
  return {
    requester: `${who} approved your request #${req.id}: ${what}.${notFor} I'm making the change now and will tell you when it has landed.`,
    target: `${who} approved a ${title} for you (request #${req.id}, asked by ${req.requesterName}). I'll tell you when it is active.`,
    leftOut: `${who} did not approve the ${title} for you in request #${req.id} from ${req.requesterName}. Reason: ${reason}.`,
  };
}

export function expiryNotice(req: DeskRequest, title: string, hours: number): { requester: string; approver: string } {
  return {
    requester: `Your request #${req.id} (${title}) expired: nobody decided within ${hours} hours. Ask again if it is still needed.`,
    approver: `Request #${req.id} from ${req.requesterName} (${title}) expired without a decision.`,
  };
}

export function completionNotice(req: DeskRequest, title: string, notes: string[] | undefined): string {
  const names = joinNames(req.targets.filter((t) => t.status === 'done').map((t) => t.displayName));
  return `Done: request #${req.id} is complete — ${title}${names ? ` for ${names}` : ''}.${notes?.length ? ' ' + notes.join(' ') : ''}`;
}

export function failureNotice(req: DeskRequest, title: string): string {
  return `Request #${req.id} (${title}) could not be completed. ${req.errorMessage ?? ''}`.trim();
}

/** What a request is, in one phrase: "Dragon Copilot nursing license for Dana Lee". */
function about(req: DeskRequest, title: string): string {
  return req.targets.length ? `${title} for ${joinNames(req.targets.map((t) => t.displayName))}` : title;
}

/** Above the approval card an approver gets again: a reminder, or the requester's nudge. */
export function reminderLead(req: DeskRequest, title: string, why: 'reminder' | 'nudge', hours: number): string {
  return why === 'reminder'
    ? `Reminder: request #${req.id} from ${req.requesterName} (${about(req, title)}) has waited ${hours} hours for your decision.`
    : `${req.requesterName} is asking about request #${req.id} (${about(req, title)}): it is still waiting for your decision.`;
}

/** An unanswered request goes to the fallback approvers too (or there is nobody further). */
export function escalationNotice(
  req: DeskRequest,
  title: string,
  hours: number,
  added: string[],
): { requester: string; approver: string } {
  const what = `request #${req.id} (${about(req, title)})`;
  if (!added.length)
    return {
      requester: `Nobody has decided ${what} within ${hours} hours, and there is nobody further to send it to; I've reminded ${joinNames(req.approvers.map((a) => a.displayName))} again.`,
      approver: `Reminder: ${what} from ${req.requesterName} has waited ${hours} hours for a decision.`,
    };
  return {
    requester: `Nobody decided ${what} within ${hours} hours, so I've also sent it to ${joinNames(added)}. Whoever decides first settles it.`,
    approver: `Nobody decided ${what} from ${req.requesterName} within ${hours} hours, so it also went to ${joinNames(added)}. Whoever decides first settles it.`,
  };
}

/** Why Dragon Desk could not reach someone in Teams, in words the requester and the card show. */
export function unreachableWhy(u: Unreachable, name: string): string {
  switch (u.refusal) {
    case 'blocked':
      return `Teams blocks apps for ${name} (an app permission policy), so Dragon Desk cannot message them`;
    case 'not-in-catalog':
      return "Dragon Desk is not in your organisation's app catalog, so it cannot be installed for anyone who has not opened it yet";
    case 'not-installed':
      return `Dragon Desk was removed for ${name} before it could message them`;
    case 'no-app-id':
      return 'Dragon Desk does not know its Teams app id (TEAMS_APP_ID is not set), so it cannot be installed for anyone';
    case 'no-permission':
      return 'Dragon Desk has not been granted the Microsoft Graph permission to install itself for people who have not opened it yet (an administrator can run `npx dragon-desk doctor`)';
    case 'refused':
      return `Teams would not install Dragon Desk for ${name} (Microsoft Graph: ${u.code})`;
    case 'unavailable':
      return `Microsoft Graph did not answer while installing Dragon Desk for ${name}, after several tries`;
    case 'chat-refused':
      return `Teams refuses Dragon Desk's messages to ${name} (they may have blocked or removed it)`;
    case 'dev-chat-unknown':
      return `the Agents Playground does not know the chat Teams would have opened for ${name}; they see the request when they open Dragon Desk`;
    case 'no-service-url':
      return 'Dragon Desk does not know its Teams address yet (nobody has talked to it and no approvals channel is set)';
  }
}

/**
 * What the requester hears when an approver could not be reached: who and why, and where the
 * request went instead (the fallback approvers, or the approvers still waiting), or that nobody is
 * left to reach.
 */
export function unreachedNotice(
  req: Pick<DeskRequest, 'id'>,
  title: string,
  unreached: Bypassed,
  then: { added: string[]; waiting: string[] },
): string {
  const lead = `I couldn't reach ${unreached.name} in Teams about your request #${req.id} (${title}): ${unreached.why}.`;
  if (then.added.length)
    return `${lead} Nobody else on it could be reached, so I sent it to ${joinNames(then.added)} instead.`;
  if (then.waiting.length) return `${lead} It is waiting for ${joinNames(then.waiting)}.`;
  return `${lead} Nobody who may approve it can be reached in Teams right now, so it waits until it expires; please ask your IT team to make Dragon Desk available to its approvers.`;
}
