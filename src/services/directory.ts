/**
 * Reads about people, roles and seats from the tenant. Status answers, drafts and sending a request
 * for approval may use a short-lived cache ('cached'); the moment of a decision (an approver's
 * click, an admin's Confirm, the execution) reads fresh.
 *
 * Reads are sent on the next turn of the event loop, and everything asked for until then goes out
 * together in one Graph $batch: a person waits for every round trip a step makes one after another,
 * so a step asks for what it needs side by side (Promise.all) and pays one.
 */
import type { Clock } from '../clock';
import type { Config } from '../config';
import { ROLE_TEMPLATE, type AdminRole, type LicenseKind, LICENSE_KINDS } from '../domain/catalog';
import { matchPerson, type Resolution } from '../domain/people';
import { rolesFromTemplateIds } from '../domain/policy';
import {
  TenantError,
  type AutomaticReplies,
  type DirectoryAnswers,
  type DirectoryQuery,
  type ReadResult,
  type SubscribedSku,
  type TenantClient,
  type TenantGroup,
  type TenantUser,
} from '../tenant/types';
import { answerOf, settle } from './settle';
import type { Actor } from './types';

/**
 * How current a read must be. 'cached' allows an answer up to the cache's TTL (30 s) old: for what
 * is only shown or checked again later (a draft card, sending for approval). 'fresh' is for the
 * moment a decision takes effect.
 */
export type Reads = 'fresh' | 'cached';

export interface Seats {
  kind: LicenseKind;
  sku?: SubscribedSku;
  used: number;
  total: number;
  free: number;
}

interface CacheEntry<T> {
  at: number;
  value: Promise<T>;
}

/** One read the directory can send on its own or gather with others into a $batch. */
type Load =
  | { part: 'users'; key: string }
  | { part: 'rolesOf'; key: string }
  | { part: 'groupIdsOf'; key: string }
  | { part: 'ownersOf'; key: string }
  | { part: 'membersOf'; key: string }
  | { part: 'groups'; key: string }
  | { part: 'subscribedSkus' }
  | { part: 'find'; key: string };

interface Gathered {
  /** A read of one thing, or a read made of several (run when sent; its own reads gather anew). */
  load: Load | (() => Promise<unknown>);
  answer: Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

export class Directory {
  private cache = new Map<string, CacheEntry<unknown>>();
  /** Reads asked for but not sent yet, by cache key (see fresh()). */
  private readonly gathering = new Map<string, Gathered>();
  private readonly skuIds = new Map<LicenseKind, string>();
  private readonly groupNames = new Map<string, string>();

  constructor(
    private readonly tenant: TenantClient,
    private readonly config: Config,
    private readonly clock: Clock,
    private readonly ttlMs = 30_000,
  ) {}

  /** Cached read for status answers; a failed read is not cached. */
  private cached<T>(key: string, fresh: boolean, load: Gathered['load']): Promise<T> {
    const now = this.clock.now().getTime();
    const hit = this.cache.get(key) as CacheEntry<T> | undefined;
    if (!fresh && hit && now - hit.at < this.ttlMs) return hit.value;
    const value = this.fresh<T>(key, load);
    this.remember(key, now, value);
    return value;
  }

  private remember<T>(key: string, at: number, value: Promise<T>): void {
    // Bounded: a busy day touches many people; old entries are simply dropped.
    if (this.cache.size >= 2000) this.cache.clear();
    const entry = { at, value };
    this.cache.set(key, entry);
    value.catch(() => {
      if (this.cache.get(key) === entry) this.cache.delete(key);
    });
  }

