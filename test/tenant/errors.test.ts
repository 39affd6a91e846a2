import {
  ArmError,
  explainTenantError,
  headersFromRecord,
  isAlreadyExists,
  tenantErrorFromNetwork,
  tenantErrorFromResponse,
  tenantErrorKind,
  type TenantErrorKind,
} from '../../src/tenant/errors';
import { TenantError } from '../../src/tenant/types';

const NOW = Date.parse('2026-03-02T10:00:00Z');
const noHeaders = headersFromRecord({});

function graphBody(code: string, message: string, requestId = 'rid-1') {
  return {
    error: {
      code,
      message,
      innerError: { date: '2026-03-02T10:00:00', 'request-id': requestId, 'client-request-id': 'c-1' },
    },
  };
}

describe('tenantErrorFromResponse', () => {
  it('reads a Graph error body: code, message, innerError request-id', () => {
    const e = tenantErrorFromResponse(
      403,
      graphBody('Authorization_RequestDenied', 'Insufficient privileges to complete the operation.', 'abc'),
      noHeaders,
      NOW,
    );
    expect(e).toBeInstanceOf(TenantError);
    expect(e).toMatchObject({
      status: 403,
      code: 'Authorization_RequestDenied',
      message: 'Insufficient privileges to complete the operation.',
      requestId: 'abc',
    });
  });

  it('reads the body when it is still JSON text', () => {
    const e = tenantErrorFromResponse(
      404,
      JSON.stringify(graphBody('Request_ResourceNotFound', "Resource 'x' does not exist")),
      noHeaders,
      NOW,
    );
    expect(e.code).toBe('Request_ResourceNotFound');
  });

  it('falls back to the request-id header when the body has none', () => {
    const e = tenantErrorFromResponse(
      400,
      { error: { code: 'Request_BadRequest', message: 'nope' } },
      headersFromRecord({ 'Request-Id': 'hdr-1' }),
      NOW,
    );
    expect(e.requestId).toBe('hdr-1');
  });

  it('reads an ARM body (no innerError) and its x-ms-request-id, as an ArmError', () => {
    const e = tenantErrorFromResponse(
      404,
      { error: { code: 'NotFound', message: 'No partner link' } },
      headersFromRecord({ 'x-ms-request-id': 'arm-1' }),
      NOW,
      'arm',
    );
    expect(e).toBeInstanceOf(ArmError);
    expect(e).toMatchObject({ status: 404, code: 'NotFound', message: 'No partner link', requestId: 'arm-1' });
  });

  it('reads the newer ARM top-level code/message', () => {
    const e = tenantErrorFromResponse(409, { code: 'Conflict', message: 'exists' }, noHeaders, NOW, 'arm');
    expect(e).toMatchObject({ code: 'Conflict', message: 'exists' });
  });

  it('keeps Retry-After in whole seconds, rounding up', () => {
    expect(
      tenantErrorFromResponse(
        429,
        graphBody('TooManyRequests', 'slow down'),
        headersFromRecord({ 'Retry-After': '2.1' }),
        NOW,
      ).retryAfterSeconds,
    ).toBe(3);
    expect(
      tenantErrorFromResponse(
        503,
        undefined,
        headersFromRecord({ 'retry-after': 'Mon, 02 Mar 2026 10:01:00 GMT' }),
        NOW,
      ).retryAfterSeconds,
    ).toBe(60);
  });

  it.each([
    [503, undefined, 'ServiceUnavailable', 'HTTP 503'],
    [504, '<html>Gateway Timeout</html>', 'GatewayTimeout', '<html>Gateway Timeout</html>'],
    [418, '', 'Http418', 'HTTP 418'],
  ])('gives a body-less %p a code and message', (status, body, code, message) => {
    expect(tenantErrorFromResponse(status, body, noHeaders, NOW)).toMatchObject({ status, code, message });
  });
});

