/**
 * `npm run cluster`: embedded PostgreSQL, one dev tenant and several Dragon Desk processes behind a
 * round-robin proxy — the Playground's "bot" is the proxy, and every turn may land on any instance.
 */
import { startCluster, type Cluster } from '../../src/cli/cluster';
import { FakeConnector, messageText } from '../helpers/connector';
import { freePort } from '../../src/cli/ports';
import { ProcessPerson } from '../helpers/processes';

let cluster: Cluster | undefined;
const connector = new FakeConnector();
beforeAll(() => connector.start());
afterAll(async () => {
  await cluster?.stop();
  await connector.stop();
});

test('two instances answer in turn behind the proxy, on one database and one tenant', async () => {
  cluster = await startCluster({
    size: 2,
    port: await freePort(),
    devTenantPort: await freePort(),
    // Ports picked free, not the ones above the proxy's: other test files open servers meanwhile.
    instancePorts: [await freePort(), await freePort()],
    env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'warn', WORKER_INTERVAL_MS: '200' },
    log: () => undefined,
  });
  expect(cluster.instances).toHaveLength(2);
  for (const i of cluster.instances)
    expect((await fetch(`http://127.0.0.1:${i.port}/readyz`).then((r) => r.json())) as object).toMatchObject({
      status: 'ready',
    });

  const dana = ProcessPerson.persona('dana', connector.url);
  for (const question of ['help', 'how many nursing seats are left?', 'my requests', 'what is waiting for me?'])
    await dana.say(cluster, question);
  const said = connector.messages(dana.conversationId).map((m) => messageText(m.activity));
  expect(said.join('\n')).toMatch(/Hi Dana/);
  expect(said.join('\n')).toMatch(/seats/i);
  expect(said.join('\n')).toMatch(/haven't made any requests|Nothing is waiting/);
  // Greeted once across both instances: the first contact is a fact in the shared store.
  expect(said.filter((t) => /Hi Dana, I'm Dragon Desk/.test(t))).toHaveLength(1);
}, 120_000);
