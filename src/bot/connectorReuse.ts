/**
 * Reuse of Bot Connector clients across turns. botbuilder's CloudAdapter builds a new
 * ConnectorClient (an HTTP pipeline, and with credentials a token provider) and a new
 * UserTokenClient for every inbound turn and every proactive message. For Dragon Desk that was
 * the largest single cost of a card update or a notification (bench/: about a third of a
 * proactive send's CPU), and approvals fan out several per click.
 *
 * The clients are stateless HTTP clients bound to (app id, OAuth scope, login endpoint, service
 * URL, audience), so one per such key serves every turn; botbuilder-dotnet caches them the same
 * way. A factory whose binding can't be read is left alone.
 */
import type { CloudAdapter } from 'botbuilder';
import type {
  AuthenticateRequestResult,
  BotFrameworkAuthentication,
  ClaimsIdentity,
  ConnectorClient,
  ConnectorFactory,
  UserTokenClient,
} from 'botframework-connector';

/** Distinct keys kept; a bot talks to a handful of service URLs. */
const MAX_CLIENTS = 64;

/** What a botbuilder ConnectorFactoryImpl is bound to (its constructor arguments). */
interface FactoryBinding {
  appId?: string;
  toChannelFromBotOAuthScope?: string;
  loginEndpoint?: string;
}

function bindingOf(factory: ConnectorFactory): string | undefined {
  if (!('toChannelFromBotOAuthScope' in factory) || !('loginEndpoint' in factory)) return undefined;
  const b = factory as FactoryBinding & ConnectorFactory;
  return JSON.stringify([b.appId ?? null, b.toChannelFromBotOAuthScope ?? null, b.loginEndpoint ?? null]);
}

class BoundedCache<T> {
  private readonly items = new Map<string, Promise<T>>();

  constructor(private readonly max = MAX_CLIENTS) {}

  get(key: string, make: () => Promise<T>): Promise<T> {
    const hit = this.items.get(key);
    if (hit) return hit;
    const made = make();
    if (this.items.size >= this.max) this.items.delete(this.items.keys().next().value as string);
    this.items.set(key, made);
    // A failed creation (a credential that could not be built) is retried next time.
    made.catch(() => this.items.delete(key));
    return made;
  }

  get size(): number {
    return this.items.size;
  }
}

/**
 * Pipeline steps of the Azure SDK client under ConnectorClient that do nothing for Dragon Desk but
 * cost a step on every message (bench/: about 6% of a proactive card's CPU): spans for an
 * OpenTelemetry tracer it does not register, @azure/logger lines it does not enable, and form-data
 * and multipart bodies it never sends. Retry, redirect, proxy, credentials and (de)serialisation
 * stay.
 */
export const IDLE_CONNECTOR_POLICIES = ['tracingPolicy', 'logPolicy', 'formDataPolicy', 'multipartPolicy'] as const;

interface WithPipeline {
  client?: { pipeline?: { removePolicy(options: { name: string }): unknown } };
}

export function withoutIdlePolicies<T>(connector: T): T {
  const pipeline = (connector as WithPipeline).client?.pipeline;
  if (pipeline) for (const name of IDLE_CONNECTOR_POLICIES) pipeline.removePolicy({ name });
  return connector;
}

export class ConnectorReuse {
  private readonly connectors = new BoundedCache<ConnectorClient>();
  private readonly tokenClients = new BoundedCache<UserTokenClient>();

  /** A factory that hands out one client per (binding, service URL, audience). */
  factory(inner: ConnectorFactory): ConnectorFactory {
    const binding = bindingOf(inner);
    if (binding === undefined) return inner;
    const create = (serviceUrl: string, audience?: string) =>
      this.connectors.get(JSON.stringify([binding, serviceUrl, audience ?? null]), async () =>
        withoutIdlePolicies(await inner.create(serviceUrl, audience)),
      );
    return { create };
  }

  /** `auth` with its connector factories and user token clients reused. */
  wrap(auth: BotFrameworkAuthentication): BotFrameworkAuthentication {
    return new Proxy(auth, {
      get: (target, prop) => {
        if (prop === 'createConnectorFactory')
          return (claims: ClaimsIdentity) => this.factory(target.createConnectorFactory(claims));
        if (prop === 'authenticateRequest' || prop === 'authenticateStreamingRequest') {
          const original = Reflect.get(target, prop, target) as (
            ...args: unknown[]
          ) => Promise<AuthenticateRequestResult>;
          return async (...args: unknown[]) => {
            const result = await original.apply(target, args);
            return result.connectorFactory
              ? { ...result, connectorFactory: this.factory(result.connectorFactory) }
              : result;
          };
        }
        if (prop === 'createUserTokenClient') {
          // Bound to the app id (and cloud) the claims name, which is what the key holds.
          return (claims: ClaimsIdentity) =>
            this.tokenClients.get(
              JSON.stringify(
                claims.claims
                  .filter((c) => ['aud', 'appid', 'azp', 'ver'].includes(c.type))
                  .map((c) => [c.type, c.value]),
              ),
              () => target.createUserTokenClient(claims),
            );
        }
        const value = Reflect.get(target, prop, target) as unknown;
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
  }

  /** Clients created so far (tests). */
  get clients(): number {
    return this.connectors.size;
  }
}

/** Makes `adapter` reuse its connector clients; returns the reuse for inspection. */
export function reuseConnectors(adapter: CloudAdapter): ConnectorReuse {
  const reuse = new ConnectorReuse();
  // CloudAdapterBase keeps its authentication in a (TypeScript-)protected field, read on every turn.
  const auth = Reflect.get(adapter, 'botFrameworkAuthentication') as BotFrameworkAuthentication;
  Object.defineProperty(adapter, 'botFrameworkAuthentication', {
    value: reuse.wrap(auth),
    writable: false,
    configurable: true,
  });
  return reuse;
}
