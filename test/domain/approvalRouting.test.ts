import {
  delegationProblem,
  escalationAdds,
  followUpPlan,
  isActive,
  nextNudge,
  routeAroundUnreached,
  routeApprovers,
  type Delegation,
} from '../../src/domain/approvalRouting';
import type { RequestApprover } from '../../src/domain/request';

const SENT = new Date('2026-12-07T09:00:00Z');

describe('followUpPlan', () => {
  it.each([
    ['hospital defaults', { remind: 24, escalate: 72, expire: 168 }, '2026-12-08T09:00', '2026-12-10T09:00'],
    ['reminders off', { remind: 0, escalate: 72, expire: 168 }, undefined, '2026-12-10T09:00'],
    ['escalation off', { remind: 24, escalate: 0, expire: 168 }, '2026-12-08T09:00', undefined],
    ['both after expiry', { remind: 200, escalate: 300, expire: 168 }, undefined, undefined],
    ['escalation before the reminder', { remind: 48, escalate: 24, expire: 168 }, undefined, '2026-12-08T09:00'],
    ['escalation at expiry', { remind: 24, escalate: 168, expire: 168 }, '2026-12-08T09:00', undefined],
  ])('%s', (_name, hours, remindAt, escalateAt) => {
    const plan = followUpPlan(SENT, hours);
    expect(plan.remindAt?.slice(0, 16)).toBe(remindAt);
    expect(plan.escalateAt?.slice(0, 16)).toBe(escalateAt);
    expect(plan.expiresAt).toBe(new Date(SENT.getTime() + hours.expire * 3_600_000).toISOString());
  });
});

describe('nextNudge: once a day', () => {
  it.each([
    ['never nudged', undefined, undefined],
    ['an hour ago', '2026-12-07T08:00:00Z', '2026-12-08T08:00:00.000Z'],
    ['exactly a day ago', '2026-12-06T09:00:00Z', undefined],
    ['two days ago', '2026-12-05T09:00:00Z', undefined],
    ['unreadable', 'yesterday', undefined],
  ])('%s', (_name, last, next) => {
    expect(nextNudge(last, SENT)).toBe(next);
  });
});

const approver = (id: string, reason = 'an owner of the group') => ({ approverId: id, displayName: id, reason });
const delegation = (delegateId: string, until = '2026-12-11T23:59:00Z'): Delegation => ({
  delegateId,
  delegateName: delegateId,
  delegatorName: 'x',
  from: '2026-12-01T00:00:00Z',
  until,
});

describe('isActive: a delegation for a period', () => {
  it.each([
    ['inside', delegation('d'), true],
    ['ended', delegation('d', '2026-12-07T08:00:00Z'), false],
    ['not started', { ...delegation('d'), from: '2026-12-08T00:00:00Z' }, false],
    ['none', undefined, false],
  ])('%s', (_n, d, active) => expect(isActive(d, SENT)).toBe(active));
});

describe('routeApprovers', () => {
  const ids = (list: RequestApprover[]) => list.map((a) => a.approverId);
  const none = { away: new Set<string>(), delegations: new Map<string, Delegation>() };

  it('no one away, no delegation: the approvers as they are', () => {
    const r = routeApprovers({ primary: [approver('nora'), approver('omar')], fallback: [approver('lic')], ...none });
    expect(ids(r.approvers)).toEqual(['nora', 'omar']);
    expect(r.bypassed).toEqual([]);
  });

  it('an approver who is away is skipped while another is there', () => {
    const r = routeApprovers({
      primary: [approver('nora'), approver('omar')],
      fallback: [approver('lic')],
      away: new Set(['nora']),
      delegations: new Map(),
    });
    expect(ids(r.approvers)).toEqual(['omar']);
    expect(r.bypassed).toEqual([{ id: 'nora', name: 'nora', why: 'away (automatic replies are on)' }]);
  });

  it('the only approver away: the fallback administrators who are there stand in', () => {
    const r = routeApprovers({
      primary: [approver('nora')],
      fallback: [approver('lic', 'a License Administrator'), approver('lic2')],
      away: new Set(['nora', 'lic2']),
      delegations: new Map(),
    });
    expect(ids(r.approvers)).toEqual(['lic']);
    expect(r.approvers[0].reason).toMatch(/standing in while the approvers are away/);
    expect(r.bypassed.map((b) => b.id)).toEqual(['nora']);
    // The fallback has it already, so there is nobody left to escalate to.
    expect(r.standIn).toBe(true);
  });

  it('everyone away: it goes to the approvers all the same', () => {
    const r = routeApprovers({
      primary: [approver('nora')],
      fallback: [approver('lic')],
      away: new Set(['nora', 'lic']),
      delegations: new Map(),
    });
    expect(ids(r.approvers)).toEqual(['nora']);
    expect(r.bypassed).toEqual([]);
    expect(r.standIn).toBeUndefined();
  });

  it('a delegate who may decide replaces the approver, who is named on their behalf', () => {
    const r = routeApprovers({
      primary: [approver('nora'), approver('omar')],
      fallback: [approver('lic')],
      away: new Set(),
      delegations: new Map([['nora', delegation('lic')]]),
    });
    expect(ids(r.approvers)).toEqual(['lic', 'omar']);
    expect(r.covering).toEqual([
      { forId: 'nora', forName: 'nora', byId: 'lic', byName: 'lic', until: '2026-12-11T23:59:00Z' },
    ]);
    expect(r.approvers[0].reason).toMatch(/^covering for nora/);
  });

  it('a delegate who may not decide this request: it stays with the approver, and says why', () => {
    const r = routeApprovers({
      primary: [approver('nora')],
      fallback: [],
      away: new Set(),
      delegations: new Map([['nora', delegation('stranger')]]),
    });
    expect(ids(r.approvers)).toEqual(['nora']);
    expect(r.covering).toEqual([]);
    expect(r.bypassed[0]).toMatchObject({ id: 'stranger', why: expect.stringMatching(/cannot decide this request/) });
  });

  it('a delegate who is already an approver is not listed twice', () => {
    const r = routeApprovers({
      primary: [approver('nora'), approver('omar')],
      fallback: [],
      away: new Set(),
      delegations: new Map([['nora', delegation('omar')]]),
    });
    expect(ids(r.approvers)).toEqual(['omar']);
  });
});

