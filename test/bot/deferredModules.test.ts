/**
 * Recognizers-Text is loaded by botbuilder-dialogs (through teams-ai's Application) but only used
 * by dialog prompts Dragon Desk never runs; src/bot/deferredModules.ts defers it to first use.
 * jest has its own module registry (the stand-ins do nothing here), so the deferral is exercised
 * in a plain node process on the compiled code, and compared with the real modules loaded here.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { createRequire } from 'node:module';
import { CULTURE, DEFERRED_RECOGNIZERS } from '../../src/bot/deferredModules';

const ROOT = path.resolve(__dirname, '../..');
const fromDialogs = createRequire(
  createRequire(require.resolve('@microsoft/teams-ai/lib/Application')).resolve('botbuilder-dialogs'),
);

/** Runs `script` with node in the repository, after `npm run build`; returns its JSON output. */
function runCompiled(script: string): Record<string, unknown> {
  const run = spawnSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  if (run.status !== 0) throw new Error(`node exited ${run.status}: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').pop()!);
}

beforeAll(async () => {
  const script = (await import(path.join(ROOT, 'scripts', 'build.js'))) as { build(): Promise<unknown> };
  await script.build();
}, 60_000);

test("the suite's Culture constants the stand-in answers are the real ones", () => {
  const real = (fromDialogs('@microsoft/recognizers-text-suite') as { Culture: Record<string, unknown> }).Culture;
  const strings: Record<string, string> = {};
  for (let c: object | null = real; c && c !== Function.prototype; c = Object.getPrototypeOf(c))
    for (const k of Object.getOwnPropertyNames(c))
      if (k !== 'name' && typeof real[k] === 'string') strings[k] = real[k];
  expect(CULTURE).toEqual(strings);
  // Every deferred module sets __esModule itself, which is what the stand-in answers before loading.
  for (const request of DEFERRED_RECOGNIZERS)
    expect((fromDialogs(request) as { __esModule?: boolean }).__esModule).toBe(true);
});

test('teams-ai loads with the stand-ins in place and none of Recognizers-Text is evaluated', () => {
  const out = runCompiled(`
    const { loadedOnUse } = require('./dist/src/bot/deferredModules');
    require('./dist/src/bot/app');
    const dialogs = Object.keys(require.cache).some((f) => /node_modules\\/botbuilder-dialogs\\//.test(f));
    const cultures = require(require('module').createRequire(require.resolve('@microsoft/teams-ai/lib/Application')).resolve('botbuilder-dialogs'))
      .PromptCultureModels.getSupportedCultures().map((c) => c.locale);
    console.log(JSON.stringify({ dialogs, loadedOnUse: [...loadedOnUse], cultures }));
  `);
  expect(out.dialogs).toBe(true);
  expect(out.loadedOnUse).toEqual([]);
  const real = (
    fromDialogs('botbuilder-dialogs') as { PromptCultureModels: { getSupportedCultures(): { locale: string }[] } }
  ).PromptCultureModels;
  expect(out.cultures).toEqual(real.getSupportedCultures().map((c) => c.locale));
});

test('a prompt that does use a recognizer still works: the real module is loaded on first use', () => {
  const out = runCompiled(`
    const { loadedOnUse } = require('./dist/src/bot/deferredModules');
    const dialogs = require(require('module').createRequire(require.resolve('@microsoft/teams-ai/lib/Application')).resolve('botbuilder-dialogs'));
    const found = dialogs.recognizeChoices('I want the second one', ['red', 'green', 'blue']);
    console.log(JSON.stringify({ value: found[0] && found[0].resolution.value, loadedOnUse: [...loadedOnUse] }));
  `);
  expect(out).toEqual({ value: 'green', loadedOnUse: ['@microsoft/recognizers-text-number'] });
});
