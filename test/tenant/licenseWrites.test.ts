/**
 * What each answer to a license write means for that person, decided in one place in the tenant
 * layer, so the services never read Graph's status codes or error text.
 */
import { isTransientStatus } from '../../src/tenant/errors';
import { licenseWriteOutcome, licenseWriteRequest } from '../../src/tenant/licenseWrites';

const graphError = (code: string, message: string) => ({ error: { code, message } });
const change = { userId: 'u1', via: 'group' as const };

describe('licenseWriteOutcome', () => {
  const cases: [string, number, unknown, string][] = [
    ['added', 204, undefined, 'ok'],
    [
      'already a member (a replayed add)',
      400,
      graphError(
        'Request_BadRequest',
        'One or more added object references already exist for the following modified properties: members.',
      ),
      'alreadyDone',
    ],
    [
      'not a member (a replayed removal)',
      400,
      graphError(
        'Request_BadRequest',
        "One or more removed object references do not exist for the following modified properties: 'members'.",
      ),
      'alreadyDone',
    ],
    ['throttled', 429, graphError('TooManyRequests', 'slow down'), 'transient'],
    ['unavailable', 503, graphError('ServiceUnavailable', 'later'), 'transient'],
    ['a server error', 500, graphError('InternalServerError', 'oops'), 'transient'],
    ['no usage location', 400, graphError('Request_BadRequest', 'Invalid usage location.'), 'failed'],
    ['denied', 403, graphError('Authorization_RequestDenied', 'Insufficient privileges'), 'failed'],
  ];
  test.each(cases)('%s → %s', (_name, status, body, result) => {
    const out = licenseWriteOutcome(change, { id: '0', status, body, headers: { 'request-id': 'r-1' } }, 0);
    expect(out.result).toBe(result);
    expect(out.requestId).toBe('r-1');
    if (result === 'failed' || result === 'transient') expect(out.error?.status).toBe(status);
  });

  test('no answer at all for a write is worth trying again, not a failure of the person', () => {
    expect(licenseWriteOutcome(change, undefined, 0).result).toBe('transient');
  });
});

describe('isTransientStatus: the one definition', () => {
  test.each([
    [0, true],
    [429, true],
    [500, true],
    [502, true],
    [503, true],
    [504, true],
    [400, false],
    [403, false],
    [404, false],
    [409, false],
  ])('%i → %s', (status, transient) => expect(isTransientStatus(status)).toBe(transient));
});

describe('licenseWriteRequest', () => {
  test('through the group: a member reference in, a member reference out', () => {
    expect(licenseWriteRequest('0', true, change, 'sku', 'g1')).toMatchObject({
      method: 'POST',
      url: '/groups/g1/members/$ref',
      body: { '@odata.id': 'https://graph.microsoft.com/v1.0/directoryObjects/u1' },
    });
    expect(licenseWriteRequest('0', false, change, 'sku', 'g1')).toMatchObject({
      method: 'DELETE',
      url: '/groups/g1/members/u1/$ref',
    });
  });

  test('directly: assignLicense with both lists', () => {
    const direct = { userId: 'u1', via: 'direct' as const };
    expect(licenseWriteRequest('0', true, direct, 'sku', undefined).body).toEqual({
      addLicenses: [{ skuId: 'sku', disabledPlans: [] }],
      removeLicenses: [],
    });
    expect(licenseWriteRequest('0', false, direct, 'sku', undefined).body).toEqual({
      addLicenses: [],
      removeLicenses: ['sku'],
    });
  });

  test('a change through the group needs the group', () => {
    expect(() => licenseWriteRequest('0', true, change, 'sku', undefined)).toThrow(/group/);
  });
});
