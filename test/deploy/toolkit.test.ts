/**
 * The Microsoft 365 Agents Toolkit project (m365agents.yml, .local.yml, .playground.yml and their
 * env files), checked offline: against the toolkit's own JSON schema (v1.11, vendored from
 * @microsoft/teamsfx-core), for the actions each environment must run, for a source of every
 * ${{VARIABLE}} they use, and for what they hand to Dragon Desk.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import { parseConfig } from '../../src/config';
import {
  actionsInOrder,
  placeholdersIn,
  read,
  readBicep,
  readEnvFile,
  readToolkitProject,
  ROOT,
  TOOLKIT_FILES,
  type ToolkitAction,
  type ToolkitFile,
  type ToolkitProject,
} from '../helpers/deployFiles';

const SCHEMA_DIR = path.join(ROOT, 'test', 'app', 'toolkit-schema');
const source = JSON.parse(readFileSync(path.join(SCHEMA_DIR, 'SOURCE.json'), 'utf8')) as {
  package: string;
  version: string;
  file: string;
  sha256: string;
};
const vendored = readFileSync(path.join(SCHEMA_DIR, 'v1.11', 'yaml.schema.json'));
const FILES = Object.keys(TOOLKIT_FILES) as ToolkitFile[];

let validate: ValidateFunction;
beforeAll(() => {
  // The schema's own dialect (draft-07); strict mode would reject the toolkit's extra keywords.
  validate = new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(vendored.toString('utf8')) as object);
});

const errorsOf = (project: unknown): string[] =>
  validate(project) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);

describe('the vendored schema is Microsoft’s', () => {
  test('it is the file recorded in SOURCE.json, byte for byte', () => {
    expect(source).toMatchObject({
      package: '@microsoft/teamsfx-core',
      file: 'resource/yaml-schema/v1.11/yaml.schema.json',
    });
    expect(createHash('sha256').update(vendored).digest('hex')).toBe(source.sha256);
    expect(JSON.parse(vendored.toString('utf8'))).toMatchObject({ properties: { version: { const: 'v1.11' } } });
  });

  // The package is not a dependency (25 MB, 400+ packages); when a maintainer has it installed here,
  // or points TEAMSFX_CORE_DIR at a copy, the vendored file must be the package's.
  const candidates = [process.env.TEAMSFX_CORE_DIR, path.join(ROOT, 'node_modules', '@microsoft', 'teamsfx-core')];
  const pkgDir = candidates.find((d): d is string => !!d && existsSync(path.join(d, source.file)));
  (pkgDir ? test : test.skip)('it matches the copy in the installed @microsoft/teamsfx-core', () => {
    const pkg = JSON.parse(readFileSync(path.join(pkgDir!, 'package.json'), 'utf8')) as { version: string };
    expect(pkg.version).toBe(source.version);
    expect(readFileSync(path.join(pkgDir!, source.file)).equals(vendored)).toBe(true);
  });
});

describe.each(FILES)('%s', (file) => {
  const project = readToolkitProject(file);

  test('is valid against the toolkit’s v1.11 schema', () => {
    expect(project.version).toBe('v1.11');
    expect(read(file).split('\n')[0]).toBe(
      '# yaml-language-server: $schema=https://aka.ms/m365-agents-toolkits/v1.11/yaml.schema.json',
    );
    expect(errorsOf(project)).toEqual([]);
  });

  test.each<[string, (p: ToolkitProject) => void]>([
    ['an action the toolkit does not have', (p) => (firstAction(p).uses = 'cli/runNpmComand')],
    ['an action without its required input', (p) => delete firstAction(p).with],
    ['an input the action does not take', (p) => ((firstAction(p).with ??= {}).workDir = './')],
    ['a stage the toolkit does not run', (p) => ((p as unknown as Record<string, unknown>).build = [])],
  ])('a broken file fails validation: %s', (_what, breakIt) => {
    const broken = structuredClone(project);
    breakIt(broken);
    expect(errorsOf(broken).length).toBeGreaterThan(0);
  });

  test('every ${{VARIABLE}} comes from its env file or from an action that runs before it', () => {
    const env = readEnvFile(TOOLKIT_FILES[file]);
    const outputs = new Set(readBicep('infra/azure.bicep').outputs);
    const known = new Set(Object.keys(env));
    const unsourced: string[] = [];
    for (const { stage, index, action } of actionsInOrder(project)) {
      for (const name of placeholdersIn({ with: action.with, env: action.env }))
        if (!known.has(name)) unsourced.push(`${stage}[${index}] ${action.uses}: ${name}`);
      for (const name of Object.values(action.writeToEnvironmentFile ?? {})) known.add(name);
      if (action.uses === 'arm/deploy') for (const name of outputs) known.add(name);
    }
    expect(unsourced).toEqual([]);
  });
});

/** The `uses` of each stage, in order. */
function stages(project: ToolkitProject): Record<string, string[]> {
  return Object.fromEntries(
    (['provision', 'deploy', 'publish'] as const)
      .filter((s) => project[s])
      .map((s) => [s, project[s]!.map((a) => a.uses)]),
  );
}

