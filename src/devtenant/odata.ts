/**
 * The slice of OData query syntax that Graph directory endpoints accept and Dragon Desk uses:
 * $select, $filter (eq/ne/in, startswith/endswith, and/or/not, `any` over a collection), $search
 * (quoted "property:text" terms joined by AND/OR), $top and $skiptoken paging. Pure functions; they
 * throw `TenantHttpError` with Graph's codes so handlers can let errors through.
 */
import { badRequest, unsupportedQuery } from './errors';
import { ADVANCED_QUERIES, advancedQueryRequired } from './rules';

// ---------------------------------------------------------------------------------------------
// query string

/**
 * Parses a raw query string. The Graph JS SDK sends OData values un-encoded and fetch encodes only
 * what it must, while URLSearchParams-built queries use '+' for spaces: both must work.
 */
export function parseQueryString(raw: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!raw) return out;
  for (const part of raw.split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const k = eq < 0 ? part : part.slice(0, eq);
    const v = eq < 0 ? '' : part.slice(eq + 1);
    try {
      out.set(decodeURIComponent(k.replace(/\+/g, ' ')), decodeURIComponent(v.replace(/\+/g, ' ')));
    } catch {
      throw badRequest(`Invalid query string: '${part}'.`, 'BadRequest');
    }
  }
  return out;
}

/** OData system options are matched without regard to case ($Select works on Graph). */
export function queryOption(query: Map<string, string>, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [k, v] of query) if (k.toLowerCase() === lower) return v;
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// $select

export function parseSelect(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const fields = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return fields.length ? fields : undefined;
}

/**
 * Projects an entity. `all` holds every property the dev tenant models; `defaults` is what Graph
 * returns without $select; `known` are real Graph properties the dev tenant does not model (they
 * come back null instead of failing). Unknown names fail as Graph does.
 */
export function project(
  entity: object,
  select: string[] | undefined,
  defaults: readonly string[],
  entityType: string,
  known: readonly string[] = [],
): Record<string, unknown> {
  const all: Record<string, unknown> = { ...entity };
  const names = select ?? defaults;
  const out: Record<string, unknown> = {};
  const lowerKeys = new Map(Object.keys(all).map((k) => [k.toLowerCase(), k]));
  const knownLower = new Map(known.map((k) => [k.toLowerCase(), k]));
  for (const name of names) {
    if (name === '*') {
      for (const d of defaults) out[d] = all[d] ?? null;
      continue;
    }
    const key = lowerKeys.get(name.toLowerCase());
    if (key !== undefined) out[key] = all[key] ?? null;
    else if (knownLower.has(name.toLowerCase())) out[knownLower.get(name.toLowerCase())!] = null;
    else throw badRequest(`Could not find a property named '${name}' on type '${entityType}'.`, 'BadRequest');
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// $top and $skiptoken

export function parseTop(value: string | undefined, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < 1 || n > max) {
    throw badRequest(
      `Invalid page size specified: '${value}'. Must be between 1 and ${max} inclusive.`,
      'Request_BadRequest',
    );
  }
  return n;
}

export function encodeSkipToken(offset: number): string {
  return Buffer.from(`offset:${offset}`).toString('base64url');
}

export function decodeSkipToken(token: string | undefined): number {
  if (token === undefined) return 0;
  const text = Buffer.from(token, 'base64url').toString('utf8');
  const m = /^offset:(\d+)$/.exec(text);
  if (!m) throw badRequest('Invalid skip token.', 'Request_BadRequest');
  return Number(m[1]);
}

export interface Page<T> {
  items: T[];
  /** Offset of the next page, or undefined on the last page. */
  nextOffset?: number;
}

export function paginate<T>(items: T[], offset: number, size: number): Page<T> {
  const slice = items.slice(offset, offset + size);
  const next = offset + size;
  return { items: slice, nextOffset: next < items.length ? next : undefined };
}

/** The nextLink for a page: the same request with $skiptoken set, on the server's own base url. */
export function nextLink(baseUrl: string, path: string, query: Map<string, string>, nextOffset: number): string {
  const parts: string[] = [];
  for (const [k, v] of query) {
    if (k.toLowerCase() === '$skiptoken') continue;
    parts.push(`${k}=${encodeURIComponent(v)}`);
  }
  parts.push(`$skiptoken=${encodeSkipToken(nextOffset)}`);
  return `${baseUrl}${path}?${parts.join('&')}`;
}

// ---------------------------------------------------------------------------------------------
// $filter

export type Literal = string | number | boolean | null;

export type FilterExpr =
  | { kind: 'and' | 'or'; left: FilterExpr; right: FilterExpr }
  | { kind: 'not'; expr: FilterExpr }
  | { kind: 'cmp'; op: 'eq' | 'ne'; path: string[]; value: Literal }
  | { kind: 'in'; path: string[]; values: Literal[] }
  | { kind: 'call'; name: string; path?: string[]; args: Literal[] }
  | { kind: 'any'; path: string[]; variable: string; predicate: FilterExpr };

type Token = { t: 'str'; v: string } | { t: 'word'; v: string } | { t: 'punct'; v: '(' | ')' | ',' | '/' | ':' };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i += 1;
    } else if (c === "'") {
      let v = '';
      i += 1;
      for (;;) {
        if (i >= text.length) throw invalidFilter(text);
        if (text[i] === "'") {
          if (text[i + 1] === "'") {
            v += "'";
            i += 2;
            continue;
          }
          i += 1;
          break;
        }
        v += text[i];
        i += 1;
      }
      tokens.push({ t: 'str', v });
    } else if ('(),/:'.includes(c)) {
      tokens.push({ t: 'punct', v: c as '(' | ')' | ',' | '/' | ':' });
      i += 1;
    } else {
      const m = /^[A-Za-z0-9_.$@+-]+/.exec(text.slice(i));
      if (!m) throw invalidFilter(text);
      tokens.push({ t: 'word', v: m[0] });
      i += m[0].length;
    }
  }
  return tokens;
}

