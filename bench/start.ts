/**
 * What `npm start` runs, for the code that must run the same thing (the memory bench's child, the
 * start-up tests): `npm run build`, then node with the start script's flags on dist/src/main.js.
 * package.json's start script is the one place those flags are written.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../src/paths';

/** The compiled entry point, relative to the project root. */
export const START_ENTRY = path.join('dist', 'src', 'main.js');

/** The node flags of package.json's start script: `node scripts/build.js && node <flags> dist/src/main.js`. */
export function startNodeFlags(root = projectRoot()): string[] {
  const start: string = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).scripts?.start ?? '';
  const m = /(?:^|&&)\s*node((?:\s+--\S+)*)\s+dist\/src\/main\.js\s*$/.exec(start);
  if (!m)
    throw new Error(`package.json's start script should end in "node [--flags] dist/src/main.js"; it is "${start}"`);
  return m[1].split(/\s+/).filter(Boolean);
}

/** `npm run build` (scripts/build.js) in this process; a no-op when dist/ is up to date. */
export async function buildDist(
  root = projectRoot(),
): Promise<{ files: number; written: number; removed: number; ms: number }> {
  const script = (await import(path.join(root, 'scripts', 'build.js'))) as {
    build(o: { root: string }): Promise<{ files: number; written: number; removed: number; ms: number }>;
  };
  return script.build({ root });
}