describe('escalationAdds', () => {
  it('adds the fallback administrators not already deciding, saying why', () => {
    const adds = escalationAdds([approver('nora'), approver('lic')], [approver('lic'), approver('lic2')]);
    expect(adds.map((a) => a.approverId)).toEqual(['lic2']);
    expect(adds[0].reason).toMatch(/escalated after no decision/);
  });
});

describe('routeAroundUnreached: an approver Teams would not let Dragon Desk reach', () => {
  const ids = (as: RequestApprover[]) => as.map((a) => a.approverId);
  it('keeps the approvers who can still be reached, and adds nobody', () => {
    const r = routeAroundUnreached([approver('nora'), approver('tom')], [{ id: 'tom' }], [approver('lic')]);
    expect(ids(r.approvers)).toEqual(['nora']);
    expect(r.added).toEqual([]);
  });
  it('with nobody left, goes to the fallback approvers not known to be unreachable, saying why', () => {
    const r = routeAroundUnreached(
      [approver('tom')],
      [{ id: 'tom' }, { id: 'lic2' }],
      [approver('lic'), approver('lic2')],
    );
    expect(ids(r.approvers)).toEqual(['lic']);
    expect(ids(r.added)).toEqual(['lic']);
    expect(r.added[0].reason).toMatch(/no other approver could be reached in Teams/);
  });
  it('with no fallback either, keeps the approvers it had (it waits, and expires)', () => {
    const r = routeAroundUnreached([approver('tom')], [{ id: 'tom' }], []);
    expect(ids(r.approvers)).toEqual(['tom']);
    expect(r.added).toEqual([]);
  });
  it('does not add a fallback approver already on the request', () => {
    const r = routeAroundUnreached([approver('lic')], [{ id: 'lic' }], [approver('lic')]);
    expect(ids(r.approvers)).toEqual(['lic']);
    expect(r.added).toEqual([]);
  });
});

describe('delegationProblem: only to someone who may approve the same things', () => {
  const base = { delegatorId: 'nora', delegateId: 'omar', delegateName: 'Omar', delegateEnabled: true };
  const scope = (label: string, delegateMay: boolean) => ({ label, delegateMay });
  it.each<[string, typeof base, { label: string; delegateMay: boolean }[], RegExp | undefined]>([
    ['may approve everything', base, [scope('nursing license requests', true)], undefined],
    ['to oneself', { ...base, delegateId: 'nora' }, [scope('x', true)], /yourself/],
    ['a disabled account', { ...base, delegateEnabled: false }, [scope('x', true)], /disabled/],
    ['approves nothing', base, [], /do not approve any/],
    [
      'may approve only some',
      base,
      [scope('nursing license requests', true), scope('physician license requests', false)],
      /cannot approve physician license requests/,
    ],
  ])('%s', (_n, o, scopes, problem) => {
    const answer = delegationProblem(o, scopes);
    if (problem) expect(answer).toMatch(problem);
    else expect(answer).toBeUndefined();
  });
});
