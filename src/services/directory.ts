/**
 * Reads about people, roles and seats from the tenant. Status answers, drafts and sending a request
 * for approval may use a short-lived cache (`fresh: false` / 'cached'); the moment of a decision
 * (an approver's click, an admin's Confirm, the execution) reads fresh.
 */
import type { Clock } from '../clock';
import type { Config } from '../config';
import { ROLE_TEMPLATE, type AdminRole, type LicenseKind, LICENSE_KINDS } from '../domain/catalog';
import { matchPerson, type Resolution } from '../domain/people';
import { rolesFromTemplateIds } from '../domain/policy';
import type { SubscribedSku, TenantClient, TenantUser } from '../tenant/types';
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

export class Directory {
  private cache = new Map<string, CacheEntry<unknown>>();
  /** Fresh reads asked for but not sent yet (see fresh()). */
  private readonly gathering = new Map<string, Promise<unknown>>();
  private readonly skuIds = new Map<LicenseKind, string>();
  private readonly groupNames = new Map<string, string>();

  constructor(
    private readonly tenant: TenantClient,
    private readonly config: Config,
    private readonly clock: Clock,
    private readonly ttlMs = 30_000,
  ) {}

  /** Cached read for status answers; a failed read is not cached. */
  private cached<T>(key: string, fresh: boolean, load: () => Promise<T>): Promise<T> {
    const now = this.clock.now().getTime();
    const hit = this.cache.get(key) as CacheEntry<T> | undefined;
    if (!fresh && hit && now - hit.at < this.ttlMs) return hit.value;
    const value = this.fresh(key, load);
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
   */
  private fresh<T>(key: string, load: () => Promise<T>): Promise<T> {
    const gathering = this.gathering.get(key) as Promise<T> | undefined;
    if (gathering) return gathering;
    const read = new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      // From here on, a new asker gets a read of its own: this one is on its way.
      this.gathering.delete(key);
      return load();
    });
    this.gathering.set(key, read);
    return read;
  }

  /** Forget cached reads after a change we made ourselves. */
  invalidate(): void {
    this.cache.clear();
  }

  /**
   * Who a written name means. Resolving only shapes a draft (every check is made again before
   * anything changes), so the person's record may come from the cache; the search is always sent.
   */
  async resolve(written: string, actor: Actor): Promise<Resolution<TenantUser>> {
    if (written === 'me') {
      const me = await this.user(actor.id, 'cached');
      return me ? { kind: 'one', person: me } : { kind: 'none' };
    }
    const candidates = await this.tenant.findUsers(written.replace(/^(dr\.?|doctor)\s+/i, ''), 25);
    const result = matchPerson(written, candidates);
    if (result.kind !== 'one') return result;
    // findUsers may return a trimmed projection; fetch the full record (licenses, enabled) once.
    const full = await this.user(result.person.id, 'cached');
    return full ? { kind: 'one', person: full } : { kind: 'none' };
  }

  /**
   * Someone asking for something needs their own record (the checks) and roles (Confirm or Send
   * for approval): when neither is in the cache, both are read in one $batch rather than two
   * requests. A failure is left for the reads that follow to meet and report.
   */
  async warmAsker(userId: string): Promise<void> {
    const now = this.clock.now().getTime();
    const known = (key: string) => {
      const hit = this.cache.get(key);
      return hit !== undefined && now - hit.at < this.ttlMs;
    };
    if (known(`user:${userId}`) || known(`roles:${userId}`)) return;
    const both = this.fresh(`asker:${userId}`, () => this.tenant.getUserWithRoles(userId));
    this.remember(
      `user:${userId}`,
      now,
      both.then((b) => b.user),
    );
    this.remember(
      `roles:${userId}`,
      now,
      both.then((b) => b.roleTemplateIds),
    );
    await both.catch(() => undefined);
  }

  async user(id: string, reads: Reads = 'fresh'): Promise<TenantUser | undefined> {
    return this.cached(`user:${id}`, reads === 'fresh', () => this.tenant.getUser(id));
  }

  /**
   * Several people's records. Fresh: one batched read, which also refreshes the cache. Cached: only
   * those not read within the TTL are fetched (in one batch). People who do not exist are left out.
   */
  async users(ids: readonly string[], reads: Reads = 'fresh'): Promise<TenantUser[]> {
    const now = this.clock.now().getTime();
    const known = new Map<string, TenantUser | undefined>();
    const missing: string[] = [];
    for (const id of ids) {
      const hit =
        reads === 'cached'
          ? (this.cache.get(`user:${id}`) as CacheEntry<TenantUser | undefined> | undefined)
          : undefined;
      if (hit && now - hit.at < this.ttlMs) known.set(id, await hit.value);
      else if (!missing.includes(id)) missing.push(id);
    }
    if (missing.length) {
      const read = await this.tenant.getUsers(missing);
      for (const id of missing) {
        const user = read.find((u) => u.id === id);
        known.set(id, user);
        this.remember(`user:${id}`, now, Promise.resolve(user));
      }
    }
    return ids.map((id) => known.get(id)).filter((u): u is TenantUser => u !== undefined);
  }

  async rolesOf(userId: string, reads: Reads = 'fresh'): Promise<Set<AdminRole>> {
    const ids = await this.cached(`roles:${userId}`, reads === 'fresh', () =>
      this.tenant.getUserRoleTemplateIds(userId),
    );
    return rolesFromTemplateIds(ids);
  }

  async seats(reads: Reads = 'cached'): Promise<Record<LicenseKind, Seats>> {
    const skus = await this.cached('skus', reads === 'fresh', () => this.tenant.listSubscribedSkus());
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
    const g = await this.tenant.getGroup(groupId).catch(() => undefined);
    if (g) this.groupNames.set(groupId, g.displayName);
    return g?.displayName;
  }

  /** Owners of a group: fresh by default, because ownership decides who may approve. */
  async groupOwners(groupId: string, reads: Reads = 'fresh'): Promise<TenantUser[]> {
    return this.cached(`owners:${groupId}`, reads === 'fresh', () => this.tenant.listGroupOwners(groupId));
  }

  async isGroupOwner(groupId: string, userId: string): Promise<boolean> {
    return (await this.groupOwners(groupId)).some((o) => o.id === userId);
  }

  /** Enabled people holding a directory role, directly or through a role-assignable group. */
  async roleHolders(role: AdminRole, reads: Reads = 'fresh'): Promise<TenantUser[]> {
    return this.cached(`holders:${role}`, reads === 'fresh', async () => {
      const assignments = await this.tenant.listRoleAssignments({ roleDefinitionId: ROLE_TEMPLATE[role] });
      const ids = new Set<string>();
      const groups: string[] = [];
      for (const a of assignments) {
        if (a.directoryScopeId !== '/' && a.directoryScopeId !== undefined) continue;
        const group = await this.tenant.getGroup(a.principalId);
        if (group) groups.push(group.id);
        else ids.add(a.principalId);
      }
      const people = ids.size ? await this.tenant.getUsers([...ids]) : [];
      for (const g of groups) people.push(...(await this.tenant.listGroupMembers(g)));
      const seen = new Set<string>();
      return people.filter((p) => p.accountEnabled !== false && !seen.has(p.id) && (seen.add(p.id), true));
    });
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
