/**
 * The CSV files an auditor gets from "export Dragon requests for November": one row per request,
 * or one row per audit event. Pure: rows in, text out.
 *
 * The format is RFC 4180 (comma, CRLF, fields quoted when they hold a comma, quote or line break)
 * in UTF-8 with a byte order mark, so Excel shows names like "José Núñez" as written. A field that
 * a spreadsheet would run as a formula (starting with =, +, -, @, tab or carriage return) is
 * written with a leading apostrophe (OWASP's advice for CSV injection): names and justifications
 * are typed by people, and an auditor opens the file in Excel.
 */
import type { DeskRequest } from '../domain/request';
import type { AuditRow, ChainedAuditRow } from '../store/types';

const BOM = '\uFEFF';

function field(value: string | number | undefined | null): string {
  if (value === undefined || value === null) return '';
  let s = String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function csv(header: readonly string[], rows: readonly (readonly (string | number | undefined | null)[])[]): string {
  return BOM + [header, ...rows].map((r) => r.map(field).join(',')).join('\r\n') + '\r\n';
}

export const REQUEST_COLUMNS = [
  'request_id',
  'kind',
  'what',
  'subject',
  'state',
  'requester_name',
  'requester_id',
  'targets',
  'target_ids',
  'target_results',
  'justification',
  'approvers',
  'created_at',
  'decided_by_name',
  'decided_by_id',
  'decided_at',
  'decision_reason',
  'completed_at',
  'failed_at',
  'error_code',
  'error_message',
  'expires_at',
  'graph_request_ids',
  'audit_events',
] as const;

const list = (items: readonly string[]) => items.join('; ');

/** The first time the audit trail records `action` for the request. */
function firstAt(events: readonly AuditRow[], action: string): string | undefined {
  return events.find((e) => e.action === action)?.at;
}

/**
 * One row per request. `title` says what the request is in words ("Dragon Copilot Nursing license
 * for Dana Reyes"); `events` are the request's audit rows, oldest first, from which the completion
 * and failure times and Microsoft's request ids are read.
 */
export function requestsCsv(
  requests: readonly DeskRequest[],
  eventsOf: (requestId: number) => readonly AuditRow[],
  title: (req: DeskRequest) => string,
): string {
  return csv(
    REQUEST_COLUMNS,
    requests.map((r) => {
      const events = eventsOf(r.id);
      const graphIds = [...new Set(events.flatMap((e) => (e.graphRequestId ? [e.graphRequestId] : [])))];
      return [
        r.id,
        r.kind,
        title(r),
        r.subject,
        r.state,
        r.requesterName,
        r.requesterId,
        list(r.targets.map((t) => `${t.displayName} <${t.userPrincipalName}>`)),
        list(r.targets.map((t) => t.userId)),
        list(r.targets.map((t) => `${t.displayName}: ${t.status}${t.errorCode ? ` (${t.errorCode})` : ''}`)),
        r.justification,
        list(r.approvers.map((a) => a.displayName)),
        r.createdAt,
        r.decidedByName,
        r.decidedBy,
        r.decidedAt,
        r.decisionReason,
        firstAt(events, 'execution.completed') ?? (r.state === 'completed' ? r.updatedAt : undefined),
        firstAt(events, 'execution.failed') ?? (r.state === 'failed' ? r.updatedAt : undefined),
        r.errorCode,
        r.errorMessage,
        r.expiresAt,
        list(graphIds),
        events.length,
      ];
    }),
  );
}

export const AUDIT_COLUMNS = [
  'audit_id',
  'at',
  'request_id',
  'actor_id',
  'actor_name',
  'action',
  'action_in_words',
  'detail',
  'graph_request_id',
  'tenant_id',
  'prev_hash',
  'hash',
] as const;

/**
 * One row per audit event, with its links in the hash chain: `detail` is the stored JSON as
 * written, so an auditor can recompute every hash from the file (README, "Audit trail").
 */
export function auditCsv(rows: readonly ChainedAuditRow[], words: (action: string) => string): string {
  return csv(
    AUDIT_COLUMNS,
    rows.map((r) => [
      r.id,
      r.at,
      r.requestId,
      r.actorId,
      r.actorName,
      r.action,
      words(r.action),
      r.detailJson,
      r.graphRequestId,
      r.tenantId,
      r.prevHash,
      r.hash,
    ]),
  );
}
