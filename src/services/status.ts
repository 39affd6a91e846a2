/**
 * Read-only answers: seats, who holds a license, does a person have one, requests and what waits
 * for whom, Dragon administrators, how to buy more. Everyone may ask about themselves and their own
 * requests; admins and group owners (about their group's license) may ask about others.
 */
import { listCard, noticeCard, seatsCard } from '../cards';
import { LICENSE_INFO, LICENSE_KINDS, ROLE_TEMPLATE, type LicenseKind } from '../domain/catalog';
import { joinNames } from '../domain/people';
import { isStatusReader } from '../domain/policy';
import type { DeskRequest } from '../domain/request';
import type { TenantUser } from '../tenant/types';
import { Directory, licenseHolding } from './directory';
import { GRANT_RECORDS } from './grants';
import { resolvePeople, severalMatchText, type ResolvedPeople } from './people';
import { answerOf, settle } from './settle';
import type { GroupsInUse } from './groupsInUse';
import type { RequestAccess } from './requestAccess';
import { notFound, stateWords, type RequestEngine } from './requests';
import { card, text, type Actor, type Reply, type ServiceDeps } from './types';

const HOLDERS_SHOWN = 20;

/** Audit actions as a person reads them in a request's history. */
export const HISTORY_WORDS: Record<string, string> = {
  'request.draft': 'asked',
  'request.checked': 'checks passed',
  'request.resolved': 'chose the person',
  'request.kind-chosen': 'chose the license kind',
  'request.submit': 'sent for approval',
  'request.confirm': 'confirmed (acting directly as an administrator)',
  'request.approve': 'approved',
  'request.reject': 'rejected',
  'request.cancel': 'cancelled',
  'request.expire': 'expired without a decision',
  'request.precheck-failed': 'stopped by the checks',
  'execution.start': 'started making the change',
  'execution.resume': 'resumed making the change',
  'execution.completed': 'completed',
  'execution.failed': 'failed',
  'execution.error': 'hit an error (will retry if temporary)',
  'refused.not-visible': 'tried to open it from a card without access (refused)',
  'refused.not-approver': 'tried to decide without being an approver (refused)',
  'refused.no-longer-approver': 'tried to decide after losing the approver role (refused)',
  'refused.own-request': 'tried to decide their own request (refused)',
  'refused.is-target': 'tried to decide a request for themselves (refused)',
  'refused.not-requester': 'tried to act as the requester (refused)',
  'refused.stale-card': 'clicked an out-of-date card (nothing done)',
  'refused.tampered-choice': 'sent a card choice that was not offered (refused)',
};

