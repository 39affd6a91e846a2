/**
 * infra/: the Bicep that m365agents.yml deploys, checked for structure since no Bicep compiler is
 * available offline: the parameters file and the template agree, the outputs the toolkit files read
 * exist, and the App Service settings are a configuration src/config.ts accepts in production,
 * with one managed identity as the bot, the Graph/ARM credential and the database login.
 */
import { randomUUID } from 'node:crypto';
import { parseConfig } from '../../src/config';
import { problemsOf } from '../helpers/configProblems';
import { startNodeFlags } from '../../bench/start';
import {
  actionsInOrder,
  appSettings,
  evaluateBicep,
  expandPlaceholders,
  moduleParams,
  placeholdersIn,
  read,
  readBicep,
  readEnvFile,
  readToolkitProject,
  type BicepFile,
  type BicepSamples,
} from '../helpers/deployFiles';

const main = readBicep('infra/azure.bicep');
const bot = readBicep('infra/botRegistration/azurebot.bicep');
const parametersText = read('infra/azure.parameters.json');
const parameterNames = Object.keys((JSON.parse(parametersText) as { parameters: Record<string, unknown> }).parameters);
const envDev = readEnvFile('env/.env.dev');

const CLIENT_ID = randomUUID();
const TENANT = randomUUID();
const APP = randomUUID();

/** What the toolkit would put in place of the parameters file's placeholders for a filled-in env/.env.dev. */
function sampleEnv(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    ...envDev,
    RESOURCE_SUFFIX: 'a1b2c3',
    NURSING_SKU_PART_NUMBER: 'DRAGON_COPILOT_NURSING',
    PHYSICIAN_SKU_PART_NUMBER: 'DRAGON_COPILOT_PHYSICIAN',
    TEAMS_APP_ID: APP,
    ...overrides,
  };
}

function samplesFor(env: Record<string, string>): BicepSamples {
  const expanded = JSON.parse(expandPlaceholders(parametersText, env)) as {
    parameters: Record<string, { value: string }>;
  };
  const params = Object.fromEntries(Object.entries(expanded.parameters).map(([k, v]) => [k, String(v.value)]));
  const base = params.resourceBaseName;
  return {
    params,
    properties: {
      'identity.name': base,
      'identity.id': `/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${base}`,
      'identity.properties.clientId': CLIENT_ID,
      'identity.properties.tenantId': TENANT,
      'identity.properties.principalId': randomUUID(),
      'postgres.properties.fullyQualifiedDomainName': `${base}.postgres.database.azure.com`,
      'appInsights.properties.ConnectionString': `InstrumentationKey=${randomUUID()};IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/`,
    },
  };
}

/** The App Service's environment as Dragon Desk would see it. */
function appEnvironment(bicep: BicepFile, env: Record<string, string>): Record<string, string> {
  const samples = samplesFor(env);
  return Object.fromEntries(appSettings(bicep).map((s) => [s.name, evaluateBicep(s.value, bicep, samples)]));
}

describe('azure.parameters.json and azure.bicep agree', () => {
  test('every parameter in the parameters file is declared in the template', () => {
    const declared = main.params.map((p) => p.name);
    expect(parameterNames.filter((n) => !declared.includes(n))).toEqual([]);
  });

  test('every template parameter without a default gets a value from the parameters file', () => {
    const required = main.params.filter((p) => p.default === undefined).map((p) => p.name);
    expect(required.filter((n) => !parameterNames.includes(n))).toEqual([]);
    expect(required).toEqual(
      expect.arrayContaining(['resourceBaseName', 'nursingSkuPartNumber', 'physicianSkuPartNumber', 'teamsAppId']),
    );
  });

  test('every placeholder of the parameters file is a setting of env/.env.dev, where the operator sees it', () => {
    const missing = placeholdersIn(parametersText).filter((name) => !(name in envDev));
    expect(missing).toEqual([]);
  });

  test('the bot registration module gets every parameter it needs and only parameters it has', () => {
    const passed = moduleParams(main, 'azureBotRegistration');
    const declared = bot.params.map((p) => p.name);
    expect(passed.filter((n) => !declared.includes(n))).toEqual([]);
    const required = bot.params.filter((p) => p.default === undefined).map((p) => p.name);
    expect(required.filter((n) => !passed.includes(n))).toEqual([]);
  });
});

