/**
 * Error responses in the two dialects the dev tenant speaks. Graph (reference §0.1) nests
 * `innerError` with the request id and date; ARM (§7) has only code and message. Handlers throw
 * `TenantHttpError` and the dispatcher renders it in the dialect of the path, so a handler never
 * builds an error body by hand.
 */

export type Dialect = 'graph' | 'arm';

export class TenantHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'TenantHttpError';
  }
}

export interface RequestIds {
  requestId: string;
  clientRequestId: string;
  date: Date;
}

export interface GraphErrorBody {
  error: {
    code: string;
    message: string;
    innerError: { date: string; 'request-id': string; 'client-request-id': string };
  };
}

export interface ArmErrorBody {
  error: { code: string; message: string };
}

/** Graph's innerError date has no fraction and no zone ("2025-02-13T10:17:06"). */
export function graphDate(d: Date): string {
  return d.toISOString().slice(0, 19);
}

export function errorBody(
  dialect: Dialect,
  code: string,
  message: string,
  ids: RequestIds,
): GraphErrorBody | ArmErrorBody {
  if (dialect === 'arm') return { error: { code, message } };
  return {
    error: {
      code,
      message,
      innerError: { date: graphDate(ids.date), 'request-id': ids.requestId, 'client-request-id': ids.clientRequestId },
    },
  };
}

// Directory errors with the texts the reference records (§0.1, §2, §3, §4).

export function resourceNotFound(id: string): TenantHttpError {
  return new TenantHttpError(
    404,
    'Request_ResourceNotFound',
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  );
}

export function badRequest(message: string, code = 'Request_BadRequest'): TenantHttpError {
  return new TenantHttpError(400, code, message);
}

export function unsupportedQuery(message: string): TenantHttpError {
  return new TenantHttpError(400, 'Request_UnsupportedQuery', message);
}

/** Graph answers an unknown path segment this way rather than with 404. */
export function segmentNotFound(segment: string): TenantHttpError {
  return new TenantHttpError(400, 'BadRequest', `Resource not found for the segment '${segment}'.`);
}

export function invalidJson(): TenantHttpError {
  return new TenantHttpError(
    400,
    'BadRequest',
    'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
  );
}

export function armError(status: number, code: string, message: string): TenantHttpError {
  return new TenantHttpError(status, code, message);
}
