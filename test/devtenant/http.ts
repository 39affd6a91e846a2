/** A small fetch wrapper for the dev tenant tests: JSON in, status/headers/JSON out. */
import type { DevTenant } from '../../src/devtenant/server';

export interface Reply<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export interface CallOptions {
  /** 'dev' by default; null sends no Authorization header. */
  token?: string | null;
  body?: unknown;
  /** Sent as-is, for malformed-JSON tests. */
  rawBody?: string;
  headers?: Record<string, string>;
}

export async function call<T = any>(
  t: DevTenant,
  method: string,
  path: string,
  opts: CallOptions = {},
): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  const token = opts.token === undefined ? 'dev' : opts.token;
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  let body: string | undefined;
  if (opts.rawBody !== undefined) body = opts.rawBody;
  else if (opts.body !== undefined) body = JSON.stringify(opts.body);
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(`${t.url}${path}`, { method, headers, body });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

/** `/v1.0/directoryObjects/{id}` reference body for members/$ref and owners/$ref. */
export function ref(id: string): { '@odata.id': string } {
  return { '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${id}` };
}
