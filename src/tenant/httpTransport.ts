/**
 * `fetch` for the tenant client, over node:http / node:https with keep-alive agents.
 *
 * Why not the global fetch: Node 20's fetch (undici, with WHATWG streams) costs about three times
 * the CPU of node:http per call (bench/: ~0.4 ms against ~0.1 ms for a small JSON answer), and a
 * license request spends a tenth of its CPU on the one Graph call it makes. Building even a WHATWG
 * `Response` and `Headers` for the answer costs more than the request itself, so the answer is the
 * part of Response that Dragon Desk reads (status, ok, headers.get, text, json). Dragon Desk only
 * ever sends a JSON or empty body and reads the whole answer, so this is all of fetch it needs.
 *
 * The rest of the contract is fetch's: it resolves for any HTTP answer, rejects with
 * `TypeError('fetch failed', { cause })` when no answer came (refused, reset, DNS, TLS), and rejects
 * with the signal's reason (an AbortError / TimeoutError DOMException) when the signal fires.
 * sendWithRetry classifies failures by exactly those names.
 */
import http from 'node:http';
import https from 'node:https';
import zlib from 'node:zlib';

/** What the tenant client reads of an answer: a subset of fetch's Response. */
export interface TransportResponse {
  readonly status: number;
  readonly statusText: string;
  readonly ok: boolean;
  readonly headers: { get(name: string): string | null };
  text(): Promise<string>;
  json(): Promise<unknown>;
}

export type FetchLike = (input: string | URL, init?: RequestInit) => Promise<TransportResponse>;

/** Kept per process: Graph and ARM are a couple of hosts, each answered on a few warm connections. */
const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 64 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 64 }),
};

function headerRecord(headers: HeadersInit | undefined, body: Buffer | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers instanceof Headers) headers.forEach((v, k) => (out[k] = v));
  else if (Array.isArray(headers)) for (const [k, v] of headers) out[k.toLowerCase()] = v;
  else for (const [k, v] of Object.entries(headers ?? {})) out[k.toLowerCase()] = String(v);
  if (body) out['content-length'] = String(body.length);
  return out;
}

function bodyBuffer(body: RequestInit['body']): Buffer | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  // Streams, forms and blobs are never sent to Graph or ARM by Dragon Desk.
  throw new TypeError('httpTransport: only string and byte bodies are supported');
}

function decoded(raw: Buffer, encoding: string | undefined): Buffer {
  switch ((encoding ?? '').trim().toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return zlib.gunzipSync(raw);
    case 'deflate':
      return zlib.inflateSync(raw);
    case 'br':
      return zlib.brotliDecompressSync(raw);
    default:
      return raw;
  }
}

/** Header lookup as fetch's Headers.get: case-insensitive, repeated headers joined with ", ". */
class AnswerHeaders {
  constructor(private readonly headers: http.IncomingHttpHeaders) {}

  get(name: string): string | null {
    const v = this.headers[name.toLowerCase()];
    if (v === undefined) return null;
    return Array.isArray(v) ? v.join(', ') : v;
  }
}

class Answer implements TransportResponse {
  readonly ok: boolean;
  readonly headers: AnswerHeaders;

  constructor(
    readonly status: number,
    readonly statusText: string,
    headers: http.IncomingHttpHeaders,
    private readonly body: string,
  ) {
    this.ok = status >= 200 && status < 300;
    this.headers = new AnswerHeaders(headers);
  }

  text(): Promise<string> {
    return Promise.resolve(this.body);
  }

  /** Malformed JSON rejects, as fetch's json() does, rather than throwing on the call. */
  json(): Promise<unknown> {
    return new Promise((resolve) => resolve(JSON.parse(this.body)));
  }
}

function toAnswer(res: http.IncomingMessage, raw: Buffer): Answer {
  const { 'content-encoding': encoding, 'content-length': _length, ...headers } = res.headers;
  // The body handed over is already decoded, as fetch hands it over (and without those two headers).
  // Graph and ARM answer in JSON (UTF-8).
  return new Answer(res.statusCode ?? 0, res.statusMessage ?? '', headers, decoded(raw, encoding).toString('utf8'));
}

function networkFailure(cause: unknown): TypeError {
  return new TypeError('fetch failed', { cause });
}

export const httpFetch: FetchLike = (input, init = {}) =>
  new Promise<TransportResponse>((resolve, reject) => {
    const url = typeof input === 'string' ? new URL(input) : input;
    const signal = init.signal ?? undefined;
    // As fetch does: an aborted call rejects with the signal's reason (a DOMException, an Error).
    if (signal?.aborted) return reject(signal.reason as Error);
    const lib = url.protocol === 'https:' ? https : url.protocol === 'http:' ? http : undefined;
    if (!lib) return reject(networkFailure(new Error(`unsupported protocol ${url.protocol}`)));
    let body: Buffer | undefined;
    try {
      body = bodyBuffer(init.body);
    } catch (err) {
      return reject(err instanceof Error ? err : new Error(String(err)));
    }
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const req = lib.request(url, {
      method: (init.method ?? 'GET').toUpperCase(),
      headers: headerRecord(init.headers, body),
      agent: agents[url.protocol as 'http:' | 'https:'],
    });
    function onAbort() {
      settle(() => reject(signal!.reason as Error));
      req.destroy();
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', (err) => settle(() => reject(networkFailure(err))));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (err) => settle(() => reject(networkFailure(err))));
      res.on('aborted', () =>
        settle(() => reject(networkFailure(new Error('the connection closed before the answer was complete')))),
      );
      res.on('end', () =>
        settle(() => {
          try {
            resolve(toAnswer(res, Buffer.concat(chunks)));
          } catch (err) {
            // A body that does not decode is a broken answer, as fetch reports it.
            reject(networkFailure(err));
          }
        }),
      );
    });
    req.end(body);
  });
