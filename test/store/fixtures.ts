/** Request builders shared by the store tests. */
import type { RequestApprover } from '../../src/domain/request';
import type { AuditEntry, NewRequest } from '../../src/store/types';

export const TENANT = '7b1c1a40-0c5e-4d8a-9f7e-1c0a7e5a1e01';

export const OWNER_NURSING: RequestApprover = {
  approverId: 'owner-nursing',
  displayName: 'Olivia Owner',
  reason: 'owner of Dragon Copilot Nursing',
};
export const OWNER_PHYSICIAN: RequestApprover = {
  approverId: 'owner-phys',
  displayName: 'Paul Owner',
  reason: 'owner of Dragon Copilot Physician',
};

export function person(id: string) {
  return { userId: id, displayName: `Person ${id}`, userPrincipalName: `${id}@contoso-health.example` };
}

export function newRequest(overrides: Partial<NewRequest> = {}): NewRequest {
  return {
    tenantId: TENANT,
    kind: 'license.assign',
    state: 'pending',
    requesterId: 'nurse-1',
    requesterName: 'Nina Nurse',
    subject: 'nursing',
    justification: 'Starting on ward 4 on Monday',
    payload: { notes: ['asked in chat'] },
    targets: [person('nurse-1')],
    approvers: [OWNER_NURSING],
    ...overrides,
  };
}

export function by(actorId: string, action: string, detail?: Record<string, unknown>): Omit<AuditEntry, 'requestId'> {
  return { tenantId: TENANT, actorId, action, ...(detail ? { detail } : {}) };
}
