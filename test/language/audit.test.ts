/**
 * The audit rule (src/language/audit.ts): which sentences are about a request's audit trail or an
 * export, and the period an export covers, read against a fixed moment (LABELS.md's reference
 * moment, Monday 2026-12-07 09:00 UTC, unless a row says otherwise).
 */
import { parse } from '../../src/language';
import { periodFrom } from '../../src/language/audit';

const NOW = new Date('2026-12-07T09:00:00Z');

describe('audit intents', () => {
  test.each<[string, Record<string, unknown>]>([
    ['show the audit for request 42', { intent: 'audit.show', requestId: 42 }],
    ['audit trail of request #7', { intent: 'audit.show', requestId: 7 }],
    ['Audit req 12 please', { intent: 'audit.show', requestId: 12 }],
    ["what's in the audit log for #42?", { intent: 'audit.show', requestId: 42 }],
    ['export the audit of request 42', { intent: 'audit.show', requestId: 42 }],
    [
      'export Dragon requests for November',
      { intent: 'audit.export', period: '2026-11-01/2026-11-30', dataset: 'requests' },
    ],
    [
      'Export the audit log from 1 Nov to 15 Nov 2026, please',
      { intent: 'audit.export', period: '2026-11-01/2026-11-15', dataset: 'audit' },
    ],
    [
      'download requests between 2026-10-01 and 2026-10-31',
      { intent: 'audit.export', period: '2026-10-01/2026-10-31', dataset: 'requests' },
    ],
    ["CSV of last month's requests", { intent: 'audit.export', period: '2026-11-01/2026-11-30', dataset: 'requests' }],
    ['export requests', { intent: 'audit.export', dataset: 'requests' }],
    [
      'a spreadsheet of the audit trail for 2025',
      { intent: 'audit.export', period: '2025-01-01/2025-12-31', dataset: 'audit' },
    ],
  ])('%s', (text, expected) => {
    expect(parse(text, { now: NOW })).toEqual(expected);
  });

  test.each<[string, string]>([
    // "audit" as context, and exports that are not requests or the audit log, stay with their rules.
    ['export the list of Dragon license holders', 'license.holders'],
    ['Can you export the list of everyone licensed for Dragon? Audit wants it by Friday.', 'license.holders'],
    ['status of request 42', 'request.status'],
    ['cancel request 42', 'request.cancel'],
  ])('%s → %s', (text, intent) => {
    expect(parse(text, { now: NOW }).intent).toBe(intent);
  });
});

describe('periods', () => {
  test.each<[string, string | undefined, string | undefined]>([
    ['for november', '2026-11-01/2026-11-30', undefined],
    ['for december', '2026-12-01/2026-12-31', undefined],
    // A month that has not begun this year is last year's.
    ['for march', '2026-03-01/2026-03-31', undefined],
    ['for march', '2025-03-01/2025-03-31', '2026-02-10T00:00:00Z'],
    ['for november 2025', '2025-11-01/2025-11-30', undefined],
    ['for nov . 2025', '2025-11-01/2025-11-30', undefined],
    ['for february 2024', '2024-02-01/2024-02-29', undefined],
    ['for may', '2026-05-01/2026-05-31', undefined],
    ['may i have them', undefined, undefined],
    ['from 1 nov to 15 nov', '2026-11-01/2026-11-15', undefined],
    ['from november 3rd through november 9th , 2026', '2026-11-03/2026-11-09', undefined],
    ['between 2026-10-01 and 2026-10-31', '2026-10-01/2026-10-31', undefined],
    // A range across new year: the end is the first such date after the start.
    ['from 20 dec to 5 jan', '2025-12-20/2026-01-05', undefined],
    ['since november 3rd', '2026-11-03/2026-12-07', undefined],
    ['after 2026-12-01', '2026-12-02/2026-12-07', undefined],
    ['last month', '2026-11-01/2026-11-30', undefined],
    ['this month', '2026-12-01/2026-12-31', undefined],
    ['last year', '2025-01-01/2025-12-31', undefined],
    ['this year', '2026-01-01/2026-12-31', undefined],
    ['last week', '2026-11-30/2026-12-06', undefined],
    ['this week', '2026-12-07/2026-12-13', undefined],
    ['the last 30 days', '2026-11-08/2026-12-07', undefined],
    ['today', '2026-12-07/2026-12-07', undefined],
    ['yesterday', '2026-12-06/2026-12-06', undefined],
    ['on 3 november', '2026-11-03/2026-11-03', undefined],
    ['in 2025', '2025-01-01/2025-12-31', undefined],
    ['from 31 feb to 3 mar', undefined, undefined],
    ['from 2026-11-15 to 2026-11-01', undefined, undefined],
    ['whenever', undefined, undefined],
  ])('%s → %s', (text, expected, now) => {
    expect(periodFrom(text, now ? new Date(now) : NOW)).toBe(expected);
  });

  test('a month named in January is last year’s December', () => {
    expect(periodFrom('for december', new Date('2027-01-04T10:00:00Z'))).toBe('2026-12-01/2026-12-31');
    expect(periodFrom('last month', new Date('2027-01-04T10:00:00Z'))).toBe('2026-12-01/2026-12-31');
  });
});