  /**
   * A read from the tenant, sent on the next turn of the event loop and shared by everyone who asks
   * for the same thing before it is sent. Each of them asked before the request went out, so each
   * gets an answer read after asking: as fresh as a read of their own, never an earlier answer.
   * bench/: a burst of 50 approval clicks re-checked the group's owners with 50 reads; now a few.
   * Different reads asked for meanwhile go with it, in one $batch.
   */
  private fresh<T>(key: string, load: Gathered['load']): Promise<T> {
    const gathering = this.gathering.get(key);
    if (gathering) return gathering.answer as Promise<T>;
    let settle!: Pick<Gathered, 'resolve' | 'reject'>;
    const answer = new Promise<unknown>((resolve, reject) => (settle = { resolve, reject }));
    if (this.gathering.size === 0) setImmediate(() => void this.send());
    this.gathering.set(key, { load, answer, ...settle });
    return answer as Promise<T>;
  }

  /** Sends what was gathered: one read the single way, several in one $batch. */
  private async send(): Promise<void> {
    // From here on, a new asker gets a read of its own: these are on their way.
    const gathered = [...this.gathering.values()];
    this.gathering.clear();
    const reads: (Gathered & { load: Load })[] = [];
    for (const g of gathered) {
      const { load } = g;
      if (typeof load === 'function') load().then(g.resolve, g.reject);
      else reads.push({ ...g, load });
    }
    if (reads.length === 0) return;
    if (reads.length === 1) {
      const [r] = reads;
      await this.readOne(r.load).then(r.resolve, r.reject);
      return;
    }
    const query: Required<DirectoryQuery> = {
      users: [],
      rolesOf: [],
      groupIdsOf: [],
      ownersOf: [],
      membersOf: [],
      groups: [],
      subscribedSkus: false,
      find: [],
    };
    for (const { load } of reads) {
      if (load.part === 'subscribedSkus') query.subscribedSkus = true;
      else query[load.part].push(load.key);
    }
    let answers: DirectoryAnswers;
    try {
      answers = await this.tenant.readDirectory(query);
    } catch (err) {
      for (const r of reads) r.reject(err);
      return;
    }
    for (const r of reads) {
      const result: ReadResult<unknown> | undefined =
        r.load.part === 'subscribedSkus' ? answers.subscribedSkus : answers[r.load.part]?.get(r.load.key);
      if (!result) r.reject(new Error(`the tenant gave no answer for ${r.load.part}`));
      else if ('error' in result) r.reject(result.error);
      else r.resolve(result.value);
    }
  }

  private readOne(load: Load): Promise<unknown> {
    switch (load.part) {
      case 'users':
        return this.tenant.getUser(load.key);
      case 'rolesOf':
        return this.tenant.getUserRoleTemplateIds(load.key);
      case 'groupIdsOf':
        return this.tenant.getUserGroupIds(load.key);
      case 'ownersOf':
        return this.tenant.listGroupOwners(load.key);
      case 'membersOf':
        return this.tenant.listGroupMembers(load.key);
      case 'groups':
        return this.tenant.getGroup(load.key);
      case 'subscribedSkus':
        return this.tenant.listSubscribedSkus();
      case 'find':
        return this.tenant.findUsers(load.key);
    }
  }

  /** Forget cached reads after a change we made ourselves. */
  invalidate(): void {
    this.cache.clear();
  }

  /**
   * Who a written name means. Resolving only shapes a draft (every check is made again before
   * anything changes); the lookup is always sent, and reads the whole record of whoever it finds.
   */
  async resolve(written: string, actor: Actor): Promise<Resolution<TenantUser>> {
    if (written === 'me') {
      const me = await this.user(actor.id, 'cached');
      return me ? { kind: 'one', person: me } : { kind: 'none' };
    }
    const asked = this.clock.now().getTime();
    const text = written.replace(/^(dr\.?|doctor)\s+/i, '');
    const result = matchPerson(written, await this.fresh<TenantUser[]>(`find:${text}`, { part: 'find', key: text }));
    // The person's latest record (licenses, enabled): the draft's checks need not read it again.
    if (result.kind === 'one') this.remember(`user:${result.person.id}`, asked, Promise.resolve(result.person));
    return result;
  }

