/**
 * Apps installed in a person's personal scope (rules.ts has the facts and sources): install one
 * from the catalog, list them (with $expand and $filter on the app), read one, the 1:1 chat it
 * opened, and uninstall. An installation of Dragon Desk is what lets its bot message someone who
 * never opened it; the dev tenant tells listeners (state/teamsApps.ts) as Teams would tell the bot.
 */
import { badRequest } from '../errors';
import {
  checkFilter,
  evaluateFilter,
  objectLookup,
  parseFilter,
  project,
  queryOption,
  type FilterSupport,
} from '../odata';
import type { ApiRequest, Route } from '../router';
import {
  checkBody,
  INSTALL_APP_FOR_USER,
  INSTALLED_APP_EXPANDS,
  INSTALLED_APPS_LIST,
  TEAMS_APP_BIND,
  TEAMS_APP_ERRORS,
} from '../rules';
import type { CatalogAppRecord, InstallationRecord, UserRecord } from '../state';
import type { Graph } from '../../tenant/graphTypes';
import { allowOptions, bodyObject, json, metadata, noContent, selectOf, type RouteDeps } from './shared';

const FILTERS: FilterSupport = {
  'teamsApp/id': ['eq'],
  'teamsApp/externalId': ['eq'],
  'teamsAppDefinition/teamsAppId': ['eq'],
};

const BASE = '/v1.0/users/:id/teamwork/installedApps';

function teamsApp(app: CatalogAppRecord): Graph.TeamsApp {
  return {
    id: app.id,
    externalId: app.externalId,
    displayName: app.displayName,
    distributionMethod: app.distributionMethod,
  };
}

function definition(app: CatalogAppRecord): Graph.TeamsAppDefinition {
  return {
    id: Buffer.from(`${app.id}##${app.version}`).toString('base64'),
    teamsAppId: app.id,
    displayName: app.displayName,
    version: app.version,
  };
}

function expansions(req: ApiRequest): Set<string> {
  const raw = queryOption(req.query, '$expand');
  const out = new Set<string>();
  for (const part of (raw ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const known = INSTALLED_APP_EXPANDS.find((e) => e.toLowerCase() === part.toLowerCase());
    if (!known)
      throw badRequest(
        `Could not find a property named '${part}' on type 'microsoft.graph.userScopeTeamsAppInstallation'.`,
      );
    out.add(known);
  }
  return out;
}

export function teamworkRoutes(deps: RouteDeps): Route[] {
  const { state } = deps;
  const user = (id: string): UserRecord => state.requireUser(id);

  const entity = (i: InstallationRecord, expand: Set<string>): Record<string, unknown> => {
    const app = state.teamsApps.app(i.teamsAppId);
    const out: Record<string, unknown> = { id: i.id };
    if (expand.has('teamsApp')) out.teamsApp = app ? teamsApp(app) : null;
    if (expand.has('teamsAppDefinition')) out.teamsAppDefinition = app ? definition(app) : null;
    return out;
  };

  const installation = (userId: string, installationId: string): InstallationRecord => {
    const found = state.teamsApps.installation(user(userId).id, installationId);
    if (!found) throw TEAMS_APP_ERRORS.noInstallation(installationId);
    return found;
  };

  return [
    {
      method: 'POST',
      pattern: BASE,
      handler: (req, p) => {
        allowOptions(req, []);
        const u = user(p.id);
        const body = bodyObject(req);
        checkBody(body, INSTALL_APP_FOR_USER);
        const bind = body['teamsApp@odata.bind'];
        const m = typeof bind === 'string' ? TEAMS_APP_BIND.exec(bind) : null;
        if (!m) throw TEAMS_APP_ERRORS.badBind(bind);
        const app = state.teamsApps.app(decodeURIComponent(m[1]));
        if (!app) throw TEAMS_APP_ERRORS.notInCatalog(decodeURIComponent(m[1]));
        if (u.teamsAppsBlocked) throw TEAMS_APP_ERRORS.blocked(state.tenantId, u.id, app.id);
        if (!state.teamsApps.install(u.id, app)) throw TEAMS_APP_ERRORS.alreadyInstalled();
        // 201 with no body (docs).
        return { status: 201 };
      },
    },
    {
      method: 'GET',
      pattern: BASE,
      handler: (req, p) => {
        allowOptions(req, INSTALLED_APPS_LIST.options);
        const u = user(p.id);
        const expand = expansions(req);
        let items = state.teamsApps.forUser(u.id).map((i) => ({ i, full: entity(i, new Set(INSTALLED_APP_EXPANDS)) }));
        const filter = queryOption(req.query, '$filter');
        if (filter !== undefined) {
          const expr = parseFilter(filter);
          checkFilter(expr, FILTERS, 'microsoft.graph.userScopeTeamsAppInstallation');
          items = items.filter(({ full }) => evaluateFilter(expr, objectLookup(full)));
        }
        const select = selectOf(req);
        return json({
          '@odata.context': metadata(deps, `users('${u.id}')/teamwork/installedApps`),
          value: items.map(({ i }) => {
            const e = entity(i, expand);
            return select
              ? { ...project(e, select, ['id'], 'microsoft.graph.userScopeTeamsAppInstallation'), ...pick(e, expand) }
              : e;
          }),
        });
      },
    },
    {
      method: 'GET',
      pattern: `${BASE}/:installationId`,
      handler: (req, p) => {
        allowOptions(req, ['$expand', '$select']);
        const i = installation(p.id, p.installationId);
        return json({
          '@odata.context': metadata(deps, `users('${i.userId}')/teamwork/installedApps/$entity`),
          ...entity(i, expansions(req)),
        });
      },
    },
    {
      method: 'DELETE',
      pattern: `${BASE}/:installationId`,
      handler: (req, p) => {
        allowOptions(req, []);
        const i = installation(p.id, p.installationId);
        state.teamsApps.uninstall(i.userId, i.id);
        return noContent();
      },
    },
    {
      method: 'GET',
      pattern: `${BASE}/:installationId/chat`,
      handler: (req, p) => {
        allowOptions(req, ['$select']);
        const i = installation(p.id, p.installationId);
        const chat: Graph.Chat = {
          id: i.chatId,
          topic: null,
          createdDateTime: i.installedAt,
          lastUpdatedDateTime: i.installedAt,
          chatType: 'oneOnOne',
          tenantId: state.tenantId,
          webUrl: `https://teams.microsoft.com/l/chat/${encodeURIComponent(i.chatId)}/0?tenantId=${state.tenantId}`,
        };
        return json({
          '@odata.context': metadata(deps, 'chats/$entity'),
          ...project(chat, selectOf(req), Object.keys(chat), 'microsoft.graph.chat'),
        });
      },
    },
  ];
}

function pick(e: Record<string, unknown>, keys: Set<string>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(e).filter(([k]) => keys.has(k)));
}
