/**
 * httpTransport: the fetch contract the tenant client relies on, over node:http, against a
 * throwaway server on 127.0.0.1:0.
 */
import * as http from 'node:http';
import zlib from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { httpFetch } from '../../src/tenant/httpTransport';
import { isNetworkFailure } from '../../src/tenant/retryingSend';

type Handler = (req: http.IncomingMessage, body: string, res: http.ServerResponse) => void;

let server: http.Server;
let base = '';
let handler: Handler = (_req, _body, res) => res.end();

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => handler(req, body, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

test('sends method, headers and a JSON body; answers with status, headers and the text', async () => {
  let seen: { method?: string; auth?: string; type?: string; length?: string; body?: string } = {};
  handler = (req, body, res) => {
    seen = {
      method: req.method,
      auth: req.headers.authorization,
      type: req.headers['content-type'],
      length: req.headers['content-length'],
      body,
    };
    res.writeHead(201, { 'Content-Type': 'application/json', 'request-id': 'rid-1' });
    res.end(JSON.stringify({ id: 'é' }));
  };
  const payload = JSON.stringify({ displayName: 'Zoë' });
  const res = await httpFetch(`${base}/v1.0/groups`, {
    method: 'post',
    headers: new Headers({ Authorization: 'Bearer t', 'Content-Type': 'application/json' }),
    body: payload,
  });
  expect(seen).toEqual({
    method: 'POST',
    auth: 'Bearer t',
    type: 'application/json',
    length: String(Buffer.byteLength(payload)),
    body: payload,
  });
  expect(res.status).toBe(201);
  expect(res.ok).toBe(true);
  expect(res.headers.get('request-id')).toBe('rid-1');
  expect(await res.json()).toEqual({ id: 'é' });
});

test.each([
  ['a record', { 'X-Test': 'a' }],
  ['pairs', [['X-Test', 'a']] as [string, string][]],
])('headers given as %s are sent', async (_name, headers) => {
  let got: string | undefined;
  handler = (req, _b, res) => {
    got = req.headers['x-test'] as string;
    res.end();
  };
  await httpFetch(`${base}/x`, { headers });
  expect(got).toBe('a');
});

test('an error status is an answer, not a failure, with its body', async () => {
  handler = (_req, _b, res) => {
    res.writeHead(429, { 'Retry-After': '3', 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ error: { code: 'TooManyRequests' } }));
  };
  const res = await httpFetch(`${base}/x`);
  expect(res.ok).toBe(false);
  expect(res.status).toBe(429);
  expect(res.headers.get('retry-after')).toBe('3');
  expect(await res.text()).toContain('TooManyRequests');
});

test('204 No Content answers with an empty body', async () => {
  handler = (_req, _b, res) => {
    res.writeHead(204);
    res.end();
  };
  const res = await httpFetch(`${base}/x`, { method: 'DELETE' });
  expect(res.status).toBe(204);
  expect(await res.text()).toBe('');
});

test('a gzip-encoded answer is handed over decoded, as fetch does', async () => {
  handler = (_req, _b, res) => {
    res.writeHead(200, { 'Content-Encoding': 'gzip', 'Content-Type': 'application/json' });
    res.end(zlib.gzipSync(JSON.stringify({ value: [1, 2, 3] })));
  };
  const res = await httpFetch(`${base}/x`);
  expect(await res.json()).toEqual({ value: [1, 2, 3] });
  expect(res.headers.get('content-encoding')).toBeNull();
});

test('a refused connection is a network failure ("fetch failed" TypeError with the cause)', async () => {
  const closed = http.createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const err = await httpFetch(`http://127.0.0.1:${port}/x`).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(TypeError);
  expect((err as TypeError).message).toBe('fetch failed');
  expect(((err as TypeError).cause as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
  expect(isNetworkFailure(err)).toBe(true);
});

test('a connection dropped mid-answer is a network failure', async () => {
  handler = (_req, _b, res) => {
    res.writeHead(200, { 'Content-Length': '100' });
    res.write('{"partial":');
    setTimeout(() => res.destroy(), 10);
  };
  const err = await httpFetch(`${base}/x`).catch((e: unknown) => e);
  expect(isNetworkFailure(err)).toBe(true);
});

test('a timed-out attempt rejects with the signal reason (TimeoutError), which the retry loop classifies', async () => {
  handler = () => undefined; // never answers
  const err = await httpFetch(`${base}/slow`, { signal: AbortSignal.timeout(50) }).catch((e: unknown) => e);
  expect((err as Error).name).toBe('TimeoutError');
  expect(isNetworkFailure(err)).toBe(true);
});

test('an already aborted signal sends nothing', async () => {
  let calls = 0;
  handler = (_req, _b, res) => {
    calls++;
    res.end();
  };
  const ac = new AbortController();
  ac.abort();
  const err = await httpFetch(`${base}/x`, { signal: ac.signal }).catch((e: unknown) => e);
  expect((err as Error).name).toBe('AbortError');
  await new Promise((r) => setTimeout(r, 20));
  expect(calls).toBe(0);
});
