/**
 * Granting and revoking a license for several people in one Graph $batch, and what each answer
 * means for that person. Group-based licensing adds or removes a member of the license group;
 * without a group, `assignLicense` on the user. Pure: the client sends what these build.
 */
import { directoryObjectRef, seg } from './graphQueries';
import { headersFromRecord, isTransientStatus, tenantErrorFromResponse, tenantErrorKind } from './errors';
import type { BatchRequest, BatchResponse, LicenseRoute, LicenseWrite } from './types';

const JSON_HEADERS = { 'Content-Type': 'application/json' };

export function licenseWriteRequest(
  id: string,
  grant: boolean,
  change: { userId: string; via: LicenseRoute },
  skuId: string,
  groupId: string | undefined,
): BatchRequest {
  if (change.via === 'group') {
    if (!groupId) throw new Error('a change through the license group needs the group');
    return grant
      ? {
          id,
          method: 'POST',
          url: `/groups/${seg(groupId)}/members/$ref`,
          headers: JSON_HEADERS,
          body: directoryObjectRef(change.userId),
        }
      : { id, method: 'DELETE', url: `/groups/${seg(groupId)}/members/${seg(change.userId)}/$ref` };
  }
  return {
    id,
    method: 'POST',
    url: `/users/${seg(change.userId)}/assignLicense`,
    headers: JSON_HEADERS,
    // Graph wants both lists, [] when empty.
    body: grant
      ? { addLicenses: [{ skuId, disabledPlans: [] }], removeLicenses: [] }
      : { addLicenses: [], removeLicenses: [skuId] },
  };
}

/**
 * One person's write as Graph answered it. "Already a member" on an add and "not a member" on a
 * removal are the state that was wanted: a resumed execution replays writes that went through.
 */
export function licenseWriteOutcome(
  change: { userId: string; via: LicenseRoute },
  answer: BatchResponse | undefined,
  nowMs: number,
): LicenseWrite {
  const base = { userId: change.userId, via: change.via, status: answer?.status ?? 0 };
  const requestId = answer?.headers?.['request-id'];
  if (answer && answer.status < 300) return { ...base, result: 'ok', requestId };
  const error = tenantErrorFromResponse(
    answer?.status ?? 0,
    answer?.body ?? { error: { code: 'NoAnswer', message: 'Graph sent no answer for this request.' } },
    headersFromRecord(answer?.headers),
    nowMs,
  );
  const kind = tenantErrorKind(error);
  if (kind === 'already-exists' || kind === 'reference-not-present')
    return { ...base, result: 'alreadyDone', requestId: error.requestId };
  return {
    ...base,
    result: isTransientStatus(base.status) ? 'transient' : 'failed',
    error,
    requestId: error.requestId,
  };
}
