/**
 * The audit trail people can use: "show the audit for request 42" (anyone who may see the request)
 * and "export Dragon requests for November" (administrators), answered with a CSV file.
 *
 * A file reaches a Teams 1:1 chat the documented way: Dragon Desk offers it (a file consent card
 * with the name, size and what it holds), the person accepts, Teams hands over an upload URL in
 * their OneDrive, and Dragon Desk puts the file there and posts a file card. The offer carries only
 * what to export (dataset and period): on acceptance the administrator is checked again, fresh,
 * and the file is built again from the store, so a forwarded or replayed offer gives nobody more
 * than asking would.
 */
import { createHash } from 'node:crypto';
import { listCard } from '../cards';
import { isStatusReader } from '../domain/policy';
import type { DeskRequest } from '../domain/request';
import type { AuditRow } from '../store/types';
import { TenantError } from '../tenant/types';
import { auditCsv, requestsCsv } from './auditExport';
import type { Directory } from './directory';
import type { RequestAccess } from './requestAccess';
import { notFound, stateWords, type RequestEngine } from './requests';
import { HISTORY_WORDS } from './status';
import { card, text, type Actor, type Reply, type ServiceDeps } from './types';

/** Words for the audit actions a request's history leaves out (Graph calls, grants, set-up). */
const MORE_WORDS: Record<string, string> = {
  'request.created': 'created the request',
  'request.resolved': 'chose the person',
  'request.kind-inferred': 'license kind read from the person',
  'request.options-chosen': 'chose the options',
  'request.replace-confirmed': 'confirmed replacing what was there',
  'request.direct-revoked': 'lost the right to act directly (sent for approval instead)',
  'refused.unknown-request': 'clicked a card for a request that does not exist (refused)',
  'refused.not-admin': 'asked for something only administrators may do (refused)',
  'refused.no-seats': 'stopped: no seats left',
  'graph.assign': 'Microsoft Graph: license given',
  'graph.remove': 'Microsoft Graph: license removed',
  'graph.undo-assign': 'Microsoft Graph: license taken back after a failure',
  'graph.undo-assign-failed': 'Microsoft Graph: taking the license back failed',
  'graph.role.assign': 'Microsoft Graph: role given',
  'graph.role.remove': 'Microsoft Graph: role removed',
  'graph.gdap.create': 'Microsoft Graph: delegated admin relationship created',
  'graph.setup.create-group': 'Microsoft Graph: group created',
  'graph.setup.assign-sku': 'Microsoft Graph: license assigned to the group',
  'graph.setup.assign-role': 'Microsoft Graph: role assigned to the group',
  'graph.setup.add-owner': 'Microsoft Graph: group owner added',
  'setup.step-failed': 'a set-up step failed',
  'grant.reminded': 'reminded that time-bound access ends soon',
  'grant.ended': 'time-bound access ended',
  'grant.end-failed': 'ending time-bound access failed (will retry)',
  'audit.exported': 'exported an audit file',
};

export function actionInWords(action: string): string {
  return HISTORY_WORDS[action] ?? MORE_WORDS[action] ?? action;
}

/** Details worth a column on the card: short, and never an id nobody reads. */
function detailLine(detail: Record<string, unknown> | undefined): string {
  if (!detail) return '';
  const parts: string[] = [];
  for (const [key, value] of Object.entries(detail)) {
    if (value === null || value === undefined || value === '') continue;
    // Detail is JSON read back from the store: strings, numbers, booleans, lists and objects.
    const shown =
      typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
        ? String(value)
        : Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number')
          ? value.join(', ')
          : JSON.stringify(value);
    parts.push(`${key}: ${shown.length > 80 ? `${shown.slice(0, 79)}…` : shown}`);
    if (parts.length === 4) break;
  }
  return parts.join('; ');
}

const when = (at: string) => at.slice(0, 16).replace('T', ' ');

// ---------------------------------------------------------------------------------------------
// Exports

export type Dataset = 'requests' | 'audit';

export interface ExportPeriod {
  /** First day and last day, ISO dates. */
  first: string;
  last: string;
  /** Stored-timestamp bounds: [from, to). */
  from: string;
  to: string;
}

const PERIOD_RE = /^(\d{4}-\d{2}-\d{2})\/(\d{4}-\d{2}-\d{2})$/;
/** Exports are for audits of months or quarters; longer spans go in several files. */
const MAX_DAYS = 366;
export const MAX_EXPORT_REQUESTS = 10_000;
export const MAX_EXPORT_AUDIT_ROWS = 50_000;

