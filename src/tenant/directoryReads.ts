/**
 * Independent directory reads in one Graph $batch: people (by id or UPN), their directory roles and
 * groups, groups and their owners and members, the tenant's subscriptions, and people looked up by what was
 * written. A person waits for every round trip a step makes one after another, so the reads a step
 * needs go out together. Each answer means what the single read means (getUser, getUserRoleTemplateIds,
 * …) and a read that failed fails alone. Pure: the client sends what `directoryReadRequests` builds
 * and follows up what `readDirectoryAnswer` cannot finish from the first answer (a next page, a
 * written address that is nobody's UPN).
 */
import { headersFromRecord, tenantErrorFromResponse } from './errors';
import {
  GROUP_SELECT,
  looksLikeUpn,
  MEMBER_SELECT,
  OWNER_SELECT,
  queryString,
  seg,
  USER_SELECT,
  userPath,
  userSearchExpression,
} from './graphQueries';
import type { Graph } from './graphTypes';
import type {
  BatchRequest,
  BatchResponse,
  DirectoryAnswers,
  DirectoryQuery,
  ReadResult,
  SubscribedSku,
  TenantError,
  TenantGroup,
  TenantUser,
} from './types';

/** The header an advanced query needs besides `$count=true` (microsoft-apis §4). */
export const ADVANCED_QUERY = { ConsistencyLevel: 'eventual' };

/** How many people a written name may match; more would not fit a choice card anyway. */
export const FIND_TOP = 25;

export type DirectoryObject = Record<string, unknown> & { '@odata.type'?: string; id: string };

interface Page<T> {
  value?: T[];
  '@odata.nextLink'?: string;
}

export function isType(o: DirectoryObject, type: 'user' | 'group'): boolean {
  const t = o['@odata.type'];
  // Graph always labels the items of a directoryObject collection; an unlabelled item is taken
  // to be a user (members/owners) unless it carries a role's roleTemplateId.
  if (typeof t === 'string') return t.toLowerCase() === `#microsoft.graph.${type}`;
  return type === 'user' ? !('roleTemplateId' in o) : false;
}

/**
 * A user in a members/owners list. Its fields are the user $select the list was read with
 * (MEMBER_SELECT, OWNER_SELECT); Graph fills them for every user the app may read.
 */
export function isUser(o: DirectoryObject): o is DirectoryObject & TenantUser {
  return isType(o, 'user');
}

/**
 * An OData cast on transitiveMemberOf is an advanced query: Graph refuses it without
 * `ConsistencyLevel: eventual` and `$count=true` (docs user-list-transitivememberof, aad-advanced-queries).
 */
export function rolesPath(userId: string): string {
  const select = 'roleTemplateId' satisfies keyof Graph.DirectoryRole;
  return `/users/${seg(userId)}/transitiveMemberOf/microsoft.graph.directoryRole${queryString({ $select: select, $count: true })}`;
}

export function roleTemplateIds(roles: Pick<Graph.DirectoryRole, 'roleTemplateId'>[]): string[] {
  return [...new Set(roles.map((r) => r.roleTemplateId?.toLowerCase()).filter((x): x is string => !!x))];
}

export function groupIdsPath(userId: string): string {
  return `/users/${seg(userId)}/transitiveMemberOf${queryString({ $select: 'id' })}`;
}

export function groupIdsOf(objects: DirectoryObject[]): string[] {
  return [...new Set(objects.filter((o) => isType(o, 'group')).map((o) => o.id))];
}

export function ownersPath(groupId: string): string {
  return `/groups/${seg(groupId)}/owners${queryString({ $select: OWNER_SELECT })}`;
}

export function membersPath(groupId: string): string {
  return `/groups/${seg(groupId)}/members${queryString({ $select: MEMBER_SELECT })}`;
}

/** Looking someone up by what was written: $search over the name fields, full records. */
export function searchPath(text: string, top = FIND_TOP): string {
  return `/users${queryString({ $search: userSearchExpression(text), $select: USER_SELECT, $top: top, $count: true })}`;
}

type Part = keyof DirectoryQuery;

/** Batch ids: the part and the item's place in it, e.g. `rolesOf.2`. */
const idOf = (part: Part, i: number) => `${part}.${i}`;

export function directoryReadRequests(q: DirectoryQuery): BatchRequest[] {
  const out: BatchRequest[] = [];
  const get = (part: Part, i: number, url: string, headers?: Record<string, string>) =>
    out.push({ id: idOf(part, i), method: 'GET', url, ...(headers ? { headers } : {}) });
  q.users?.forEach((id, i) => get('users', i, `${userPath(id)}${queryString({ $select: USER_SELECT })}`));
  q.rolesOf?.forEach((id, i) => get('rolesOf', i, rolesPath(id), ADVANCED_QUERY));
  q.groupIdsOf?.forEach((id, i) => get('groupIdsOf', i, groupIdsPath(id)));
  q.ownersOf?.forEach((id, i) => get('ownersOf', i, ownersPath(id)));
  q.membersOf?.forEach((id, i) => get('membersOf', i, membersPath(id)));
  q.groups?.forEach((id, i) => get('groups', i, `/groups/${seg(id)}${queryString({ $select: GROUP_SELECT })}`));
  if (q.subscribedSkus) get('subscribedSkus', 0, '/subscribedSkus');
  // An address is looked up as a UPN first; a name is searched for.
  q.find?.forEach((text, i) =>
    looksLikeUpn(text)
      ? get('find', i, `${userPath(text.trim())}${queryString({ $select: USER_SELECT })}`)
      : get('find', i, searchPath(text), ADVANCED_QUERY),
  );
  return out;
}

