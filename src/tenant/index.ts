/**
 * The tenant port and its one implementation. `createTenantClient` picks the dev tenant or
 * Microsoft from configuration; everything else in Dragon Desk depends only on `TenantClient`.
 */
import type { TokenCredential } from '@azure/identity';
import { GraphTenantClient } from './graphClient';
import type { RetryPolicy } from './retry';
import type { TenantLogger } from './retryingSend';
import type { TenantTelemetry } from './telemetry';
import {
  azureTokenSource,
  credentialFromConfig,
  devTokenSource,
  type CredentialConfig,
  type TokenSource,
} from './tokens';

export * from './types';
export { GraphTenantClient, type GraphTenantClientOptions } from './graphClient';
export {
  AUDIENCE_SCOPES,
  azureTokenSource,
  credentialFromConfig,
  devTokenSource,
  type CredentialConfig,
  type CredentialKind,
  type TokenAudience,
  type TokenSource,
} from './tokens';
export {
  ArmError,
  explainTenantError,
  isAlreadyExists,
  isNotFound,
  tenantErrorFromResponse,
  tenantErrorKind,
  type TenantErrorKind,
} from './errors';
export { DEFAULT_RETRY_POLICY, decideRetry, parseRetryAfter, type RetryPolicy } from './retry';
export { MAX_BATCH_SIZE, chunkBatch } from './batch';
export type { TenantLogger } from './retryingSend';
export { noTenantTelemetry, type TenantCallInfo, type TenantCallRecorder, type TenantTelemetry } from './telemetry';

export const GRAPH_PUBLIC_URL = 'https://graph.microsoft.com';
export const ARM_PUBLIC_URL = 'https://management.azure.com';

interface CommonConfig {
  retry?: Partial<RetryPolicy>;
  sleep?: (ms: number) => Promise<void>;
  logger?: TenantLogger;
  /** Dragon Desk's clock (ms), so times it sends (a PIM schedule's start) agree with the rest of the app. */
  now?: () => number;
  telemetry?: TenantTelemetry;
}

export type TenantClientConfig =
  | (CommonConfig & {
      mode: 'dev';
      /** The dev tenant's base URL; it serves Graph (/v1.0/…) and ARM (/providers/…, /subscriptions/…) on one origin. */
      devTenantUrl: string;
      /** `dev` (Dragon Desk's own app) or an object id to act as that user (PAL is keyed on it). */
      identity?: string;
    })
  | (CommonConfig & {
      mode: 'production';
      /** A ready credential, or the settings to build one. */
      credential: TokenCredential | CredentialConfig;
      /** Overrides for national clouds; default the public cloud. */
      graphBaseUrl?: string;
      armBaseUrl?: string;
    });

function isCredentialConfig(c: TokenCredential | CredentialConfig): c is CredentialConfig {
  return typeof (c as CredentialConfig).kind === 'string' && typeof (c as TokenCredential).getToken !== 'function';
}

export function createTenantClient(cfg: TenantClientConfig): GraphTenantClient {
  let tokens: TokenSource;
  let graphBaseUrl: string;
  let armBaseUrl: string;
  if (cfg.mode === 'dev') {
    tokens = devTokenSource(cfg.identity ?? 'dev');
    graphBaseUrl = cfg.devTenantUrl;
    armBaseUrl = cfg.devTenantUrl;
  } else {
    const credential = isCredentialConfig(cfg.credential) ? credentialFromConfig(cfg.credential) : cfg.credential;
    tokens = azureTokenSource(credential);
    graphBaseUrl = cfg.graphBaseUrl ?? GRAPH_PUBLIC_URL;
    armBaseUrl = cfg.armBaseUrl ?? ARM_PUBLIC_URL;
  }
  return new GraphTenantClient({
    graphBaseUrl,
    armBaseUrl,
    tokens,
    retry: cfg.retry,
    sleep: cfg.sleep,
    logger: cfg.logger,
    now: cfg.now,
    telemetry: cfg.telemetry,
  });
}
