/**
 * The request state machine and the refusal rules of a decision, as tables: what each event leads
 * to from each state, and who may not decide a pending request (and why).
 */
import { checkApprover, mayViewRequest, relationTo } from '../../src/domain/policy';
import { isFinal, nextState, type DeskRequest, type RequestEvent, type RequestState } from '../../src/domain/request';

const EVENTS: RequestEvent[] = [
  'submit',
  'confirm',
  'approve',
  'reject',
  'cancel',
  'expire',
  'start',
  'resume',
  'complete',
  'fail',
];

const ALLOWED: Record<RequestState, Partial<Record<RequestEvent, RequestState>>> = {
  draft: { submit: 'pending', confirm: 'approved', cancel: 'cancelled', expire: 'expired' },
  pending: { approve: 'approved', reject: 'rejected', cancel: 'cancelled', expire: 'expired' },
  approved: { start: 'executing' },
  executing: { resume: 'executing', complete: 'completed', fail: 'failed' },
  completed: {},
  failed: {},
  rejected: {},
  cancelled: {},
  expired: {},
};

const cells = (Object.keys(ALLOWED) as RequestState[]).flatMap((from) =>
  EVENTS.map((event) => [from, event, ALLOWED[from][event]] as const),
);

test.each(cells)('%s --%s--> %s', (from, event, to) => {
  expect(nextState(from, event)).toBe(to);
});

test.each(Object.keys(ALLOWED) as RequestState[])('%s is final exactly when nothing leads out of it', (state) => {
  expect(isFinal(state)).toBe(Object.keys(ALLOWED[state]).length === 0);
});

const pending: DeskRequest = {
  id: 1,
  tenantId: 't',
  kind: 'license.assign',
  state: 'pending',
  version: 2,
  requesterId: 'dana',
  requesterName: 'Dana',
  subject: 'nursing',
  payload: {},
  targets: [{ userId: 'sam', displayName: 'Sam', userPrincipalName: 'sam@x', status: 'waiting' }],
  approvers: [
    { approverId: 'nina', displayName: 'Nina', reason: 'owner' },
    { approverId: 'sam', displayName: 'Sam', reason: 'owner' },
    { approverId: 'dana', displayName: 'Dana', reason: 'owner' },
  ],
  createdAt: '',
  updatedAt: '',
};

test.each([
  ['an approver still entitled', 'nina', true, undefined],
  ['an approver no longer entitled', 'nina', false, 'refused.no-longer-approver'],
  ['the requester, even when listed', 'dana', true, 'refused.own-request'],
  ['a target, even when listed', 'sam', true, 'refused.is-target'],
  ['someone not listed', 'leo', true, 'refused.not-approver'],
] as const)('deciding: %s', (_name, who, entitled, code) => {
  const check = checkApprover(pending, who, entitled);
  if (code === undefined) expect(check).toEqual({ ok: true });
  else expect(check).toMatchObject({ ok: false, code });
});

test.each([
  ['dana', 'requester', undefined, true],
  ['nina', 'approver', undefined, true],
  ['sam', 'approver', undefined, true],
  ['leo', 'none', { statusReader: true, ownsLicenseGroup: false }, true],
  ['omar', 'none', { statusReader: false, ownsLicenseGroup: true }, true],
  ['kim', 'none', { statusReader: false, ownsLicenseGroup: false }, false],
  ['kim', 'none', undefined, false],
] as const)('seeing the request: %s (%s)', (who, relation, facts, may) => {
  expect(relationTo(pending, who)).toBe(relation);
  expect(mayViewRequest(relation, facts)).toBe(may);
});
