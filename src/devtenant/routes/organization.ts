/**
 * GET /organization: the tenant itself. Dragon Desk's readiness probe calls it because it is the
 * cheapest Graph read that proves the token and the tenant are right.
 */
import type { Graph } from '../../tenant/graphTypes';
import { allowOptions, json, metadata, type Properties, type RouteDeps } from './shared';
import { project, parseSelect, queryOption } from '../odata';
import type { Route } from '../router';

const ORG_FIELDS = [
  'id',
  'displayName',
  'verifiedDomains',
  'tenantType',
  'countryLetterCode',
  'createdDateTime',
] satisfies Properties<Graph.Organization>;

export function organizationRoutes(deps: RouteDeps): Route[] {
  const { state } = deps;
  return [
    {
      method: 'GET',
      pattern: '/v1.0/organization',
      handler: (req) => {
        allowOptions(req, ['$select']);
        const t = state.fixture.tenant;
        const org: Graph.Organization = {
          id: t.id,
          displayName: t.displayName,
          verifiedDomains: t.verifiedDomains.map((name, i) => ({
            capabilities: 'Email, OfficeCommunicationsOnline',
            isDefault: i === 0,
            isInitial: name.endsWith('.onmicrosoft.com'),
            name,
            type: 'Managed',
          })),
          tenantType: 'AAD',
          countryLetterCode: 'US',
          createdDateTime: '2019-03-01T00:00:00Z',
        };
        const select = parseSelect(queryOption(req.query, '$select'));
        return json({
          '@odata.context': metadata(deps, 'organization'),
          value: [project(org, select, ORG_FIELDS, 'microsoft.graph.organization')],
        });
      },
    },
  ];
}
