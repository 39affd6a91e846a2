import type { RequestState } from '../../src/domain/request';
import { requestCard, requestView } from '../../src/cards';
import type { RequestCardContext, RequestCardViewer } from '../../src/cards';
import { expandRaw, unboundPlaceholders } from '../../src/cards/template';
import {
  cardBytes,
  cardText,
  executeActions,
  expectValidTeamsCard,
  facts,
  findInput,
  inputIds,
  verbs,
} from '../helpers/cards';
import { MAX_REVIEW_HOLDERS } from '../../src/services/licenses/recertification';
import { makeRequest, target } from './fixtures';

const CTX: RequestCardContext = { title: 'Dragon Copilot nursing license' };
const REQUESTER: RequestCardViewer = { role: 'requester', id: 'req-1' };
const APPROVER: RequestCardViewer = { role: 'approver', id: 'own-1' };
const OBSERVER: RequestCardViewer = { role: 'observer' };

const ALL_STATES: RequestState[] = [
  'draft',
  'pending',
  'approved',
  'executing',
  'completed',
  'failed',
  'rejected',
  'cancelled',
  'expired',
];
const VIEWERS = { requester: REQUESTER, approver: APPROVER, observer: OBSERVER } as const;
type ViewerName = keyof typeof VIEWERS;

describe('requestCard: buttons and inputs for every state and viewer', () => {
  // [state, viewer, direct, expected verbs, expected inputs]
  const cases: [RequestState, ViewerName, boolean, string[], string[]][] = [
    ['draft', 'requester', false, ['request.submit', 'request.cancel'], ['justification']],
    ['draft', 'requester', true, ['request.confirm', 'request.cancel'], ['justification']],
    ['draft', 'approver', false, [], []],
    ['draft', 'observer', false, [], []],
    ['pending', 'requester', false, ['request.cancel', 'request.nudge'], []],
    ['pending', 'approver', false, ['request.approve', 'request.reject'], ['reason']],
    ['pending', 'observer', false, [], []],
    ['approved', 'requester', false, ['request.refresh'], []],
    ['approved', 'approver', false, ['request.refresh'], []],
    ['approved', 'observer', false, [], []],
    ['executing', 'requester', false, ['request.refresh'], []],
    ['executing', 'approver', false, ['request.refresh'], []],
    ['executing', 'observer', false, [], []],
    ...(['completed', 'failed', 'rejected', 'cancelled', 'expired'] as RequestState[]).flatMap((s) =>
      (['requester', 'approver', 'observer'] as ViewerName[]).map(
        (v): [RequestState, ViewerName, boolean, string[], string[]] => [s, v, false, [], []],
      ),
    ),
  ];

  it.each(cases)(
    '%s for the %s (direct=%s) shows %j with inputs %j',
    (state, viewer, direct, expectedVerbs, expectedInputs) => {
      const card = requestCard(makeRequest({ state }), VIEWERS[viewer], { ...CTX, direct });
      expectValidTeamsCard(card);
      expect(verbs(card)).toEqual(expectedVerbs);
      expect(inputIds(card)).toEqual(expectedInputs);
    },
  );

  it.each(cases)('%s for the %s: every action carries only the request id and version', (state, viewer, direct) => {
    const req = makeRequest({ state, id: 77, version: 9 });
    for (const action of executeActions(requestCard(req, VIEWERS[viewer], { ...CTX, direct }))) {
      expect(action.data).toEqual({ requestId: 77, version: 9 });
      expect(action.fallback).toMatchObject({
        type: 'Action.Submit',
        data: { requestId: 77, version: 9, verb: action.verb },
      });
    }
  });

  it.each(cases)('%s for the %s binds every template field', (state, viewer, direct) => {
    const req = makeRequest({
      state,
      decidedBy: 'own-1',
      decidedByName: 'Olga Owner',
      decidedAt: '2026-03-04T14:00:00Z',
      decisionReason: 'ok',
      expiresAt: '2026-03-11T13:05:00Z',
      errorCode: 'E1',
      errorMessage: 'x',
    });
    const ctx = {
      ...CTX,
      direct,
      seats: { used: 1, total: 2, after: 2 },
      notes: ['n'],
      approverReason: 'r',
      timeZone: 'UTC',
    };
    expect(unboundPlaceholders(expandRaw('request', requestView(req, VIEWERS[viewer], ctx)))).toEqual([]);
    const sparse = makeRequest({ state, justification: undefined, approvers: [], targets: [] });
    expect(unboundPlaceholders(expandRaw('request', requestView(sparse, VIEWERS[viewer], CTX)))).toEqual([]);
  });

  it('puts approve first and styles approve positive and reject destructive', () => {
    const actions = executeActions(requestCard(makeRequest(), APPROVER, CTX));
    expect(actions.map((a) => [a.title, a.style])).toEqual([
      ['Approve', 'positive'],
      ['Reject', 'destructive'],
    ]);
    expect(findInput(requestCard(makeRequest(), APPROVER, CTX), 'reason')).toMatchObject({
      label: 'Reason (required to reject)',
    });
  });

  it('lets the requester cancel a draft without filling a required justification', () => {
    const card = requestCard(makeRequest({ state: 'draft', justification: undefined }), REQUESTER, {
      ...CTX,
      requireJustification: true,
    });
    expect(findInput(card, 'justification')).toMatchObject({ isRequired: true });
    const cancel = executeActions(card).find((a) => a.verb === 'request.cancel');
    expect(cancel?.associatedInputs).toBe('none');
    const submit = executeActions(card).find((a) => a.verb === 'request.submit');
    expect(submit?.associatedInputs).toBeUndefined();
  });

  it('marks the justification optional unless it is required, and pre-fills what was said', () => {
    const card = requestCard(makeRequest({ state: 'draft', justification: 'New on ward 4' }), REQUESTER, CTX);
    expect(findInput(card, 'justification')).toMatchObject({
      isRequired: false,
      value: 'New on ward 4',
      label: 'Why is this needed? (optional)',
    });
    // The draft shows the justification in the box, not a second time as a fact.
    expect(facts(card).some((f) => f.startsWith('Justification'))).toBe(false);
  });
});

