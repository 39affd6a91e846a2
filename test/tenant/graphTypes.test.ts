/**
 * @microsoft/microsoft-graph-types is types only (a devDependency): a production install has no
 * copy of it, and the package has no JavaScript to load anyway. So no compiled file may require it:
 * every import of it must be `import type`, which the build (esbuild, as scripts/build.js runs it)
 * erases.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { transformSync } from 'esbuild';

const ROOT = path.resolve(__dirname, '../..');
const PACKAGE = '@microsoft/microsoft-graph-types';

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sources(full);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [full] : [];
  });
}

test('Graph types are used on both sides of the wire', () => {
  const users = sources(path.join(ROOT, 'src'))
    .filter((f) => /from '[./]*(tenant\/)?graphTypes'/.test(fs.readFileSync(f, 'utf8')))
    .map((f) => path.relative(path.join(ROOT, 'src'), f).split(path.sep)[0]);
  expect(new Set(users)).toEqual(new Set(['tenant', 'devtenant']));
});

test('no compiled source requires the Graph types package at run time', () => {
  const tsconfig = JSON.parse(fs.readFileSync(path.join(ROOT, 'tsconfig.json'), 'utf8'));
  const offenders: string[] = [];
  for (const file of sources(path.join(ROOT, 'src'))) {
    const text = fs.readFileSync(file, 'utf8');
    if (!text.includes(PACKAGE) && !text.includes('graphTypes')) continue;
    const out = transformSync(text, {
      loader: 'ts',
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      tsconfigRaw: { compilerOptions: tsconfig.compilerOptions },
    }).code;
    if (out.includes(PACKAGE) || /require\(["'][./]*graphTypes["']\)/.test(out)) offenders.push(file);
  }
  expect(offenders).toEqual([]);
});

test('a value import of the package would be kept by the build, so the check above can fail', () => {
  const out = transformSync(`import { User } from '${PACKAGE}';\nexport const x = User;`, {
    loader: 'ts',
    format: 'cjs',
  }).code;
  expect(out).toContain(PACKAGE);
});
