/**
 * Who a request is sent to, and when it is followed up: the rules that keep approvals moving
 * (reminders, escalation, nudges, approvers who are away or have handed their approvals to someone
 * for a while). Pure: services read automatic replies, delegations and the eligible approvers, and
 * hand them in.
 *
 * The one safety rule underneath: routing never widens who may decide. A delegate or an escalation
 * reaches only people who may approve the request in their own right (an owner of the group, or a
 * holder of the fallback role); the decision re-checks that, fresh, when they click.
 */
import type { AdminRole } from './catalog';
import type { RequestApprover } from './request';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** When a request just sent will be reminded, escalated and expired (ISO times). */
export interface FollowUpPlan {
  remindAt?: string;
  escalateAt?: string;
  expiresAt: string;
}

/**
 * A follow-up only makes sense before the request expires; 0 hours switches it off. An escalation
 * at or before the reminder makes the reminder pointless, so it is dropped.
 */
export function followUpPlan(sentAt: Date, hours: { remind: number; escalate: number; expire: number }): FollowUpPlan {
  const at = (h: number) => new Date(sentAt.getTime() + h * HOUR).toISOString();
  const plan: FollowUpPlan = { expiresAt: at(hours.expire) };
  const escalates = hours.escalate > 0 && hours.escalate < hours.expire;
  if (escalates) plan.escalateAt = at(hours.escalate);
  if (hours.remind > 0 && hours.remind < hours.expire && (!escalates || hours.remind < hours.escalate))
    plan.remindAt = at(hours.remind);
  return plan;
}

/** A requester may nudge the approvers once a day: when they next may, or undefined for now. */
export function nextNudge(lastNudgedAt: string | undefined, now: Date): string | undefined {
  if (!lastNudgedAt) return undefined;
  const next = Date.parse(lastNudgedAt) + DAY;
  return Number.isNaN(next) || next <= now.getTime() ? undefined : new Date(next).toISOString();
}

/** "Send my approvals to Omar until Friday", as stored. */
export interface Delegation {
  delegateId: string;
  delegateName: string;
  /** The delegator, as named on cards ("on behalf of Nora Fischer"). */
  delegatorName: string;
  from: string;
  until: string;
}

export function isActive(d: Delegation | undefined, now: Date): d is Delegation {
  if (!d) return false;
  const t = now.getTime();
  return Date.parse(d.from) <= t && t < Date.parse(d.until);
}

/** Someone an approval was not sent to, and why (told to the requester, shown on the card). */
export interface Bypassed {
  id: string;
  name: string;
  why: string;
}

/** Someone deciding for another approver who handed their approvals over. */
export interface Covering {
  forId: string;
  forName: string;
  byId: string;
  byName: string;
  until: string;
}

export interface RoutingFacts {
  /** Who decides by the approver rule (domain/approvers.ts): the group's owners, or the fallback. */
  primary: readonly RequestApprover[];
  /** Who may decide when the primary approvers cannot: the fallback role's holders, eligible. */
  fallback: readonly RequestApprover[];
  /** Approvers whose automatic replies are on now. */
  away: ReadonlySet<string>;
  /** Active delegations of the primary approvers, by delegator. */
  delegations: ReadonlyMap<string, Delegation>;
}

export interface Route {
  approvers: RequestApprover[];
  bypassed: Bypassed[];
  covering: Covering[];
  /** The fallback approvers have it already (standing in for approvers who are away): nobody to escalate to. */
  standIn?: true;
}

/**
 * Where a request goes. A primary approver who handed their approvals to someone is replaced by
 * that person, when they may decide this request themselves (else the approver keeps it, and the
 * requester is told why). Approvers who are away are skipped while someone who is not away remains
 * — among the primary approvers, then the fallback. When everyone is away, the request goes to the
 * primary approvers all the same: someone has to have it.
 */
export function routeApprovers(f: RoutingFacts): Route {
  const eligible = new Map([...f.fallback, ...f.primary].map((a) => [a.approverId, a]));
  const bypassed: Bypassed[] = [];
  const covering: Covering[] = [];
  const routed: RequestApprover[] = [];
  const add = (a: RequestApprover) => {
    if (!routed.some((r) => r.approverId === a.approverId)) routed.push(a);
  };
  for (const a of f.primary) {
    const d = f.delegations.get(a.approverId);
    if (!d) {
      add(a);
      continue;
    }
    const delegate = eligible.get(d.delegateId);
    if (!delegate) {
      bypassed.push({
        id: d.delegateId,
        name: d.delegateName,
        why: `${a.displayName} handed their approvals to ${d.delegateName}, who cannot decide this request, so it stays with ${a.displayName}`,
      });
      add(a);
      continue;
    }
    covering.push({
      forId: a.approverId,
      forName: a.displayName,
      byId: delegate.approverId,
      byName: delegate.displayName,
      until: d.until,
    });
    add({ ...delegate, reason: `covering for ${a.displayName}, ${delegate.reason}` });
  }
  const present = routed.filter((a) => !f.away.has(a.approverId));
  if (present.length) {
    for (const a of routed)
      if (f.away.has(a.approverId)) bypassed.push({ id: a.approverId, name: a.displayName, why: AWAY });
    return { approvers: present, bypassed, covering };
  }
  // Everyone it would go to is away: the fallback approvers who are not away decide instead.
  const standIns = f.fallback.filter(
    (a) => !f.away.has(a.approverId) && !routed.some((r) => r.approverId === a.approverId),
  );
  if (standIns.length) {
    for (const a of routed) bypassed.push({ id: a.approverId, name: a.displayName, why: AWAY });
    return {
      approvers: standIns.map((s) => ({ ...s, reason: `${s.reason}, standing in while the approvers are away` })),
      bypassed,
      covering,
      standIn: true,
    };
  }
  return { approvers: routed, bypassed, covering };
}