function firstAction(project: ToolkitProject): ToolkitAction {
  return (project.provision ?? project.deploy)![0];
}

function find(project: ToolkitProject, uses: string): ToolkitAction {
  const found = actionsInOrder(project).find((a) => a.action.uses === uses);
  if (!found) throw new Error(`no ${uses}`);
  return found.action;
}

describe('m365agents.yml: an empty subscription to the app in Teams', () => {
  const project = readToolkitProject('m365agents.yml');

  test('provision creates the app and the Azure resources, then validates, zips and updates the app package', () => {
    expect(stages(project).provision).toEqual([
      'teamsApp/create',
      'arm/deploy',
      'cli/runNpmCommand',
      'cli/runNpmCommand',
      'teamsApp/validateManifest',
      'teamsApp/zipAppPackage',
      'teamsApp/validateAppPackage',
      'teamsApp/update',
    ]);
    expect(find(project, 'arm/deploy').with).toMatchObject({
      templates: [{ path: './infra/azure.bicep', parameters: './infra/azure.parameters.json' }],
    });
  });

  test('deploy installs, builds and zip-deploys to the App Service the template made', () => {
    expect(stages(project).deploy).toEqual(['cli/runNpmCommand', 'cli/runNpmCommand', 'azureAppService/zipDeploy']);
    expect(project.deploy!.slice(0, 2).map((a) => a.with?.args)).toEqual(['ci', 'run build']);
    expect(find(project, 'azureAppService/zipDeploy').with).toEqual({
      artifactFolder: '.',
      ignoreFile: '.webappignore',
      resourceId: '${{AZURE_APP_SERVICE_RESOURCE_ID}}',
    });
  });

  test('publish submits the package to the organisation’s catalog', () => {
    expect(stages(project).publish?.at(-1)).toBe('teamsApp/publishAppPackage');
  });

  test('the manifest the toolkit zips is appPackage/manifest.json with this environment’s ids', () => {
    const write = project.provision!.find((a) => String(a.with?.args).startsWith('run package'))!;
    expect(write.env).toEqual({ TEAMS_APP_ID: '${{TEAMS_APP_ID}}', BOT_APP_ID: '${{BOT_ID}}' });
    const folder = String(write.with?.args).split('--folder ')[1];
    expect(find(project, 'teamsApp/zipAppPackage').with?.manifestPath).toBe(`${folder}/manifest.json`);
    expect(find(project, 'teamsApp/validateManifest').with?.manifestPath).toBe(`${folder}/manifest.json`);
  });

  test('App Service gets the sources without node_modules or dist, and everything its build needs', () => {
    const ignored = read('.webappignore')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'));
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', 'data', '.localConfigs*']));
    for (const needed of ['package.json', 'package-lock.json', '.npmrc', 'tsconfig.json', 'scripts', 'src', 'cards'])
      expect({ needed, ignored: ignored.includes(needed) }).toEqual({ needed, ignored: false });
  });
});