describe('tenantErrorKind and explainTenantError', () => {
  const g = (status: number, code: string, message: string, retryAfter?: number) =>
    new TenantError(status, code, message, 'rid', retryAfter);
  const arm = (status: number, code: string, message = 'x') => new ArmError(status, code, message, 'rid');

  it.each<[string, TenantError, TenantErrorKind, RegExp]>([
    [
      'no seats',
      g(400, 'Request_BadRequest', 'Subscription with SKU 123 does not have any available licenses.'),
      'no-seats',
      /no free seats/,
    ],
    [
      'no seats, alternative text',
      g(
        400,
        'Request_BadRequest',
        'License assignment failed because subscription does not have any available licenses.',
      ),
      'no-seats',
      /no free seats/,
    ],
    [
      'no usage location',
      g(400, 'Request_BadRequest', 'License assignment cannot be done for user with invalid usage location.'),
      'invalid-usage-location',
      /usage location/,
    ],
    [
      'sku not owned',
      g(400, 'Request_BadRequest', 'License abc does not correspond to a valid company License.'),
      'invalid-sku',
      /does not own this license/,
    ],
    [
      'mutually exclusive',
      g(400, 'Request_BadRequest', 'License assignment failed because service plans a,b are mutually exclusive'),
      'mutually-exclusive-plans',
      /cannot be combined/,
    ],
    [
      'dependency',
      g(400, 'Request_BadRequest', 'License assignment failed because service plan x depends on the service plan(s) y'),
      'plan-dependency',
      /needs another/,
    ],
    [
      'already a member',
      g(
        400,
        'Request_BadRequest',
        "One or more added object references already exist for the following modified properties: 'members'.",
      ),
      'already-exists',
      /already a member/,
    ],
    [
      'not a member',
      g(
        400,
        'Request_BadRequest',
        "One or more removed object references do not exist for the following modified properties: 'members'",
      ),
      'reference-not-present',
      /not a member/,
    ],
    [
      'permission',
      g(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.'),
      'permission-denied',
      /app registration lacks the permission/,
    ],
    ['not found', g(404, 'Request_ResourceNotFound', "Resource 'u' does not exist"), 'not-found', /no longer exists/],
    ['token', g(401, 'InvalidAuthenticationToken', 'Access token is empty.'), 'authentication', /could not sign in/],
    [
      'unsupported query',
      g(
        400,
        'Request_UnsupportedQuery',
        "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'",
      ),
      'unsupported-query',
      /defect/,
    ],
    ['throttled with wait', g(429, 'TooManyRequests', 'Too many requests', 30), 'throttled', /in about 30 seconds/],
    ['directory throttling code', g(400, 'Request_ThrottledTemporarily', 'x'), 'throttled', /throttling/],
    ['unavailable', g(503, 'ServiceUnavailable', 'x'), 'unavailable', /temporarily unavailable/],
    [
      'network',
      tenantErrorFromNetwork(new TypeError('fetch failed'), 'Microsoft Graph'),
      'network',
      /could not reach Microsoft/,
    ],
    [
      'PIM policy',
      g(400, 'RoleAssignmentRequestPolicyValidationFailed', 'The following policy rules failed: ["JustificationRule"]'),
      'pim-policy',
      /policy rule/,
    ],
    ['PAL missing', arm(404, 'NotFound'), 'arm-not-found', /Partner Admin Link/],
    ['PAL conflict', arm(409, 'Conflict'), 'arm-conflict', /already linked/],
    [
      'PAL bad id',
      arm(400, 'BadRequest', 'Invalid partner id'),
      'arm-bad-request',
      /valid Microsoft AI Cloud Partner Program/,
    ],
    ['ARM RBAC', arm(403, 'AuthorizationFailed'), 'arm-authorization', /no Azure role/],
    [
      'Graph segment error is not mistaken for PAL',
      g(400, 'BadRequest', "Resource not found for the segment 'x'."),
      'other',
      /Resource not found for the segment/,
    ],
    ['Graph generic 404 is a directory not-found', g(404, 'NotFound', 'x'), 'not-found', /no longer exists/],
  ])('%s', (_name, err, kind, text) => {
    expect(tenantErrorKind(err)).toBe(kind);
    const line = explainTenantError(err);
    expect(line).toMatch(text);
    expect(line).toContain(`[${err.code}]`); // admins search for Microsoft's code
    expect(line).not.toContain('\n');
  });

  it('explains something that is not a TenantError without throwing', () => {
    expect(explainTenantError(new Error('boom'))).toMatch(/boom/);
    expect(explainTenantError('weird')).toMatch(/weird/);
  });

  it('isAlreadyExists only for the 400 "already exist" answer', () => {
    expect(isAlreadyExists(g(400, 'Request_BadRequest', 'One or more added object references already exist'))).toBe(
      true,
    );
    expect(isAlreadyExists(g(404, 'Request_ResourceNotFound', 'already exist'))).toBe(false);
    expect(isAlreadyExists(new Error('already exist'))).toBe(false);
  });
});
