/**
 * `npm run build` and what `npm start` runs from it: dist/ mirrors src/ and bench/, the compiled
 * code reads its assets from the source tree, npm start and the memory bench use the same node
 * flags, and at start Dragon Desk leaves out what its turns never use (README, Performance).
 * (test/main.test.ts starts the compiled dist/src/main.js and talks to it.)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { START_ENTRY, startNodeFlags } from '../bench/start';

const ROOT = path.resolve(__dirname, '..');
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
};

/** Runs `script` with node (and `flags`) in the repository; returns the JSON it prints last. */
function runNode(script: string, flags: string[] = [], env: NodeJS.ProcessEnv = {}): Record<string, any> {
  const run = spawnSync(process.execPath, [...flags, '-e', script], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
    // The list of loaded modules is long once OpenTelemetry is among them.
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, ...env },
  });
  if (run.status !== 0) throw new Error(`node exited ${run.status}: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').pop()!);
}

let built: ReturnType<typeof spawnSync>;
beforeAll(() => {
  built = spawnSync(process.execPath, [path.join('scripts', 'build.js')], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
}, 60_000);

test('npm run build transpiles src/ and bench/ to dist/ with the same layout', () => {
  expect(pkg.scripts.build).toBe('node scripts/build.js');
  expect({ status: built.status, stderr: String(built.stderr) }).toEqual({ status: 0, stderr: '' });
  expect(String(built.stdout)).toMatch(/^build: \d+ files → dist \(\d+ written, \d+ removed\) in \d+ ms$/m);
  for (const f of [
    START_ENTRY,
    'dist/src/paths.js',
    'dist/src/bot/app.js',
    'dist/src/devtenant/server.js',
    'dist/bench/memoryChild.js',
    'dist/bench/desk.js',
  ])
    expect({ f, exists: existsSync(path.join(ROOT, f)) }).toEqual({ f, exists: true });
  // esbuild does the building at a pinned version, a dependency of its own (npm start needs it).
  expect(pkg.dependencies.esbuild).toBe('0.25.12');
});

test('npm start is the build, then node with the flags the memory bench runs its child with', () => {
  expect(pkg.scripts.start).toMatch(/^node scripts\/build\.js && node( --\S+)* dist\/src\/main\.js$/);
  const flags = startNodeFlags();
  expect(pkg.scripts.start).toBe(['node scripts/build.js && node', ...flags, 'dist/src/main.js'].join(' '));
});

test('the compiled code finds the project root and reads assets from the source tree', () => {
  const out = runNode(`
    const { projectRoot } = require('./dist/src/paths');
    const { cardsDir, renderCard } = require('./dist/src/cards/template');
    const { loadFixture } = require('./dist/src/devtenant/fixture');
    const { loadConfig } = require('./dist/src/config');
    const { playgroundCommand } = require('./dist/src/cli/playgroundProcess');
    const { PROMPTS_FOLDER } = require('./dist/src/bot/llm');
    console.log(JSON.stringify({
      root: projectRoot(),
      cards: cardsDir(),
      prompts: PROMPTS_FOLDER,
      fixture: loadFixture().name,
      tenantId: loadConfig({ DATA_DIR: '/tmp/unused' }).tenantId,
      loopback: playgroundCommand({ botEndpoint: 'http://127.0.0.1:1/api/messages', port: 2, configPath: 'c.yml', logFile: 'l.log', env: {} }, 'cli.js').args[1],
    }));
  `);
  expect(out).toEqual({
    root: ROOT,
    cards: path.join(ROOT, 'cards'),
    prompts: path.join(ROOT, 'src', 'bot', 'prompts'),
    fixture: expect.any(String),
    tenantId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    loopback: path.join(ROOT, 'src', 'cli', 'playgroundLoopback.cjs'),
  });
  expect(existsSync(out.loopback)).toBe(true);
});

/** Starts the compiled Dragon Desk (as the memory bench does) with `env`; what was loaded, then it stops. */
function modulesAtStart(env: Record<string, string> = {}, stop = true): { files: string[]; loadedOnUse: string[] } {
  return runNode(
    `
    const { startBenchDesk } = require('./dist/bench/desk');
    startBenchDesk({ nurses: 0, env: ${JSON.stringify(env)} }).then(async (dd) => {
      const files = Object.keys(require.cache).map((f) => f.split(require('path').sep).join('/'));
      const { loadedOnUse } = require('./dist/src/bot/deferredModules');
      if (${stop}) await dd.stop();
      // Exit once the (long) line is written: stdout to a pipe is asynchronous.
      process.stdout.write(JSON.stringify({ files, loadedOnUse: [...loadedOnUse] }) + '\\n', () => process.exit(0));
    });
  `,
    startNodeFlags(),
    {
      DATABASE_URL: '',
      OPENAI_API_KEY: '',
      AZURE_OPENAI_API_KEY: '',
      AZURE_OPENAI_ENDPOINT: '',
      APPLICATIONINSIGHTS_CONNECTION_STRING: '',
      // Offline: the Azure Monitor SDK's own usage statistics would go to a Microsoft endpoint.
      APPLICATIONINSIGHTS_STATSBEAT_DISABLED: 'true',
    },
  ) as { files: string[]; loadedOnUse: string[] };
}

const OPEN_TELEMETRY = /node_modules\/(@opentelemetry|@azure\/monitor-opentelemetry[^/]*)\//;

test('at start Dragon Desk loads no LLM stack, no teams-ai index, no pg without DATABASE_URL, no card renderer, no Recognizers-Text, no OpenTelemetry, no date parser', () => {
  const out = modulesAtStart();
  const files = out.files;
  const loaded = (re: RegExp) => files.filter((f) => re.test(f));
  expect(loaded(/\/dist\/src\/bot\/app\.js$/)).toHaveLength(1); // it did start the bot
  expect(loaded(/node_modules\/@microsoft\/teams-ai\/lib\/index\.js$/)).toEqual([]);
  expect(
    loaded(
      /node_modules\/@microsoft\/teams-ai\/lib\/(planners\/ActionPlanner|models\/OpenAIModel|prompts\/PromptManager)\.js$/,
    ),
  ).toEqual([]);
  expect(loaded(/\/dist\/src\/bot\/llm\.js$/)).toEqual([]);
  expect(loaded(/node_modules\/(openai|gpt-tokenizer|pg|adaptivecards)\//)).toEqual([]);
  // chrono-node reads "until Friday"; src/language/until.ts loads it on the first such message.
  expect(loaded(/node_modules\/chrono-node\//)).toEqual([]);
  // Recognizers-Text: stand-ins in require's cache, the real bundles never evaluated.
  expect(out.loadedOnUse).toEqual([]);
  // Telemetry is off without APPLICATIONINSIGHTS_CONNECTION_STRING, and none of it is loaded.
  expect(loaded(OPEN_TELEMETRY)).toEqual([]);
  expect(loaded(/\/dist\/src\/telemetry\/openTelemetry\.js$/)).toEqual([]);
});

test('with APPLICATIONINSIGHTS_CONNECTION_STRING the compiled start does load OpenTelemetry and the Azure Monitor distro', () => {
  const files = modulesAtStart(
    {
      // Nobody listens on port 9 (discard): the exporter's sends fail locally.
      APPLICATIONINSIGHTS_CONNECTION_STRING:
        'InstrumentationKey=00000000-0000-4000-8000-000000000000;IngestionEndpoint=http://127.0.0.1:9/',
    },
    // Stopping would wait for the exporter to give up on the closed port; nothing to check there.
    false,
  ).files;
  expect(files.filter((f) => /\/dist\/src\/telemetry\/openTelemetry\.js$/.test(f))).toHaveLength(1);
  expect(files.some((f) => /node_modules\/@azure\/monitor-opentelemetry\//.test(f))).toBe(true);
  expect(files.some((f) => /node_modules\/@opentelemetry\/api\//.test(f))).toBe(true);
}, 60_000);
