/** One Bot Connector client per (app, cloud, service URL, audience), reused across turns. */
import { TeamsAdapter } from '@microsoft/teams-ai';
import type {
  BotFrameworkAuthentication,
  ClaimsIdentity,
  ConnectorClient,
  ConnectorFactory,
} from 'botframework-connector';
import { ConnectorReuse, reuseConnectors } from '../../src/bot/connectorReuse';

interface FakeFactory extends ConnectorFactory {
  made: string[];
}

/** Shaped like botbuilder's ConnectorFactoryImpl: bound to an app id, scope and login endpoint. */
function boundFactory(appId: string, made: string[], fail = false): FakeFactory {
  return {
    appId,
    toChannelFromBotOAuthScope: 'https://api.botframework.com',
    loginEndpoint: 'https://login.microsoftonline.com/tenant',
    made,
    async create(serviceUrl: string, audience?: string) {
      made.push(`${appId} ${serviceUrl} ${audience ?? ''}`);
      if (fail) throw new Error('no credential');
      return { serviceUrl } as unknown as ConnectorClient;
    },
  } as unknown as FakeFactory;
}

const claims = (appId: string) =>
  ({ claims: [{ type: 'aud', value: appId }], isAuthenticated: true }) as unknown as ClaimsIdentity;

describe('ConnectorReuse', () => {
  test('the same service URL and audience get the same client; another URL gets its own', async () => {
    const made: string[] = [];
    const reuse = new ConnectorReuse();
    const a = await reuse.factory(boundFactory('app', made)).create('https://smba/emea/', 'aud');
    const b = await reuse.factory(boundFactory('app', made)).create('https://smba/emea/', 'aud');
    const c = await reuse.factory(boundFactory('app', made)).create('https://smba/amer/', 'aud');
    expect(b).toBe(a);
    expect(c).not.toBe(a);
    expect(made).toEqual(['app https://smba/emea/ aud', 'app https://smba/amer/ aud']);
  });

  test('another app id (or cloud) is another client', async () => {
    const made: string[] = [];
    const reuse = new ConnectorReuse();
    await reuse.factory(boundFactory('app-1', made)).create('https://smba/', undefined);
    await reuse.factory(boundFactory('app-2', made)).create('https://smba/', undefined);
    expect(made).toHaveLength(2);
  });

  test('a client that could not be created is tried again next time', async () => {
    const made: string[] = [];
    const reuse = new ConnectorReuse();
    await expect(reuse.factory(boundFactory('app', made, true)).create('https://smba/')).rejects.toThrow(
      'no credential',
    );
    await expect(reuse.factory(boundFactory('app', made, true)).create('https://smba/')).rejects.toThrow(
      'no credential',
    );
    expect(made).toHaveLength(2);
  });

  test('a factory whose binding cannot be read is used as it is', async () => {
    const made: string[] = [];
    const plain = {
      create: async (url: string) => (made.push(url), {} as ConnectorClient),
    };
    const reuse = new ConnectorReuse();
    expect(reuse.factory(plain)).toBe(plain);
  });

  test('inbound turns, proactive messages and user token clients all reuse; everything else passes through', async () => {
    const made: string[] = [];
    let tokenClients = 0;
    const auth = {
      createConnectorFactory: () => boundFactory('app', made),
      authenticateRequest: async () => ({
        audience: 'aud',
        callerId: 'c',
        claimsIdentity: claims('app'),
        connectorFactory: boundFactory('app', made),
      }),
      createUserTokenClient: async () => ({ n: ++tokenClients }),
      getOriginatingAudience() {
        return `origin of ${this === auth ? 'auth' : 'someone else'}`;
      },
    } as unknown as BotFrameworkAuthentication;
    const wrapped = new ConnectorReuse().wrap(auth);
    const inbound = await (
      await wrapped.authenticateRequest({} as never, 'Bearer x')
    ).connectorFactory!.create('https://smba/', 'aud');
    const proactive = await wrapped.createConnectorFactory(claims('app')).create('https://smba/', 'aud');
    expect(proactive).toBe(inbound);
    expect(made).toHaveLength(1);
    expect(await wrapped.createUserTokenClient(claims('app'))).toBe(await wrapped.createUserTokenClient(claims('app')));
    expect(tokenClients).toBe(1);
    expect(wrapped.getOriginatingAudience()).toBe('origin of auth');
  });

  test('a real TeamsAdapter (anonymous, as in dev mode) hands out one client per service URL', async () => {
    const adapter = new TeamsAdapter({});
    const reuse = reuseConnectors(adapter);
    const auth = (adapter as unknown as { botFrameworkAuthentication: BotFrameworkAuthentication })
      .botFrameworkAuthentication;
    // What CloudAdapter builds for a proactive message (createClaimsIdentity).
    const identity = (
      adapter as unknown as { createClaimsIdentity(appId: string): ClaimsIdentity }
    ).createClaimsIdentity('');
    const first = await auth.createConnectorFactory(identity).create('http://127.0.0.1:1/', undefined);
    const second = await auth.createConnectorFactory(identity).create('http://127.0.0.1:1/', undefined);
    expect(second).toBe(first);
    expect(reuse.clients).toBe(1);
  });

  test('a reused client sends without the pipeline steps Dragon Desk never uses, and keeps retry and credentials', async () => {
    const adapter = new TeamsAdapter({});
    reuseConnectors(adapter);
    const auth = (adapter as unknown as { botFrameworkAuthentication: BotFrameworkAuthentication })
      .botFrameworkAuthentication;
    const identity = (
      adapter as unknown as { createClaimsIdentity(appId: string): ClaimsIdentity }
    ).createClaimsIdentity('');
    const client = await auth.createConnectorFactory(identity).create('http://127.0.0.1:1/', undefined);
    const names = (
      client as unknown as { client: { pipeline: { getOrderedPolicies(): { name: string }[] } } }
    ).client.pipeline
      .getOrderedPolicies()
      .map((p) => p.name);
    for (const idle of ['tracingPolicy', 'logPolicy', 'formDataPolicy', 'multipartPolicy'])
      expect(names).not.toContain(idle);
    expect(names).toEqual(
      expect.arrayContaining([
        'serializationPolicy',
        'deserializationPolicy',
        'defaultRetryPolicy',
        'redirectPolicy',
        'proxyPolicy',
        'ServiceClientContext_Credentials_SignRequest',
      ]),
    );
  });
});
