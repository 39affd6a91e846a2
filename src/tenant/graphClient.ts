/**
 * GraphTenantClient: the only code in Dragon Desk that talks to Microsoft Graph v1.0 and Azure
 * Resource Manager. In dev both base URLs point at the dev tenant; in production at
 * https://graph.microsoft.com and https://management.azure.com.
 *
 * Graph calls go through the Graph SDK (Client.initWithMiddleware with the chain in
 * graphMiddleware.ts) and ask for the RAW response, so that one function (errors.ts) reads status,
 * body, request-id and Retry-After the same way for Graph, ARM and inner $batch answers. ARM is not
 * Graph, so it calls the transport directly with the same retry loop and error mapping. Both send
 * through httpTransport.ts (node:http), not the global fetch.
 */
import { randomUUID } from 'node:crypto';
import { Client, GraphClientError, GraphError, ResponseType } from '@microsoft/microsoft-graph-client';
import {
  classicAdministratorFromArm,
  classicAdministratorsPath,
  partnerLinkFromArm,
  palPath,
  roleAssignmentFromArm,
  subscriptionFromArm,
  subscriptionRoleAssignmentsPath,
  subscriptionsPath,
} from './armShapes';
import { runBatch } from './batch';
import { licenseWriteOutcome, licenseWriteRequest } from './licenseWrites';
import {
  headersFromRecord,
  isAlreadyExists,
  isNotFound,
  tenantErrorFromNetwork,
  tenantErrorFromResponse,
  tenantErrorKind,
  type ErrorSource,
} from './errors';
import { graphMiddlewareChain, ReplayOption } from './graphMiddleware';
import { httpFetch, type FetchLike, type TransportResponse } from './httpTransport';
import {
  directoryObjectRef,
  GROUP_SELECT,
  LICENSING_SELECT,
  looksLikeUpn,
  MEMBER_SELECT,
  odataString,
  OWNER_SELECT,
  queryString,
  relativeNextLink,
  seg,
  trimSlash,
  USER_SEARCH_SELECT,
  USER_SELECT,
  userPath,
  userSearchExpression,
} from './graphQueries';
import { resolveRetryPolicy, type RetryPolicy } from './retry';
import { realSleep, sendWithRetry, silentLogger, type RetryRuntime, type TenantLogger } from './retryingSend';
import { noTenantTelemetry, type TenantCallRecorder, type TenantTelemetry } from './telemetry';
import type { Graph } from './graphTypes';
import type { TokenSource } from './tokens';
import {
  TenantError,
  type AzureRoleAssignment,
  type AzureSubscription,
  type BatchRequest,
  type CatalogApp,
  type ClassicAdministrator,
  type BatchResponse,
  type DirectoryRoleAssignment,
  type GdapRelationship,
  type GroupAssignmentScheduleInput,
  type GroupAssignmentScheduleRequest,
  type LicenseRoute,
  type LicenseWrite,
  type PartnerLink,
  type SubscribedSku,
  type TenantClient,
  type TenantGroup,
  type TenantUser,
} from './types';