describe('m365agents.local.yml: this machine, a dev tunnel and your own tenant', () => {
  const project = readToolkitProject('m365agents.local.yml');

  test('a single-tenant bot app registration, and the bot registration pointed at the tunnel', () => {
    expect(find(project, 'aadApp/create').with).toMatchObject({
      signInAudience: 'AzureADMyOrg',
      generateClientSecret: true,
      generateServicePrincipal: true,
    });
    expect(find(project, 'botFramework/create').with).toMatchObject({
      botId: '${{BOT_ID}}',
      messagingEndpoint: '${{BOT_ENDPOINT}}/api/messages',
      channels: [{ name: 'msteams' }],
    });
  });

  test('the .localConfigs it writes is a production configuration Dragon Desk accepts, started by npm run dev:teamsfx', () => {
    const action = find(project, 'file/createOrUpdateEnvironmentFile');
    expect(action.with?.target).toBe('./.localConfigs');
    const sample: Record<string, string> = {
      BOT_TENANT_ID: '7b1c1a40-0c5e-4d8a-9f7e-1c0a7e5a1e01',
      BOT_ID: '3f0e2a6c-1111-4c2b-9d3e-5a6b7c8d9e0f',
      SECRET_BOT_PASSWORD: 'generated-secret',
      TEAMS_APP_ID: '8a1f4c2e-3b5d-4e6f-9a7b-0c1d2e3f4a5b',
      NURSING_SKU_PART_NUMBER: 'DRAGON_COPILOT_NURSING',
      PHYSICIAN_SKU_PART_NUMBER: 'DRAGON_COPILOT_PHYSICIAN',
    };
    const envs = Object.fromEntries(
      Object.entries(action.with?.envs as Record<string, string | number>).map(([k, v]) => [
        k,
        String(v).replace(/\$\{\{(\w+)\}\}/g, (_m, n: string) => sample[n]),
      ]),
    );
    const c = parseConfig(envs);
    expect(c.mode).toBe('production');
    expect(c.bot).toEqual({ appId: sample.BOT_ID, appPassword: 'generated-secret', appType: 'SingleTenant' });
    expect(c.credential).toMatchObject({ kind: 'client-secret', clientId: sample.BOT_ID });
    expect(c.host).toBe('127.0.0.1');
    expect(c.dataDir).not.toBe('./data');
    const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    expect(pkg.scripts['dev:teamsfx']).toMatch(/--env-file=\.localConfigs .*dist\/src\/main\.js$/);
  });

  test('.localConfigs is gitignored: it holds the bot’s secret', () => {
    expect(read('.gitignore').split('\n')).toContain('.localConfigs*');
  });
});

describe('m365agents.playground.yml: what npm run playground does', () => {
  test('it prepares what npm start runs, and the Playground port is the one npm run playground uses', () => {
    const project = readToolkitProject('m365agents.playground.yml');
    expect(project.deploy!.map((a) => a.with?.args)).toEqual(['ci', 'run build']);
    expect(readEnvFile('env/.env.playground').TEAMSAPPTESTER_PORT).toBe(
      readEnvFile('env/dev-defaults.env').PLAYGROUND_PORT,
    );
  });
});

describe('npm run package -- --folder', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'dd-toolkit-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('writes the manifest with the environment’s ids and the two icons, unzipped, for teamsApp/zipAppPackage', () => {
    const appId = '11111111-2222-4333-8444-555555555555';
    const botId = '66666666-7777-4888-9999-aaaaaaaaaaaa';
    const run = spawnSync(
      path.join(ROOT, 'node_modules', '.bin', 'tsx'),
      ['src/cli/package.ts', '--folder', path.join(dir, 'dev')],
      { cwd: ROOT, encoding: 'utf8', env: { ...process.env, TEAMS_APP_ID: appId, BOT_APP_ID: botId } },
    );
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    const manifest = JSON.parse(readFileSync(path.join(dir, 'dev', 'manifest.json'), 'utf8')) as {
      id: string;
      bots: { botId: string }[];
      icons: { color: string; outline: string };
    };
    expect([manifest.id, manifest.bots[0].botId]).toEqual([appId, botId]);
    for (const icon of [manifest.icons.color, manifest.icons.outline])
      expect(readFileSync(path.join(dir, 'dev', icon))).toEqual(readFileSync(path.join(ROOT, 'appPackage', icon)));
  });
});