/** What the first answer left to do, by another read of the single kind. */
export interface FollowUps {
  /** Lists with more than a page: read again, paged, by the single read. */
  rolesOf: string[];
  groupIdsOf: string[];
  ownersOf: string[];
  membersOf: string[];
  /** Addresses that are nobody's UPN: looked up the other ways (mail, then a search). */
  find: string[];
}

/**
 * The answers a batch gave, read the way the single reads read them; what it could not finish is
 * listed in `followUps` for the client to read the single way.
 */
export function readDirectoryAnswer(
  q: DirectoryQuery,
  responses: BatchResponse[],
  nowMs: number,
): { answers: DirectoryAnswers; followUps: FollowUps } {
  const byId = new Map(responses.map((r) => [r.id, r] as const));
  const answers: DirectoryAnswers = {
    users: new Map(),
    rolesOf: new Map(),
    groupIdsOf: new Map(),
    ownersOf: new Map(),
    membersOf: new Map(),
    groups: new Map(),
    find: new Map(),
  };
  const followUps: FollowUps = { rolesOf: [], groupIdsOf: [], ownersOf: [], membersOf: [], find: [] };
  const failed = (r: BatchResponse | undefined): { error: TenantError } => ({
    error: tenantErrorFromResponse(
      r?.status ?? 502,
      r?.body ?? { error: { code: 'BatchResponseMissing', message: 'Graph returned no answer for this read.' } },
      headersFromRecord(r?.headers),
      nowMs,
    ),
  });
  const ok = (r: BatchResponse | undefined): boolean => !!r && r.status >= 200 && r.status < 300;
  const body = <T>(r: BatchResponse | undefined) => r?.body as T;
  /** A single entity: 404 means there is none. */
  const entity = <T>(r: BatchResponse | undefined): ReadResult<T | undefined> =>
    ok(r) ? { value: body<T>(r) } : r?.status === 404 ? { value: undefined } : failed(r);
  /** A list: one page is the whole answer unless Graph says there is more. */
  const list = <T, V>(
    part: 'rolesOf' | 'groupIdsOf' | 'ownersOf' | 'membersOf',
    key: string,
    r: BatchResponse | undefined,
    read: (items: T[]) => V,
  ): ReadResult<V> | undefined => {
    if (!ok(r)) return failed(r);
    const page = body<Page<T>>(r);
    if (page['@odata.nextLink']) {
      followUps[part].push(key);
      return undefined;
    }
    return { value: read(page.value ?? []) };
  };
  const set = <V>(m: Map<string, ReadResult<V>>, key: string, v: ReadResult<V> | undefined) => {
    if (v) m.set(key, v);
  };

  q.users?.forEach((id, i) => answers.users.set(id, entity<TenantUser>(byId.get(idOf('users', i)))));
  q.rolesOf?.forEach((id, i) =>
    set(answers.rolesOf, id, list('rolesOf', id, byId.get(idOf('rolesOf', i)), roleTemplateIds)),
  );
  q.groupIdsOf?.forEach((id, i) =>
    set(answers.groupIdsOf, id, list('groupIdsOf', id, byId.get(idOf('groupIdsOf', i)), groupIdsOf)),
  );
  q.ownersOf?.forEach((id, i) =>
    set(
      answers.ownersOf,
      id,
      // Owners can be service principals; only people can approve on a card.
      list('ownersOf', id, byId.get(idOf('ownersOf', i)), (items: DirectoryObject[]) => items.filter(isUser)),
    ),
  );
  q.membersOf?.forEach((id, i) =>
    set(
      answers.membersOf,
      id,
      list('membersOf', id, byId.get(idOf('membersOf', i)), (items: DirectoryObject[]) => items.filter(isUser)),
    ),
  );
  q.groups?.forEach((id, i) => answers.groups.set(id, entity<TenantGroup>(byId.get(idOf('groups', i)))));
  if (q.subscribedSkus) {
    const r = byId.get(idOf('subscribedSkus', 0));
    answers.subscribedSkus = ok(r) ? { value: body<Page<SubscribedSku>>(r).value ?? [] } : failed(r);
  }
  q.find?.forEach((text, i) => {
    const r = byId.get(idOf('find', i));
    if (looksLikeUpn(text)) {
      if (ok(r)) answers.find.set(text, { value: [body<TenantUser>(r)] });
      else if (r?.status === 404) followUps.find.push(text);
      else answers.find.set(text, failed(r));
    } else answers.find.set(text, ok(r) ? { value: body<Page<TenantUser>>(r).value ?? [] } : failed(r));
  });
  return { answers, followUps };
}