describe('requestCard: what the card says', () => {
  const statusCases: [RequestState, string][] = [
    ['draft', 'Not sent yet'],
    ['pending', 'Waiting for approval'],
    ['approved', 'Approved — working on it'],
    ['executing', 'In progress'],
    ['completed', 'Done'],
    ['failed', 'Failed'],
    ['rejected', 'Rejected'],
    ['cancelled', 'Cancelled'],
    ['expired', 'Expired'],
  ];

  it.each(statusCases)('%s reads "%s" with the title and request number', (state, text) => {
    const card = requestCard(makeRequest({ state, id: 1234 }), OBSERVER, CTX);
    const body = cardText(card);
    expect(body).toContain(text);
    expect(body).toContain('Dragon Copilot nursing license');
    expect(body).toContain('Request #1234');
  });

  it('gives each state its own status line', () => {
    const lines = ALL_STATES.map((state) => requestView(makeRequest({ state }), OBSERVER, CTX).statusLine);
    expect(new Set(lines).size).toBe(ALL_STATES.length);
  });

  it('shows who asked, for whom, what, why and when', () => {
    const f = facts(requestCard(makeRequest(), OBSERVER, { ...CTX, timeZone: 'Europe/Amsterdam' }));
    expect(f).toEqual(
      expect.arrayContaining([
        'Requested by: Riley Requester',
        'License: Add Dragon Copilot nursing license',
        'Justification: Starting on ward 4 next week',
        'Asked: Mar 4, 2026, 2:05 PM (Europe/Amsterdam)',
      ]),
    );
    expect(cardText(requestCard(makeRequest(), OBSERVER, CTX))).toContain('dana.smith@contoso-health.example');
  });

  it('names the approvers while pending, and stops once decided', () => {
    expect(facts(requestCard(makeRequest(), OBSERVER, CTX))).toContain('Waiting for: Olga Owner and Omar Owner');
    const decided = requestCard(
      makeRequest({ state: 'approved', decidedBy: 'own-1', decidedByName: 'Olga Owner' }),
      OBSERVER,
      CTX,
    );
    expect(facts(decided).some((f) => f.startsWith('Waiting for'))).toBe(false);
  });

  it('tells an approver why they are asked: their own reason, or the one the caller gives', () => {
    expect(facts(requestCard(makeRequest(), { role: 'approver', id: 'own-2' }, CTX))).toContain(
      'Why you are an approver: Owner of the group Dragon Copilot Nursing (backup)',
    );
    expect(
      facts(
        requestCard(makeRequest(), APPROVER, { ...CTX, approverReason: 'You own the group Dragon Copilot Nursing' }),
      ),
    ).toContain('Why you are an approver: You own the group Dragon Copilot Nursing');
    expect(facts(requestCard(makeRequest(), REQUESTER, CTX)).some((f) => f.startsWith('Why you'))).toBe(false);
  });

  const decisionCases: [string, Parameters<typeof makeRequest>[0], string[]][] = [
    [
      'rejected',
      {
        state: 'rejected',
        decidedBy: 'own-1',
        decidedByName: 'Olga Owner',
        decidedAt: '2026-03-04T15:00:00Z',
        decisionReason: 'Not on a nursing ward',
      },
      ['Rejected by: Olga Owner', 'Decided: Mar 4, 2026, 3:00 PM (UTC)', 'Reason: Not on a nursing ward'],
    ],
    [
      'approved by an owner',
      { state: 'completed', decidedBy: 'own-2', decidedByName: 'Omar Owner' },
      ['Approved by: Omar Owner'],
    ],
    [
      'confirmed by an admin acting directly',
      { state: 'completed', decidedBy: 'req-1', decidedByName: 'Riley Requester' },
      ['Confirmed by: Riley Requester'],
    ],
    [
      'cancelled',
      { state: 'cancelled', decidedBy: 'req-1', decidedByName: 'Riley Requester' },
      ['Cancelled by: Riley Requester'],
    ],
    ['expired', { state: 'expired', decidedAt: '2026-03-11T13:05:00Z' }, ['Expired: Mar 11, 2026, 1:05 PM (UTC)']],
  ];

  it.each(decisionCases)('after a decision (%s) says who decided, when and why', (_name, overrides, expected) => {
    const card = requestCard(makeRequest(overrides), OBSERVER, CTX);
    expectValidTeamsCard(card);
    expect(facts(card)).toEqual(expect.arrayContaining(expected));
  });

  it('shows the failure reason overall and per person, with progress icons', () => {
    const req = makeRequest({
      state: 'failed',
      errorCode: 'Request_BadRequest',
      errorMessage: 'One person could not get a license. Set their usage location and try again.',
      targets: [
        target(1, { displayName: 'Dana Smith', status: 'done' }),
        target(2, { displayName: 'Lee Chen', status: 'failed', errorMessage: 'No usage location set for Lee Chen.' }),
        target(3, { displayName: 'Sam Patel', status: 'waiting' }),
      ],
    });
    const card = requestCard(req, REQUESTER, CTX);
    expectValidTeamsCard(card);
    const text = cardText(card);
    expect(text).toContain('One person could not get a license. Set their usage location and try again.');
    expect(text).toContain('Error code: Request_BadRequest');
    expect(text).toMatch(/✅ \*\*Dana Smith\*\*/);
    expect(text).toMatch(/❌ \*\*Lee Chen\*\*/);
    expect(text).toMatch(/⏳ \*\*Sam Patel\*\*/);
    expect(text).toContain('No usage location set for Lee Chen.');
    expect(text).toContain('For 3 people');
  });

  it('says something useful when a failure has no message', () => {
    const text = cardText(requestCard(makeRequest({ state: 'failed' }), REQUESTER, CTX));
    expect(text).toContain('Something went wrong while making this change');
  });

  it('does not show progress icons before the work starts', () => {
    const text = cardText(requestCard(makeRequest({ state: 'pending' }), REQUESTER, CTX));
    expect(text).toContain('• **Dana Smith**');
    expect(text).not.toMatch(/[✅❌]/u);
  });

  const seatCases: [RequestCardContext['seats'], string][] = [
    [{ used: 7, total: 10 }, 'Seats: 7 of 10 used, 3 left'],
    [{ used: 10, total: 10 }, 'Seats: 10 of 10 used, none left'],
    [{ used: 7, total: 10, after: 8 }, 'Seats: 7 → 8 of 10 used, 2 left after this change'],
    [{ used: 9, total: 10, after: 12 }, 'Seats: 9 → 12 of 10 used, 2 seats short'],
    [{ used: 5, total: 10, after: 5 }, 'Seats: 5 of 10 used, 5 left'],
  ];
  it.each(seatCases)('seats %j read "%s"', (seats, expected) => {
    expect(facts(requestCard(makeRequest({ state: 'draft' }), REQUESTER, { ...CTX, direct: true, seats }))).toContain(
      expected,
    );
  });

  it('shows notes such as what a role does and does not allow', () => {
    const text = cardText(
      requestCard(makeRequest({ kind: 'role.assign' }), OBSERVER, {
        title: 'Dragon Administrator',
        notes: ['It does not allow assigning licenses.'],
      }),
    );
    expect(text).toContain('It does not allow assigning licenses.');
    expect(text).toContain('Assign Dragon Administrator');
  });

  it('renders a 20-person request compactly, every person listed', () => {
    const targets = Array.from({ length: 20 }, (_, i) =>
      target(i, {
        displayName: `Alexandrina Montgomery-Worthington ${i}`,
        userPrincipalName: `alexandrina.montgomery-worthington${i}@contoso-health.example`,
        status: i % 3 === 0 ? 'failed' : 'done',
        errorMessage: 'No usage location is set; set it in the Microsoft 365 admin center and try again.',
      }),
    );
    const card = requestCard(makeRequest({ state: 'failed', targets }), REQUESTER, {
      ...CTX,
      seats: { used: 9, total: 30 },
    });
    expectValidTeamsCard(card);
    const text = cardText(card);
    for (const t of targets) expect(text).toContain(t.userPrincipalName);
    expect(text).toContain('For 20 people');
    // Well under the Teams limit, leaving room for the message envelope and longer names.
    expect(cardBytes(card)).toBeLessThan(10 * 1024);
  });

  it('keeps text people typed from becoming links or template syntax', () => {
    const req = makeRequest({
      requesterName: 'Eve ${evil}',
      justification: 'Please see [the form](https://phish.example/login)',
    });
    const card = requestCard(req, APPROVER, CTX);
    expectValidTeamsCard(card);
    const text = cardText(card);
    expect(text).not.toContain('](');
    expect(text.replace(/\u200B/g, '')).toContain('Please see [the form](https://phish.example/login)');
    expect(text.replace(/\u200B/g, '')).toContain('Eve ${evil}');
  });
});

