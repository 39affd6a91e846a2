/**
 * What an activity must look like before any of it is used. Everything in the body is the
 * sender's: a field of the wrong type must be turned away here with a short reason (HTTP 400),
 * not reach botbuilder, SQL or a log as whatever it happens to be. zod is what botbuilder itself
 * validates with, so it is already loaded and costs no memory.
 */
import { z } from 'zod';
import { GUID } from '../guid';

const SHORT = 1024;

const id = z.string().min(1).max(SHORT);
const account = z
  .object({
    id,
    name: z.string().max(SHORT).optional(),
    aadObjectId: z.string().regex(GUID, 'must be an Entra object id (a GUID)').optional(),
  })
  .passthrough();

const activity = z
  .object({
    type: z.string().min(1).max(64),
    id: z.string().max(SHORT).optional(),
    name: z.string().max(SHORT).optional(),
    channelId: z.string().max(64).optional(),
    serviceUrl: z.string().max(2048),
    from: account,
    recipient: account.partial({ id: true }).optional(),
    conversation: z
      .object({
        id,
        tenantId: z.string().max(SHORT).optional(),
        conversationType: z.string().max(64).optional(),
        isGroup: z.boolean().optional(),
      })
      .passthrough(),
    channelData: z
      .object({
        tenant: z
          .object({ id: z.string().max(SHORT) })
          .passthrough()
          .optional(),
      })
      .passthrough()
      .optional(),
    text: z.string().optional(),
    replyToId: z.string().max(SHORT).optional(),
    locale: z.string().max(64).optional(),
    timestamp: z.string().max(64).optional(),
    membersAdded: z
      .array(account.partial({ id: true }))
      .max(1000)
      .optional(),
    membersRemoved: z
      .array(account.partial({ id: true }))
      .max(1000)
      .optional(),
    attachments: z.array(z.object({}).passthrough()).optional(),
    entities: z.array(z.object({}).passthrough()).optional(),
    value: z.unknown().optional(),
  })
  .passthrough();

export type InboundCheck = { ok: true } | { ok: false; reason: string };

export interface InboundOptions {
  /**
   * In dev mode nothing authenticates the sender, so the service URL a reply goes to must be this
   * machine: otherwise anyone who can reach the port makes Dragon Desk post (and wait) anywhere.
   */
  loopbackOnly: boolean;
}

export function checkInbound(body: unknown, opts: InboundOptions): InboundCheck {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { ok: false, reason: 'the body must be one activity (a JSON object)' };
  const parsed = activity.safeParse(body);
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    const where = issue.path.length ? issue.path.join('.') : 'activity';
    return { ok: false, reason: `${where}: ${issue.message}` };
  }
  const url = serviceUrlProblem(parsed.data.serviceUrl, opts);
  return url ? { ok: false, reason: `serviceUrl: ${url}` } : { ok: true };
}

function serviceUrlProblem(value: string, opts: InboundOptions): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URL';
  }
  if (opts.loopbackOnly) {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must be an http(s) URL';
    if (!isLoopback(url.hostname)) return 'must be on this machine (127.0.0.1, ::1 or localhost) in dev mode';
    return undefined;
  }
  return url.protocol === 'https:' ? undefined : 'must be an https URL';
}

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127(?:\.\d{1,3}){3}$/.test(host);
}

/**
 * Teams names the tenant twice (the conversation's and channelData's); both, where present, must be
 * ours, and at least one must be present. GUIDs compare without regard to case.
 */
export function fromTenant(
  act: { conversation?: { tenantId?: string }; channelData?: unknown },
  tenantId: string,
): boolean {
  const channelTenant = (act.channelData as { tenant?: { id?: unknown } } | undefined)?.tenant?.id;
  const named = [act.conversation?.tenantId, channelTenant].filter((t) => t !== undefined);
  return named.length > 0 && named.every((t) => typeof t === 'string' && t.toLowerCase() === tenantId.toLowerCase());
}
