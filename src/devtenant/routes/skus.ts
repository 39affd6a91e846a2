/**
 * GET /subscribedSkus (reference §1). Only $select is supported; consumedUnits is derived from the
 * users' Active license states every time it is read.
 */
import { resourceNotFound, unsupportedQuery } from '../errors';
import { project, queryOption } from '../odata';
import type { ApiRequest, Route } from '../router';
import { LIST_SUBSCRIBED_SKUS } from '../rules';
import type { DirectoryState } from '../state';
import type { FixtureSku } from '../fixture';
import type { Graph } from '../../tenant/graphTypes';
import { allowOptions, json, metadata, selectOf, type Properties, type RouteDeps } from './shared';

const SKU_FIELDS = [
  'accountName',
  'accountId',
  'appliesTo',
  'capabilityStatus',
  'consumedUnits',
  'id',
  'prepaidUnits',
  'servicePlans',
  'skuId',
  'skuPartNumber',
  'subscriptionIds',
] as const satisfies Properties<Graph.SubscribedSku>;

export function skuEntity(state: DirectoryState, s: FixtureSku): Graph.SubscribedSku {
  return {
    accountName: s.accountName,
    accountId: s.accountId,
    appliesTo: s.appliesTo,
    capabilityStatus: s.capabilityStatus,
    consumedUnits: state.consumedUnits(s.skuId),
    id: `${state.tenantId}_${s.skuId}`,
    prepaidUnits: { ...s.prepaidUnits },
    servicePlans: s.servicePlans.map((p) => ({
      servicePlanId: p.servicePlanId,
      servicePlanName: p.servicePlanName,
      provisioningStatus: 'Success',
      appliesTo: p.appliesTo,
    })),
    skuId: s.skuId,
    skuPartNumber: s.skuPartNumber,
    subscriptionIds: [...s.subscriptionIds],
  };
}

function refuseFilter(req: ApiRequest): void {
  // [U] The reference quotes the doc ("Query filter expressions aren't supported"); the code is a guess.
  if (queryOption(req.query, '$filter') !== undefined)
    throw unsupportedQuery("Query filter expressions aren't supported.");
  allowOptions(req, LIST_SUBSCRIBED_SKUS.options);
}

export function skuRoutes(deps: RouteDeps): Route[] {
  const { state } = deps;
  return [
    {
      method: 'GET',
      pattern: '/v1.0/subscribedSkus',
      handler: (req) => {
        refuseFilter(req);
        const select = selectOf(req);
        return json({
          '@odata.context': metadata(deps, select ? `subscribedSkus(${select.join(',')})` : 'subscribedSkus'),
          value: state
            .listSkus()
            .map((s) => project(skuEntity(state, s), select, SKU_FIELDS, 'microsoft.graph.subscribedSku')),
        });
      },
    },
    {
      method: 'GET',
      pattern: '/v1.0/subscribedSkus/:id',
      handler: (req, p) => {
        refuseFilter(req);
        const [tenant, skuId] = p.id.split('_');
        const sku = tenant?.toLowerCase() === state.tenantId.toLowerCase() && skuId ? state.getSku(skuId) : undefined;
        if (!sku) throw resourceNotFound(p.id);
        const select = selectOf(req);
        return json({
          '@odata.context': metadata(deps, 'subscribedSkus/$entity'),
          ...project(skuEntity(state, sku), select, SKU_FIELDS, 'microsoft.graph.subscribedSku'),
        });
      },
    },
  ];
}