/** Facts by title. */
function factMap(card: unknown): Record<string, string> {
  return Object.fromEntries(facts(card).map((f) => [f.slice(0, f.indexOf(': ')), f.slice(f.indexOf(': ') + 2)]));
}

describe('requestCard: keeping a request moving', () => {
  const trail = { remindAt: '2026-03-05T13:05:00Z', escalateAt: '2026-03-07T13:05:00Z' };
  const ctx = { ...CTX, escalatesTo: 'the License Administrators', now: '2026-03-04T14:00:00Z' };

  it('a pending card says when it will be reminded, escalated and expire', () => {
    const req = makeRequest({ payload: { approval: trail }, expiresAt: '2026-03-11T13:05:00Z' });
    const f = factMap(requestCard(req, REQUESTER, ctx));
    expect(f['Reminder']).toContain('Mar 5, 2026');
    expect(f['Escalates']).toMatch(/^to the License Administrators, Mar 7, 2026/);
    expect(f['Expires']).toContain('Mar 11, 2026');
  });

  it('a step that ran is no longer announced; an escalation says when it happened', () => {
    const req = makeRequest({
      payload: { approval: { ...trail, reminded: '2026-03-05T13:05:10Z', escalated: '2026-03-07T13:05:10Z' } },
    });
    const f = factMap(requestCard(req, APPROVER, ctx));
    expect(f['Reminder']).toBeUndefined();
    expect(f['Escalates']).toBeUndefined();
    expect(f['Escalated']).toContain('Mar 7, 2026');
  });

  it('without an escalation audience (APPROVER_FALLBACK=none) there is no escalation line', () => {
    const req = makeRequest({ payload: { approval: trail } });
    expect(factMap(requestCard(req, REQUESTER, CTX))['Escalates']).toBeUndefined();
  });

  it.each([
    ['never nudged', undefined, true],
    ['nudged 2 hours ago', '2026-03-04T12:00:00Z', false],
    ['nudged 25 hours ago', '2026-03-03T13:00:00Z', true],
  ])('the requester may nudge when %s', (_what, nudged, shown) => {
    const req = makeRequest({ payload: { approval: { nudged } } });
    expect(verbs(requestCard(req, REQUESTER, ctx)).includes('request.nudge')).toBe(shown);
  });

  it('an approver covering for someone is shown as such, and who was skipped and why', () => {
    const req = makeRequest({
      approvers: [{ approverId: 'cov-1', displayName: 'Carla Cover', reason: 'covering for Olga Owner, an owner' }],
      payload: {
        approval: {
          covering: [{ forId: 'own-1', forName: 'Olga Owner', byId: 'cov-1', byName: 'Carla Cover', until: 'x' }],
          bypassed: [{ id: 'own-2', name: 'Omar Owner', why: 'away (automatic replies are on)' }],
        },
      },
    });
    const f = factMap(requestCard(req, REQUESTER, ctx));
    expect(f['Waiting for']).toBe('Carla Cover (on behalf of Olga Owner)');
    expect(f['Not sent to']).toBe('Omar Owner: away (automatic replies are on)');
  });

  it('an approver of a request for several people gets one box each, all ticked', () => {
    const req = makeRequest({ targets: [target(1), target(2), target(3)] });
    const card = requestCard(req, APPROVER, ctx);
    expectValidTeamsCard(card);
    expect(inputIds(card)).toEqual(['approveFor', 'reason']);
    const box = findInput(card, 'approveFor');
    expect(box).toMatchObject({ isMultiSelect: true, value: 'user-1,user-2,user-3' });
    expect((box?.choices as { value: string }[]).map((c) => c.value)).toEqual(['user-1', 'user-2', 'user-3']);
    // The requester and onlookers never get the boxes.
    expect(inputIds(requestCard(req, REQUESTER, ctx))).toEqual([]);
  });
});