function invalidFilter(text: string): Error {
  return badRequest(`Invalid filter clause: '${text}'.`, 'BadRequest');
}

const KEYWORDS = new Set(['and', 'or', 'not', 'eq', 'ne', 'in']);

/** Parses a $filter expression. Throws 400 BadRequest "Invalid filter clause" on bad syntax. */
export function parseFilter(text: string): FilterExpr {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = () => tokens[pos];
  const isWord = (v: string) => peek()?.t === 'word' && peek().v.toLowerCase() === v;
  const isPunct = (v: string) => peek()?.t === 'punct' && peek().v === v;
  const expectPunct = (v: string) => {
    if (!isPunct(v)) throw invalidFilter(text);
    pos += 1;
  };

  const literal = (): Literal => {
    const tok = peek();
    if (!tok) throw invalidFilter(text);
    pos += 1;
    if (tok.t === 'str') return tok.v;
    if (tok.t !== 'word') throw invalidFilter(text);
    const lower = tok.v.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
    if (lower === 'null') return null;
    if (/^-?\d+(\.\d+)?$/.test(tok.v)) return Number(tok.v);
    // Edm.Guid values (skuId, ids) are written unquoted.
    if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(tok.v)) return tok.v;
    throw invalidFilter(text);
  };

  const propertyPath = (): string[] => {
    const parts: string[] = [];
    for (;;) {
      const tok = peek();
      if (tok?.t !== 'word' || KEYWORDS.has(tok.v.toLowerCase())) throw invalidFilter(text);
      parts.push(tok.v);
      pos += 1;
      if (!isPunct('/')) return parts;
      pos += 1;
    }
  };

  const primary = (): FilterExpr => {
    if (isPunct('(')) {
      pos += 1;
      const e = orExpr();
      expectPunct(')');
      return e;
    }
    if (isWord('not')) {
      pos += 1;
      return { kind: 'not', expr: primary() };
    }
    const tok = peek();
    if (tok?.t !== 'word') throw invalidFilter(text);
    // function call: name(path, literal…) or name(literal…) or name()
    if (tokens[pos + 1]?.t === 'punct' && tokens[pos + 1].v === '(' && !tok.v.includes('/')) {
      const name = tok.v.toLowerCase();
      pos += 2;
      const args: Literal[] = [];
      let path: string[] | undefined;
      if (!isPunct(')')) {
        if (peek()?.t === 'word' && !/^(true|false|null|-?\d)/i.test(peek().v) && !/^[0-9a-f]{8}-/i.test(peek().v)) {
          path = propertyPath();
        } else {
          args.push(literal());
        }
        while (isPunct(',')) {
          pos += 1;
          args.push(literal());
        }
      }
      expectPunct(')');
      return { kind: 'call', name, path, args };
    }
    const path = propertyPath();
    // lambda: collection/any(x: predicate)
    if (path.length >= 2 && path[path.length - 1].toLowerCase() === 'any' && isPunct('(')) {
      pos += 1;
      const varTok = peek();
      if (varTok?.t !== 'word') throw invalidFilter(text);
      pos += 1;
      expectPunct(':');
      const predicate = orExpr();
      expectPunct(')');
      return { kind: 'any', path: path.slice(0, -1), variable: varTok.v, predicate };
    }
    if (isWord('eq') || isWord('ne')) {
      const op = peek().v.toLowerCase() as 'eq' | 'ne';
      pos += 1;
      return { kind: 'cmp', op, path, value: literal() };
    }
    if (isWord('in')) {
      pos += 1;
      expectPunct('(');
      const values: Literal[] = [literal()];
      while (isPunct(',')) {
        pos += 1;
        values.push(literal());
      }
      expectPunct(')');
      return { kind: 'in', path, values };
    }
    throw invalidFilter(text);
  };

  const andExpr = (): FilterExpr => {
    let left = primary();
    while (isWord('and')) {
      pos += 1;
      left = { kind: 'and', left, right: primary() };
    }
    return left;
  };
  const orExpr = (): FilterExpr => {
    let left = andExpr();
    while (isWord('or')) {
      pos += 1;
      left = { kind: 'or', left, right: andExpr() };
    }
    return left;
  };

  const expr = orExpr();
  if (pos !== tokens.length) throw invalidFilter(text);
  return expr;
}