export interface GraphTenantClientOptions {
  /** e.g. http://127.0.0.1:5980 (dev tenant) or https://graph.microsoft.com; without the version. */
  graphBaseUrl: string;
  /** e.g. http://127.0.0.1:5980 (dev tenant) or https://management.azure.com */
  armBaseUrl: string;
  tokens: TokenSource;
  retry?: Partial<RetryPolicy>;
  /** Injectable so tests can see the waits without waiting. */
  sleep?: (ms: number) => Promise<void>;
  logger?: TenantLogger;
  /** Jitter source; fixed in tests. */
  random?: () => number;
  now?: () => number;
  /** Per-attempt timeout (default 30 s). */
  attemptTimeoutMs?: number;
  /** The HTTP transport (default: httpTransport.ts over node:http). */
  fetch?: FetchLike;
  /** A span per call and the throttling metric (default: nothing recorded). */
  telemetry?: TenantTelemetry;
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

interface CallOptions {
  body?: unknown;
  headers?: Record<string, string>;
  /** false for creates that must not run twice after an ambiguous 503/504 (see retry.ts). */
  replaySafe?: boolean;
}

interface Page<T> {
  value?: T[];
  '@odata.nextLink'?: string;
  nextLink?: string;
}

type DirectoryObject = Record<string, unknown> & { '@odata.type'?: string; id: string };

/** Paging guard: a service that keeps sending nextLinks must not keep a worker busy forever. */
const MAX_PAGES = 500;

const GRAPH_VERSION = 'v1.0';

/** The header an advanced query needs besides `$count=true` (microsoft-apis §4). */
const ADVANCED_QUERY = { ConsistencyLevel: 'eventual' };

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function isType(o: DirectoryObject, type: 'user' | 'group'): boolean {
  const t = o['@odata.type'];
  // Graph always labels the items of a directoryObject collection; an unlabelled item is taken
  // to be a user (members/owners) unless it carries a role's roleTemplateId.
  if (typeof t === 'string') return t.toLowerCase() === `#microsoft.graph.${type}`;
  return type === 'user' ? !('roleTemplateId' in o) : false;
}

/**
 * A user in a members/owners list. Its fields are the user $select the list was read with
 * (MEMBER_SELECT, OWNER_SELECT); Graph fills them for every user the app may read.
 */
function isUser(o: DirectoryObject): o is DirectoryObject & TenantUser {
  return isType(o, 'user');
}

export class GraphTenantClient implements TenantClient {
  private readonly graph: Client;
  private readonly rt: RetryRuntime;
  private readonly graphBaseUrl: string;
  private readonly armBaseUrl: string;
  private readonly tokens: TokenSource;
  private readonly fetch: FetchLike;
  private readonly telemetry: TenantTelemetry;
  private lastId: string | undefined;

  constructor(opts: GraphTenantClientOptions) {
    this.graphBaseUrl = trimSlash(opts.graphBaseUrl);
    this.armBaseUrl = trimSlash(opts.armBaseUrl);
    this.tokens = opts.tokens;
    this.fetch = opts.fetch ?? httpFetch;
    this.telemetry = opts.telemetry ?? noTenantTelemetry;
    this.rt = {
      policy: resolveRetryPolicy(opts.retry),
      attemptTimeoutMs: opts.attemptTimeoutMs ?? 30_000,
      sleep: opts.sleep ?? realSleep,
      random: opts.random ?? Math.random,
      now: opts.now ?? Date.now,
      logger: opts.logger ?? silentLogger,
      telemetry: this.telemetry,
    };
    this.graph = Client.initWithMiddleware({
      baseUrl: this.graphBaseUrl,
      defaultVersion: GRAPH_VERSION,
      middleware: graphMiddlewareChain(this.tokens, this.graphBaseUrl, this.rt, this.fetch),
    });
  }

  /**
   * request-id of the most recent successful Graph/ARM answer. With concurrent calls on one client
   * it is only indicative; the ids that matter for an audit are on every TenantError.
   */
  get lastRequestId(): string | undefined {
    return this.lastId;
  }

  // ---------------------------------------------------------------- transport

  private graphCall<T>(method: Method, path: string, o: CallOptions = {}): Promise<T> {
    return this.telemetry.call(
      { service: 'graph', method, baseUrl: this.graphBaseUrl, path: `/${GRAPH_VERSION}${path}` },
      (recorder) => this.sendGraph<T>(method, path, o, recorder),
    );
  }

  private async sendGraph<T>(method: Method, path: string, o: CallOptions, recorder: TenantCallRecorder): Promise<T> {
    let req = this.graph
      .api(path)
      .responseType(ResponseType.RAW)
      .middlewareOptions([new ReplayOption(o.replaySafe ?? true)]);
    if (o.headers) req = req.headers(o.headers);
    let res: TransportResponse;
    try {
      switch (method) {
        case 'GET':
          res = (await req.get()) as TransportResponse;
          break;
        case 'POST':
          res = (await req.post(o.body)) as TransportResponse;
          break;
        case 'PATCH':
          res = (await req.patch(o.body)) as TransportResponse;
          break;
        case 'PUT':
          res = (await req.put(o.body)) as TransportResponse;
          break;
        case 'DELETE':
          res = (await req.delete()) as TransportResponse;
          break;
      }
    } catch (err) {
      throw this.unwrapSdkError(err, 'Microsoft Graph');
    }
    recorder.response(res.status, res.headers.get('request-id') ?? undefined);
    return this.readResponse<T>(res);
  }

