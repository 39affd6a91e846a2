/**
 * Installing Dragon Desk for a person through Graph, so its bot can reach them before they ever
 * opened it (Microsoft's "proactive installation" pattern, the one Teleport's Teams plugin uses):
 * find the catalog app by manifest id, install it in the person's personal scope (201, or 409 when
 * it already is), then read the installation's 1:1 chat. Requests and answers here; the calls are
 * made by GraphTenantClient. Sources: Graph docs userteamwork-post-installedapps,
 * userteamwork-list-installedapps, userscopeteamsappinstallation-get-chat.
 */
import type { Graph } from './graphTypes';
import { odataString, queryString, seg } from './graphQueries';
import { TeamsAppError, TenantError, type AppInstallation } from './types';

export function installedAppsPath(userId: string): string {
  return `/users/${seg(userId)}/teamwork/installedApps`;
}

/**
 * The body that names the catalog app: a bind to it on the public Graph host, as the docs write
 * it (the host is part of the reference, not where the request goes).
 */
export function installBody(catalogAppId: string): Record<string, string> {
  return { 'teamsApp@odata.bind': `https://graph.microsoft.com/v1.0/appCatalogs/teamsApps/${catalogAppId}` };
}

/** The installation of one catalog app, looked up the way Teleport does (by the catalog id). */
export function installationQuery(userId: string, catalogAppId: string): string {
  return `${installedAppsPath(userId)}${queryString({ $expand: 'teamsApp', $filter: `teamsApp/id eq ${odataString(catalogAppId)}` })}`;
}

export function chatPath(userId: string, installationId: string): string {
  return `${installedAppsPath(userId)}/${seg(installationId)}/chat`;
}

type InstallationAnswer = Pick<Graph.UserScopeTeamsAppInstallation, 'id'> & {
  teamsApp?: Pick<Graph.TeamsApp, 'id'> | null;
};

export function installationFrom(answer: InstallationAnswer | undefined): AppInstallation | undefined {
  if (!answer?.id || !answer.teamsApp?.id) return undefined;
  return { id: answer.id, teamsAppId: answer.teamsApp.id };
}

/**
 * Dragon Desk's own app lacking the Graph permission is a set-up problem (the doctor's), not a
 * person Teams keeps the app from: those 403s stay plain TenantErrors.
 */
const MISSING_PERMISSION = /missing role permissions|insufficient privileges/i;

/** A refusal the flow can report, or the error as it came. */
export function teamsAppRefusal(err: unknown, on404: 'not-in-catalog' | 'not-installed'): unknown {
  if (!(err instanceof TenantError) || err instanceof TeamsAppError) return err;
  if (err.status === 403 && err.code !== 'Authorization_RequestDenied' && !MISSING_PERMISSION.test(err.message))
    return new TeamsAppError('blocked', err);
  if (err.status === 404) return new TeamsAppError(on404, err);
  return err;
}
