/**
 * "Send my approvals to Omar until Friday": an approver hands the requests that would come to them
 * to someone else for a while. Only to someone who may approve the same things in their own right
 * (an owner of the same groups, or a holder of the role that decides when owners do not), so a
 * hand-over never gives anyone a decision they could not make; always with an end (at most 90
 * days), so approvals come back by themselves. Set, ended and refused hand-overs are audited, and
 * the delegate is told. Requests are routed by it when they are sent (requests/routing.ts).
 */
import { formatTime } from '../cards/text';
import {
  approvalScopes,
  delegationProblem,
  isActive,
  type ApprovalArea,
  type Delegation,
} from '../domain/approvalRouting';
import { fallbackRoles, type Grant } from '../domain/approvers';
import { LICENSE_INFO } from '../domain/catalog';
import { SETUP_PARTS } from '../domain/setupPlan';
import { auditEntry } from './audit';
import type { Directory } from './directory';
import type { GroupsInUse } from './groupsInUse';
import { notFoundText, severalMatchText } from './people';
import { DELEGATIONS } from './requests';
import type { Notifications } from './requests/notifications';
import { text, type Actor, type Reply, type ServiceDeps } from './types';

const MAX_DAYS = 90;
const DAY = 24 * 3_600_000;

export class ApprovalDelegation {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly directory: Directory,
    private readonly groups: GroupsInUse,
    private readonly notifications: Notifications,
  ) {}

  /**
   * Hand the asker's approvals to `who` until `until` (ISO: a date means the end of that day, UTC).
   * Every check is made on fresh reads: who owns which group and who holds which role now.
   */
  async delegate(actor: Actor, who: string, until: string | undefined): Promise<Reply[]> {
    const end = endOf(until);
    const now = this.deps.clock.now();
    if (end === undefined) return [text(say.untilWhen)];
    if (end.getTime() <= now.getTime()) return [text(say.past(formatTime(end.toISOString())))];
    if (end.getTime() - now.getTime() > MAX_DAYS * DAY) return [text(say.tooLong)];
    const found = await this.directory.resolve(who, actor);
    if (found.kind === 'none') return [text(notFoundText([who], this.deps.config.mode))];
    if (found.kind === 'many') return [text(severalMatchText([{ written: who, candidates: found.candidates }]))];
    const person = found.person;
    const [areas, mine, theirs] = await Promise.all([
      this.areas(),
      this.directory.rolesOf(actor.id),
      this.directory.rolesOf(person.id),
    ]);
    const scopes = approvalScopes(areas, { id: actor.id, roles: mine }, { id: person.id, roles: theirs });
    const problem = delegationProblem(
      {
        delegatorId: actor.id,
        delegateId: person.id,
        delegateName: person.displayName,
        delegateEnabled: person.accountEnabled !== false,
      },
      scopes,
    );
    if (problem) {
      await this.deps.store.audit.append(
        this.entry(actor, 'refused.delegation', { delegateId: person.id, until: end.toISOString(), problem }),
      );
      return [text(problem)];
    }
    const handed: Delegation = {
      delegateId: person.id,
      delegateName: person.displayName,
      delegatorName: actor.name,
      from: now.toISOString(),
      until: end.toISOString(),
    };
    const what = scopes.map((s) => s.label).join(' and ');
    await this.deps.store.records.put(
      DELEGATIONS,
      actor.id,
      handed,
      actor.id,
      this.entry(actor, 'approvals.delegate', { delegateId: person.id, until: handed.until, scopes: what }),
    );
    const until_ = formatTime(handed.until);
    await this.notifications.tell(
      person.id,
      say.toDelegate(actor.name, what, until_),
      `delegated:${actor.id}:${handed.from}`,
    );
    return [text(say.handed(what, person.displayName, until_))];
  }

  /** "Stop sending my approvals to Omar" / "I'm back": new requests come to the asker again. */
  async stop(actor: Actor): Promise<Reply[]> {
    const rec = await this.deps.store.records.get(DELEGATIONS, actor.id);
    if (!isActive(rec?.value, this.deps.clock.now())) return [text(say.nothingHanded)];
    await this.deps.store.records.delete(
      DELEGATIONS,
      actor.id,
      this.entry(actor, 'approvals.delegate-end', { delegateId: rec.value.delegateId }),
    );
    await this.notifications.tell(
      rec.value.delegateId,
      say.endedToDelegate(actor.name),
      `delegation-ended:${actor.id}:${rec.value.from}`,
    );
    return [text(say.ended(rec.value.delegateName))];
  }

  /** "Who gets my approvals?" */
  async show(actor: Actor): Promise<Reply[]> {
    const rec = await this.deps.store.records.get(DELEGATIONS, actor.id);
    if (!isActive(rec?.value, this.deps.clock.now())) return [text(say.nothingHanded)];
    return [text(say.current(rec.value.delegateName, formatTime(rec.value.until)))];
  }

  /** Each kind of request an approver may decide, with who decides it: its group's owners and the fallback roles. */
  private async areas(): Promise<ApprovalArea[]> {
    const groups = await this.groups.all();
    const licenseFallback = this.deps.config.approverFallback;
    return Promise.all(
      SETUP_PARTS.map(async (part): Promise<ApprovalArea> => {
        const grant: Grant = part === 'admin' ? { of: 'dragon-admin' } : { of: 'license', kind: part };
        const groupId = groups[part];
        const owners = groupId ? await this.directory.groupOwners(groupId) : [];
        return {
          label:
            part === 'admin' ? 'Dragon Administrator role requests' : `${LICENSE_INFO[part].label} license requests`,
          ownerIds: owners.filter((o) => o.accountEnabled !== false).map((o) => o.id),
          fallbackRoles: fallbackRoles(grant, licenseFallback),
        };
      }),
    );
  }

  private entry(actor: Actor, action: string, detail: Record<string, unknown>) {
    return auditEntry(actor, action, this.deps.config.tenantId, detail);
  }
}

/** The end of a hand-over: an ISO time as given, or the end of an ISO date (UTC). */
function endOf(until: string | undefined): Date | undefined {
  if (!until) return undefined;
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(until) ? `${until}T23:59:59Z` : until;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

const say = {
  untilWhen:
    'Until when? Say for example "send my approvals to Omar Haddad until Friday". A hand-over always has an end, so your approvals come back to you by themselves.',
  past: (when: string) => `${when} has already passed. Give a date in the future.`,
  tooLong: `A hand-over can last at most ${MAX_DAYS} days. For longer, ask your IT team to make that person an owner of the license group.`,
  handed: (what: string, name: string, until: string) =>
    `Done: until ${until}, new ${what} that would come to you go to ${name}, who decides on your behalf (their cards say so). Requests already waiting for you stay with you. Say "stop sending my approvals" to end it sooner.`,
  toDelegate: (from: string, what: string, until: string) =>
    `${from} has handed their Dragon approvals to you until ${until}: new ${what} that would go to them come to you, and you decide on their behalf.`,
  nothingHanded: "You haven't handed your approvals to anyone: requests for you to decide come to you.",
  ended: (name: string) => `Done: new requests come to you again, not to ${name}.`,
  endedToDelegate: (from: string) => `${from} has taken their Dragon approvals back: new requests go to them again.`,
  current: (name: string, until: string) =>
    `New requests for you to decide go to ${name} until ${until}. Say "stop sending my approvals" to end it sooner.`,
};
