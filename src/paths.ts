/**
 * Where Dragon Desk's files are, whether the code runs as TypeScript from src/ (tsx, ts-jest,
 * bin/dragon-desk.js) or compiled from dist/src/ (`npm start`). Assets are always read from the
 * source tree — cards/, env/, appPackage/, src/devtenant/fixtures/, src/bot/prompts/,
 * src/cli/playgroundLoopback.cjs — never copied into dist/, so there is one copy of each.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';

/** A folder is the project root when it holds package.json and a src/ folder. */
export function isProjectRoot(dir: string): boolean {
  if (!existsSync(path.join(dir, 'package.json'))) return false;
  try {
    return statSync(path.join(dir, 'src')).isDirectory();
  } catch {
    return false;
  }
}

let cached: string | undefined;

/**
 * The project root: the nearest folder at or above `from` (default: this file's folder) holding
 * package.json and src/. From src/ that is one level up; from dist/src/ it is two (dist/ has no
 * package.json).
 */
export function projectRoot(from?: string): string {
  if (from === undefined && cached) return cached;
  const start = path.resolve(from ?? __dirname);
  let dir = start;
  for (;;) {
    if (isProjectRoot(dir)) {
      if (from === undefined) cached = dir;
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir)
      throw new Error(
        `Dragon Desk's project root (a folder with package.json and src/) was not found at or above ${start}`,
      );
    dir = parent;
  }
}

/** A path inside the project: `fromRoot('cards')`, `fromRoot('src', 'bot', 'prompts')`. */
export function fromRoot(...segments: string[]): string {
  return path.join(projectRoot(), ...segments);
}