function isoDate(value: string): Date | undefined {
  const t = new Date(`${value}T00:00:00.000Z`);
  return !Number.isNaN(t.getTime()) && t.toISOString().slice(0, 10) === value ? t : undefined;
}

/**
 * A period as the language layer (or the language model, or a card) gives it, checked: it is
 * untrusted text until it is two real dates in order, no more than a year apart.
 */
export function readPeriod(value: unknown): ExportPeriod | undefined {
  if (typeof value !== 'string') return undefined;
  const m = PERIOD_RE.exec(value);
  const start = m && isoDate(m[1]);
  const end = m && isoDate(m[2]);
  if (!m || !start || !end || end < start) return undefined;
  if ((end.getTime() - start.getTime()) / 86_400_000 >= MAX_DAYS) return undefined;
  return {
    first: m[1],
    last: m[2],
    from: start.toISOString(),
    to: new Date(end.getTime() + 86_400_000).toISOString(),
  };
}

function readDataset(value: unknown): Dataset | undefined {
  return value === 'requests' || value === 'audit' ? value : undefined;
}

const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

function wholeMonth(p: ExportPeriod): boolean {
  const first = new Date(`${p.first}T00:00:00Z`);
  const after = new Date(p.to);
  return first.getUTCDate() === 1 && after.getUTCDate() === 1 && p.first.slice(0, 7) === p.last.slice(0, 7);
}

export function periodWords(p: ExportPeriod): string {
  const [y, m] = p.first.split('-').map(Number);
  if (wholeMonth(p)) return `${MONTH_NAMES[m - 1]} ${y}`;
  if (p.first === p.last) return p.first;
  return `${p.first} to ${p.last}`;
}

export function exportFileName(dataset: Dataset, p: ExportPeriod): string {
  const span = wholeMonth(p) ? p.first.slice(0, 7) : p.first === p.last ? p.first : `${p.first}_${p.last}`;
  return `dragon-${dataset === 'audit' ? 'audit' : 'requests'}-${span}.csv`;
}

/** Where Teams lets the accepted file go (from the file consent invoke). */
export interface UploadTarget {
  uploadUrl: string;
  contentUrl: string;
  name: string;
  uniqueId: string;
  fileType: string;
}

interface BuiltFile {
  name: string;
  content: Buffer;
  rows: number;
  description: string;
}

const EXAMPLES =
  'For example "export Dragon requests for November", "export the audit log for last month" or "export Dragon requests from 1 Nov to 15 Nov".';