  private unwrapSdkError(err: unknown, what: string): TenantError {
    if (err instanceof TenantError) return err;
    if (err instanceof GraphClientError && err.customError instanceof TenantError) return err.customError;
    if (err instanceof GraphError) {
      if (err.statusCode > 0)
        return new TenantError(err.statusCode, err.code ?? 'UnknownError', err.message, err.requestId ?? undefined);
      // The SDK keeps a foreign-realm error (undici's) in body and leaves the message empty.
      return tenantErrorFromNetwork(err.message ? err : (err.body ?? err), what);
    }
    return tenantErrorFromNetwork(err, what);
  }

  private async readResponse<T>(res: TransportResponse, source: ErrorSource = 'graph'): Promise<T> {
    const text = await res.text();
    let body: unknown = undefined;
    if (text !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    if (!res.ok) throw tenantErrorFromResponse(res.status, body, res.headers, this.rt.now(), source);
    this.lastId = res.headers.get('request-id') ?? res.headers.get('x-ms-request-id') ?? this.lastId;
    return body as T;
  }

  /** GET that follows @odata.nextLink, only ever to our own Graph. */
  private async graphList<T>(path: string, headers?: Record<string, string>): Promise<T[]> {
    const out: T[] = [];
    let next: string | undefined = path;
    for (let page = 0; next !== undefined; page++) {
      if (page >= MAX_PAGES)
        throw new TenantError(502, 'TooManyPages', `Stopped paging ${path} after ${MAX_PAGES} pages.`);
      const body: Page<T> = await this.graphCall<Page<T>>('GET', next, { headers });
      out.push(...(body?.value ?? []));
      const link = body?.['@odata.nextLink'];
      if (link === undefined) break;
      next = relativeNextLink(link, this.graphBaseUrl, GRAPH_VERSION);
      if (next === undefined) {
        throw new TenantError(502, 'UnexpectedNextLink', 'Graph returned a nextLink to another host; not followed.');
      }
    }
    return out;
  }

  private armCall<T>(method: Method, pathAndQuery: string, replaySafe = true): Promise<T> {
    const path = pathAndQuery.startsWith('http') ? new URL(pathAndQuery).pathname : pathAndQuery;
    return this.telemetry.call({ service: 'arm', method, baseUrl: this.armBaseUrl, path }, (recorder) =>
      this.sendArm<T>(method, pathAndQuery, replaySafe, recorder),
    );
  }

  private async sendArm<T>(
    method: Method,
    pathAndQuery: string,
    replaySafe: boolean,
    recorder: TenantCallRecorder,
  ): Promise<T> {
    const url = pathAndQuery.startsWith('http') ? pathAndQuery : `${this.armBaseUrl}${pathAndQuery}`;
    if (new URL(url).origin !== new URL(this.armBaseUrl).origin) {
      throw new TenantError(502, 'UnexpectedNextLink', 'ARM returned a nextLink to another host; not followed.');
    }
    const clientRequestId = randomUUID();
    let res: TransportResponse;
    try {
      res = await sendWithRetry(
        async (signal) =>
          this.fetch(url, {
            method,
            signal,
            headers: {
              Authorization: `Bearer ${await this.tokens.getToken('arm')}`,
              Accept: 'application/json',
              'x-ms-client-request-id': clientRequestId,
            },
          }),
        { method, path: new URL(url).pathname, replaySafe, service: 'arm' },
        this.rt,
      );
    } catch (err) {
      throw this.unwrapSdkError(err, 'Azure Resource Manager');
    }
    recorder.response(res.status, res.headers.get('x-ms-request-id') ?? res.headers.get('request-id') ?? undefined);
    return this.readResponse<T>(res, 'arm');
  }

  private async armList<T>(pathAndQuery: string): Promise<T[]> {
    const out: T[] = [];
    let next: string | undefined = pathAndQuery;
    for (let page = 0; next; page++) {
      if (page >= MAX_PAGES) throw new TenantError(502, 'TooManyPages', `Stopped paging after ${MAX_PAGES} pages.`);
      const body: Page<T> = await this.armCall<Page<T>>('GET', next);
      out.push(...(body?.value ?? []));
      next = body?.nextLink;
    }
    return out;
  }

  private postBatch(requests: BatchRequest[]): Promise<BatchResponse[]> {
    return this.telemetry.call(
      { service: 'graph', method: 'POST', baseUrl: this.graphBaseUrl, path: `/${GRAPH_VERSION}/$batch` },
      async (recorder) => {
        const body = await this.sendGraph<{ responses?: BatchResponse[] }>(
          'POST',
          '/$batch',
          { body: { requests } },
          recorder,
        );
        const responses = body?.responses ?? [];
        for (const answer of responses) {
          const request = requests.find((r) => r.id === answer.id);
          if (request)
            recorder.part({ method: request.method, path: `/${GRAPH_VERSION}${request.url}` }, describePart(answer));
        }
        return responses;
      },
    );
  }

  // ---------------------------------------------------------------- users

  async ping(): Promise<void> {
    await this.graphCall('GET', `/users${queryString({ $top: 1, $select: 'id' })}`);
  }

  async getUser(idOrUpn: string): Promise<TenantUser | undefined> {
    try {
      return await this.graphCall<TenantUser>('GET', `${userPath(idOrUpn)}${queryString({ $select: USER_SELECT })}`);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async findUsers(text: string, top = 10): Promise<TenantUser[]> {
    const t = text.trim();
    if (t === '') return [];
    if (looksLikeUpn(t)) {
      const exact = await this.getUser(t);
      if (exact) return [exact];
      const byMail = await this.graphCall<Page<TenantUser>>(
        'GET',
        `/users${queryString({ $filter: `mail eq ${odataString(t)}`, $select: USER_SEARCH_SELECT, $top: top })}`,
      );
      if (byMail.value?.length) return byMail.value;
    }
    // $search is an advanced query: without ConsistencyLevel Graph answers 400 Request_UnsupportedQuery.
    const body = await this.graphCall<Page<TenantUser>>(
      'GET',
      `/users${queryString({
        $search: userSearchExpression(t),
        $select: USER_SEARCH_SELECT,
        $top: top,
        $count: true,
      })}`,
      { headers: ADVANCED_QUERY },
    );
    return body.value ?? [];
  }

  async getUsers(ids: string[]): Promise<TenantUser[]> {
    const unique = [...new Set(ids)];
    const responses = await this.batch(
      unique.map((id, i) => ({
        id: String(i + 1),
        method: 'GET' as const,
        url: `${userPath(id)}${queryString({ $select: USER_SELECT })}`,
      })),
    );
    const users: TenantUser[] = [];
    for (const r of responses) {
      if (r.status >= 200 && r.status < 300) users.push(r.body as TenantUser);
      else if (r.status !== 404)
        throw tenantErrorFromResponse(r.status, r.body, headersFromRecord(r.headers), this.rt.now());
    }
    return users;
  }

  async getUserRoleTemplateIds(userId: string): Promise<string[]> {
    return roleTemplateIds(await this.graphList<Graph.DirectoryRole>(rolesPath(userId), ADVANCED_QUERY));
  }

  async getUserWithRoles(userId: string): Promise<{ user: TenantUser | undefined; roleTemplateIds: string[] }> {
    const [user, roles] = await this.batch([
      { id: '1', method: 'GET', url: `${userPath(userId)}${queryString({ $select: USER_SELECT })}` },
      { id: '2', method: 'GET', url: rolesPath(userId), headers: ADVANCED_QUERY },
    ]);
    const failed = (r: BatchResponse) =>
      tenantErrorFromResponse(r.status, r.body, headersFromRecord(r.headers), this.rt.now());
    if (user.status >= 300 && user.status !== 404) throw failed(user);
    if (roles.status >= 300) {
      // A person who does not exist has no roles; anything else is an error like any other read's.
      if (roles.status === 404 && user.status === 404) return { user: undefined, roleTemplateIds: [] };
      throw failed(roles);
    }
    const page = roles.body as Page<Graph.DirectoryRole>;
    // More than a page of directory roles is unheard of; if it happens, read them the paged way.
    const all = page['@odata.nextLink'] ? await this.getUserRoleTemplateIds(userId) : roleTemplateIds(page.value ?? []);
    return { user: user.status === 404 ? undefined : (user.body as TenantUser), roleTemplateIds: all };
  }

  async getUserGroupIds(userId: string): Promise<string[]> {
    const objects = await this.graphList<DirectoryObject>(
      `/users/${seg(userId)}/transitiveMemberOf${queryString({ $select: 'id' })}`,
    );
    return [...new Set(objects.filter((o) => isType(o, 'group')).map((o) => o.id))];
  }

  async assignLicense(userId: string, add: string[], remove: string[]): Promise<TenantUser> {
    // Graph wants both lists, [] when empty; assigning what is already assigned is harmless, so a replay is safe.
    return this.graphCall<TenantUser>('POST', `/users/${seg(userId)}/assignLicense`, {
      body: { addLicenses: add.map((skuId) => ({ skuId, disabledPlans: [] })), removeLicenses: remove },
    });
  }

  async grantLicenses(input: {
    via: LicenseRoute;
    groupId?: string;
    skuId: string;
    userIds: string[];
  }): Promise<LicenseWrite[]> {
    const changes = input.userIds.map((userId) => ({ userId, via: input.via }));
    return this.writeLicenses(true, changes, input.skuId, input.groupId);
  }

  async revokeLicenses(input: {
    groupId?: string;
    skuId: string;
    changes: { userId: string; via: LicenseRoute }[];
  }): Promise<LicenseWrite[]> {
    return this.writeLicenses(false, input.changes, input.skuId, input.groupId);
  }

  private async writeLicenses(
    grant: boolean,
    changes: { userId: string; via: LicenseRoute }[],
    skuId: string,
    groupId: string | undefined,
  ): Promise<LicenseWrite[]> {
    if (!changes.length) return [];
    const answers = await this.batch(changes.map((c, i) => licenseWriteRequest(String(i), grant, c, skuId, groupId)));
    return changes.map((c, i) => licenseWriteOutcome(c, answers[i], this.rt.now()));
  }

  async readLicensing(userIds: string[]): Promise<Map<string, TenantUser | undefined>> {
    const out = new Map<string, TenantUser | undefined>();
    if (!userIds.length) return out;
    const answers = await this.batch(
      userIds.map((id, i) => ({
        id: String(i),
        method: 'GET' as const,
        url: `${userPath(id)}${queryString({ $select: LICENSING_SELECT })}`,
      })),
    );
    userIds.forEach((id, i) => {
      const a = answers[i];
      if (a && a.status < 300) out.set(id, a.body as TenantUser);
      else if (a?.status === 404) out.set(id, undefined);
    });
    return out;
  }

  // ---------------------------------------------------------------- groups

  async getGroup(groupId: string): Promise<TenantGroup | undefined> {
    try {
      return await this.graphCall<TenantGroup>(
        'GET',
        `/groups/${seg(groupId)}${queryString({ $select: GROUP_SELECT })}`,
      );
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async findGroupByName(displayName: string): Promise<TenantGroup | undefined> {
    const body = await this.graphCall<Page<TenantGroup>>(
      'GET',
      `/groups${queryString({ $filter: `displayName eq ${odataString(displayName)}`, $select: GROUP_SELECT })}`,
    );
    const found = body.value ?? [];
    if (found.length > 1)
      this.rt.logger.warn('several groups share a display name; using the first', { count: found.length });
    return found[0];
  }

  async listGroupOwners(groupId: string): Promise<TenantUser[]> {
    const owners = await this.graphList<DirectoryObject>(
      `/groups/${seg(groupId)}/owners${queryString({ $select: OWNER_SELECT })}`,
    );
    // Owners can be service principals; only people can approve on a card.
    return owners.filter(isUser);
  }

  async listGroupMembers(groupId: string): Promise<TenantUser[]> {
    const members = await this.graphList<DirectoryObject>(
      `/groups/${seg(groupId)}/members${queryString({ $select: MEMBER_SELECT })}`,
    );
    return members.filter(isUser);
  }

  async addGroupMember(groupId: string, userId: string): Promise<boolean> {
    return this.addRef(groupId, 'members', userId);
  }

  async addGroupOwner(groupId: string, userId: string): Promise<boolean> {
    return this.addRef(groupId, 'owners', userId);
  }

  /**
   * 204 → added. The documented 400 "One or more added object references already exist" → already
   * there. Our retry may replay this POST after an ambiguous 503/504 that Graph did execute, and a
   * replay must not turn a done change into a failure.
   */
  private async addRef(groupId: string, relation: 'members' | 'owners', objectId: string): Promise<boolean> {
    try {
      await this.graphCall('POST', `/groups/${seg(groupId)}/${relation}/$ref`, { body: directoryObjectRef(objectId) });
      return true;
    } catch (err) {
      if (isAlreadyExists(err)) return false;
      throw err;
    }
  }

  async removeGroupMember(groupId: string, userId: string): Promise<boolean> {
    try {
      await this.graphCall('DELETE', `/groups/${seg(groupId)}/members/${seg(userId)}/$ref`);
      return true;
    } catch (err) {
      if (!(err instanceof TenantError)) throw err;
      // 400 "removed object references do not exist" [V-c]: not a member.
      if (tenantErrorKind(err) === 'reference-not-present') return false;
      // Graph may also answer 404 for a non-member [U]; that is only "not a member" if the group
      // itself exists, otherwise the caller has the wrong group and must hear about it.
      if (isNotFound(err) && (await this.getGroup(groupId))) return false;
      throw err;
    }
  }

  async createGroup(input: {
    displayName: string;
    mailNickname: string;
    description?: string;
    isAssignableToRole?: boolean;
  }): Promise<TenantGroup> {
    return this.graphCall<TenantGroup>('POST', '/groups', {
      body: {
        displayName: input.displayName,
        mailNickname: input.mailNickname,
        description: input.description,
        mailEnabled: false,
        securityEnabled: true,
        // Can only be set at creation (microsoft-apis §3).
        ...(input.isAssignableToRole === undefined ? {} : { isAssignableToRole: input.isAssignableToRole }),
      } satisfies Graph.Group,
      replaySafe: false,
    });
  }

  async assignGroupLicense(groupId: string, add: string[], remove: string[]): Promise<void> {
    // 202 Accepted: processing is asynchronous, results land on each member's licenseAssignmentStates.
    await this.graphCall('POST', `/groups/${seg(groupId)}/assignLicense`, {
      body: { addLicenses: add.map((skuId) => ({ skuId, disabledPlans: [] })), removeLicenses: remove },
    });
  }

  // ---------------------------------------------------------------- licensing

  async listSubscribedSkus(): Promise<SubscribedSku[]> {
    const body = await this.graphCall<Page<SubscribedSku>>('GET', '/subscribedSkus');
    return body.value ?? [];
  }

  async listUsersWithLicense(skuId: string, groupId?: string): Promise<TenantUser[]> {
    // skuId is an Edm.Guid, written unquoted in the filter; refusing anything else keeps the
    // filter from being bent by its input.
    if (!GUID.test(skuId)) throw new TenantError(400, 'InvalidSkuId', `'${skuId}' is not a license SKU id (a GUID).`);
    // A plain query, not an advanced one: eq on assignedLicenses works by default (docs
    // aad-advanced-queries), and a default query is not eventually consistent, so a license that
    // just landed shows.
    const direct = await this.graphList<TenantUser>(
      `/users${queryString({ $filter: `assignedLicenses/any(x:x/skuId eq ${skuId.toLowerCase()})`, $select: USER_SELECT })}`,
    );
    if (!groupId) return direct;
    // Group members whose license is in Error (e.g. CountViolation) do not show up in
    // assignedLicenses, yet they are exactly the people an admin asks about.
    const members = await this.listGroupMembers(groupId);
    const byId = new Map(direct.map((u) => [u.id, u] as const));
    for (const m of members) if (!byId.has(m.id)) byId.set(m.id, m);
    return [...byId.values()];
  }

  // ---------------------------------------------------------------- directory roles

  async listRoleAssignments(filter: {
    principalId?: string;
    roleDefinitionId?: string;
  }): Promise<DirectoryRoleAssignment[]> {
    const clauses: string[] = [];
    if (filter.principalId) clauses.push(`principalId eq ${odataString(filter.principalId)}`);
    if (filter.roleDefinitionId) clauses.push(`roleDefinitionId eq ${odataString(filter.roleDefinitionId)}`);
    return this.graphList<DirectoryRoleAssignment>(
      `/roleManagement/directory/roleAssignments${queryString({ $filter: clauses.length ? clauses.join(' and ') : undefined })}`,
    );
  }

  async createRoleAssignment(
    roleDefinitionId: string,
    principalId: string,
    directoryScopeId = '/',
  ): Promise<DirectoryRoleAssignment> {
    return this.graphCall<DirectoryRoleAssignment>('POST', '/roleManagement/directory/roleAssignments', {
      body: {
        '@odata.type': '#microsoft.graph.unifiedRoleAssignment',
        roleDefinitionId,
        principalId,
        directoryScopeId,
      } satisfies Graph.UnifiedRoleAssignment & { '@odata.type': string },
      replaySafe: false,
    });
  }

  async deleteRoleAssignment(id: string): Promise<void> {
    try {
      await this.graphCall('DELETE', `/roleManagement/directory/roleAssignments/${seg(id)}`);
    } catch (err) {
      // Already gone is the state we wanted (and what a replayed DELETE sees).
      if (isNotFound(err)) return;
      throw err;
    }
  }

  async createGroupAssignmentSchedule(input: GroupAssignmentScheduleInput): Promise<GroupAssignmentScheduleRequest> {
    const scheduleInfo: Graph.RequestSchedule | undefined =
      input.action === 'adminAssign'
        ? {
            startDateTime: new Date(this.rt.now()).toISOString(),
            expiration: input.durationIso
              ? { type: 'afterDuration', duration: input.durationIso }
              : { type: 'noExpiration' },
          }
        : undefined;
    const body = await this.graphCall<GroupAssignmentScheduleRequest>(
      'POST',
      '/identityGovernance/privilegedAccess/group/assignmentScheduleRequests',
      {
        body: {
          accessId: input.accessId,
          principalId: input.principalId,
          groupId: input.groupId,
          action: input.action,
          ...(scheduleInfo ? { scheduleInfo } : {}),
          ...(input.justification ? { justification: input.justification } : {}),
        } satisfies Graph.PrivilegedAccessGroupAssignmentScheduleRequest,
        replaySafe: false,
      },
    );
    return { id: body.id, status: body.status };
  }

  // ---------------------------------------------------------------- batch

  async batch(requests: BatchRequest[]): Promise<BatchResponse[]> {
    return runBatch(requests, (chunk) => this.postBatch(chunk), this.rt);
  }

  // ---------------------------------------------------------------- ARM: Partner Admin Link

  async getPartnerLink(): Promise<PartnerLink | undefined> {
    try {
      return partnerLinkFromArm(await this.armCall('GET', palPath()));
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async createPartnerLink(partnerId: string): Promise<PartnerLink> {
    // PUT on the caller's own link: replaying it yields the same link.
    return partnerLinkFromArm(await this.armCall('PUT', palPath(partnerId)));
  }

  async updatePartnerLink(partnerId: string): Promise<PartnerLink> {
    return partnerLinkFromArm(await this.armCall('PATCH', palPath(partnerId)));
  }

  async deletePartnerLink(partnerId: string): Promise<void> {
    try {
      await this.armCall('DELETE', palPath(partnerId));
    } catch (err) {
      if (isNotFound(err)) return; // no link is the state we wanted
      throw err;
    }
  }

  // ---------------------------------------------------------------- ARM: subscriptions

  async listSubscriptions(): Promise<AzureSubscription[]> {
    const items = await this.armList<Record<string, unknown>>(subscriptionsPath());
    return items.map(subscriptionFromArm);
  }

  async listSubscriptionRoleAssignments(subscriptionId: string, principalId?: string): Promise<AzureRoleAssignment[]> {
    const items = await this.armList<Record<string, unknown>>(
      subscriptionRoleAssignmentsPath(subscriptionId, principalId),
    );
    return items.map(roleAssignmentFromArm);
  }

  async listClassicAdministrators(subscriptionId: string): Promise<ClassicAdministrator[]> {
    try {
      const items = await this.armList<Record<string, unknown>>(classicAdministratorsPath(subscriptionId));
      return items.map(classicAdministratorFromArm);
    } catch (err) {
      // The classic API was retired [U]: where ARM no longer answers it there are no classic admins.
      if (
        err instanceof TenantError &&
        (err.status === 404 || (err.status === 400 && /apiversion|notfound|notsupported/i.test(err.code)))
      )
        return [];
      throw err;
    }
  }

  // ---------------------------------------------------------------- GDAP (partner side)

  async createGdapRelationship(input: {
    displayName: string;
    duration: string;
    customerTenantId?: string;
    roleDefinitionIds: string[];
    autoExtendDuration?: string;
  }): Promise<GdapRelationship> {
    return this.graphCall<GdapRelationship>('POST', '/tenantRelationships/delegatedAdminRelationships', {
      body: {
        displayName: input.displayName,
        duration: input.duration,
        // customer.tenantId is required when customer is sent and its displayName is read-only
        // (Graph sets it), so the customer is named by tenant id or not at all (§9).
        ...(input.customerTenantId ? { customer: { tenantId: input.customerTenantId } } : {}),
        accessDetails: { unifiedRoles: input.roleDefinitionIds.map((roleDefinitionId) => ({ roleDefinitionId })) },
        ...(input.autoExtendDuration ? { autoExtendDuration: input.autoExtendDuration } : {}),
      } satisfies Graph.DelegatedAdminRelationship,
      replaySafe: false,
    });
  }

  async lockGdapRelationshipForApproval(relationshipId: string): Promise<void> {
    await this.graphCall('POST', `/tenantRelationships/delegatedAdminRelationships/${seg(relationshipId)}/requests`, {
      body: { action: 'lockForApproval' } satisfies Graph.DelegatedAdminRelationshipRequest,
      replaySafe: false,
    });
  }

  async getGdapRelationship(relationshipId: string): Promise<GdapRelationship | undefined> {
    try {
      return await this.graphCall<GdapRelationship>(
        'GET',
        `/tenantRelationships/delegatedAdminRelationships/${seg(relationshipId)}`,
      );
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  // ---------------------------------------------------------------- Teams app catalog

  async findCatalogApp(externalId: string): Promise<CatalogApp | undefined> {
    const body = await this.graphCall<Page<CatalogApp>>(
      'GET',
      `/appCatalogs/teamsApps${queryString({ $filter: `distributionMethod eq 'organization' and externalId eq ${odataString(externalId)}` })}`,
    );
    return body?.value?.[0];
  }
}

/**
 * An OData cast on transitiveMemberOf is an advanced query: Graph refuses it without
 * `ConsistencyLevel: eventual` and `$count=true` (docs user-list-transitivememberof, aad-advanced-queries).
 */
function rolesPath(userId: string): string {
  const select = 'roleTemplateId' satisfies keyof Graph.DirectoryRole;
  return `/users/${seg(userId)}/transitiveMemberOf/microsoft.graph.directoryRole${queryString({ $select: select, $count: true })}`;
}

function roleTemplateIds(roles: Pick<Graph.DirectoryRole, 'roleTemplateId'>[]): string[] {
  return [...new Set(roles.map((r) => r.roleTemplateId?.toLowerCase()).filter((x): x is string => !!x))];
}

/** An inner $batch answer's status, request id (header, or inside an error body) and error code. */
function describePart(answer: BatchResponse): { status: number; requestId?: string; code?: string } {
  const error = (answer.body as { error?: { code?: unknown; innerError?: Record<string, unknown> } } | undefined)
    ?.error;
  const fromBody = error?.innerError?.['request-id'];
  const requestId =
    headersFromRecord(answer.headers).get('request-id') ?? (typeof fromBody === 'string' ? fromBody : undefined);
  return { status: answer.status, requestId, code: typeof error?.code === 'string' ? error.code : undefined };
}
