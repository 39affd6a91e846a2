/**
 * Request/response types every route handler sees, and a small segment router. Unknown paths are
 * answered the way Graph answers them: the first segment no route knows is named in a 400.
 */
import { TenantHttpError, segmentNotFound } from './errors';
import type { ObjectKind } from './state';

export interface Caller {
  objectId: string;
  tenantId: string;
  kind: ObjectKind;
}

export interface ApiRequest {
  method: string;
  /** Decoded path without the query ('/v1.0/users/x'). */
  path: string;
  segments: string[];
  rawQuery: string;
  query: Map<string, string>;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  body: unknown;
  caller: Caller;
  inBatch: boolean;
}

export interface ApiResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export type Params = Record<string, string>;
export type Handler = (req: ApiRequest, params: Params) => ApiResponse | Promise<ApiResponse>;

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** '/v1.0/users/:id/assignLicense'; literal segments match case-insensitively. */
  pattern: string;
  handler: Handler;
}

interface CompiledRoute extends Route {
  parts: { literal?: string; param?: string }[];
}

function compile(route: Route): CompiledRoute {
  const parts = route.pattern
    .split('/')
    .filter(Boolean)
    .map((p) => (p.startsWith(':') ? { param: p.slice(1) } : { literal: p.toLowerCase() }));
  return { ...route, parts };
}

function partMatches(part: { literal?: string; param?: string }, seg: string): boolean {
  return part.param !== undefined ? seg.length > 0 : part.literal === seg.toLowerCase();
}

export type RouteMatch = { handler: Handler; params: Params } | { error: TenantHttpError };

export class Router {
  private routes: CompiledRoute[] = [];

  add(routes: Route[]): this {
    this.routes.push(...routes.map(compile));
    return this;
  }

  match(method: string, segments: string[]): RouteMatch {
    const full = this.routes.filter(
      (r) => r.parts.length === segments.length && r.parts.every((p, i) => partMatches(p, segments[i])),
    );
    const literals = (r: CompiledRoute) => r.parts.filter((p) => p.literal !== undefined).length;
    const forMethod = full.filter((r) => r.method === method.toUpperCase()).sort((a, b) => literals(b) - literals(a));
    if (forMethod.length > 0) {
      const r = forMethod[0];
      const params: Params = {};
      r.parts.forEach((p, i) => {
        if (p.param) params[p.param] = segments[i];
      });
      return { handler: r.handler, params };
    }
    if (full.length > 0) {
      return {
        error: new TenantHttpError(
          405,
          'Request_BadRequest',
          `Specified HTTP method is not allowed for the request target.`,
        ),
      };
    }
    // Longest prefix some route knows; the next segment is the one Graph names.
    let known = 0;
    for (const r of this.routes) {
      let k = 0;
      while (k < r.parts.length && k < segments.length && partMatches(r.parts[k], segments[k])) k += 1;
      known = Math.max(known, k);
    }
    return { error: segmentNotFound(segments[Math.min(known, segments.length - 1)] ?? '') };
  }
}
