/**
 * What every resource module of the dev tenant's directory shares: the clock, the fixture it was
 * seeded from, and the index of directory objects (users, groups, service principals) by id, which
 * answers "does this object exist, and what is it" for every resource.
 */
import { createHash } from 'node:crypto';
import type { Fixture } from '../fixture';
import type { GroupRecord } from './groups';
import type { ServicePrincipalRecord, UserRecord } from './users';

export interface Clock {
  now(): Date;
}

/** The default clock: real time, which the `/_devtenant/clock` hook can move forward for demos. */
export class AdjustableClock implements Clock {
  private offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
  set(at: Date): void {
    this.offsetMs = at.getTime() - Date.now();
  }
}

export type ObjectKind = 'user' | 'group' | 'servicePrincipal';

/** Directory ids and UPNs compare without case. */
export const lc = (s: string) => s.toLowerCase();

/** A GUID derived from a seed, so seeded ids stay the same across restarts. */
export function stableGuid(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export class Store {
  fixture!: Fixture;
  tenantId!: string;
  readonly users = new Map<string, UserRecord>();
  readonly usersByUpn = new Map<string, UserRecord>();
  readonly groups = new Map<string, GroupRecord>();
  readonly servicePrincipals = new Map<string, ServicePrincipalRecord>();

  constructor(readonly clock: Clock) {}

  nowIso(): string {
    return this.clock.now().toISOString();
  }

  objectKind(id: string): ObjectKind | undefined {
    if (this.users.has(lc(id))) return 'user';
    if (this.groups.has(lc(id))) return 'group';
    if (this.servicePrincipals.has(lc(id))) return 'servicePrincipal';
    return undefined;
  }

  /** The canonical (fixture-cased) id of a directory object. */
  canonicalId(id: string): string | undefined {
    return this.users.get(lc(id))?.id ?? this.groups.get(lc(id))?.id ?? this.servicePrincipals.get(lc(id))?.id;
  }
}

/**
 * The resource modules, as each sees the others: membership needs PIM's schedules, PIM and
 * membership queue licensing, licensing reads members, and so on. Wired by DirectoryState.
 */
export interface DirectoryParts {
  users: import('./users').Users;
  groups: import('./groups').Groups;
  licenses: import('./licenses').Licenses;
  roles: import('./roles').Roles;
  pim: import('./pim').Pim;
}