/**
 * What an entity lets a client filter on by default: property (or path joined with '/') → operators.
 * The operators only advanced queries support (ne, not, endsWith) follow ADVANCED_QUERIES: ne and not
 * wherever eq works, endsWith on the few properties indexed for it.
 */
export type FilterSupport = Record<string, readonly ('eq' | 'in' | 'startswith' | 'any')[]>;

/**
 * Rejects filters the entity does not support, with Graph's wording, so the dev tenant never
 * silently ignores a clause that real Graph would refuse. `advanced`: the request carries
 * ConsistencyLevel: eventual and $count=true.
 */
export function checkFilter(expr: FilterExpr, support: FilterSupport, resource: string, advanced = false): void {
  const supports = (path: string[], op: string) => {
    const key = Object.keys(support).find((k) => k.toLowerCase() === path.join('/').toLowerCase());
    return key !== undefined && (support[key] as readonly string[]).includes(op);
  };
  const refuse = (path: string[]) =>
    unsupportedQuery(
      `Unsupported or invalid query filter clause specified for property '${path.join('/')}' of resource '${resource}'.`,
    );
  const needsAdvanced = (op: string) => {
    if (!advanced && (ADVANCED_QUERIES.advancedOperators as readonly string[]).includes(op)) {
      throw advancedQueryRequired(op === 'endswith' ? 'endsWith' : op);
    }
  };
  const allowed = (path: string[], op: string) => {
    if (op === 'ne') {
      if (!supports(path, 'eq')) throw refuse(path);
      needsAdvanced('ne');
      return;
    }
    if (op === 'endswith') {
      const indexed = ADVANCED_QUERIES.endsWithProperties.some((p) => p.toLowerCase() === path.join('/').toLowerCase());
      if (!indexed || !supports(path, 'eq')) throw refuse(path);
      needsAdvanced('endswith');
      return;
    }
    if (!supports(path, op)) throw refuse(path);
  };
  switch (expr.kind) {
    case 'and':
    case 'or':
      checkFilter(expr.left, support, resource, advanced);
      checkFilter(expr.right, support, resource, advanced);
      return;
    case 'not':
      needsAdvanced('not');
      checkFilter(expr.expr, support, resource, advanced);
      return;
    case 'cmp':
      allowed(expr.path, expr.op);
      return;
    case 'in':
      allowed(expr.path, 'in');
      return;
    case 'call':
      if (expr.name !== 'startswith' && expr.name !== 'endswith') {
        throw unsupportedQuery(
          `Unsupported Query: function '${expr.name}' is not supported on resource '${resource}'.`,
        );
      }
      if (!expr.path || expr.args.length !== 1 || typeof expr.args[0] !== 'string') throw invalidFilter(expr.name);
      allowed(expr.path, expr.name);
      return;
    case 'any':
      allowed(expr.path, 'any');
      return;
  }
}

export type FieldLookup = (path: string[]) => unknown;

function norm(v: unknown): unknown {
  return typeof v === 'string' ? v.toLowerCase() : v;
}

function equal(a: unknown, b: Literal): boolean {
  if (a === undefined) a = null;
  return norm(a) === norm(b);
}

/** Evaluates a parsed filter. Directory string comparisons are case-insensitive. */
export function evaluateFilter(expr: FilterExpr, lookup: FieldLookup): boolean {
  switch (expr.kind) {
    case 'and':
      return evaluateFilter(expr.left, lookup) && evaluateFilter(expr.right, lookup);
    case 'or':
      return evaluateFilter(expr.left, lookup) || evaluateFilter(expr.right, lookup);
    case 'not':
      return !evaluateFilter(expr.expr, lookup);
    case 'cmp': {
      const eq = equal(lookup(expr.path), expr.value);
      return expr.op === 'eq' ? eq : !eq;
    }
    case 'in': {
      const v = lookup(expr.path);
      return expr.values.some((x) => equal(v, x));
    }
    case 'call': {
      const v = expr.path ? lookup(expr.path) : undefined;
      const arg = String(expr.args[0] ?? '').toLowerCase();
      if (typeof v !== 'string') return false;
      if (expr.name === 'startswith') return v.toLowerCase().startsWith(arg);
      if (expr.name === 'endswith') return v.toLowerCase().endsWith(arg);
      return false;
    }
    case 'any': {
      const coll = lookup(expr.path);
      if (!Array.isArray(coll)) return false;
      return coll.some((item) =>
        evaluateFilter(expr.predicate, (p) => (p[0] === expr.variable ? dig(item, p.slice(1)) : lookup(p))),
      );
    }
  }
}