describe('the outputs the Agents Toolkit files read are declared', () => {
  test('each value m365agents.yml uses after arm/deploy comes from the template, an action or env/.env.dev', () => {
    const project = readToolkitProject('m365agents.yml');
    const actions = actionsInOrder(project);
    const armAt = actions.findIndex((a) => a.action.uses === 'arm/deploy');
    expect(armAt).toBeGreaterThanOrEqual(0);
    const fromActions = new Set(actions.flatMap((a) => Object.values(a.action.writeToEnvironmentFile ?? {})));
    const fromParametersFile = new Set(placeholdersIn(parametersText));
    const read = new Set(actions.slice(armAt + 1).flatMap((a) => placeholdersIn(a.action)));
    // Generated values are empty in the committed env file; what the operator fills in is passed
    // to the template, and built-ins (TEAMSFX_ENV) have a value.
    const needOutput = [...read].filter(
      (name) => !fromActions.has(name) && !fromParametersFile.has(name) && !envDev[name],
    );
    expect(needOutput.sort()).toEqual(['AZURE_APP_SERVICE_RESOURCE_ID', 'BOT_ID']);
    expect(needOutput.filter((n) => !main.outputs.includes(n))).toEqual([]);
  });

  test('the template outputs what README and the permission script use, and env/.env.dev lists each output', () => {
    expect(main.outputs).toEqual(
      expect.arrayContaining(['BOT_ENDPOINT', 'AZURE_MANAGED_IDENTITY_PRINCIPAL_ID', 'POSTGRES_SERVER_FQDN']),
    );
    expect(main.outputs.filter((o) => !(o in envDev))).toEqual([]);
  });
});

