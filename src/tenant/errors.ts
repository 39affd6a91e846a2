/**
 * Turning what Graph and ARM answer into a TenantError, recognising the errors Dragon Desk reacts
 * to, and saying them in plain language. Pure.
 *
 * Graph: {"error":{"code","message","innerError":{"request-id","date"}}} (microsoft-apis §0.1).
 * ARM:   {"error":{"code","message"}}, newer specs also a top-level {code,message} (§7).
 * Messages vary, so recognition goes by code plus a stable substring, never the full text.
 */
import { TenantError } from './types';
import { parseRetryAfter } from './retry';

/** Anything with a case-insensitive `get`, i.e. fetch's Headers. */
export interface HeaderLookup {
  get(name: string): string | null;
}

export function headersFromRecord(record: Record<string, string> | undefined): HeaderLookup {
  const lower = new Map<string, string>();
  for (const [k, v] of Object.entries(record ?? {})) lower.set(k.toLowerCase(), String(v));
  return { get: (name) => lower.get(name.toLowerCase()) ?? null };
}

const STATUS_CODES: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  412: 'PreconditionFailed',
  424: 'FailedDependency',
  429: 'TooManyRequests',
  500: 'InternalServerError',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout',
};

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/**
 * A TenantError that came from Azure Resource Manager. ARM and Graph share generic codes
 * (NotFound, BadRequest) that mean different things to a person, so the source is kept.
 */
export class ArmError extends TenantError {
  constructor(status: number, code: string, message: string, requestId?: string, retryAfterSeconds?: number) {
    super(status, code, message, requestId, retryAfterSeconds);
    this.name = 'ArmError';
  }
}

export type ErrorSource = 'graph' | 'arm';

/** Builds the TenantError for a non-2xx answer from Graph, ARM or an inner $batch response. */
export function tenantErrorFromResponse(
  status: number,
  body: unknown,
  headers: HeaderLookup,
  nowMs: number = Date.now(),
  source: ErrorSource = 'graph',
): TenantError {
  const parsed = typeof body === 'string' ? tryParseJson(body) : body;
  const err = isRecord(parsed) && isRecord(parsed.error) ? parsed.error : isRecord(parsed) ? parsed : undefined;
  const code = str(err?.code) ?? STATUS_CODES[status] ?? `Http${status}`;
  const message =
    str(err?.message) ??
    (typeof parsed === 'string' && parsed.trim() !== '' ? parsed.trim().slice(0, 300) : `HTTP ${status}`);
  const inner =
    err && (isRecord(err.innerError) ? err.innerError : isRecord(err.innererror) ? err.innererror : undefined);
  // Graph names it request-id (also inside innerError); ARM x-ms-request-id.
  const headerIds =
    source === 'arm'
      ? [headers.get('x-ms-request-id'), headers.get('x-ms-correlation-request-id'), headers.get('request-id')]
      : [headers.get('request-id'), headers.get('x-ms-request-id')];
  const requestId = str(inner?.['request-id']) ?? headerIds.find((h): h is string => !!h);
  const retryAfterMs = parseRetryAfter(headers.get('retry-after'), nowMs);
  const retryAfterSeconds = retryAfterMs === undefined ? undefined : Math.ceil(retryAfterMs / 1000);
  return source === 'arm'
    ? new ArmError(status, code, message, requestId, retryAfterSeconds)
    : new TenantError(status, code, message, requestId, retryAfterSeconds);
}

/** A call that never got an HTTP answer (DNS, refused connection, TLS, reset). Status 0 by convention. */
export function tenantErrorFromNetwork(cause: unknown, what: string): TenantError {
  return new TenantError(0, 'NetworkError', `Could not reach ${what}: ${describeFailure(cause)}`);
}

/** "fetch failed (UND_ERR_SOCKET: other side closed)"; duck-typed because such errors cross realms. */
function describeFailure(cause: unknown): string {
  const e = cause as { message?: unknown; cause?: { code?: unknown; message?: unknown } } | null;
  const message = typeof e?.message === 'string' && e.message !== '' ? e.message : String(cause);
  const inner = e?.cause;
  const innerText = [inner?.code, inner?.message].filter((x) => typeof x === 'string' && x !== '').join(': ');
  return innerText ? `${message} (${innerText})` : message;
}

function tryParseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** What kind of failure it is, for code that branches (the worker, the services) and for the text below. */
export type TenantErrorKind =
  | 'no-seats'
  | 'invalid-usage-location'
  | 'invalid-sku'
  | 'mutually-exclusive-plans'
  | 'plan-dependency'
  | 'already-exists'
  | 'reference-not-present'
  | 'permission-denied'
  | 'authentication'
  | 'not-found'
  | 'unsupported-query'
  | 'throttled'
  | 'unavailable'
  | 'network'
  | 'arm-not-found'
  | 'arm-conflict'
  | 'arm-bad-request'
  | 'arm-authorization'
  | 'pim-policy'
  | 'role-assignment-exists'
  | 'other';

function messageHas(err: TenantError, ...needles: string[]): boolean {
  const m = err.message.toLowerCase();
  return needles.some((n) => m.includes(n));
}

export function tenantErrorKind(err: TenantError): TenantErrorKind {
  const code = err.code;
  if (err.status === 0 || code === 'NetworkError') return 'network';
  if (err.status === 429 || code === 'TooManyRequests' || code === 'Request_ThrottledTemporarily') return 'throttled';
  if (err.status === 503 || err.status === 504) return 'unavailable';
  if (err instanceof ArmError) {
    if (code === 'AuthorizationFailed' || code === 'LinkedAuthorizationFailed') return 'arm-authorization';
    if (err.status === 401 || code === 'AuthenticationFailed' || code === 'InvalidAuthenticationToken')
      return 'authentication';
    if (err.status === 404 || /notfound$/i.test(code)) return 'arm-not-found';
    if (err.status === 409 || code === 'Conflict') return 'arm-conflict';
    if (err.status === 400) return 'arm-bad-request';
    return 'other';
  }
  if (code === 'Authorization_RequestDenied') return 'permission-denied';
  if (
    err.status === 401 ||
    code === 'InvalidAuthenticationToken' ||
    code === 'AuthenticationFailed' ||
    code === 'InvalidAuthenticationTokenTenant' ||
    code === 'TokenUnavailable'
  ) {
    return 'authentication';
  }
  if (code === 'Request_UnsupportedQuery') return 'unsupported-query';
  if (code === 'RoleAssignmentRequestPolicyValidationFailed') return 'pim-policy';
  if (code === 'RoleAssignmentExists') return 'role-assignment-exists';
  if (code === 'Request_ResourceNotFound') return 'not-found';
  if (err.status === 400) {
    if (messageHas(err, 'does not have any available licenses', 'not enough licenses')) return 'no-seats';
    if (messageHas(err, 'usage location')) return 'invalid-usage-location';
    if (messageHas(err, 'does not correspond to a valid company license')) return 'invalid-sku';
    if (messageHas(err, 'mutually exclusive')) return 'mutually-exclusive-plans';
    if (messageHas(err, 'depends on the service plan')) return 'plan-dependency';
    if (messageHas(err, 'already exist')) return 'already-exists';
    if (messageHas(err, 'do not exist', 'does not exist')) return 'reference-not-present';
  }
  if (err.status === 404) return 'not-found';
  return 'other';
}

/**
 * Worth trying again later: no answer at all (the network), throttling, or the service failing on
 * its side. The one definition the services and the worker use; the transport's own immediate
 * replays (retry.ts) are the narrower set Microsoft's SDKs replay.
 */
export function isTransientStatus(status: number): boolean {
  return status === 0 || status === 429 || status >= 500;
}

export function isTransient(err: unknown): err is TenantError {
  return err instanceof TenantError && isTransientStatus(err.status);
}

/** "already a member / owner": a replayed add (or a racing one) reached the state we wanted. */
export function isAlreadyExists(err: unknown): err is TenantError {
  return err instanceof TenantError && err.status === 400 && tenantErrorKind(err) === 'already-exists';
}

