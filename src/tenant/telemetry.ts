/**
 * What the tenant client tells telemetry: one span per Graph or ARM call (with the request id
 * Microsoft answered with, which its support asks for) and each throttled answer. The interface
 * is all this folder knows; src/telemetry implements it with OpenTelemetry only when Application
 * Insights is configured, and otherwise nothing is recorded and nothing is loaded.
 */

export type TenantService = 'graph' | 'arm';

export interface TenantCallInfo {
  service: TenantService;
  method: string;
  /** Graph or ARM origin, e.g. https://graph.microsoft.com. */
  baseUrl: string;
  /** Path and query as sent; implementations must not record the query (it can name people). */
  path: string;
}

export interface TenantCallRecorder {
  /** The final answer of the call (after any retries). */
  response(status: number, requestId: string | undefined): void;
  /** One request of a $batch and its own answer: a Graph call of its own, inside the batch's. */
  part(request: { method: string; path: string }, answer: { status: number; requestId?: string; code?: string }): void;
}

export interface TenantTelemetry {
  /** Runs one logical call (its retries included) inside a span. */
  call<T>(info: TenantCallInfo, run: (recorder: TenantCallRecorder) => Promise<T>): Promise<T>;
  /** A 429 answer, top-level or inside a $batch, whether or not it is retried. */
  throttled(info: { service: TenantService; inBatch: boolean; retryAfterSeconds?: number }): void;
}

const NO_RECORDER: TenantCallRecorder = { response: () => undefined, part: () => undefined };

export const noTenantTelemetry: TenantTelemetry = {
  call: (_info, run) => run(NO_RECORDER),
  throttled: () => undefined,
};
