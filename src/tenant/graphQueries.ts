/**
 * Building Graph URLs: $select sets, OData literals, $search expressions, user paths and the
 * treatment of @odata.nextLink. Pure, so quoting can be table-tested.
 */

import type { Graph } from './graphTypes';

/** Property names for $select, checked against Graph's own entity types. */
type Select<T> = readonly (keyof T & string)[];

/** Search results feed a picker; licenses are read later on the chosen user. */
const USER_SEARCH_FIELDS = [
  'id',
  'displayName',
  'givenName',
  'surname',
  'userPrincipalName',
  'mail',
  'jobTitle',
  'department',
  'accountEnabled',
  'usageLocation',
  'userType',
] as const satisfies Select<Graph.User>;
export const USER_SEARCH_SELECT = USER_SEARCH_FIELDS.join(',');

/** What a user lookup needs; usageLocation and the license fields come only when $select-ed (§4). */
export const USER_SELECT = (
  [...USER_SEARCH_FIELDS, 'assignedLicenses', 'licenseAssignmentStates'] as const satisfies Select<Graph.User>
).join(',');

/** What a check that a license landed (or went) reads. */
export const LICENSING_SELECT = (
  ['id', 'displayName', 'assignedLicenses', 'licenseAssignmentStates'] as const satisfies Select<Graph.User>
).join(',');

export const MEMBER_SELECT = (
  [
    'id',
    'displayName',
    'userPrincipalName',
    'accountEnabled',
    'licenseAssignmentStates',
    'assignedLicenses',
    'jobTitle',
    'department',
  ] as const satisfies Select<Graph.User>
).join(',');

export const OWNER_SELECT = (
  [
    'id',
    'displayName',
    'userPrincipalName',
    'mail',
    'accountEnabled',
    'jobTitle',
    'department',
  ] as const satisfies Select<Graph.User>
).join(',');

export const GROUP_SELECT = (
  [
    'id',
    'displayName',
    'description',
    'securityEnabled',
    'mailEnabled',
    'isAssignableToRole',
    'assignedLicenses',
    'licenseProcessingState',
  ] as const satisfies Select<Graph.Group>
).join(',');

export const SEARCH_FIELDS = [
  'displayName',
  'givenName',
  'surname',
  'mail',
  'userPrincipalName',
] as const satisfies Select<Graph.User>;

/** OData string literal: single quotes doubled (OData ABNF), e.g. O'Brien → 'O''Brien'. */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * The value of $search for a "starts with" lookup across the name fields, e.g.
 * `"displayName:dana" OR "givenName:dana" OR …`. The directory search is tokenised on words and
 * ignores punctuation, so a double quote or backslash in the text can only break the clause; they
 * are dropped rather than escaped (the escape syntax inside directory $search clauses is not
 * documented [U]).
 */
export function userSearchExpression(text: string): string {
  const clean = text
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
    .replace(/["\\\u0000-\u001f]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return SEARCH_FIELDS.map((f) => `"${f}:${clean}"`).join(' OR ');
}

/** Query string from pairs; every value percent-encoded so quotes, spaces, & and # survive intact. */
export function queryString(params: Record<string, string | number | boolean | undefined>): string {
  const parts = Object.entries(params)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

/** Looks like an e-mail address or UPN (one @, no spaces), so an exact lookup is worth a try first. */
export function looksLikeUpn(text: string): boolean {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(text.trim());
}

/**
 * `/users/{id|upn}`. Graph asks for `/users('$…')` when a UPN starts with `$` (user-get doc), and a
 * guest UPN contains `#EXT#`, so the key is always percent-encoded.
 */
export function userPath(idOrUpn: string): string {
  if (idOrUpn.startsWith('$')) return `/users(${encodeURIComponent(odataString(idOrUpn))})`;
  return `/users/${encodeURIComponent(idOrUpn)}`;
}

export function seg(id: string): string {
  return encodeURIComponent(id);
}

/** The @odata.id Graph expects in a members/$ref or owners/$ref body; always the public Graph host. */
export function directoryObjectRef(id: string): { '@odata.id': string } {
  return { '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${id}` };
}

/**
 * Turns an @odata.nextLink into a path relative to the version root, or undefined when it points
 * anywhere but the Graph we were configured with: our bearer token must never follow a link to
 * another host.
 */
export function relativeNextLink(nextLink: string, graphBaseUrl: string, version = 'v1.0'): string | undefined {
  const bases = [`${trimSlash(graphBaseUrl)}/${version}/`, `https://graph.microsoft.com/${version}/`];
  const lower = nextLink.toLowerCase();
  for (const base of bases) {
    if (lower.startsWith(base.toLowerCase())) return `/${nextLink.slice(base.length)}`;
  }
  if (nextLink.startsWith('/')) return nextLink;
  return undefined;
}

export function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