const AWAY = 'away (automatic replies are on)';

/**
 * The approvers an escalation adds: the fallback approvers not already deciding, each with the
 * reason they now may.
 */
export function escalationAdds(
  current: readonly RequestApprover[],
  fallback: readonly RequestApprover[],
): RequestApprover[] {
  return fallback
    .filter((f) => !current.some((c) => c.approverId === f.approverId))
    .map((f) => ({ ...f, reason: `${f.reason}; the request was escalated after no decision` }));
}

/** What a person approves: a grant, and whether a candidate delegate may approve it too. */
export interface ApprovalScope {
  /** "Dragon Copilot nursing license requests". */
  label: string;
  delegateMay: boolean;
}

/**
 * A delegation is accepted only to someone who may approve everything the delegator approves, so it
 * never hands anyone a decision they could not make themselves. The answer says what is missing.
 */
export function delegationProblem(
  o: { delegatorId: string; delegateId: string; delegateName: string; delegateEnabled: boolean },
  scopes: readonly ApprovalScope[],
): string | undefined {
  if (o.delegateId === o.delegatorId) return 'You cannot hand your approvals to yourself.';
  if (!o.delegateEnabled) return `${o.delegateName}'s account is disabled, so they cannot approve anything.`;
  if (!scopes.length) return 'You do not approve any Dragon requests, so there is nothing to hand over.';
  const cannot = scopes.filter((s) => !s.delegateMay).map((s) => s.label);
  if (cannot.length)
    return `${o.delegateName} cannot approve ${cannot.join(' or ')} (they are not an owner of the group or an administrator who may), so I can't send your approvals to them. Pick someone who can approve the same requests as you.`;
  return undefined;
}

/** A kind of request someone may approve, with who may by owning its group or by holding a role. */
export interface ApprovalArea {
  /** "Dragon Copilot nursing license requests". */
  label: string;
  /** The owners of the group that carries it; empty when no group is in use. */
  ownerIds: readonly string[];
  /** The roles whose holders decide when the owners cannot (the fallback). */
  fallbackRoles: readonly AdminRole[];
}

/**
 * What the delegator approves (owning the group, or holding a fallback role), and for each whether
 * the delegate could approve it too: the input of `delegationProblem`.
 */
export function approvalScopes(
  areas: readonly ApprovalArea[],
  delegator: { id: string; roles: ReadonlySet<AdminRole> },
  delegate: { id: string; roles: ReadonlySet<AdminRole> },
): ApprovalScope[] {
  const may = (p: { id: string; roles: ReadonlySet<AdminRole> }, a: ApprovalArea) =>
    a.ownerIds.includes(p.id) || a.fallbackRoles.some((r) => p.roles.has(r));
  return areas.filter((a) => may(delegator, a)).map((a) => ({ label: a.label, delegateMay: may(delegate, a) }));
}

/**
 * Who a request waits for once some approvers could not be reached in Teams: the ones that still
 * can be; when none is left, the fallback approvers not yet on it and not known to be unreachable
 * (`added`, each saying why); with none of those either, the approvers it had (it waits, and
 * expires as any request).
 */
export function routeAroundUnreached(
  current: readonly RequestApprover[],
  unreached: readonly Pick<Bypassed, 'id'>[],
  fallback: readonly RequestApprover[],
): { approvers: RequestApprover[]; added: RequestApprover[] } {
  const missed = (id: string) => unreached.some((u) => u.id === id);
  const reachable = current.filter((a) => !missed(a.approverId));
  if (reachable.length) return { approvers: reachable, added: [] };
  const added = fallback
    .filter((f) => !missed(f.approverId) && !current.some((c) => c.approverId === f.approverId))
    .map((f) => ({ ...f, reason: `${f.reason}; no other approver could be reached in Teams` }));
  return added.length ? { approvers: added, added } : { approvers: [...current], added: [] };
}
