/**
 * The checks a license request passes before it is shown, sent, confirmed and carried out: the
 * tenant owns the SKU, each person can get (or lose) it, nobody is already in another open request
 * for it, and enough seats are free — if not, the license administrators hear about it (at most
 * once an hour per kind).
 */
import { noticeCard } from '../../cards';
import { LICENSE_INFO, otherKind, type LicenseKind } from '../../domain/catalog';
import { joinNames } from '../../domain/people';
import type { RequestTarget } from '../../domain/request';
import { recordKind } from '../../store/types';
import type { TenantUser } from '../../tenant/types';
import { auditEntry, SYSTEM_ACTOR } from '../audit';
import type { Precheck } from '../capability';
import { licenseHolding, type Directory, type Reads, type Seats } from '../directory';
import type { GroupsInUse } from '../groupsInUse';
import type { RequestEngine } from '../requests';
import { card, text, type Actor, type ServiceDeps } from '../types';
import type { LicenseRequest } from './kinds';

const SEAT_ALERT_INTERVAL_MS = 60 * 60 * 1000;
/** When the license administrators were last told a kind ran out of seats. */
const SEAT_ALERTS = recordKind<{ at: string }>('alerts');

export class LicensePrechecks {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly directory: Directory,
    private readonly groups: GroupsInUse,
    private readonly engine: RequestEngine,
  ) {}

  async precheck(req: LicenseRequest, actor: Actor, reads: Reads = 'fresh'): Promise<Precheck> {
    const kind = req.subject as LicenseKind;
    const info = LICENSE_INFO[kind];
    const seats = await this.directory.seats(reads);
    const sku = seats[kind].sku;
    if (!sku) {
      return {
        ok: false,
        replies: [
          text(
            `Your organisation has no ${info.label} subscription (SKU ${this.deps.config.licenses[kind].skuPartNumber}) yet, so there is nothing to assign. ${info.purchase}`,
          ),
        ],
      };
    }
    const otherSku = seats[otherKind(kind)].sku?.skuId;
    // Which group carries the license decides the checks and who approves: read from the store
    // every time (a set-up on another instance may have just created it).
    const groupId = await this.groups.license(kind);
    const skipped: { name: string; reason: string }[] = [];
    const keep: RequestTarget[] = [];
    const users = await this.directory.users(
      req.targets.map((t) => t.userId),
      reads,
    );
    for (const t of req.targets) {
      const u = users.find((x) => x.id === t.userId);
      const reason = await this.targetProblem(req, t, u, { skuId: sku.skuId, otherSku, groupId });
      if (reason) skipped.push({ name: t.displayName, reason });
      else keep.push(t);
    }
    if (keep.length === 0)
      return { ok: false, replies: [text(skipped.map((s) => s.reason).join(' ') + ' Nothing was requested.')] };

    if (req.kind === 'license.assign' && seats[kind].free < keep.length) {
      await this.alertAdminsNoSeats(actor, seats[kind], keep);
      const s = seats[kind];
      return {
        ok: false,
        replies: [
          card(
            noticeCard({
              title: s.free === 0 ? `No ${info.label} seats left` : `Not enough ${info.label} seats`,
              text:
                (s.free === 0
                  ? `All ${s.total} ${info.label} licenses are in use (${s.used} of ${s.total} used), so I can't request one for ${joinNames(keep.map((k) => k.displayName))}.`
                  : `Only ${s.free} of ${s.total} ${info.label} licenses are free, and this request needs ${keep.length}.`) +
                ' I have let the license administrators know. Nothing was requested.',
              tone: 'warning',
              facts: [
                { title: 'Used', value: `${s.used} of ${s.total}` },
                { title: 'Free', value: String(s.free) },
                { title: 'How to buy more', value: info.purchase },
              ],
            }),
          ),
        ],
      };
    }
    return { ok: true, skipped, request: { ...req, targets: keep } };
  }

  /** Why this person can't be part of the request, or undefined when they can. */
  private async targetProblem(
    req: LicenseRequest,
    t: RequestTarget,
    u: TenantUser | undefined,
    license: {
      skuId: string;
      /** The other Dragon kind's SKU: a person needs only one of the two. */
      otherSku: string | undefined;
      /** The group that carries this kind, when there is one (else assignLicense). */
      groupId: string | undefined;
    },
  ): Promise<string | undefined> {
    const { skuId, otherSku, groupId } = license;
    const kind = req.subject as LicenseKind;
    const label = LICENSE_INFO[kind].label;
    if (!u) return `${t.displayName} no longer exists in the directory.`;
    if (u.accountEnabled === false)
      return `${u.displayName}'s account is disabled, so no license can be assigned or changed.`;
    const holding = licenseHolding(u, skuId);
    if (req.kind === 'license.assign') {
      if (holding.holds)
        return `${u.displayName} already has a ${label} license (${holding.via === 'group' ? 'through a license group' : 'assigned directly'}).`;
      if (holding.state === 'Error')
        return `${u.displayName} is already in the ${label} license group, but Microsoft could not apply the license (${holding.error ?? 'error'}${holding.error === 'CountViolation' ? ': no seat was free' : ''}). An admin needs to free a seat and reprocess, or remove them from the group.`;
      if (otherSku && licenseHolding(u, otherSku).holds)
        return `${u.displayName} already has a ${LICENSE_INFO[otherKind(kind)].label} license. A person needs only one kind of Dragon Copilot license; if ${kind} is right, ask for the ${otherKind(kind)} license to be removed first.`;
      if (!groupId && !u.usageLocation)
        return `${u.displayName} has no usage location (country) set, which Microsoft requires before a license can be assigned directly. An admin can set it on their profile in the Entra admin center.`;
    } else {
      if (!holding.holds) return `${u.displayName} doesn't have a ${label} license, so there is nothing to remove.`;
      if (holding.via === 'group' && holding.groupId !== groupId)
        return `${u.displayName} gets the ${label} license through another group (${(await this.directory.groupName(holding.groupId!)) ?? holding.groupId}) that Dragon Desk doesn't manage; remove them from that group in Entra.`;
    }
    const open = (await this.deps.store.requests.findOpenForTarget(u.id, req.kind, req.subject)).filter(
      (o) => o.id !== req.id,
    );
    if (open.length)
      return `${u.displayName} is already in request #${open[0].id} for this (${open[0].state}); say "status of request ${open[0].id}" to follow it.`;
    return undefined;
  }

  private async alertAdminsNoSeats(actor: Actor, seats: Seats, people: RequestTarget[]): Promise<void> {
    const { kind, used, total } = seats;
    await this.deps.store.audit.append(
      auditEntry(actor, 'refused.no-seats', this.deps.config.tenantId, {
        kind,
        used,
        total,
        people: people.map((p) => p.userId),
      }),
    );
    const key = `seat-alert:${kind}`;
    const last = await this.deps.store.records.get(SEAT_ALERTS, key);
    const now = this.deps.clock.now().getTime();
    if (last && now - Date.parse(String(last.value.at)) < SEAT_ALERT_INTERVAL_MS) return;
    await this.deps.store.records.put(SEAT_ALERTS, key, { at: new Date(now).toISOString() }, SYSTEM_ACTOR.id);
    const info = LICENSE_INFO[kind];
    const admins = await this.directory.roleHolders('licenseAdministrator', 'cached').catch(() => []);
    for (const a of admins)
      await this.engine.notifications.tell(
        a.id,
        `Heads-up: ${actor.name} asked for a ${info.label} license for ${joinNames(people.map((p) => p.displayName))}, but ${used} of ${total} seats are used. ${info.purchase}`,
      );
  }
}
