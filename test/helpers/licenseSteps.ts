/**
 * Steps the license safety and execution tests share: reading and changing the dev tenant over its
 * Graph wire format (as an admin in the Entra portal would), and the usual "Dana asks, Nina gets
 * the card" opening.
 */
import { persona } from '../../src/devtenant/fixture';
import type { DeskRequest } from '../../src/domain/request';
import { Harness, cardActions, cardText, type InvokeAnswer, type Person } from './harness';

export const NURSING_SKU = '22222222-bbbb-4bbb-8bbb-000000000001';
export const PHYSICIAN_SKU = '22222222-bbbb-4bbb-8bbb-000000000002';
export const NURSING_GROUP = '11111111-aaaa-4aaa-8aaa-000000000001';
export const PHYSICIAN_GROUP = '11111111-aaaa-4aaa-8aaa-000000000002';
export const MEMBER_ADD_PATH = `/v1.0/groups/${NURSING_GROUP}/members/$ref`;

type Card = { activityId: string; card: Record<string, any> };

function devTenantUrl(h: Harness): string {
  const t = h.desk.devTenant;
  if (!t) throw new Error('this harness has no dev tenant');
  return t.url;
}

export async function tenantGet(h: Harness, path: string): Promise<any> {
  const res = await fetch(`${devTenantUrl(h)}/v1.0${path}`, { headers: { Authorization: 'Bearer dev' } });
  return res.json();
}

export async function tenantSend(h: Harness, method: 'POST' | 'DELETE', path: string, body?: unknown): Promise<number> {
  const res = await fetch(`${devTenantUrl(h)}/v1.0${path}`, {
    method,
    headers: { Authorization: 'Bearer dev', 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  await res.text();
  return res.status;
}

export const ref = (alias: string) => ({
  '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${persona(alias).id}`,
});

export async function addOwner(h: Harness, groupId: string, alias: string): Promise<void> {
  const status = await tenantSend(h, 'POST', `/groups/${groupId}/owners/$ref`, ref(alias));
  if (status !== 204) throw new Error(`adding ${alias} as owner answered ${status}`);
}

/** The user's licenseAssignmentStates entry for a SKU, as Graph shows it. */
export async function licenseState(
  h: Harness,
  alias: string,
  skuId = NURSING_SKU,
): Promise<{ state: string; error: string; assignedByGroup: string | null } | undefined> {
  const u = await tenantGet(h, `/users/${persona(alias).id}?$select=licenseAssignmentStates`);
  return u.licenseAssignmentStates?.find((s: any) => s.skuId === skuId);
}

export async function isMember(h: Harness, groupId: string, alias: string): Promise<boolean> {
  const page = await tenantGet(h, `/groups/${groupId}/members?$select=id`);
  return (page.value ?? []).some((m: any) => m.id === persona(alias).id);
}

export async function seats(h: Harness, skuId = NURSING_SKU): Promise<{ used: number; total: number }> {
  const skus = await tenantGet(h, '/subscribedSkus');
  const sku = skus.value.find((s: any) => s.skuId === skuId);
  return { used: sku.consumedUnits, total: sku.prepaidUnits.enabled };
}

/** POST …/members/$ref calls the dev tenant received, inner $batch requests included. */
export function memberAdds(h: Harness, groupId = NURSING_GROUP): number {
  return h.desk.devTenant!.calls.count({ method: 'POST', path: `/v1.0/groups/${groupId}/members/$ref` });
}

/** What a person reads after a click: the notes posted in their chat, the answer, and the card shown. */
export function seen(person: Person, res: InvokeAnswer, after: number): string {
  return [...person.texts(after), res.message ?? '', cardText(res.card)].join('\n');
}

/** The request cards and texts a person received after `after` ("Request #…"). */
export function requestsSeenBy(h: Harness, alias: string, after: number): string[] {
  return h
    .as(alias)
    .texts(after)
    .filter((t) => /Request #/.test(t));
}

export function buttons(card: Record<string, any> | undefined): string[] {
  return cardActions(card).map((a) => a.title);
}

export async function latestRequest(h: Harness, requesterAlias: string): Promise<DeskRequest> {
  const [req] = await h.desk.store.requests.listByRequester(persona(requesterAlias).id, 1);
  if (!req) throw new Error(`${requesterAlias} has no request`);
  return req;
}

/** Runs the worker until the request reaches a final state (or the attempts run out). */
export async function settleUntilFinal(h: Harness, requestId: number, rounds = 20): Promise<DeskRequest> {
  for (let i = 0; i < rounds; i++) {
    await h.settle();
    const req = await h.desk.store.requests.get(requestId);
    if (req && ['completed', 'failed', 'rejected', 'cancelled', 'expired'].includes(req.state)) return req;
    await new Promise((r) => setTimeout(r, 50));
  }
  return (await h.desk.store.requests.get(requestId))!;
}

/** Waits (without driving a worker) until the request is final: for instances whose workers run. */
export async function waitUntilFinal(h: Harness, requestId: number, timeoutMs = 20_000): Promise<DeskRequest> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const req = await h.desk.store.requests.get(requestId);
    if (req && ['completed', 'failed', 'rejected', 'cancelled', 'expired'].includes(req.state)) return req;
    if (Date.now() > until) throw new Error(`request #${requestId} still ${req?.state} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Nina (and any extra approvers) have talked to Dragon Desk; Dana asks for a nursing license and
 * sends it for approval. Returns Dana's card and each approver's approval card.
 */
export async function danaAsksForNursing(
  h: Harness,
  opts: { approvers?: string[]; justification?: string } = {},
): Promise<{ requestId: number; draft: Card; sent: InvokeAnswer; approvals: Record<string, Card> }> {
  const approvers = opts.approvers ?? ['nina'];
  for (const a of approvers) await h.as(a).say('hi');
  const dana = h.as('dana');
  await dana.say('I need a Dragon nursing license');
  const draft = dana.lastCard();
  const sent = await dana.click(
    draft,
    'Send for approval',
    opts.justification ? { justification: opts.justification } : {},
  );
  if (sent.httpStatus !== 200 || !sent.card)
    throw new Error(`send for approval answered ${sent.httpStatus}: ${JSON.stringify(sent.body)}`);
  const approvals: Record<string, Card> = {};
  for (const a of approvers) approvals[a] = h.as(a).lastCard();
  const req = await latestRequest(h, 'dana');
  return { requestId: req.id, draft, sent, approvals };
}
