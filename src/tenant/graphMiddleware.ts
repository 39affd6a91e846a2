/**
 * The Graph SDK middleware chain Dragon Desk uses instead of the SDK default
 * (Authentication → Retry → Redirect → Telemetry → HTTPMessage):
 *
 *   RetryMiddleware → BearerTokenMiddleware → TransportHandler (httpTransport.ts)
 *
 * Why our own retry middleware rather than the SDK RetryHandler + RetryHandlerOptions: the SDK
 * handler sleeps with its own setTimeout (tests would really wait), honours Retry-After up to 180 s
 * (we want a total budget and fail-fast, see retry.ts), cannot tell a create that must not be
 * replayed after an ambiguous 503/504 from one that may, and does not retry network errors on GETs.
 *
 * Why our own bearer middleware rather than the SDK AuthenticationHandler: the SDK attaches the token
 * only to https URLs on Graph hosts or `customHosts` (GraphRequestUtil.isValidEndpoint tests for
 * "https://"), so the dev tenant on http://127.0.0.1 would get no token at all. Ours attaches it to
 * exactly the configured Graph origin and strips it from anything else. Retry sits before it so
 * every attempt gets a fresh token.
 *
 * Why our own last handler rather than the SDK HTTPMessageHandler: that one calls the global
 * `fetch`, whose CPU cost per call is about three times node:http's (httpTransport.ts). The SDK
 * still checks that a global fetch exists (validatePolyFilling); Node 20 provides it.
 */
import { randomUUID } from 'node:crypto';
import {
  GraphClientError,
  type AuthenticationProvider,
  type Context,
  type Middleware,
  type MiddlewareOptions,
} from '@microsoft/microsoft-graph-client';
import { httpFetch, type FetchLike, type TransportResponse } from './httpTransport';
import { sendWithRetry, type RetryRuntime } from './retryingSend';
import type { TokenSource } from './tokens';

/** Per-request flag, read by RetryMiddleware through the SDK's MiddlewareControl. */
export class ReplayOption implements MiddlewareOptions {
  constructor(readonly replaySafe: boolean) {}
}

/**
 * The SDK types the response slot as fetch's Response; with ResponseType.RAW (all Dragon Desk
 * asks for) it hands the object back untouched, and graphClient reads it as a TransportResponse
 * (the part of Response it uses, so the narrowing cast is to a type Response already satisfies).
 */
const sdkSlot = (r: TransportResponse): Response => r as Response;
const fromSdkSlot = (r: Response): TransportResponse => r;

function requestUrl(context: Context): string {
  return typeof context.request === 'string' ? context.request : context.request.url;
}

function setHeader(context: Context, name: string, value: string | undefined): void {
  context.options = context.options ?? {};
  const headers = context.options.headers;
  if (headers instanceof Headers) {
    if (value === undefined) headers.delete(name);
    else headers.set(name, value);
    return;
  }
  const record: Record<string, string> = { ...((headers as Record<string, string> | undefined) ?? {}) };
  for (const k of Object.keys(record)) if (k.toLowerCase() === name.toLowerCase()) delete record[k];
  if (value !== undefined) record[name] = value;
  context.options.headers = record;
}

export class RetryMiddleware implements Middleware {
  private next?: Middleware;

  constructor(private readonly rt: RetryRuntime) {}

  setNext(next: Middleware): void {
    this.next = next;
  }

  async execute(context: Context): Promise<void> {
    const next = this.next;
    if (!next) throw new Error('RetryMiddleware needs a next middleware');
    const option = context.middlewareControl?.getMiddlewareOptions(ReplayOption) as ReplayOption | undefined;
    const method = (context.options?.method ?? 'GET').toUpperCase();
    // One client-request-id for every attempt: Graph logs it, so support can join the attempts.
    setHeader(context, 'client-request-id', randomUUID());
    const response = await sendWithRetry(
      async (signal) => {
        context.options = { ...(context.options ?? {}), signal };
        await next.execute(context);
        if (!context.response) throw new Error('no response from the next middleware');
        return fromSdkSlot(context.response);
      },
      { method, path: new URL(requestUrl(context)).pathname, replaySafe: option?.replaySafe ?? true },
      this.rt,
    );
    context.response = sdkSlot(response);
  }
}

/** The SDK's auth-provider shape over our TokenSource (Graph audience). */
export function tokenSourceAuthProvider(tokens: TokenSource): AuthenticationProvider {
  return { getAccessToken: () => tokens.getToken('graph') };
}

export class BearerTokenMiddleware implements Middleware {
  private next?: Middleware;
  private readonly origin: string;

  constructor(
    private readonly auth: AuthenticationProvider,
    graphBaseUrl: string,
  ) {
    this.origin = new URL(graphBaseUrl).origin;
  }

  setNext(next: Middleware): void {
    this.next = next;
  }

  async execute(context: Context): Promise<void> {
    if (!this.next) throw new Error('BearerTokenMiddleware needs a next middleware');
    const sameOrigin = new URL(requestUrl(context)).origin === this.origin;
    let token: string | undefined;
    if (sameOrigin) {
      try {
        token = await this.auth.getAccessToken();
      } catch (err) {
        // The SDK rethrows a GraphClientError untouched (anything else it flattens into a GraphError),
        // so this is how the TenantError from the token source reaches the caller intact.
        const wrapped = new GraphClientError(err instanceof Error ? err.message : String(err));
        wrapped.customError = err;
        throw wrapped;
      }
    }
    setHeader(context, 'Authorization', token === undefined ? undefined : `Bearer ${token}`);
    await this.next.execute(context);
  }
}

/** The end of the chain: sends the request as prepared and puts the answer on the context. */
export class TransportHandler implements Middleware {
  constructor(private readonly fetch: FetchLike = httpFetch) {}

  async execute(context: Context): Promise<void> {
    const request = context.request;
    context.response = sdkSlot(await this.fetch(typeof request === 'string' ? request : request.url, context.options));
  }
}

export function graphMiddlewareChain(
  tokens: TokenSource,
  graphBaseUrl: string,
  rt: RetryRuntime,
  fetch: FetchLike = httpFetch,
): Middleware[] {
  return [
    new RetryMiddleware(rt),
    new BearerTokenMiddleware(tokenSourceAuthProvider(tokens), graphBaseUrl),
    new TransportHandler(fetch),
  ];
}
