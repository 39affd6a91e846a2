/**
 * The Teams adapter. With credentials it validates every inbound Bot Framework JWT (SingleTenant
 * or user-assigned managed identity — new multi-tenant registrations are deprecated); without them
 * it runs anonymous, which config allows only in dev mode, for the Agents Playground.
 */
import { ConfigurationServiceClientCredentialFactory } from 'botbuilder';
import { TeamsAdapter } from '@microsoft/teams-ai/lib/TeamsAdapter';
import type { Config } from '../config';
import { reuseConnectors } from './connectorReuse';

export function createAdapter(config: Config): TeamsAdapter {
  const adapter = newAdapter(config);
  reuseConnectors(adapter);
  return adapter;
}

function newAdapter(config: Config): TeamsAdapter {
  if (!config.bot.appId) return new TeamsAdapter({});
  const settings = {
    MicrosoftAppId: config.bot.appId,
    MicrosoftAppType: config.bot.appType,
    MicrosoftAppTenantId: config.tenantId,
    ...(config.bot.appType === 'SingleTenant' ? { MicrosoftAppPassword: config.bot.appPassword } : {}),
  };
  return new TeamsAdapter(settings, new ConfigurationServiceClientCredentialFactory(settings));
}
