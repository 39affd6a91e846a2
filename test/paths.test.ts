/**
 * One project-root helper for src/ and the compiled dist/src/: the assets (cards/, fixtures,
 * prompts, env/, playgroundLoopback.cjs) are read from the source tree either way.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fromRoot, isProjectRoot, projectRoot } from '../src/paths';

const ROOT = path.resolve(__dirname, '..');

/** A throwaway project: package.json, src/, and the folders given. */
function fakeProject(...folders: string[]): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'dd-paths-'));
  writeFileSync(path.join(root, 'package.json'), '{"name":"x"}');
  mkdirSync(path.join(root, 'src'));
  for (const f of folders) mkdirSync(path.join(root, f), { recursive: true });
  return root;
}

describe('projectRoot', () => {
  test('from src/ (tsx, ts-jest) it is the repository root', () => {
    expect(projectRoot()).toBe(ROOT);
    expect(projectRoot(path.join(ROOT, 'src', 'cards'))).toBe(ROOT);
    expect(projectRoot(path.join(ROOT, 'bench'))).toBe(ROOT);
  });

  test('from a dist-like folder it walks past dist/ (no package.json there) to the root', () => {
    expect(projectRoot(path.join(ROOT, 'dist', 'src', 'devtenant'))).toBe(ROOT);
    const root = fakeProject(path.join('dist', 'src', 'bot'), path.join('dist', 'bench'));
    expect(projectRoot(path.join(root, 'dist', 'src', 'bot'))).toBe(root);
    expect(projectRoot(path.join(root, 'dist', 'bench'))).toBe(root);
    expect(projectRoot(path.join(root, 'src'))).toBe(root);
  });

  test('a folder with package.json but no src/ is not the root (a package under node_modules, say)', () => {
    const root = fakeProject(path.join('node_modules', 'lib', 'dist'));
    writeFileSync(path.join(root, 'node_modules', 'lib', 'package.json'), '{"name":"lib"}');
    expect(isProjectRoot(path.join(root, 'node_modules', 'lib'))).toBe(false);
    expect(projectRoot(path.join(root, 'node_modules', 'lib', 'dist'))).toBe(root);
  });

  test('nothing above: an error naming where it looked', () => {
    const lonely = mkdtempSync(path.join(os.tmpdir(), 'dd-paths-none-'));
    expect(() => projectRoot(lonely)).toThrow(/project root .* not found at or above .*dd-paths-none-/);
  });

  test('fromRoot joins under the root', () => {
    expect(fromRoot('cards', 'request.json')).toBe(path.join(ROOT, 'cards', 'request.json'));
  });
});
