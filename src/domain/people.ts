/**
 * Deciding which person a written name means, given the tenant's candidates. Never picks silently:
 * a name that fits several people is "many", and the bot asks with a choice card. Pure.
 */

export interface PersonCandidate {
  id: string;
  displayName: string;
  givenName?: string | null;
  surname?: string | null;
  userPrincipalName: string;
  mail?: string | null;
  jobTitle?: string | null;
  department?: string | null;
  accountEnabled?: boolean;
}

export type Resolution<P extends PersonCandidate = PersonCandidate> =
  { kind: 'one'; person: P } | { kind: 'many'; candidates: P[] } | { kind: 'none' };

const HONORIFICS = new Set(['dr', 'doctor', 'mr', 'mrs', 'ms', 'miss', 'prof', 'nurse', 'rn', 'md']);

export function looksLikeAddress(written: string): boolean {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(written.trim());
}

/** Lower-case words of a name without honorifics or punctuation: "Dr. Priya Patel" → ["priya","patel"]. */
export function nameTokens(name: string): string[] {
  return name
    .toLowerCase()
    .replace(/[^\p{L}\p{N}'\s-]/gu, ' ')
    .split(/[\s-]+/)
    .map((t) => t.replace(/^'+|'+$/g, ''))
    .filter((t) => t && !HONORIFICS.has(t));
}

export function matchPerson<P extends PersonCandidate>(written: string, candidates: readonly P[]): Resolution<P> {
  const unique = dedupe(candidates);
  if (looksLikeAddress(written)) {
    const w = written.trim().toLowerCase();
    const hits = unique.filter((c) => c.userPrincipalName.toLowerCase() === w || (c.mail ?? '').toLowerCase() === w);
    return fromHits(hits);
  }
  const wanted = nameTokens(written);
  if (wanted.length === 0) return { kind: 'none' };

  const exact = unique.filter((c) => sameTokens(nameTokens(c.displayName), wanted));
  if (exact.length > 0) return fromHits(exact);

  const partial = unique.filter((c) => {
    const have = [
      ...nameTokens(c.displayName),
      ...nameTokens(c.givenName ?? ''),
      ...nameTokens(c.surname ?? ''),
      ...nameTokens(c.userPrincipalName.split('@')[0].replace(/[._]/g, ' ')),
    ];
    return wanted.every((w) => have.some((h) => h.startsWith(w)));
  });
  return fromHits(partial);
}

function sameTokens(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((t, i) => t === b[i]);
}

function fromHits<P extends PersonCandidate>(hits: P[]): Resolution<P> {
  if (hits.length === 1) return { kind: 'one', person: hits[0] };
  if (hits.length > 1) return { kind: 'many', candidates: hits };
  return { kind: 'none' };
}

function dedupe<P extends PersonCandidate>(list: readonly P[]): P[] {
  const seen = new Set<string>();
  return list.filter((p) => (seen.has(p.id) ? false : (seen.add(p.id), true)));
}

/** "Dana Reyes, Sam Carter and Lee Wong" */
export function joinNames(names: readonly string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}