  /**
   * Someone asking for something needs their own record (the checks) and roles (Confirm or Send
   * for approval): what is not in the cache is read now, with whatever else the step asks for
   * meanwhile, in one $batch. A failure is left for the reads that follow to meet and report.
   */
  async warmAsker(userId: string): Promise<void> {
    await Promise.all([this.user(userId, 'cached'), this.rolesOf(userId, 'cached')]).catch(() => undefined);
  }

  async user(id: string, reads: Reads = 'fresh'): Promise<TenantUser | undefined> {
    return this.cached(`user:${id}`, reads === 'fresh', { part: 'users', key: id });
  }

  /**
   * Several people's records, read together (one $batch with whatever else is asked meanwhile).
   * Cached: only those not read within the TTL are read. People who do not exist are left out.
   */
  async users(ids: readonly string[], reads: Reads = 'fresh'): Promise<TenantUser[]> {
    const unique = [...new Set(ids)];
    const read = await Promise.all(unique.map((id) => this.user(id, reads)));
    const byId = new Map(unique.map((id, i) => [id, read[i]] as const));
    return ids.map((id) => byId.get(id)).filter((u): u is TenantUser => u !== undefined);
  }

  /** The groups a person is in, transitively: who may act as a partner operator, for example. */
  async groupIdsOf(userId: string, reads: Reads = 'fresh'): Promise<string[]> {
    return this.cached(`groupIds:${userId}`, reads === 'fresh', { part: 'groupIdsOf', key: userId });
  }

  async rolesOf(userId: string, reads: Reads = 'fresh'): Promise<Set<AdminRole>> {
    const ids = await this.cached<string[]>(`roles:${userId}`, reads === 'fresh', { part: 'rolesOf', key: userId });
    return rolesFromTemplateIds(ids);
  }

  async seats(reads: Reads = 'cached'): Promise<Record<LicenseKind, Seats>> {
    const skus = await this.cached<SubscribedSku[]>('skus', reads === 'fresh', { part: 'subscribedSkus' });
    const out = {} as Record<LicenseKind, Seats>;
    for (const kind of LICENSE_KINDS) {
      const part = this.config.licenses[kind].skuPartNumber.toLowerCase();
      const sku = skus.find((s) => s.skuPartNumber.toLowerCase() === part);
      const total = sku?.prepaidUnits.enabled ?? 0;
      const used = sku?.consumedUnits ?? 0;
      out[kind] = { kind, sku, total, used, free: Math.max(0, total - used) };
    }
    return out;
  }

  /**
   * A SKU's id for its part number. Ids never change, so they are kept past invalidate(): an
   * execution right after another's invalidate() then needs no subscribedSkus read (bench/: it was
   * the third tenant request of a 20-person license request, after the write and check batches).
   */
  async skuId(kind: LicenseKind): Promise<string | undefined> {
    const known = this.skuIds.get(kind);
    if (known) return known;
    const id = (await this.seats('cached'))[kind].sku?.skuId;
    if (id) this.skuIds.set(kind, id);
    return id;
  }

  /** A group's display name for cards and reasons; names rarely change, so they are kept once read. */
  async groupName(groupId: string): Promise<string | undefined> {
    const known = this.groupNames.get(groupId);
    if (known) return known;
    const g = await this.group(groupId).catch(() => undefined);
    if (g) this.groupNames.set(groupId, g.displayName);
    return g?.displayName;
  }

  private group(groupId: string): Promise<TenantGroup | undefined> {
    return this.fresh(`group:${groupId}`, { part: 'groups', key: groupId });
  }

  /** Owners of a group: fresh by default, because ownership decides who may approve. */
  async groupOwners(groupId: string, reads: Reads = 'fresh'): Promise<TenantUser[]> {
    return this.cached(`owners:${groupId}`, reads === 'fresh', { part: 'ownersOf', key: groupId });
  }

  async isGroupOwner(groupId: string, userId: string): Promise<boolean> {
    return (await this.groupOwners(groupId)).some((o) => o.id === userId);
  }

