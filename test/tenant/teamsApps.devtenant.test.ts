/**
 * Installing Dragon Desk for a person and finding the chat it opens (the proactive installation
 * pattern), through GraphTenantClient against the dev tenant: typed outcomes for installed and
 * already installed, typed refusals for an app kept away by policy, a catalog app that does not
 * exist and an installation that is gone; the dev tenant refusing what Graph refuses on the wire.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { persona } from '../../src/devtenant/fixture';
import { startDevTenant, type DevTenant } from '../../src/devtenant/server';
import type { InstallationRecord } from '../../src/devtenant/state';
import { GraphTenantClient } from '../../src/tenant/graphClient';
import { devTokenSource } from '../../src/tenant/tokens';
import { TeamsAppError, TenantError } from '../../src/tenant/types';
import { call } from '../devtenant/http';

const MANIFEST = JSON.parse(readFileSync(path.join(__dirname, '../../appPackage/manifest.json'), 'utf8')) as {
  id: string;
  bots: { botId: string }[];
};

let dt: DevTenant;
let client: GraphTenantClient;
beforeEach(async () => {
  dt = await startDevTenant({ port: 0 });
  client = new GraphTenantClient({ graphBaseUrl: dt.url, armBaseUrl: dt.url, tokens: devTokenSource('dev') });
});
afterEach(() => dt.close());

async function catalogAppId(): Promise<string> {
  const app = await client.findCatalogApp(MANIFEST.id);
  if (!app) throw new Error('Dragon Desk is not in the dev tenant catalog');
  return app.id;
}

async function refusal(run: Promise<unknown>): Promise<TeamsAppError> {
  try {
    await run;
  } catch (err) {
    if (err instanceof TeamsAppError) return err;
    throw err;
  }
  throw new Error('expected a TeamsAppError');
}

test('install for a person, again (already installed), then find the installation and its chat', async () => {
  const nina = persona('nina').id;
  const appId = await catalogAppId();
  expect(appId).not.toBe(MANIFEST.id);
  const events: InstallationRecord[] = [];
  dt.state.teamsApps.onInstalled((i) => events.push(i));

  expect(await client.installationOf(nina, appId)).toBeUndefined();
  expect(await client.installAppForUser(nina, appId)).toBe('installed');
  expect(await client.installAppForUser(nina, appId)).toBe('alreadyInstalled');

  const installation = await client.installationOf(nina, appId);
  expect(installation).toEqual({ id: expect.any(String), teamsAppId: appId });
  expect(installation!.id).not.toBe(appId);
  const chatId = await client.chatOfInstallation(nina, installation!.id);
  expect(chatId).toBe(`19:${nina}_${MANIFEST.bots[0].botId}@unq.gbl.spaces`);

  // Where Teams would tell the bot: once, with the chat, also listed by the hook.
  expect(events).toEqual([expect.objectContaining({ userId: nina, id: installation!.id, chatId })]);
  const hook = await call(dt, 'GET', '/_devtenant/teams/installations', { token: null });
  expect(hook.body.installations).toEqual([expect.objectContaining({ userId: nina, chatId })]);
  // Someone else's installations are their own.
  expect(await client.installationOf(persona('omar').id, appId)).toBeUndefined();
});

test('an app permission policy that keeps the app from someone is a typed refusal: blocked (403)', async () => {
  const err = await refusal(client.installAppForUser(persona('tomas').id, await catalogAppId()));
  expect(err).toMatchObject({ refusal: 'blocked', status: 403, code: 'Forbidden' });
  expect(err.message).toMatch(/App is blocked by app permission policy/);
  expect(err.requestId).toEqual(expect.any(String));
});

test('a catalog app that does not exist is a typed refusal: not-in-catalog (404)', async () => {
  const err = await refusal(client.installAppForUser(persona('nina').id, '00000000-0000-4000-a000-000000000000'));
  expect(err).toMatchObject({ refusal: 'not-in-catalog', status: 404 });
});

test('the chat of an installation that is gone (the person uninstalled the app) is a typed refusal: not-installed', async () => {
  const nina = persona('nina').id;
  const appId = await catalogAppId();
  await client.installAppForUser(nina, appId);
  const installation = (await client.installationOf(nina, appId))!;
  const removed = await call(
    dt,
    'DELETE',
    `/v1.0/users/${nina}/teamwork/installedApps/${encodeURIComponent(installation.id)}`,
  );
  expect(removed.status).toBe(204);
  expect(await refusal(client.chatOfInstallation(nina, installation.id))).toMatchObject({ refusal: 'not-installed' });
  expect(await client.installationOf(nina, appId)).toBeUndefined();
  expect(await client.installAppForUser(nina, appId)).toBe('installed');
});

test('without the Teams permission the app gets a plain 403, not a refusal about the person', async () => {
  for (const p of ['TeamsAppInstallation.ReadWriteSelfForUser.All'])
    await call(dt, 'POST', '/_devtenant/permissions/revoke', { body: { permission: p }, token: null });
  const appId = await catalogAppId();
  const err = await client.installAppForUser(persona('nina').id, appId).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(TenantError);
  expect(err).not.toBeInstanceOf(TeamsAppError);
  expect(err).toMatchObject({
    status: 403,
    message: expect.stringMatching(/TeamsAppInstallation\.ReadWriteSelfForUser\.All/),
  });
  await call(dt, 'DELETE', '/_devtenant/permissions', { token: null });
});

describe('the dev tenant refuses what Graph refuses', () => {
  const nina = () => persona('nina').id;
  const post = (body: unknown) => call(dt, 'POST', `/v1.0/users/${nina()}/teamwork/installedApps`, { body });

  test('the install body binds a catalog app and holds nothing else', async () => {
    const appId = await catalogAppId();
    const bind = `https://graph.microsoft.com/v1.0/appCatalogs/teamsApps/${appId}`;
    expect((await post({ teamsApp: appId })).status).toBe(400);
    expect((await post({ 'teamsApp@odata.bind': bind, displayName: 'x' })).status).toBe(400);
    expect((await post({ 'teamsApp@odata.bind': `https://graph.microsoft.com/v1.0/users/${appId}` })).status).toBe(400);
    expect((await post({})).body.error.message).toMatch(/teamsApp@odata\.bind/);
    const ok = await post({ 'teamsApp@odata.bind': bind });
    expect(ok.status).toBe(201);
    expect(ok.body).toBeUndefined();
    const again = await post({ 'teamsApp@odata.bind': bind });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'Conflict', innerError: { 'request-id': expect.any(String) } });
  });

  test('lists installations with the app expanded and filtered on it; unknown expansions and filters fail', async () => {
    const appId = await catalogAppId();
    await client.installAppForUser(nina(), appId);
    const base = `/v1.0/users/${nina()}/teamwork/installedApps`;
    const byExternal = await call(
      dt,
      'GET',
      `${base}?$expand=teamsApp,teamsAppDefinition&$filter=teamsApp/externalId eq '${MANIFEST.id}'`,
    );
    expect(byExternal.status).toBe(200);
    expect(byExternal.body.value).toEqual([
      {
        id: expect.any(String),
        teamsApp: {
          id: appId,
          externalId: MANIFEST.id,
          displayName: 'Dragon Desk',
          distributionMethod: 'organization',
        },
        teamsAppDefinition: expect.objectContaining({ teamsAppId: appId, version: expect.any(String) }),
      },
    ]);
    const plain = await call(dt, 'GET', base);
    expect(plain.body.value).toEqual([{ id: byExternal.body.value[0].id }]);
    expect((await call(dt, 'GET', `${base}?$filter=teamsApp/id eq 'nope'&$expand=teamsApp`)).body.value).toEqual([]);
    expect((await call(dt, 'GET', `${base}?$expand=chat`)).status).toBe(400);
    expect((await call(dt, 'GET', `${base}?$filter=displayName eq 'x'`)).status).toBe(400);
    expect((await call(dt, 'GET', `${base}?$orderby=id`)).status).toBe(400);
  });

  test('inside $batch too, with each answer its own', async () => {
    const appId = await catalogAppId();
    const bind = `https://graph.microsoft.com/v1.0/appCatalogs/teamsApps/${appId}`;
    const answers = await client.batch([
      {
        id: '1',
        method: 'POST',
        url: `/users/${nina()}/teamwork/installedApps`,
        body: { 'teamsApp@odata.bind': bind },
        headers: { 'Content-Type': 'application/json' },
      },
      {
        id: '2',
        method: 'POST',
        url: `/users/${persona('tomas').id}/teamwork/installedApps`,
        body: { 'teamsApp@odata.bind': bind },
        headers: { 'Content-Type': 'application/json' },
      },
    ]);
    expect(answers.map((a) => a.status)).toEqual([201, 403]);
  });
});
