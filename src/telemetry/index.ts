/**
 * Telemetry: OpenTelemetry to Application Insights when APPLICATIONINSIGHTS_CONNECTION_STRING is
 * set, otherwise nothing. Without the connection string no OpenTelemetry module is loaded (they
 * would cost the dev start and every instance memory for nothing): openTelemetry.ts is required
 * only here, only then, as src/bot/fallback.ts does for the language model.
 *
 * What is recorded (README, Telemetry): a span per turn and per execution, a span per Graph or ARM
 * call with Microsoft's request id, metrics on requests (by state, time to decision, time from
 * approval to license Active, failed executions) and Graph throttling; log lines carry the trace
 * and span ids of the turn or execution they belong to.
 */
import type { Config } from '../config';
import type { RequestEvent } from '../domain/request';
import { noTenantTelemetry, type TenantTelemetry } from '../tenant/telemetry';
import type { OpenTelemetryExtras } from './openTelemetry';

/** What a turn span says about the activity (never its text). */
export interface TurnInfo {
  activityType: string;
  /** An invoke's name, e.g. adaptiveCard/action. */
  name?: string;
  /** A card action's verb. */
  verb?: string;
  conversationType?: string;
  /** The Entra object id of the person. */
  userId?: string;
}

/** The request facts the metrics need, as the store returns a request after a change. */
export interface RequestFacts {
  kind: string;
  state: string;
  createdAt: string;
  updatedAt: string;
  decidedAt?: string;
  errorCode?: string;
}

export interface Telemetry extends TenantTelemetry {
  readonly enabled: boolean;
  /** Runs a turn inside a span; `status` is read afterwards (the HTTP status answered). */
  turn<T>(describe: () => TurnInfo, run: () => Promise<T>, status: () => number | undefined): Promise<T>;
  /** Runs the carrying out of one request inside a span. */
  execution<T>(request: { id: number; kind: string }, run: () => Promise<T>): Promise<T>;
  /** A request reached a state (created as a draft when `event` is absent). */
  requestChanged(request: RequestFacts, event?: RequestEvent): void;
  /** An execution threw instead of ending in completed or failed. */
  executionCrashed(kind: string): void;
  /** Sends what is buffered and stops. */
  shutdown(): Promise<void>;
}

export const noTelemetry: Telemetry = {
  enabled: false,
  ...noTenantTelemetry,
  turn: (_describe, run) => run(),
  execution: (_request, run) => run(),
  requestChanged: () => undefined,
  executionCrashed: () => undefined,
  shutdown: () => Promise.resolve(),
};

/**
 * The configured telemetry. `extras` (span processors, metric readers, log processors) are added
 * next to Application Insights' exporters: tests read what was recorded with in-memory ones.
 */
export function telemetryFor(config: Pick<Config, 'telemetry'>, extras?: OpenTelemetryExtras): Telemetry {
  if (!config.telemetry) return noTelemetry;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const otel = require('./openTelemetry') as typeof import('./openTelemetry');
  return otel.startOpenTelemetry(config.telemetry.connectionString, extras);
}
