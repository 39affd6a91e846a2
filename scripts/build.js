#!/usr/bin/env node
'use strict';
/**
 * `npm run build`: src/, bench/ and the test helpers the bench uses, TypeScript → CommonJS
 * JavaScript under dist/ with the same layout (dist/src/main.js, dist/bench/memoryChild.js, …).
 * esbuild strips the types file by file (no bundling, no type check: `npm run typecheck` does
 * that), so a build takes well under a second and `npm start` can run it every time.
 *
 * Only files whose output changed are rewritten, each by an atomic rename, so a Dragon Desk
 * already running from dist/ (or a second build at the same moment) never sees half a file;
 * outputs whose source is gone are removed. Assets (cards/, fixtures, prompts,
 * playgroundLoopback.cjs) are not copied: the code reads them from the source tree
 * (src/paths.ts).
 *
 *   node scripts/build.js           build, print one line
 *   require('./scripts/build').build()   the same from code (the memory bench calls it)
 */
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const OUT_DIR = path.join(ROOT, 'dist');
/** Folders compiled, relative to the root. The bench imports two helpers from test/helpers. */
const SOURCE_DIRS = ['src', 'bench', path.join('test', 'helpers')];

/** Files under `dir` (recursively) whose name passes `keep`. */
function filesUnder(dir, keep) {
  const out = [];
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(full, keep));
    else if (keep(entry.name)) out.push(full);
  }
  return out;
}

const tsFiles = (dir) => filesUnder(dir, (name) => name.endsWith('.ts') && !name.endsWith('.d.ts'));
const jsFiles = (dir) => filesUnder(dir, (name) => name.endsWith('.js') || name.endsWith('.js.map'));

function writeIfChanged(file, contents) {
  try {
    if (Buffer.compare(fs.readFileSync(file), Buffer.from(contents)) === 0) return false;
  } catch {
    // not there yet
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  fs.writeFileSync(tmp, contents);
  fs.renameSync(tmp, file);
  return true;
}

/** Builds dist/; returns what it did. Throws (with esbuild's messages) when a file does not parse. */
async function build({ root = ROOT } = {}) {
  const started = Date.now();
  const esbuild = require('esbuild');
  const tsconfig = JSON.parse(fs.readFileSync(path.join(root, 'tsconfig.json'), 'utf8'));
  const entryPoints = SOURCE_DIRS.flatMap((d) => tsFiles(path.join(root, d)));
  const result = await esbuild.build({
    entryPoints,
    outdir: path.join(root, 'dist'),
    outbase: root,
    bundle: false,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    // Maps beside the files, for a debugger or `node --enable-source-maps` (off in npm start: it
    // keeps every map in memory).
    sourcemap: 'linked',
    sourcesContent: false,
    // Same emit semantics as tsc and tsx with this project's settings (class fields, interop).
    tsconfigRaw: { compilerOptions: tsconfig.compilerOptions },
    write: false,
    logLevel: 'silent',
  });
  let written = 0;
  const outputs = new Set();
  for (const file of result.outputFiles) {
    outputs.add(file.path);
    if (writeIfChanged(file.path, file.contents)) written++;
  }
  let removed = 0;
  for (const d of SOURCE_DIRS) {
    for (const file of jsFiles(path.join(root, 'dist', d))) {
      if (!outputs.has(file)) {
        fs.rmSync(file, { force: true });
        removed++;
      }
    }
  }
  return { files: entryPoints.length, written, removed, ms: Date.now() - started, outDir: path.join(root, 'dist') };
}

module.exports = { build, OUT_DIR, SOURCE_DIRS };

if (require.main === module) {
  build().then(
    (r) =>
      process.stdout.write(
        `build: ${r.files} files → ${path.relative(process.cwd(), r.outDir) || '.'} (${r.written} written, ${r.removed} removed) in ${r.ms} ms\n`,
      ),
    (err) => {
      const errors = err && Array.isArray(err.errors) ? err.errors : [];
      const lines = errors.length
        ? errors.map(
            (e) => `${e.location ? `${e.location.file}:${e.location.line}:${e.location.column}: ` : ''}${e.text}`,
          )
        : [err && err.stack ? err.stack : String(err)];
      process.stderr.write(`build failed:\n${lines.join('\n')}\n`);
      process.exit(1);
    },
  );
}
