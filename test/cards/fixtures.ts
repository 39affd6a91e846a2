import type { DeskRequest, RequestTarget } from '../../src/domain/request';

export function target(n: number, overrides: Partial<RequestTarget> = {}): RequestTarget {
  return {
    userId: `user-${n}`,
    displayName: `Person ${n}`,
    userPrincipalName: `person${n}@contoso-health.example`,
    status: 'waiting',
    ...overrides,
  };
}

export function makeRequest(overrides: Partial<DeskRequest> = {}): DeskRequest {
  // A license request unless the overrides say otherwise (with a payload for their kind).
  return {
    id: 42,
    tenantId: '7b1c1a40-0c5e-4d8a-9f7e-1c0a7e5a1e01',
    kind: 'license.assign',
    state: 'pending',
    version: 3,
    requesterId: 'req-1',
    requesterName: 'Riley Requester',
    subject: 'nursing',
    justification: 'Starting on ward 4 next week',
    payload: {},
    targets: [target(1, { displayName: 'Dana Smith', userPrincipalName: 'dana.smith@contoso-health.example' })],
    approvers: [
      { approverId: 'own-1', displayName: 'Olga Owner', reason: 'Owner of the group Dragon Copilot Nursing' },
      { approverId: 'own-2', displayName: 'Omar Owner', reason: 'Owner of the group Dragon Copilot Nursing (backup)' },
    ],
    createdAt: '2026-03-04T13:05:00Z',
    updatedAt: '2026-03-04T13:05:00Z',
    ...overrides,
  } as DeskRequest;
}
