/**
 * GET /appCatalogs/teamsApps: the organisation's Teams app catalog, which holds Dragon Desk as
 * appPackage/manifest.json describes it (the dev tenant's stand-in for an app an administrator has
 * published). `externalId` is the manifest id; `id` is the catalog's own, as in Graph.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fromRoot } from '../../paths';
import { checkFilter, evaluateFilter, objectLookup, parseFilter, queryOption, type FilterSupport } from '../odata';
import type { Route } from '../router';
import { allowOptions, listResponse, type RouteDeps } from './shared';

const FILTERS: FilterSupport = { externalId: ['eq'], distributionMethod: ['eq'], displayName: ['eq'], id: ['eq'] };

/** A stable catalog id for a manifest id (Graph generates its own; it is never the manifest's). */
function catalogId(externalId: string): string {
  const h = createHash('sha256').update(`teams-catalog:${externalId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function catalog(): Record<string, unknown>[] {
  const manifest = JSON.parse(readFileSync(fromRoot('appPackage', 'manifest.json'), 'utf8')) as {
    id: string;
    name: { short: string };
  };
  return [
    {
      id: catalogId(manifest.id),
      externalId: manifest.id,
      displayName: manifest.name.short,
      distributionMethod: 'organization',
    },
  ];
}

export function appCatalogRoutes(deps: RouteDeps): Route[] {
  return [
    {
      method: 'GET',
      pattern: '/v1.0/appCatalogs/teamsApps',
      handler: (req) => {
        allowOptions(req, ['$filter', '$top', '$select']);
        let apps = catalog();
        const filter = queryOption(req.query, '$filter');
        if (filter !== undefined) {
          const expr = parseFilter(filter);
          checkFilter(expr, FILTERS, 'TeamsApp');
          apps = apps.filter((a) => evaluateFilter(expr, objectLookup(a)));
        }
        return listResponse(req, deps, apps, (a) => a, {
          context: 'appCatalogs/teamsApps',
          defaultTop: 100,
          maxTop: 999,
        });
      },
    },
  ];
}