  /**
   * Who of these people has Outlook automatic replies on now: one $batch for those not read in the
   * last TTL (sending several requests to the same owner reads her mailbox once). A mailbox that
   * cannot be read (none, no MailboxSettings.Read, a Graph error) counts as present: being away only
   * ever moves a card to someone else, so not knowing must leave it where it was.
   */
  async awayNow(ids: readonly string[]): Promise<ReadonlySet<string>> {
    const now = this.clock.now().getTime();
    const key = (id: string) => `away:${id}`;
    const misses = ids.filter((id) => {
      const hit = this.cache.get(key(id));
      return !hit || now - hit.at >= this.ttlMs;
    });
    if (misses.length) {
      const read = this.tenant
        .automaticRepliesOfMany(misses)
        .catch(() => new Map<string, AutomaticReplies | TenantError>());
      for (const id of misses)
        this.remember(
          key(id),
          now,
          read.then((m) => {
            const a = m.get(id);
            return a !== undefined && !(a instanceof TenantError) && a.on === true;
          }),
        );
    }
    const away = await Promise.all(ids.map((id) => this.cache.get(key(id))?.value ?? Promise.resolve(false)));
    return new Set(ids.filter((_, i) => away[i] === true));
  }

  /** Enabled people holding a directory role, directly or through a role-assignable group. */
  async roleHolders(role: AdminRole, reads: Reads = 'fresh'): Promise<TenantUser[]> {
    return this.cached(`holders:${role}`, reads === 'fresh', async () => {
      const assignments = await this.tenant.listRoleAssignments({ roleDefinitionId: ROLE_TEMPLATE[role] });
      const principals = assignments
        .filter((a) => a.directoryScopeId === '/' || a.directoryScopeId === undefined)
        .map((a) => a.principalId);
      const holders = await Promise.all(principals.map((id) => this.principal(id)));
      const seen = new Set<string>();
      return holders
        .flatMap((h) => h.people)
        .filter((p) => p.accountEnabled !== false && !seen.has(p.id) && (seen.add(p.id), true));
    });
  }

  /**
   * Who a role assignment's principal is: a person, or a role-assignable group and its members.
   * Which of the two is not known before reading, so both readings go out together (one $batch for
   * every principal asked for meanwhile) and the one that answers counts.
   */
  async principal(id: string): Promise<{ group?: TenantGroup; people: TenantUser[] }> {
    const [group, person, members] = await Promise.all([
      this.group(id),
      settle(this.user(id)),
      settle(this.fresh<TenantUser[]>(`members:${id}`, { part: 'membersOf', key: id })),
    ]);
    // The reading that does not apply fails (there is no such group's member list): not used.
    if (group) return { group, people: answerOf(members) };
    const user = answerOf(person);
    return { people: user ? [user] : [] };
  }
}

/** Does the user hold this SKU Active, and how? */
export function licenseHolding(
  user: TenantUser,
  skuId: string | undefined,
): { holds: boolean; via: 'group' | 'direct' | undefined; groupId?: string; state?: string; error?: string | null } {
  if (!skuId) return { holds: false, via: undefined };
  const states = (user.licenseAssignmentStates ?? []).filter((s) => s.skuId === skuId);
  const active = states.find((s) => s.state === 'Active' || s.state === 'ActiveWithError');
  if (active)
    return {
      holds: true,
      via: active.assignedByGroup ? 'group' : 'direct',
      groupId: active.assignedByGroup ?? undefined,
      state: active.state,
      error: active.error,
    };
  if ((user.assignedLicenses ?? []).some((l) => l.skuId === skuId))
    return { holds: true, via: 'direct', state: 'Active' };
  const failed = states[0];
  if (failed)
    return {
      holds: false,
      via: failed.assignedByGroup ? 'group' : 'direct',
      groupId: failed.assignedByGroup ?? undefined,
      state: failed.state,
      error: failed.error,
    };
  return { holds: false, via: undefined };
}
