/**
 * GET /appCatalogs/teamsApps: the organisation's Teams app catalog (state/teamsApps.ts), which
 * holds Dragon Desk as appPackage/manifest.json describes it. `externalId` is the manifest id;
 * `id` is the catalog's own, as in Graph.
 */
import { checkFilter, evaluateFilter, objectLookup, parseFilter, queryOption, type FilterSupport } from '../odata';
import type { Route } from '../router';
import { catalogApps } from '../state/teamsApps';
import { allowOptions, listResponse, type RouteDeps } from './shared';

const FILTERS: FilterSupport = { externalId: ['eq'], distributionMethod: ['eq'], displayName: ['eq'], id: ['eq'] };

export function appCatalogRoutes(deps: RouteDeps): Route[] {
  return [
    {
      method: 'GET',
      pattern: '/v1.0/appCatalogs/teamsApps',
      handler: (req) => {
        allowOptions(req, ['$filter', '$top', '$select']);
        let apps = catalogApps().map(({ id, externalId, displayName, distributionMethod }) => ({
          id,
          externalId,
          displayName,
          distributionMethod,
        }));
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