export class StatusService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly directory: Directory,
    private readonly engine: RequestEngine,
    private readonly access: RequestAccess,
    private readonly groups: GroupsInUse,
  ) {}

  private kinds(license?: LicenseKind): LicenseKind[] {
    return license ? [license] : [...LICENSE_KINDS];
  }

  /**
   * May the actor see other people's licenses of this kind? Admins, and owners of that kind's group.
   * The roles and the groups' owners are read side by side (one $batch), though an admin needs no owners.
   */
  private async mayLookAtOthers(actor: Actor, kind?: LicenseKind): Promise<boolean> {
    const groups = await this.groups.all('cached');
    const owned = this.kinds(kind)
      .map((k) => groups[k])
      .filter((g) => g !== undefined);
    const [roles, owners] = await Promise.all([
      this.directory.rolesOf(actor.id, 'cached'),
      settle(Promise.all(owned.map((g) => this.directory.isGroupOwner(g, actor.id)))),
    ]);
    return isStatusReader(roles) || answerOf(owners).some(Boolean);
  }

  async seats(_actor: Actor, license?: LicenseKind): Promise<Reply[]> {
    const seats = await this.directory.seats('cached');
    const rows = this.kinds(license).map((k) => ({
      kind: k,
      label: LICENSE_INFO[k].label,
      used: seats[k].used,
      total: seats[k].total,
      purchase: LICENSE_INFO[k].purchase,
    }));
    return [card(seatsCard(rows))];
  }

  purchase(license?: LicenseKind): Reply[] {
    return [
      card(
        noticeCard({
          title: 'Buying more Dragon Copilot licenses',
          text: 'Microsoft sells the two Dragon Copilot license kinds through different channels:',
          tone: 'default',
          facts: this.kinds(license).map((k) => ({ title: LICENSE_INFO[k].label, value: LICENSE_INFO[k].purchase })),
        }),
      ),
    ];
  }

  async holders(actor: Actor, license?: LicenseKind): Promise<Reply[]> {
    // Who may look and the seats (for the SKU ids) are read side by side: one $batch.
    const [allowed, seats] = await Promise.all([this.mayLookAtOthers(actor, license), this.directory.seats('cached')]);
    if (!allowed)
      return [
        text(
          'Only administrators and the owners of a license group can see who holds Dragon licenses. You can ask about yourself: "do I have a Dragon license?"',
        ),
      ];
    const kinds = this.kinds(license);
    // Both kinds' holders are read side by side.
    const lists = await Promise.all(
      kinds.map(async (kind) => {
        const skuId = seats[kind].sku?.skuId;
        return skuId
          ? this.deps.tenant.listUsersWithLicense(skuId, await this.groups.license(kind, 'cached'))
          : undefined;
      }),
    );
    const replies: Reply[] = [];
    for (const [i, kind] of kinds.entries()) {
      const skuId = seats[kind].sku?.skuId;
      const people = lists[i];
      if (!skuId || !people) {
        replies.push(text(`There is no ${LICENSE_INFO[kind].label} subscription in the tenant.`));
        continue;
      }
      const rows: string[][] = [];
      let errors = 0;
      for (const p of people) {
        const h = licenseHolding(p, skuId);
        if (h.state === 'Error') errors++;
        rows.push([
          p.displayName,
          h.via === 'group' ? 'group' : h.via === 'direct' ? 'direct' : '—',
          h.holds ? 'Active' : `Error${h.error && h.error !== 'None' ? ` (${h.error})` : ''}`,
        ]);
      }
      rows.sort((a, b) => (a[2] === b[2] ? a[0].localeCompare(b[0]) : a[2] === 'Active' ? 1 : -1));
      const active = people.length - errors;
      replies.push(
        card(
          listCard({
            title: `${LICENSE_INFO[kind].label} license holders`,
            subtitle: `${active} active${errors ? `, ${errors} in an error state` : ''} · ${seats[kind].used} of ${seats[kind].total} seats used`,
            columns: ['Person', 'How', 'State'],
            rows: rows.slice(0, HOLDERS_SHOWN),
            footer: rows.length > HOLDERS_SHOWN ? `Showing ${HOLDERS_SHOWN} of ${rows.length}.` : undefined,
          }),
        ),
      );
    }
    return replies;
  }

  async check(actor: Actor, users: string[], license?: LicenseKind): Promise<Reply[]> {
    // Who is meant, the seats (for the SKU ids) and the asker's roles are read side by side: one $batch.
    const [people, seats] = await Promise.all([
      resolvePeople(this.directory, users, actor),
      this.directory.seats('cached'),
      this.directory.rolesOf(actor.id, 'cached').catch(() => undefined),
    ]);
    const replies: Reply[] = unresolvedNotes(people);
    const others = people.resolved.filter((p) => p.id !== actor.id);
    // Everyone's licensing as it is now, read beside the check of who may look (only shown if allowed).
    const [allowed, now] = await Promise.all([
      others.length ? this.mayLookAtOthers(actor, license) : true,
      this.directory.users(people.resolved.map((p) => p.id)),
    ]);
    if (!allowed) {
      replies.push(
        text(
          'You can ask about your own licenses; administrators and license group owners can ask about other people.',
        ),
      );
      people.resolved = people.resolved.filter((p) => p.id === actor.id);
    }
    for (const p of people.resolved) {
      const user = now.find((u) => u.id === p.id) ?? p;
      replies.push(text(this.describeHolding(user, seats, license, p.id === actor.id)));
    }
    return replies;
  }

  private describeHolding(
    user: TenantUser,
    seats: Awaited<ReturnType<Directory['seats']>>,
    license: LicenseKind | undefined,
    self: boolean,
  ): string {
    const who = self ? 'You' : user.displayName;
    const lines: string[] = [];
    for (const k of this.kinds(license)) {
      const h = licenseHolding(user, seats[k].sku?.skuId);
      const how = h.via === 'group' ? 'through the license group' : 'assigned directly';
      if (h.holds)
        lines.push(`${who} ${self ? 'have' : 'has'} a ${LICENSE_INFO[k].label} license (${how}, ${h.state}).`);
      else if (h.state === 'Error')
        lines.push(
          `${who} ${self ? 'are' : 'is'} set up for a ${LICENSE_INFO[k].label} license ${how}, but it is in an error state (${h.error ?? 'Error'}${h.error === 'CountViolation' ? ': no seat was free' : ''}).`,
        );
    }
    if (!lines.length)
      lines.push(
        `${who} ${self ? "don't" : "doesn't"} have a ${license ? LICENSE_INFO[license].label : 'Dragon Copilot'} license.${user.accountEnabled === false ? ' (The account is disabled.)' : ''}`,
      );
    return lines.join(' ');
  }

  async myRequests(actor: Actor): Promise<Reply[]> {
    const mine = await this.deps.store.requests.listByRequester(actor.id, 10);
    const shown = mine.filter((r) => r.state !== 'draft');
    if (!shown.length) return [text('You haven\'t made any requests yet. Try "I need a Dragon nursing license".')];
    return [
      card(
        listCard({
          title: 'Your requests',
          subtitle: 'Newest first. Say "status of request N" for the full history.',
          columns: ['#', 'What', 'For', 'State'],
          rows: shown.map((r) => [
            String(r.id),
            this.engine.capability(r).title(r),
            joinNames(r.targets.map((t) => t.displayName)),
            this.stateLine(r),
          ]),
        }),
      ),
    ];
  }

  private stateLine(r: DeskRequest): string {
    if (r.state === 'pending') return `waiting for ${joinNames(r.approvers.map((a) => a.displayName))}`;
    return stateWords(r);
  }

  async request(actor: Actor, id: number): Promise<Reply[]> {
    const req = await this.deps.store.requests.get(id);
    if (!req || !(await this.access.mayView(actor.id, req))) return [text(notFound(id))];
    const role =
      req.requesterId === actor.id
        ? 'requester'
        : req.approvers.some((a) => a.approverId === actor.id)
          ? 'approver'
          : 'observer';
    const history = await this.deps.store.audit.listForRequest(id);
    const lines = history
      .filter((h) => !h.action.startsWith('graph.'))
      .map(
        (h) =>
          `${h.at.slice(0, 16).replace('T', ' ')} UTC — ${h.actorName ?? h.actorId}: ${HISTORY_WORDS[h.action] ?? h.action.replace(/^request\./, '')}`,
      );
    return [
      card(await this.engine.cardFor(req, { role, id: actor.id }), {
        requestId: req.id,
        role: role === 'observer' ? 'target' : role,
      }),
      text(`History of request #${id}:\n\n${lines.map((l) => `- ${l}`).join('\n')}`),
    ];
  }

  async pendingApprovals(actor: Actor): Promise<Reply[]> {
    const pending = await this.engine.pendingFor(actor.id, 10);
    if (!pending.length) return [text('Nothing is waiting for your decision.')];
    const replies: Reply[] = [
      text(`${pending.length === 1 ? 'One request is' : `${pending.length} requests are`} waiting for your decision:`),
    ];
    for (const req of pending)
      replies.push(
        card(await this.engine.cardFor(req, { role: 'approver', id: actor.id }), {
          requestId: req.id,
          role: 'approver',
        }),
      );
    return replies;
  }

  /** May the actor see who else holds the Dragon Administrator role? Admins and the role group's owner. */
  private async mayLookAtRoleHolders(actor: Actor): Promise<boolean> {
    if (isStatusReader(await this.directory.rolesOf(actor.id, 'cached'))) return true;
    const group = await this.groups.admin('cached');
    return !!group && (await this.directory.isGroupOwner(group, actor.id));
  }

  /**
   * "am I a Dragon admin?", "is Sam a Dragon administrator?": read from the tenant's role
   * assignments, like the role holders. Anyone may ask about themselves; only admins and the
   * owner of the Dragon Administrators group about others (as with licenses).
   */
  async roleCheck(actor: Actor, users: string[]): Promise<Reply[]> {
    const people = await resolvePeople(this.directory, users, actor);
    const replies: Reply[] = unresolvedNotes(people);
    const others = people.resolved.filter((p) => p.id !== actor.id);
    if (others.length && !(await this.mayLookAtRoleHolders(actor))) {
      replies.push(
        text(
          'You can ask whether you are a Dragon administrator; administrators and the owner of the Dragon Administrators group can ask about other people.',
        ),
      );
      people.resolved = people.resolved.filter((p) => p.id === actor.id);
    }
    for (const p of people.resolved) {
      const holds = (await this.deps.tenant.getUserRoleTemplateIds(p.id)).includes(ROLE_TEMPLATE.dragonAdministrator);
      const self = p.id === actor.id;
      replies.push(
        text(
          self
            ? holds
              ? 'Yes, you hold the Dragon Administrator role.'
              : "No, you don't hold the Dragon Administrator role."
            : holds
              ? `Yes, ${p.displayName} holds the Dragon Administrator role.`
              : `No, ${p.displayName} doesn't hold the Dragon Administrator role.`,
        ),
      );
    }
    return replies;
  }

  /** Who holds the Dragon Administrator role, and how (group, direct, time-bound until when). */
  async roleHolders(actor: Actor): Promise<Reply[]> {
    const adminGroup = await this.groups.admin('cached');
    // Who may look, and the assignments (shown only if they may), side by side. A read that failed
    // counts only where its answer is needed.
    const [roles, owner, assignments] = await Promise.all([
      this.directory.rolesOf(actor.id, 'cached'),
      settle(adminGroup ? this.directory.isGroupOwner(adminGroup, actor.id) : Promise.resolve(false)),
      settle(this.deps.tenant.listRoleAssignments({ roleDefinitionId: ROLE_TEMPLATE.dragonAdministrator })),
    ]);
    if (!isStatusReader(roles) && !answerOf(owner))
      return [
        text(
          'Only administrators and the owner of the Dragon Administrators group can see who holds the Dragon Administrator role.',
        ),
      ];
    const rows: string[][] = [];
    // Time-bound grants still in force (src/services/grants.ts); a grant ended early by a removal is not.
    const endsAt = new Map<string, string>();
    for (const g of await this.deps.store.records.list(GRANT_RECORDS))
      if (g.value.state === 'active' && typeof g.value.userId === 'string' && typeof g.value.endsAt === 'string')
        endsAt.set(g.value.userId, g.value.endsAt);
    const until = (id: string) =>
      endsAt.has(id) ? `until ${endsAt.get(id)!.slice(0, 16).replace('T', ' ')} UTC` : 'permanent';
    // Every principal looked up at once (a person, or a group and its members).
    const principals = await Promise.all(answerOf(assignments).map((a) => this.directory.principal(a.principalId)));
    for (const { group, people } of principals) {
      for (const p of people)
        rows.push([p.displayName, group ? `member of “${group.displayName}”` : 'direct role assignment', until(p.id)]);
    }
    if (!rows.length) return [text('Nobody holds the Dragon Administrator role right now.')];
    return [
      card(
        listCard({
          title: 'Dragon administrators',
          columns: ['Person', 'How', 'Until'],
          rows,
        }),
      ),
    ];
  }
}

/** What a status question says about names it could not read: nobody by that name, or several. */
function unresolvedNotes(people: Pick<ResolvedPeople, 'notFound' | 'questions'>): Reply[] {
  const replies: Reply[] = [];
  if (people.notFound.length) replies.push(text(`I couldn't find ${joinNames(people.notFound.map((n) => `“${n}”`))}.`));
  if (people.questions.length) replies.push(text(severalMatchText(people.questions)));
  return replies;
}
