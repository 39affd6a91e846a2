/**
 * The export files and the period an export may cover: CSV as a spreadsheet reads it, completion
 * and failure times taken from the audit trail, and periods from untrusted places (the language
 * model, a card) checked before any query.
 */
import type { DeskRequest } from '../../src/domain/request';
import { auditCsv, requestsCsv } from '../../src/services/auditExport';
import { exportFileName, periodWords, readPeriod } from '../../src/services/auditTrail';
import type { AuditRow } from '../../src/store/types';

const base = {
  tenantId: 't',
  version: 3,
  requesterId: 'u-dana',
  requesterName: 'Reyes, Dana',
  payload: {},
  approvers: [{ approverId: 'u-nina', displayName: 'Nina Okafor', reason: 'owner' }],
  createdAt: '2026-11-02T08:00:00.000Z',
  updatedAt: '2026-11-02T09:00:00.000Z',
};

const completed = {
  ...base,
  id: 7,
  kind: 'license.assign',
  subject: 'nursing',
  state: 'completed',
  justification: 'Line one\nline "two", with a comma',
  targets: [
    { userId: 'u-dana', displayName: 'Dana Reyes', userPrincipalName: 'dana@x', status: 'done' },
    {
      userId: 'u-sam',
      displayName: 'Sam Carter',
      userPrincipalName: 'sam@x',
      status: 'failed',
      errorCode: 'CountViolation',
    },
  ],
  decidedBy: 'u-nina',
  decidedByName: 'Nina Okafor',
  decidedAt: '2026-11-02T08:30:00.000Z',
} as unknown as DeskRequest;

const events: AuditRow[] = [
  { id: 1, at: '2026-11-02T08:00:00.000Z', tenantId: 't', actorId: 'u-dana', action: 'request.draft' },
  {
    id: 2,
    at: '2026-11-02T08:40:00.000Z',
    tenantId: 't',
    actorId: 'dragon-desk',
    action: 'graph.assign',
    graphRequestId: 'g-1',
  },
  {
    id: 3,
    at: '2026-11-02T08:41:00.000Z',
    tenantId: 't',
    actorId: 'dragon-desk',
    action: 'graph.assign',
    graphRequestId: 'g-1',
  },
  { id: 4, at: '2026-11-02T08:45:00.000Z', tenantId: 't', actorId: 'dragon-desk', action: 'execution.completed' },
];

describe('requests CSV', () => {
  const text = requestsCsv(
    [completed],
    () => events,
    () => 'Dragon Copilot Nursing license',
  );
  const lines = text.slice(1).split('\r\n');

  test('is UTF-8 with a byte order mark, CRLF rows and a final line break', () => {
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(lines[0].split(',')[0]).toBe('request_id');
  });

  test('quotes fields with commas, quotes and line breaks, doubling the quotes', () => {
    expect(text).toContain('"Reyes, Dana"');
    expect(text).toContain('"Line one\nline ""two"", with a comma"');
  });

  test('reads the completion time from the trail and lists each Graph request id once', () => {
    expect(text).toContain(',2026-11-02T08:45:00.000Z,,');
    expect(text).toContain(',g-1,4\r\n');
    expect(text).toContain('Dana Reyes: done; Sam Carter: failed (CountViolation)');
  });
});

test('audit CSV keeps the stored detail JSON and the hashes as they are', () => {
  const text = auditCsv(
    [
      {
        id: 9,
        at: '2026-11-02T08:00:00.000Z',
        tenantId: 't',
        actorId: 'u',
        actorName: '@mention me',
        action: 'request.approve',
        requestId: 7,
        detail: { reason: 'ok' },
        detailJson: '{"reason":"ok"}',
        prevHash: 'a'.repeat(64),
        hash: 'b'.repeat(64),
      },
    ],
    (action) => `did ${action}`,
  );
  expect(text).toContain(
    `9,2026-11-02T08:00:00.000Z,7,u,'@mention me,request.approve,did request.approve,"{""reason"":""ok""}",,t,${'a'.repeat(64)},${'b'.repeat(64)}`,
  );
});

describe('periods from untrusted places', () => {
  test.each([
    [
      '2026-11-01/2026-11-30',
      { first: '2026-11-01', last: '2026-11-30', from: '2026-11-01T00:00:00.000Z', to: '2026-12-01T00:00:00.000Z' },
    ],
    ['2026-02-30/2026-03-01', undefined],
    ['2026-11-30/2026-11-01', undefined],
    ['2024-01-01/2024-12-31', expect.objectContaining({ first: '2024-01-01' })],
    ['2025-01-01/2026-01-02', undefined],
    ['2026-11-01', undefined],
    ["2026-11-01/2026-11-30' or 1=1", undefined],
    [42, undefined],
  ])('%s', (value, expected) => {
    expect(readPeriod(value)).toEqual(expected);
  });

  test('names files and periods the way people read them', () => {
    const month = readPeriod('2026-11-01/2026-11-30')!;
    const days = readPeriod('2026-11-03/2026-11-09')!;
    expect([periodWords(month), exportFileName('requests', month)]).toEqual([
      'November 2026',
      'dragon-requests-2026-11.csv',
    ]);
    expect([periodWords(days), exportFileName('audit', days)]).toEqual([
      '2026-11-03 to 2026-11-09',
      'dragon-audit-2026-11-03_2026-11-09.csv',
    ]);
  });
});
