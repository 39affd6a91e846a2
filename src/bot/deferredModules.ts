/**
 * Libraries the bot SDKs load at start that Dragon Desk never runs, loaded on first use instead.
 *
 * teams-ai's Application requires its sign-in helpers, which require botbuilder-dialogs, whose
 * prompts require Microsoft's Recognizers-Text: number, date-time, choice and the suite, about
 * 5 MB of bundled JavaScript that becomes ~14 MB of V8 heap and ~20 MB of resident memory in every
 * instance. They serve NumberPrompt, ConfirmPrompt, DateTimePrompt and ChoicePrompt, dialogs
 * Dragon Desk does not use (its own grammar reads what people type, src/language).
 *
 * `deferRecognizers()` puts a stand-in for each of those files in require's cache, where
 * botbuilder-dialogs will look for it. The first real use of a stand-in (reading an export,
 * listing its keys) loads the real module and forwards to it from then on, so a prompt that did
 * run would still work, one load later. Reading `__esModule` (every TypeScript `import *` does,
 * at load time) does not count as use: the real modules set it. Neither does reading the suite's
 * `Culture` constants, which botbuilder-dialogs' PromptCultureModels copies when it loads; they
 * are answered from CULTURE below (test/bot/deferredModules.test.ts checks them against the
 * real suite).
 *
 * Nothing is deferred when the module is already loaded, or when require's cache is not node's
 * (jest has a module registry of its own; there this does nothing).
 */
import Module, { createRequire } from 'node:module';

/** What botbuilder-dialogs requires from Recognizers-Text (botbuilder-dialogs/lib/prompts, lib/choices). */
export const DEFERRED_RECOGNIZERS = [
  '@microsoft/recognizers-text-suite',
  '@microsoft/recognizers-text-number',
  '@microsoft/recognizers-text-date-time',
  '@microsoft/recognizers-text-choice',
] as const;

/** The suite's `Culture` string constants (Culture.English …), as @microsoft/recognizers-text-suite 1.1.4 has them. */
export const CULTURE: Readonly<Record<string, string>> = Object.freeze({
  English: 'en-us',
  Chinese: 'zh-cn',
  Spanish: 'es-es',
  Portuguese: 'pt-br',
  French: 'fr-fr',
  German: 'de-de',
  Japanese: 'ja-jp',
  Dutch: 'nl-nl',
  Italian: 'it-it',
});

/** Set once a stand-in loaded its real module (for tests and diagnostics). */
export const loadedOnUse = new Set<string>();

type Exports = Record<PropertyKey, unknown>;

/** A stand-in for `filename` whose first real use loads it (the cache entry then holds the real module). */
function standIn(request: string, filename: string, load: () => Exports): object {
  let real: Exports | undefined;
  // The proxy's target mirrors the real exports once loaded, so reflection invariants hold.
  const target: Exports = {};
  const materialize = (): Exports => {
    if (!real) {
      delete require.cache[filename];
      real = load();
      Object.defineProperties(target, Object.getOwnPropertyDescriptors(real));
      loadedOnUse.add(request);
    }
    return real;
  };
  return new Proxy(target, {
    get(_t, key) {
      if (!real && key === '__esModule') return true;
      if (!real && key === 'Culture' && request === '@microsoft/recognizers-text-suite') return CULTURE;
      return Reflect.get(materialize(), key);
    },
    has: (_t, key) => Reflect.has(materialize(), key),
    ownKeys: (t) => (materialize(), Reflect.ownKeys(t)),
    getOwnPropertyDescriptor: (t, key) => (materialize(), Reflect.getOwnPropertyDescriptor(t, key)),
    set: (_t, key, value) => Reflect.set(materialize(), key, value),
    getPrototypeOf: () => Reflect.getPrototypeOf(materialize()),
  });
}

let installed = false;

/**
 * Installs the stand-ins (once; before teams-ai's Application is first required). Returns the
 * requests deferred by this call.
 */
export function deferRecognizers(): string[] {
  if (installed) return [];
  installed = true;
  // Only node's own cache: under jest, `require.cache` is not what module loading consults.
  if (require.cache !== Reflect.get(Module, '_cache')) return [];
  let fromDialogs: NodeJS.Require;
  try {
    // Resolved as teams-ai → botbuilder-dialogs would, so the stand-ins sit at the files they load.
    const teamsAi = createRequire(require.resolve('@microsoft/teams-ai/lib/Application'));
    fromDialogs = createRequire(teamsAi.resolve('botbuilder-dialogs'));
  } catch {
    return [];
  }
  const deferred: string[] = [];
  for (const request of DEFERRED_RECOGNIZERS) {
    let filename: string;
    try {
      filename = fromDialogs.resolve(request);
    } catch {
      continue;
    }
    if (require.cache[filename]) continue;
    const m = new Module(filename);
    m.filename = filename;
    m.loaded = true;
    m.exports = standIn(request, filename, () => fromDialogs(request) as Exports);
    require.cache[filename] = m;
    deferred.push(request);
  }
  return deferred;
}

deferRecognizers();