function dig(value: unknown, path: string[]): unknown {
  let cur = value;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    const rec = cur as Record<string, unknown>;
    const key = Object.keys(rec).find((k) => k.toLowerCase() === p.toLowerCase());
    cur = key === undefined ? undefined : rec[key];
  }
  return cur;
}

/** Field lookup over a plain object, case-insensitive on property names. */
export function objectLookup(obj: object): FieldLookup {
  return (path) => dig(obj, path);
}

/** Collects `prop eq 'value'` clauses joined by `and` (for endpoints that only take those). */
export function equalityClauses(expr: FilterExpr): Map<string, Literal> | undefined {
  const out = new Map<string, Literal>();
  const walk = (e: FilterExpr): boolean => {
    if (e.kind === 'and') return walk(e.left) && walk(e.right);
    if (e.kind === 'cmp' && e.op === 'eq') {
      out.set(e.path.join('/').toLowerCase(), e.value);
      return true;
    }
    return false;
  };
  return walk(expr) ? out : undefined;
}

// ---------------------------------------------------------------------------------------------
// $search

export type SearchExpr =
  { kind: 'term'; property: string; text: string } | { kind: 'and' | 'or'; left: SearchExpr; right: SearchExpr };

function invalidSearch(text: string): Error {
  return badRequest(`Syntax error: invalid $search query '${text}'.`, 'Request_UnsupportedQuery');
}

/** Parses `"displayName:dan" OR "mail:dan"`. Directory $search needs a property in every term. [U] */
export function parseSearch(text: string): SearchExpr {
  const terms: (SearchExpr | 'AND' | 'OR')[] = [];
  let i = 0;
  const s = text.trim();
  while (i < s.length) {
    if (/\s/.test(s[i])) {
      i += 1;
      continue;
    }
    if (s[i] === '"') {
      const end = s.indexOf('"', i + 1);
      if (end < 0) throw invalidSearch(text);
      const body = s.slice(i + 1, end);
      const colon = body.indexOf(':');
      if (colon <= 0) throw invalidSearch(text);
      terms.push({ kind: 'term', property: body.slice(0, colon).trim(), text: body.slice(colon + 1) });
      i = end + 1;
      continue;
    }
    const m = /^(AND|OR)\b/.exec(s.slice(i));
    if (!m) throw invalidSearch(text);
    terms.push(m[1] as 'AND' | 'OR');
    i += m[1].length;
  }
  // term (op term)*, AND binding tighter than OR
  const isTerm = (x: unknown): x is SearchExpr => typeof x === 'object';
  if (terms.length === 0 || !isTerm(terms[0])) throw invalidSearch(text);
  const orParts: SearchExpr[] = [];
  let current: SearchExpr = terms[0];
  for (let k = 1; k < terms.length; k += 2) {
    const op = terms[k];
    const next = terms[k + 1];
    if (typeof op !== 'string' || !isTerm(next)) throw invalidSearch(text);
    if (op === 'AND') current = { kind: 'and', left: current, right: next };
    else {
      orParts.push(current);
      current = next;
    }
  }
  orParts.push(current);
  return orParts.reduce((l, r) => ({ kind: 'or', left: l, right: r }));
}

export function searchProperties(expr: SearchExpr): string[] {
  return expr.kind === 'term' ? [expr.property] : [...searchProperties(expr.left), ...searchProperties(expr.right)];
}

function words(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/**
 * Graph's directory $search is tokenised: each word of the search text must be the start of some
 * word of the property ("Reyes" and "dana re" both match "Dana Reyes"; "eyes" does not).
 */
export function searchMatches(expr: SearchExpr, lookup: FieldLookup): boolean {
  if (expr.kind !== 'term') {
    return expr.kind === 'and'
      ? searchMatches(expr.left, lookup) && searchMatches(expr.right, lookup)
      : searchMatches(expr.left, lookup) || searchMatches(expr.right, lookup);
  }
  const value = lookup([expr.property]);
  if (typeof value !== 'string') return false;
  const wanted = words(expr.text);
  if (wanted.length === 0) return true;
  const have = words(value);
  return wanted.every((w) => have.some((h) => h.startsWith(w)));
}
