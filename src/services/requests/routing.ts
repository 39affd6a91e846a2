/**
 * Where a request sent for approval goes (domain/approvalRouting.ts decides): approvers who handed
 * their approvals to someone for a while are replaced by that person, and approvers who are away
 * (Outlook automatic replies on) are skipped while someone else can decide. The facts are read as
 * sending reads them (cached reads will do: the decision re-checks who may decide, fresh).
 */
import { isActive, routeApprovers, type Delegation, type Route } from '../../domain/approvalRouting';
import type { DeskRequest, RequestApprover } from '../../domain/request';
import { recordKind } from '../../store/types';
import type { ServiceDeps } from '../types';
import type { Capabilities } from './capabilities';

/** "Send my approvals to Omar until Friday", by the delegator's id. */
export const DELEGATIONS = recordKind<Delegation>('approval-delegation');

/** Who of these people is away now; a person whose mailbox cannot be read counts as present. */
export type AwayReader = (ids: readonly string[]) => Promise<ReadonlySet<string>>;

export class ApprovalRouting {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly caps: Capabilities,
    private readonly awayOf: AwayReader,
  ) {}

  async route(req: DeskRequest, primary: RequestApprover[]): Promise<Route> {
    const ids = primary.map((a) => a.approverId);
    const [delegations, away] = await Promise.all([this.delegationsOf(ids), this.awayOf(ids)]);
    if (!delegations.size && !away.size) return { approvers: primary, bypassed: [], covering: [] };
    // Someone has to stand in: the fallback administrators, and whether they are away too.
    const fallback = await this.caps.of(req).escalationApprovers(req, 'cached');
    const more = fallback.map((f) => f.approverId).filter((id) => !ids.includes(id));
    const awayToo = more.length ? await this.awayOf(more) : new Set<string>();
    return routeApprovers({ primary, fallback, away: new Set([...away, ...awayToo]), delegations });
  }

  /** Active delegations of these approvers, by delegator. */
  private async delegationsOf(ids: readonly string[]): Promise<Map<string, Delegation>> {
    const now = this.deps.clock.now();
    const found = await Promise.all(ids.map((id) => this.deps.store.records.get(DELEGATIONS, id)));
    const out = new Map<string, Delegation>();
    found.forEach((r, i) => {
      if (isActive(r?.value, now)) out.set(ids[i], r.value);
    });
    return out;
  }
}