describe('requestCard: a review of license holders', () => {
  const review = (state: RequestState, people = 1) =>
    makeRequest({
      kind: 'license.recertify',
      state,
      requesterId: 'dragon-desk',
      requesterName: 'Dragon Desk',
      targets: Array.from({ length: people }, (_, i) => target(i + 1)),
      payload: { round: 1, groupId: 'g-1', answerBy: '2026-12-21T09:00:00Z' },
    });
  const ctx = { title: 'Review of Dragon Copilot nursing license holders' };

  it.each([1, 3])('for %s people: a Keep box each (all ticked), Submit review and no Reject', (people) => {
    const card = requestCard(review('pending', people), APPROVER, ctx);
    expectValidTeamsCard(card);
    expect(verbs(card)).toEqual(['request.approve']);
    expect(executeActions(card).map((a) => a.title)).toEqual(['Submit review']);
    const keep = findInput(card, 'approveFor');
    expect(keep?.label).toMatch(/^Keep/);
    expect(String(keep?.value).split(',')).toHaveLength(people);
    expect(findInput(card, 'reason')?.label).toMatch(/required for anyone you untick/);
  });

  it('a review of the most holders one card lists stays under the size Teams recommends for a bot message', () => {
    const holders = Array.from({ length: MAX_REVIEW_HOLDERS }, (_, i) => ({
      userId: `0c1d2e3f-4a5b-4c6d-8e7f-${String(i).padStart(12, '0')}`,
      displayName: `Alexandra Montgomery-Fitzwilliam ${i}`,
      userPrincipalName: `alexandra.montgomery-fitzwilliam${i}@contosohealth.onmicrosoft.com`,
      status: 'waiting' as const,
    }));
    const card = requestCard({ ...review('pending'), targets: holders }, APPROVER, ctx);
    expect(String(findInput(card, 'approveFor')?.value).split(',')).toHaveLength(MAX_REVIEW_HOLDERS);
    // Teams counts a message in UTF-16 and recommends under 80 KB (the limit is 100 KB).
    expect(Buffer.byteLength(JSON.stringify(card), 'utf16le')).toBeLessThan(80 * 1024);
  });

  it('a decided review has no inputs', () => {
    const card = requestCard(review('completed', 2), APPROVER, ctx);
    expectValidTeamsCard(card);
    expect(inputIds(card)).toEqual([]);
  });
});