export class AuditTrailService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly directory: Directory,
    private readonly engine: RequestEngine,
    private readonly access: RequestAccess,
  ) {}

  /** Every audit row of one request, for anyone who may see the request; others learn nothing. */
  async show(actor: Actor, requestId: number | undefined): Promise<Reply[]> {
    if (requestId === undefined)
      return [text('Which request? Say for example "show the audit for request 42"; "my requests" lists yours.')];
    const req = await this.deps.store.requests.get(requestId);
    if (!req || !(await this.access.mayView(actor.id, req))) return [text(notFound(requestId))];
    const rows = await this.deps.store.audit.listForRequest(requestId);
    return [
      card(
        listCard({
          title: `Audit trail of request #${req.id}`,
          subtitle: `${this.engine.capability(req).title(req)} · ${stateWords(req)}`,
          columns: ['Time (UTC)', 'Who', 'What', 'Detail', 'Graph request id'],
          rows: rows.map((r) => [
            when(r.at),
            r.actorName ?? r.actorId,
            actionInWords(r.action),
            detailLine(r.detail),
            r.graphRequestId ?? '',
          ]),
          maxRows: 200,
          footer: `${rows.length} event${rows.length === 1 ? '' : 's'}, oldest first, each linked to the one before it (a hash chain).`,
          emptyText: 'Nothing has been recorded for this request.',
        }),
      ),
    ];
  }

  private async isAdmin(actor: Actor, reads: 'fresh' | 'cached'): Promise<boolean> {
    return isStatusReader(await this.directory.rolesOf(actor.id, reads));
  }

  /** "export Dragon requests for November": a summary and the file, offered for the person to accept. */
  async offerExport(actor: Actor, period: unknown, dataset: unknown): Promise<Reply[]> {
    if (!(await this.isAdmin(actor, 'cached')))
      return [
        text(
          'Only administrators can export Dragon Desk’s requests and audit log. You can see the audit trail of a request you are part of: "show the audit for request 42".',
        ),
      ];
    if (period === undefined) return [text(`Which period should the export cover? ${EXAMPLES}`)];
    const p = readPeriod(period);
    if (!p) return [text(`I can export whole days, up to a year at a time. ${EXAMPLES}`)];
    const built = await this.build(readDataset(dataset) ?? 'requests', p);
    if (typeof built === 'string') return [text(built)];
    return [
      text(`${built.description}. Accept the file below to save ${built.name} to your OneDrive.`),
      {
        kind: 'fileOffer',
        name: built.name,
        description: built.description,
        sizeInBytes: built.content.length,
        context: { dataset: readDataset(dataset) ?? 'requests', period: `${p.first}/${p.last}` },
      },
    ];
  }

  /**
   * The person accepted the file: checked again as an administrator (fresh), the file is built
   * from the store, put where Teams said, recorded in the audit trail with its SHA-256, and shown.
   */
  async deliverExport(actor: Actor, context: unknown, target: UploadTarget): Promise<Reply[]> {
    const asked = typeof context === 'object' && context !== null ? (context as Record<string, unknown>) : {};
    const p = readPeriod(asked.period);
    const dataset = readDataset(asked.dataset);
    if (!p || !dataset) return [text('That file offer is not one Dragon Desk made. Ask again for the export.')];
    if (!(await this.isAdmin(actor, 'fresh')))
      return [text('Only administrators can export Dragon Desk’s requests and audit log; nothing was saved.')];
    const built = await this.build(dataset, p);
    if (typeof built === 'string') return [text(built)];
    try {
      await this.deps.tenant.uploadToSession(target.uploadUrl, built.content);
    } catch (err) {
      if (!(err instanceof TenantError)) throw err;
      this.deps.logger.warn('export upload refused', { status: err.status, code: err.code });
      return [
        text(`I couldn’t save ${target.name} to your OneDrive (${err.message}). Ask again for a fresh file card.`),
      ];
    }
    await this.deps.store.audit.append({
      tenantId: actor.tenantId,
      actorId: actor.id,
      actorName: actor.name,
      action: 'audit.exported',
      detail: {
        dataset,
        period: `${p.first}/${p.last}`,
        rows: built.rows,
        file: built.name,
        sha256: createHash('sha256').update(built.content).digest('hex'),
      },
    });
    return [
      {
        kind: 'file',
        name: target.name,
        contentUrl: target.contentUrl,
        uniqueId: target.uniqueId,
        fileType: target.fileType,
      },
      text(`Saved ${target.name} to your OneDrive: ${built.description}.`),
    ];
  }

  declined(): Reply[] {
    return [text('All right, I didn’t save the file. Ask again whenever you need it.')];
  }

  private async build(dataset: Dataset, p: ExportPeriod): Promise<BuiltFile | string> {
    const words = periodWords(p);
    const name = exportFileName(dataset, p);
    if (dataset === 'audit') {
      const rows = await this.deps.store.audit.listBetween(p.from, p.to, MAX_EXPORT_AUDIT_ROWS + 1);
      if (!rows.length) return `Nothing was recorded in the audit log in ${words} (UTC).`;
      if (rows.length > MAX_EXPORT_AUDIT_ROWS)
        return `The audit log holds more than ${MAX_EXPORT_AUDIT_ROWS.toLocaleString('en-US')} events in ${words}; export a shorter period.`;
      return {
        name,
        content: Buffer.from(auditCsv(rows, actionInWords), 'utf8'),
        rows: rows.length,
        description: `The Dragon Desk audit log for ${words} (UTC): ${rows.length} event${rows.length === 1 ? '' : 's'}`,
      };
    }
    const requests = await this.deps.store.requests.listCreatedBetween(p.from, p.to, MAX_EXPORT_REQUESTS + 1);
    if (!requests.length) return `No Dragon Desk requests were made in ${words} (UTC).`;
    if (requests.length > MAX_EXPORT_REQUESTS)
      return `More than ${MAX_EXPORT_REQUESTS.toLocaleString('en-US')} requests were made in ${words}; export a shorter period.`;
    const events = new Map<number, AuditRow[]>();
    for (const row of await this.deps.store.audit.listForRequests(requests.map((r) => r.id))) {
      const list = events.get(row.requestId!) ?? [];
      list.push(row);
      events.set(row.requestId!, list);
    }
    const title = (r: DeskRequest) => this.engine.capability(r).title(r);
    return {
      name,
      content: Buffer.from(
        requestsCsv(requests, (id) => events.get(id) ?? [], title),
        'utf8',
      ),
      rows: requests.length,
      description: `Dragon Desk requests made in ${words} (UTC): ${requests.length} request${requests.length === 1 ? '' : 's'}`,
    };
  }
}
