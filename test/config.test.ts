/**
 * Config: one typed module reads the environment; every problem is reported at once by
 * name with what is expected; production without Bot Framework credentials refuses to start; dev
 * without them is anonymous against the dev tenant; secrets are never printed.
 */
import { existsSync, mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import dotenv from 'dotenv';
import { SECRET_VARIABLES, describeConfig, loadConfig, parseConfig, withDevDefaults, type Config } from '../src/config';
import { createLogger, memoryLogger, redact, scrub } from '../src/log';
import { problemsOf } from './helpers/configProblems';

const TENANT = '7b1c1a40-0c5e-4d8a-9f7e-1c0a7e5a1e01';
const APP_ID = '3f0e2a6c-1111-4c2b-9d3e-5a6b7c8d9e0f';

/** The least a dev start needs. */
const DEV: Record<string, string> = {
  TENANT_ID: TENANT,
  NURSING_SKU_PART_NUMBER: 'DRAGON_COPILOT_NURSING',
  PHYSICIAN_SKU_PART_NUMBER: 'DRAGON_COPILOT_PHYSICIAN',
};
/** The least a production start needs (managed identity towards Graph, a SingleTenant bot). */
const PROD: Record<string, string> = {
  ...DEV,
  APP_MODE: 'production',
  BOT_APP_ID: APP_ID,
  BOT_APP_PASSWORD: 'bot-pw-Zq8',
};

describe('parseConfig reports every problem at once, by name, with what is expected', () => {
  test.each<[string, Record<string, string>, [name: string, expectation: RegExp][]]>([
    [
      'nothing set',
      {},
      [
        ['TENANT_ID', /required, expected a GUID/],
        ['NURSING_SKU_PART_NUMBER', /required.*skuPartNumber/],
        ['PHYSICIAN_SKU_PART_NUMBER', /required.*skuPartNumber/],
      ],
    ],
    [
      'a bad port and a bad tenant',
      { ...DEV, PORT: 'abc', TENANT_ID: 'nope' },
      [
        ['PORT', /expected a whole number from 0 to 65535, got "abc"/],
        ['TENANT_ID', /expected a GUID.*got "nope"/],
      ],
    ],
    [
      'out-of-range numbers and a bad boolean',
      { ...DEV, PORT: '70000', REQUEST_EXPIRY_HOURS: '0', PIM_ENABLED: 'maybe' },
      [
        ['PORT', /from 0 to 65535, got "70000"/],
        ['REQUEST_EXPIRY_HOURS', /whole number from 1/],
        ['PIM_ENABLED', /expected true or false, got "maybe"/],
      ],
    ],
    [
      'bad choices and group ids',
      { ...DEV, APP_MODE: 'staging', NURSING_GROUP_ID: 'nurses', LOG_LEVEL: 'loud' },
      [
        ['APP_MODE', /expected one of dev, production, got "staging"/],
        ['NURSING_GROUP_ID', /expected a GUID/],
        ['LOG_LEVEL', /expected one of debug, info, warn, error/],
      ],
    ],
    [
      'settings that need a partner setting',
      { ...DEV, APPROVALS_CHANNEL_ID: '19:abc@thread.tacv2', AZURE_OPENAI_ENDPOINT: 'https://x.openai.azure.com' },
      [
        ['APPROVALS_SERVICE_URL', /required when APPROVALS_CHANNEL_ID is set/],
        ['AZURE_OPENAI_DEPLOYMENT', /required when AZURE_OPENAI_ENDPOINT is set/],
      ],
    ],
    [
      'a DATABASE_URL that is not PostgreSQL',
      { ...DEV, DATABASE_URL: 'mysql://u:p@db/x' },
      [['DATABASE_URL', /expected a PostgreSQL URL/]],
    ],
  ])('%s', (_case, env, expected) => {
    const problems = problemsOf(env);
    for (const [name, expectation] of expected) {
      const line = problems.find((p) => p.startsWith(`${name}:`));
      expect(line).toBeDefined();
      expect(line).toMatch(expectation);
    }
    // Exactly these, reported together — not the first one only.
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(expected.map(([n]) => n).sort());
  });

  test('the error message lists every problem on its own line', () => {
    let message = '';
    try {
      parseConfig({ ...DEV, PORT: 'abc', TENANT_ID: 'nope' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/cannot start/);
    expect(message).toMatch(/\n {2}- PORT: /);
    expect(message).toMatch(/\n {2}- TENANT_ID: /);
  });

  test('a minimal dev environment is accepted with documented defaults', () => {
    const c = parseConfig(DEV);
    expect(c.mode).toBe('dev');
    expect(c.port).toBe(3978);
    expect(c.host).toBe('127.0.0.1');
    expect(c.tenantId).toBe(TENANT);
  });
});

describe('Bot Framework credentials and modes', () => {
  test.each<[string, Record<string, string>, RegExp[]]>([
    [
      'production without BOT_APP_ID or password',
      { ...DEV, APP_MODE: 'production' },
      [/^BOT_APP_ID: required in production/, /^BOT_APP_PASSWORD: required in production/],
    ],
    [
      'production without the password',
      { ...PROD, BOT_APP_PASSWORD: '' },
      [/^BOT_APP_PASSWORD: required in production/],
    ],
    ['production without the app id', { ...PROD, BOT_APP_ID: '' }, [/^BOT_APP_ID: required/]],
    [
      'a user-assigned managed identity with a password',
      { ...PROD, BOT_APP_TYPE: 'UserAssignedMsi' },
      [/^BOT_APP_PASSWORD: must be empty when BOT_APP_TYPE=UserAssignedMsi/],
    ],
    [
      'a password without an app id, even in dev',
      { ...DEV, BOT_APP_PASSWORD: 'x' },
      [/^BOT_APP_ID: required when BOT_APP_PASSWORD is set/],
    ],
    [
      'client-secret credential without the secret',
      { ...PROD, AZURE_CREDENTIAL: 'client-secret', AZURE_CLIENT_ID: APP_ID },
      [/^AZURE_CLIENT_SECRET: required/],
    ],
  ])('%s is refused with the reason', (_case, env, reasons) => {
    const problems = problemsOf(env);
    expect(problems.length).toBeGreaterThan(0);
    for (const reason of reasons) expect(problems.some((p) => reason.test(p))).toBe(true);
  });

  test('production with credentials starts against Microsoft Graph and ARM', () => {
    const c = parseConfig(PROD);
    expect(c.bot).toEqual({ appId: APP_ID, appPassword: 'bot-pw-Zq8', appType: 'SingleTenant' });
    expect(c.graphBaseUrl).toBe('https://graph.microsoft.com');
    expect(c.armBaseUrl).toBe('https://management.azure.com');
    expect(c.devTenant).toBeUndefined();
    expect(c.host).toBe('0.0.0.0');
  });

  test('production with a user-assigned managed identity needs no password', () => {
    const c = parseConfig({ ...PROD, BOT_APP_TYPE: 'UserAssignedMsi', BOT_APP_PASSWORD: '' });
    expect(c.bot.appType).toBe('UserAssignedMsi');
    expect(c.bot.appPassword).toBeUndefined();
  });

  test('dev without credentials is anonymous against the dev tenant, whatever GRAPH_BASE_URL says', () => {
    const c = parseConfig({
      ...DEV,
      DEV_TENANT_PORT: '6123',
      GRAPH_BASE_URL: 'https://graph.microsoft.com',
      ARM_BASE_URL: 'https://management.azure.com',
    });
    expect(c.bot.appId).toBeUndefined();
    expect(c.bot.appPassword).toBeUndefined();
    expect(c.devTenant?.port).toBe(6123);
    expect(c.graphBaseUrl).toBe('http://127.0.0.1:6123');
    expect(c.armBaseUrl).toBe('http://127.0.0.1:6123');
    expect(c.credential).toBeUndefined();
  });

  test('DEV_TENANT_LATENCY_MS: none by default, a fixed latency or a uniform spread, anything else refused', () => {
    expect(parseConfig(DEV).devTenant?.latency).toBeUndefined();
    expect(parseConfig({ ...DEV, DEV_TENANT_LATENCY_MS: '100' }).devTenant?.latency).toEqual({
      minMs: 100,
      maxMs: 100,
    });
    expect(parseConfig({ ...DEV, DEV_TENANT_LATENCY_MS: '80-250' }).devTenant?.latency).toEqual({
      minMs: 80,
      maxMs: 250,
    });
    expect(problemsOf({ ...DEV, DEV_TENANT_LATENCY_MS: '250-80' })).toEqual([
      expect.stringMatching(/^DEV_TENANT_LATENCY_MS: expected milliseconds per answer, e.g. 100, or a range/),
    ]);
  });
});

describe('Azure settings: Entra sign-in to PostgreSQL, the Teams app id, telemetry', () => {
  const ENTRA_URL = 'postgres://dragondesk-id@dd.postgres.database.azure.com:5432/dragondesk?sslmode=verify-full';

  test.each<[string, Record<string, string>, RegExp]>([
    [
      'Entra sign-in in dev mode',
      { ...DEV, DATABASE_AUTH: 'entra', DATABASE_URL: ENTRA_URL },
      /^DATABASE_AUTH: entra needs APP_MODE=production/,
    ],
    [
      'Entra sign-in without a database',
      { ...PROD, DATABASE_AUTH: 'entra' },
      /^DATABASE_AUTH: entra needs DATABASE_URL/,
    ],
    [
      'Entra sign-in with a password in the URL',
      { ...PROD, DATABASE_AUTH: 'entra', DATABASE_URL: 'postgres://u:pw-Zk2@db.example:5432/d' },
      /^DATABASE_URL: must not contain a password when DATABASE_AUTH=entra/,
    ],
    ['an unknown sign-in', { ...PROD, DATABASE_AUTH: 'kerberos' }, /^DATABASE_AUTH: expected one of password, entra/],
    ['a Teams app id that is not a GUID', { ...PROD, TEAMS_APP_ID: 'dragon-desk' }, /^TEAMS_APP_ID: expected a GUID/],
    [
      'a connection string that is not Application Insights’',
      { ...PROD, APPLICATIONINSIGHTS_CONNECTION_STRING: 'Endpoint=sb://x;SharedAccessKey=k-Qp4' },
      /^APPLICATIONINSIGHTS_CONNECTION_STRING: expected an Application Insights connection string/,
    ],
  ])('%s is refused with the reason', (_case, env, reason) => {
    const problems = problemsOf(env);
    expect(problems).toEqual([expect.stringMatching(reason)]);
    expect(problems.join()).not.toMatch(/pw-Zk2|k-Qp4/);
  });

  test('what infra/azure.bicep sets: Entra sign-in without a password, telemetry on', () => {
    const c = parseConfig({
      ...PROD,
      BOT_APP_TYPE: 'UserAssignedMsi',
      BOT_APP_PASSWORD: '',
      DATABASE_URL: ENTRA_URL,
      DATABASE_AUTH: 'entra',
      TEAMS_APP_ID: APP_ID.toUpperCase(),
      APPLICATIONINSIGHTS_CONNECTION_STRING:
        'InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://x/',
    });
    expect(c.databaseAuth).toBe('entra');
    expect(c.teamsAppId).toBe(APP_ID);
    expect(c.telemetry?.connectionString).toMatch(/^InstrumentationKey=/);
    expect(describeConfig(c)).toMatch(/telemetry=application-insights/);
  });

  test('without the connection string there is no telemetry, and the password in DATABASE_URL is used', () => {
    const c = parseConfig({ ...PROD, DATABASE_URL: 'postgres://u:p@db/x', APPLICATIONINSIGHTS_CONNECTION_STRING: '' });
    expect(c.telemetry).toBeUndefined();
    expect(c.databaseAuth).toBe('password');
    expect(describeConfig(c)).toMatch(/telemetry=off/);
  });
});

describe('empty values mean unset', () => {
  test.each([
    'NURSING_GROUP_ID',
    'PHYSICIAN_GROUP_ID',
    'DRAGON_ADMIN_GROUP_ID',
    'DATABASE_URL',
    'OPENAI_API_KEY',
    'PORT',
  ])('%s=', (name) => {
    const c = parseConfig({ ...DEV, [name]: '' });
    const dev = parseConfig(DEV);
    expect(c).toEqual(dev);
  });

  test('an empty value in the process environment unsets the dev default from env/dev-defaults.env', () => {
    const root = repoWith({
      'env/dev-defaults.env': `${lines(DEV)}\nNURSING_GROUP_ID=11111111-aaaa-4aaa-8aaa-000000000001\n`,
    });
    expect(loadConfig({}, root).licenses.nursing.groupId).toBe('11111111-aaaa-4aaa-8aaa-000000000001');
    expect(loadConfig({ NURSING_GROUP_ID: '' }, root).licenses.nursing.groupId).toBeUndefined();
    expect(withDevDefaults({ NURSING_GROUP_ID: '' }, root).NURSING_GROUP_ID).toBe('');
  });
});

describe('loadConfig', () => {
  const root = () =>
    repoWith({
      'env/dev-defaults.env': `${lines({ ...DEV, PORT: '4001', DEV_TENANT_PORT: '4002' })}\nNURSING_GROUP_ID=11111111-aaaa-4aaa-8aaa-000000000001\n`,
      'env/.env.local.user': 'PORT=4010\n',
    });

  test('in dev, env/dev-defaults.env supplies defaults, env/.env.local.user overrides them, the process env wins', () => {
    const dir = root();
    expect(loadConfig({}, dir).port).toBe(4010);
    expect(loadConfig({}, dir).devTenant?.port).toBe(4002);
    expect(loadConfig({ PORT: '4999' }, dir).port).toBe(4999);
    expect(loadConfig({ TENANT_ID: 'cccccccc-cccc-4ccc-8ccc-cccccccccccc' }, dir).tenantId).toBe(
      'cccccccc-cccc-4ccc-8ccc-cccccccccccc',
    );
  });

  test('in production the dev files are not read', () => {
    const dir = root();
    const c = loadConfig({ ...PROD }, dir);
    expect(c.port).toBe(3978);
    expect(c.licenses.nursing.groupId).toBeUndefined();
    // Without the dev file, a production environment that lacks the tenant id is refused.
    expect(() => loadConfig({ APP_MODE: 'production', BOT_APP_ID: APP_ID, BOT_APP_PASSWORD: 'x' }, dir)).toThrow(
      /TENANT_ID: required/,
    );
  });

  test('the repository’s own env/dev-defaults.env is a valid dev configuration', () => {
    const c = loadConfig({});
    expect(c.mode).toBe('dev');
    expect(c.bot.appId).toBeUndefined();
    expect(c.licenses.nursing.groupId).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('what the Agents Toolkit writes into its env files does not change the dev start', () => {
    const dir = root();
    const before = loadConfig({}, dir);
    // The toolkit's own environments: generated ids, and keys that would matter if they were read.
    const toolkit = `TEAMSFX_ENV=local\nBOT_ID=${APP_ID}\nTEAMS_APP_ID=${APP_ID}\nAPP_MODE=production\nPORT=9999\nBOT_APP_ID=${APP_ID}\n`;
    for (const file of ['env/.env.local', 'env/.env.dev', 'env/.env.playground'])
      writeFileSync(path.join(dir, file), toolkit);
    expect(loadConfig({}, dir)).toEqual(before);
    expect(before.port).toBe(4010);
    expect(before.bot.appId).toBeUndefined();
  });

  test('the repository’s toolkit env files are not read: npm start’s settings are exactly the dev defaults', () => {
    const root = process.cwd();
    const user = path.join(root, 'env', '.env.local.user');
    // A developer's own overrides would (rightly) change the answer; CI has none.
    if (existsSync(user)) return;
    const defaults = dotenv.parse(readFileSync(path.join(root, 'env', 'dev-defaults.env')));
    expect(loadConfig({}, root)).toEqual(parseConfig(defaults));
  });
});

describe('secrets are never printed', () => {
  const SECRETS = {
    BOT_APP_PASSWORD: 'bot-pw-Zq8~secret',
    AZURE_CLIENT_SECRET: 'client-secret-Kx71',
    DATABASE_URL: 'postgres://desk:db-pw-Hy42@db.contoso.example:5432/desk',
    OPENAI_API_KEY: 'sk-openai-Qw9e',
    AZURE_OPENAI_API_KEY: 'azure-openai-key-Rt5',
    APPLICATIONINSIGHTS_CONNECTION_STRING:
      'InstrumentationKey=ikey-Vb6-secret;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/',
  };
  const SECRET_VALUES = [
    'ikey-Vb6-secret',
    'bot-pw-Zq8~secret',
    'client-secret-Kx71',
    'db-pw-Hy42',
    'sk-openai-Qw9e',
    'azure-openai-key-Rt5',
  ];
  const configWithSecrets = (): Config =>
    parseConfig({
      ...PROD,
      ...SECRETS,
      AZURE_CREDENTIAL: 'client-secret',
      AZURE_CLIENT_ID: APP_ID,
      AZURE_OPENAI_ENDPOINT: 'https://contoso.openai.azure.com',
      AZURE_OPENAI_DEPLOYMENT: 'gpt-4o-mini',
    });

  test('every secret variable is listed as one', () => {
    expect([...SECRET_VARIABLES].sort()).toEqual(Object.keys(SECRETS).sort());
  });

  test('describeConfig says what is configured without the values', () => {
    const line = describeConfig(configWithSecrets());
    expect(line).toMatch(/mode=production/);
    expect(line).toMatch(/store=postgres/);
    expect(line).toMatch(/llm=configured/);
    for (const v of SECRET_VALUES) expect(line).not.toContain(v);
  });

  test('logging the whole config masks every secret, at any depth', () => {
    const log = memoryLogger();
    const c = configWithSecrets();
    log.info('config', { config: c, databaseUrl: c.databaseUrl });
    const printed = JSON.stringify(log.lines);
    for (const v of SECRET_VALUES) expect(printed).not.toContain(v);
    // Non-secret facts still come through.
    expect(printed).toContain(APP_ID);
    expect(printed).toContain('[redacted]');
  });

  test('a config error never echoes a secret value', () => {
    const problems = problemsOf({
      ...SECRETS,
      DATABASE_URL: 'mysql://root:db-pw-Hy42@db/x',
      BOT_APP_TYPE: 'UserAssignedMsi',
    });
    expect(problems.length).toBeGreaterThan(0);
    for (const v of SECRET_VALUES) expect(problems.join('\n')).not.toContain(v);
  });

  test.each<[string, Record<string, unknown>, string[], string[]]>([
    [
      'secret-named keys',
      {
        password: 'p1',
        clientSecret: 's1',
        accessToken: 't1',
        Authorization: 'Bearer abc',
        apiKey: 'k1',
        databaseUrl: 'u1',
        user: 'dana',
      },
      ['p1', 's1', 't1', 'abc', 'k1', 'u1'],
      ['dana'],
    ],
    [
      'nested objects and arrays',
      { outer: { bot: { appPassword: 'p2' } }, list: [{ secret: 's2' }], name: 'grace' },
      ['p2', 's2'],
      ['grace'],
    ],
    [
      'a connection string inside free text',
      { err: new Error('connect to postgres://desk:pw-in-text@db:5432/x failed') },
      ['pw-in-text'],
      ['postgres://desk:[redacted]@db:5432/x'],
    ],
    [
      'a bearer token inside free text',
      { detail: 'sent Authorization: Bearer eyJhbGciOi.abc.def' },
      ['eyJhbGciOi'],
      ['Bearer [redacted]'],
    ],
  ])('redact masks %s', (_case, fields, hidden, kept) => {
    const out = JSON.stringify(redact(fields));
    for (const h of hidden) expect(out).not.toContain(h);
    for (const k of kept) expect(out).toContain(k);
  });

  test('an empty secret stays visibly empty, so "not set" can be told apart', () => {
    expect(redact({ password: '', token: undefined })).toEqual({ password: '', token: undefined });
  });

  test('errors keep their stack and plain fields, scrubbed', () => {
    const err = Object.assign(new Error('login for postgres://a:hunter2@h/db failed'), {
      code: 'ECONNREFUSED',
      status: 503,
    });
    const out = redact({ err }).err as Record<string, unknown>;
    expect(out.code).toBe('ECONNREFUSED');
    expect(out.status).toBe(503);
    expect(String(out.stack)).toMatch(/config\.test/);
    expect(JSON.stringify(out)).not.toContain('hunter2');
  });

  test('the log message itself is scrubbed', () => {
    const lines: string[] = [];
    createLogger('info', {}, (l) => lines.push(l)).warn('retrying postgres://desk:pw-in-msg@db/x');
    expect(lines.join()).not.toContain('pw-in-msg');
    expect(scrub('https://user:pw@host/path')).toBe('https://user:[redacted]@host/path');
  });
});

function lines(env: Record<string, string>): string {
  return Object.entries(env)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n');
}

/** A throwaway project root with the given files. */
function repoWith(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'dd-config-'));
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), content);
  }
  return root;
}
