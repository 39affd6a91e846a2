/**
 * The groups that carry the licenses and the role are a fact in the store that every instance
 * reads: a set-up on one instance routes the next request on another to the new group's owner at
 * once, with no restart (two instances on one PostgreSQL, one dev tenant).
 */
import { startDevTenant, type DevTenant } from '../../src/devtenant/server';
import { Harness, cardText } from '../helpers/harness';
import { startPostgres, type TestPostgres } from '../helpers/postgres';

const NO_GROUPS = { NURSING_GROUP_ID: '', PHYSICIAN_GROUP_ID: '', DRAGON_ADMIN_GROUP_ID: '' };

let pg: TestPostgres;
let tenant: DevTenant;
let a: Harness | undefined;
let b: Harness | undefined;
beforeAll(async () => {
  pg = await startPostgres();
}, 60_000);
afterAll(async () => pg?.stop());
beforeEach(async () => {
  tenant = await startDevTenant({ fixture: 'empty-tenant' });
});
afterEach(async () => {
  await a?.stop();
  await b?.stop();
  a = b = undefined;
  await tenant.close();
});

test('set-up on one instance; a nursing request on the other goes to the new group’s owner at once', async () => {
  const url = await pg.createDatabase();
  a = await Harness.start({ databaseUrl: url, devTenant: tenant, startWorker: false, env: NO_GROUPS });
  b = await Harness.start({ databaseUrl: url, devTenant: tenant, startWorker: false, env: NO_GROUPS });

  // Before set-up, instance B knows no license group: a nurse's request would go to the License
  // Administrators. B has read that (its caches are warm) before set-up happens on A.
  await b.as('leo').say('hi');
  await b.as('grace').say('hi');
  const dana = b.as('dana');
  await dana.say('I need a Dragon nursing license');
  expect(cardText(dana.lastCard().card)).toMatch(/Dragon Copilot nursing/);
  await dana.click(dana.lastCard(), 'Cancel');

  const grace = a.as('grace');
  await grace.say('set up Dragon licensing');
  await grace.click(grace.lastCard(), 'Confirm');
  await a.settle();
  const nursing = tenant.state.listGroups().find((g) => g.displayName === 'Dragon Copilot Nursing');
  expect(nursing).toBeDefined();

  await dana.say('I need a Dragon nursing license');
  await dana.click(dana.lastCard(), 'Send for approval', { justification: 'night shift charting' });
  const [req] = await b.desk.store.requests.listByRequester(dana.id, 1);
  expect(req.state).toBe('pending');
  // Grace ran set-up and became the owner of the group it created; License Administrators are
  // only the fallback when a group has no owner.
  expect(req.approvers.map((x) => x.displayName)).toEqual(['Grace Liu']);
  expect(req.approvers[0].reason).toMatch(/owner of the group “Dragon Copilot Nursing”/);
});