/**
 * A role (directory role or PIM for Groups membership) that is already assigned: a replayed or
 * racing grant reached the state wanted. [U] Graph's code for a duplicate (microsoft-apis §5).
 */
export function isAlreadyAssigned(err: unknown): err is TenantError {
  if (!(err instanceof TenantError)) return false;
  const kind = tenantErrorKind(err);
  return kind === 'role-assignment-exists' || kind === 'already-exists' || err.status === 409;
}

/** A PIM removal of something that is not (or no longer) assigned through PIM. */
export function isNotAssigned(err: unknown): err is TenantError {
  return (
    err instanceof TenantError &&
    (err.code === 'RoleAssignmentDoesNotExist' || tenantErrorKind(err) === 'reference-not-present')
  );
}

export function isNotFound(err: unknown): err is TenantError {
  return err instanceof TenantError && err.status === 404;
}

const TEXT: Record<TenantErrorKind, (e: TenantError) => string> = {
  'no-seats': () =>
    'There are no free seats left for this license in the tenant; free a seat or buy more before trying again.',
  'invalid-usage-location': () =>
    "The user has no usage location (country) set, which Microsoft requires before a license can be assigned directly; an admin must set it on the user's profile first.",
  'invalid-sku': () =>
    'The tenant does not own this license (SKU); check the configured license SKUs against the tenant subscriptions.',
  'mutually-exclusive-plans': () =>
    'The user already has a license whose service plans cannot be combined with this one; remove the conflicting license first.',
  'plan-dependency': () => 'This license needs another license or service plan the user does not have.',
  'already-exists': () => 'The user is already a member (or owner) there, so nothing needed to change.',
  'reference-not-present': () => 'The user is not a member (or owner) there, so nothing needed to change.',
  'permission-denied': () =>
    "Dragon Desk's app registration lacks the permission (or directory role) for this operation; an administrator must grant it and give admin consent in Entra ID.",
  authentication: () => 'Dragon Desk could not sign in to Microsoft; check its app credentials or managed identity.',
  'not-found': () =>
    'The user, group or object no longer exists in the directory (it may have been deleted or renamed).',
  'unsupported-query': () =>
    'Microsoft Graph rejected the query Dragon Desk sent; this is a Dragon Desk defect, please report it.',
  throttled: (e) =>
    `Microsoft is throttling Dragon Desk right now; it will try again${e.retryAfterSeconds !== undefined ? ` in about ${e.retryAfterSeconds} seconds` : ' shortly'}.`,
  unavailable: () => 'The Microsoft service is temporarily unavailable; Dragon Desk will try again.',
  network: () => 'Dragon Desk could not reach Microsoft (network error); it will try again.',
  'arm-not-found': () =>
    "Azure found nothing to act on: for a Partner Admin Link this means Dragon Desk's identity has no partner ID linked in this tenant.",
  'arm-conflict': () =>
    "Azure reports a conflict: for a Partner Admin Link, Dragon Desk's identity is already linked to a partner ID; update or remove that link instead.",
  'arm-bad-request': () =>
    'Azure rejected the request: for a Partner Admin Link, check that the partner ID is a valid Microsoft AI Cloud Partner Program (MPN) ID.',
  'arm-authorization': () =>
    "Dragon Desk's identity has no Azure role that allows this; grant it a role (for example Reader) on the subscription.",
  'pim-policy': () =>
    'Privileged Identity Management refused the assignment because a policy rule failed (for example justification, MFA or maximum duration).',
  'role-assignment-exists': () => 'The role or membership is already assigned, so nothing needed to change.',
  other: (e) => `Microsoft returned an error: ${e.message}`,
};

/**
 * One plain-language line for chat and cards. Keeps Microsoft's error code in brackets so an admin
 * can search for it; the request id stays on the TenantError for the audit trail.
 */
export function explainTenantError(err: unknown): string {
  if (!(err instanceof TenantError)) {
    const detail = err instanceof Error ? err.message : String(err);
    return `Something went wrong while talking to Microsoft: ${detail}`;
  }
  return `${TEXT[tenantErrorKind(err)](err)} [${err.code}]`;
}