describe('the App Service settings are what src/config.ts requires in production', () => {
  test('Dragon Desk accepts them: production, the managed identity as bot and Graph credential, Entra sign-in to PostgreSQL, telemetry on', () => {
    const env = appEnvironment(main, sampleEnv());
    expect(problemsOf(env)).toEqual([]);
    const c = parseConfig(env);
    expect(c.mode).toBe('production');
    expect(c.tenantId).toBe(TENANT);
    expect(c.bot).toEqual({ appId: CLIENT_ID, appPassword: undefined, appType: 'UserAssignedMsi' });
    expect(c.credential).toEqual({ kind: 'managed-identity', clientId: CLIENT_ID });
    expect(c.databaseAuth).toBe('entra');
    expect(new URL(c.databaseUrl!).username).toBe(samplesFor(sampleEnv()).params.resourceBaseName);
    expect(new URL(c.databaseUrl!).password).toBe('');
    expect(c.telemetry?.connectionString).toMatch(/^InstrumentationKey=/);
    expect(c.teamsAppId).toBe(APP);
    expect(c.licenses.nursing).toEqual({ skuPartNumber: 'DRAGON_COPILOT_NURSING', groupId: undefined });
  });

  test('a group id in env/.env.dev reaches Dragon Desk; `none` means no group', () => {
    const group = randomUUID();
    const c = parseConfig(appEnvironment(main, sampleEnv({ NURSING_GROUP_ID: group, DRAGON_ADMIN_GROUP_ID: 'none' })));
    expect(c.licenses.nursing.groupId).toBe(group);
    expect(c.dragonAdminGroupId).toBeUndefined();
  });

  test('each setting Dragon Desk cannot start without is there: taking any one away is refused by name', () => {
    const env = appEnvironment(main, sampleEnv());
    const required = Object.keys(env).filter((name) => {
      const rest = { ...env };
      delete rest[name];
      const problems = problemsOf(rest);
      if (problems.length) expect(problems.join('\n')).toContain(name);
      return problems.length > 0;
    });
    expect(required.sort()).toEqual([
      'APP_MODE', // without it Dragon Desk would start in dev mode, and dev refuses DATABASE_AUTH=entra
      'BOT_APP_ID',
      'BOT_APP_TYPE', // the default, SingleTenant, needs a password; the managed identity has none
      'DATABASE_URL',
      'NURSING_SKU_PART_NUMBER',
      'PHYSICIAN_SKU_PART_NUMBER',
      'TENANT_ID',
    ]);
  });

  test('every setting is one Dragon Desk reads, or one of App Service’s own', () => {
    const known = new Set([...read('src/config.ts').matchAll(/'([A-Z][A-Z0-9_]+)'/g)].map((m) => m[1]));
    const unknown = appSettings(main)
      .map((s) => s.name)
      .filter((n) => !known.has(n) && !/^(SCM_|WEBSITE_|NPM_CONFIG_)/.test(n));
    expect(unknown).toEqual([]);
  });

  test('one identity: the bot, the Graph/ARM credential and the database login are the same managed identity', () => {
    const settings = Object.fromEntries(appSettings(main).map((s) => [s.name, s.value]));
    expect(settings.BOT_APP_ID).toBe('identity.properties.clientId');
    expect(settings.AZURE_CLIENT_ID).toBe('identity.properties.clientId');
    expect(settings.DATABASE_URL).toMatch(/^'postgres:\/\/\$\{identity\.name\}@/);
    expect(main.text).toMatch(/userAssignedIdentities:\s*\{\s*'\$\{identity\.id\}':\s*\{\}/);
    expect(moduleParams(main, 'azureBotRegistration')).toEqual(
      expect.arrayContaining(['identityResourceId', 'identityClientId', 'identityTenantId']),
    );
    expect(bot.text).toMatch(/msaAppType:\s*'UserAssignedMSI'/);
    expect(bot.text).toMatch(/msaAppMSIResourceId:\s*identityResourceId/);
    expect(bot.text).toMatch(/msaAppId:\s*identityClientId/);
  });
});

describe('the resources', () => {
  test('Linux App Service on Node 20, started as npm start starts the compiled code', () => {
    expect(main.resources.webApp).toMatch(/^Microsoft\.Web\/sites@/);
    expect(main.text).toMatch(/linuxFxVersion:\s*'NODE\|20-lts'/);
    expect(main.text).toMatch(/reserved:\s*true/);
    const command = /appCommandLine:\s*'([^']+)'/.exec(main.text)?.[1];
    expect(command).toBe(['node', ...startNodeFlags(), 'dist/src/main.js'].join(' '));
  });

  test('the Azure Bot has the Teams channel', () => {
    expect(bot.resources.botService).toMatch(/^Microsoft\.BotService\/botServices@/);
    expect(bot.resources.teamsChannel).toMatch(/^Microsoft\.BotService\/botServices\/channels@/);
    expect(bot.text).toMatch(/name:\s*'MsTeamsChannel'/);
    expect(bot.text).toMatch(/endpoint:\s*'https:\/\/\$\{botAppDomain\}\/api\/messages'/);
  });

  test('PostgreSQL accepts Microsoft Entra sign-in only, with the identity as its Entra administrator', () => {
    expect(main.resources.postgres).toMatch(/^Microsoft\.DBforPostgreSQL\/flexibleServers@/);
    expect(main.text).toMatch(/activeDirectoryAuth:\s*'Enabled'/);
    expect(main.text).toMatch(/passwordAuth:\s*'Disabled'/);
    expect(main.text).not.toMatch(/administratorLoginPassword/);
    expect(main.resources.postgresAdmin).toMatch(/^Microsoft\.DBforPostgreSQL\/flexibleServers\/administrators@/);
    const admin = main.text.slice(main.text.indexOf('resource postgresAdmin'));
    expect(admin).toMatch(/name:\s*identity\.properties\.principalId/);
    expect(admin).toMatch(/principalType:\s*'ServicePrincipal'/);
    expect(admin).toMatch(/principalName:\s*identity\.name/);
  });

  test('Application Insights is workspace-based and its connection string reaches the app', () => {
    expect(main.resources.appInsights).toMatch(/^Microsoft\.Insights\/components@/);
    expect(main.text).toMatch(/WorkspaceResourceId:\s*workspace\.id/);
    const settings = Object.fromEntries(appSettings(main).map((s) => [s.name, s.value]));
    expect(settings.APPLICATIONINSIGHTS_CONNECTION_STRING).toBe('appInsights.properties.ConnectionString');
  });
});
