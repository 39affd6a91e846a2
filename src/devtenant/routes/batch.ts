/**
 * JSON batching (reference §4): up to 20 requests, ids unique, `dependsOn` ordering with 424 for
 * dependents of a failed request, each inner request through the full dispatcher (so it is counted,
 * can be throttled, and answers exactly as it would alone). The outer status is 200 whenever the
 * batch itself is well formed.
 */
import { badRequest, TenantHttpError } from '../errors';
import type { IncomingCall, OutgoingResponse } from '../dispatch';
import type { ApiRequest, Route } from '../router';
import { BATCH } from '../rules';
import { bodyObject, json, type RouteDeps } from './shared';

const METHODS = new Set<string>(BATCH.methods);

export interface BatchDeps extends RouteDeps {
  dispatch(call: IncomingCall): Promise<OutgoingResponse>;
}

interface InnerRequest {
  id: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: unknown;
  dependsOn: string[];
}

interface InnerResponse {
  id: string;
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

/** Validates the batch payload; any problem fails the whole batch with 400, as Graph does. */
export function parseBatch(body: Record<string, unknown>): InnerRequest[] {
  const requests = body.requests;
  if (!Array.isArray(requests) || requests.length === 0)
    throw badRequest('Invalid batch payload format.', 'BadRequest');
  if (requests.length > BATCH.maxRequests) {
    throw badRequest(`Maximum requests limit exceeded, Max allowed number of requests are ${BATCH.maxRequests}`);
  }
  const seen = new Set<string>();
  const out: InnerRequest[] = requests.map((raw: unknown) => {
    const r = (raw ?? {}) as Record<string, unknown>;
    if (typeof r.id !== 'string' || r.id === '')
      throw badRequest("Batch request is missing the required property 'id'.", 'BadRequest');
    if (seen.has(r.id.toLowerCase())) {
      // [U] Graph fails the whole batch on a duplicate id; its exact text is not documented.
      throw badRequest(`Batch request contains a duplicate request id '${r.id}'.`, 'BadRequest');
    }
    seen.add(r.id.toLowerCase());
    const method = typeof r.method === 'string' ? r.method.toUpperCase() : '';
    if (!METHODS.has(method))
      throw badRequest(`Invalid method '${String(r.method)}' in batch request '${r.id}'.`, 'BadRequest');
    if (typeof r.url !== 'string' || r.url === '' || /^https?:/i.test(r.url)) {
      throw badRequest(
        `Invalid url in batch request '${r.id}': it must be relative to the version root.`,
        'BadRequest',
      );
    }
    const headers: Record<string, string> = {};
    if (r.headers !== undefined) {
      if (typeof r.headers !== 'object' || r.headers === null)
        throw badRequest(`Invalid headers in batch request '${r.id}'.`, 'BadRequest');
      for (const [k, v] of Object.entries(r.headers)) headers[k.toLowerCase()] = String(v);
    }
    if (r.body !== undefined && !headers['content-type']) {
      throw badRequest(`Write request id : ${r.id} does not contain Content-Type header or body.`, 'BadRequest');
    }
    const dependsOn = r.dependsOn === undefined ? [] : r.dependsOn;
    if (!Array.isArray(dependsOn) || dependsOn.some((d) => typeof d !== 'string')) {
      throw badRequest(`Invalid dependsOn in batch request '${r.id}'.`, 'BadRequest');
    }
    return { id: r.id, method, url: r.url, headers, body: r.body, dependsOn: dependsOn as string[] };
  });
  for (const r of out) {
    for (const d of r.dependsOn) {
      if (!seen.has(d.toLowerCase()))
        throw badRequest(`Request '${r.id}' depends on unknown request id '${d}'.`, 'BadRequest');
    }
  }
  return out;
}

function failedDependency(id: string, dep: string): InnerResponse {
  return {
    id,
    status: 424,
    headers: { 'Content-Type': 'application/json' },
    body: {
      error: {
        code: 'FailedDependency',
        message: `Request '${id}' was not run because request '${dep}' it depends on failed.`,
      },
    },
  };
}

async function runBatch(deps: BatchDeps, req: ApiRequest, requests: InnerRequest[]): Promise<InnerResponse[]> {
  const byId = new Map(requests.map((r) => [r.id.toLowerCase(), r]));
  const done = new Map<string, InnerResponse>();
  const visiting = new Set<string>();

  const run = async (r: InnerRequest): Promise<InnerResponse> => {
    const key = r.id.toLowerCase();
    const finished = done.get(key);
    if (finished) return finished;
    if (visiting.has(key)) throw badRequest(`The dependsOn of batch request '${r.id}' forms a cycle.`, 'BadRequest');
    visiting.add(key);
    let result: InnerResponse | undefined;
    for (const d of r.dependsOn) {
      const dep = await run(byId.get(d.toLowerCase())!);
      if (dep.status >= 400) {
        result = failedDependency(r.id, d);
        break;
      }
    }
    if (!result) {
      const url = `/v1.0/${r.url.replace(/^\/+/, '')}`;
      const headers: Record<string, string> = { ...r.headers };
      if (req.headers.authorization) headers.authorization = req.headers.authorization;
      if (req.headers['client-request-id'] && !headers['client-request-id'])
        headers['client-request-id'] = req.headers['client-request-id'];
      const body: IncomingCall['body'] =
        r.body === undefined ? undefined : typeof r.body === 'string' ? { text: r.body } : { json: r.body };
      const res = await deps.dispatch({ method: r.method, url, headers, body, inBatch: true });
      result = {
        id: r.id,
        status: res.status,
        headers: res.headers,
        ...(res.body !== undefined ? { body: res.body } : {}),
      };
    }
    visiting.delete(key);
    done.set(key, result);
    return result;
  };

  // Cycle check up front, so a bad batch fails whole before any request runs.
  const order = (r: InnerRequest, path: Set<string>) => {
    const key = r.id.toLowerCase();
    if (path.has(key)) throw badRequest(`The dependsOn of batch request '${r.id}' forms a cycle.`, 'BadRequest');
    path.add(key);
    for (const d of r.dependsOn) order(byId.get(d.toLowerCase())!, path);
    path.delete(key);
  };
  for (const r of requests) order(r, new Set());

  const out: InnerResponse[] = [];
  for (const r of requests) out.push(await run(r));
  return out;
}

export function batchRoutes(deps: BatchDeps): Route[] {
  return [
    {
      method: 'POST',
      pattern: '/v1.0/$batch',
      handler: async (req) => {
        if (req.inBatch) throw new TenantHttpError(400, 'BadRequest', 'Nested batch requests are not supported.');
        const requests = parseBatch(bodyObject(req));
        return json({ responses: await runBatch(deps, req, requests) });
      },
    },
  ];
}
