/**
 * What the request engine says to people: one catalogue, so the wording of a state, a refusal or a
 * notice is found (and changed) in one place. Pure.
 */
import { joinNames } from '../../domain/people';
import type { DeskRequest } from '../../domain/request';

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
  noApprover: (title: string) =>
    `Nobody can approve this right now: ${title} has no enabled owner to route it to, and no fallback approver is available. Please ask your IT team to name an owner.`,
  cannotGoAhead: 'The request can no longer go ahead.',
  gone: 'That request no longer exists.',
  lostRace: (req: DeskRequest, byYou: boolean) =>
    byYou
      ? `You already acted on request #${req.id}: it is now ${stateWords(req)}.`
      : `Someone else acted on request #${req.id} first: it is now ${stateWords(req)}.`,
  notReached: (names: string[]) =>
    `${joinNames(names)} ${names.length === 1 ? "hasn't" : "haven't"} used Dragon Desk yet, so I can't message them directly. They will see your request the first time they open Dragon Desk in Teams; you may want to let them know.`,
  executionFailedInternally:
    'Something went wrong while making the change; nothing further was changed. An administrator can see the details in the audit log.',
};

/** What the requester and the people a request is for hear when an approver decides. */
export function decisionNotice(req: DeskRequest, title: string): { requester: string; target: string } {
  const who = req.decidedByName ?? 'An approver';
  const what = `${title} for ${joinNames(req.targets.map((t) => t.displayName))}`;
  const reason = req.decisionReason ?? 'none given';
  return req.state === 'approved'
    ? {
        requester: `${who} approved your request #${req.id}: ${what}. I'm making the change now and will tell you when it has landed.`,
        target: `${who} approved a ${title} for you (request #${req.id}, asked by ${req.requesterName}). I'll tell you when it is active.`,
      }
    : {
        requester: `${who} rejected your request #${req.id} (${what}). Reason: ${reason}.`,
        target: `${who} rejected request #${req.id} from ${req.requesterName} for a ${title} for you. Reason: ${reason}.`,
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
