import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import AdmZip from 'adm-zip';
import { AppManifestUtils } from '@microsoft/app-manifest';
import { applyIds, outputPath, type AppManifestJson } from '../../src/cli/package';

// @microsoft/app-manifest requires strip-bom, whose v5 is ESM only. Node 20.19+ loads it through
// require(esm); jest's module registry cannot, so the one function it uses is supplied here.
jest.mock('strip-bom', () => ({ __esModule: true, default: (text: string) => text.replace(/^\uFEFF/, '') }));

const ROOT = path.resolve(__dirname, '../..');
const APP = path.join(ROOT, 'appPackage');
const DEV_APP_ID = '8a1f4c2e-3b5d-4e6f-9a7b-0c1d2e3f4a5b';
const DEV_BOT_ID = '9b2e5d3f-4c6e-4f70-8b8c-1d2e3f4a5b6c';

type SchemaManifest = Parameters<typeof AppManifestUtils.validateAgainstSchema>[0];
interface BotEntry {
  botId: string;
  scopes: string[];
  commandLists: { scopes: string[]; commands: { title: string; description: string }[] }[];
}
/** The manifest as JSON: typed for what the tests read, and still what the schema validator takes. */
type ManifestFile = SchemaManifest &
  AppManifestJson & {
    $schema: string;
    manifestVersion: string;
    bots: BotEntry[];
    developer: { name: string; websiteUrl: string; privacyUrl: string; termsOfUseUrl: string };
    validDomains: string[];
  };
const readManifest = (): ManifestFile => JSON.parse(readFileSync(path.join(APP, 'manifest.json'), 'utf8'));

describe('appPackage/manifest.json', () => {
  const realFetch = globalThis.fetch;
  beforeAll(() => {
    // The schema must come from the copy bundled in @microsoft/app-manifest, never the network.
    globalThis.fetch = () => {
      throw new Error('network access during manifest validation');
    };
  });
  afterAll(() => {
    globalThis.fetch = realFetch;
  });

  it('is valid against the official v1.22 schema, offline', async () => {
    const manifest = readManifest();
    expect(manifest.$schema).toBe(
      'https://developer.microsoft.com/json-schemas/teams/v1.22/MicrosoftTeams.schema.json',
    );
    expect(manifest.manifestVersion).toBe('1.22');
    expect(await AppManifestUtils.validateAgainstSchema(manifest)).toEqual([]);
  });

  it('the offline validator does catch a broken manifest', async () => {
    const broken = readManifest();
    broken.bots[0].botId = 'not-a-guid';
    broken.bots[0].scopes = ['everyone'];
    const problems = await AppManifestUtils.validateAgainstSchema(broken);
    expect(problems.join('\n')).toMatch(/botId/);
    expect(problems.join('\n')).toMatch(/scopes/);
  });

  it('declares the dev ids, a bot for personal, team and group chats, and the proactive-install app id', () => {
    const m = readManifest();
    expect(m.id).toBe(DEV_APP_ID);
    expect(m.bots[0].botId).toBe(DEV_BOT_ID);
    expect(m.bots[0].scopes).toEqual(['personal', 'team', 'groupChat']);
    expect(m.webApplicationInfo).toEqual({ id: DEV_BOT_ID, resource: 'https://inapplicable' });
    expect(m.validDomains).toEqual([]);
    expect(m.developer.name).toBe('Dragon Desk');
    for (const url of [m.developer.websiteUrl, m.developer.privacyUrl, m.developer.termsOfUseUrl])
      expect(url).toMatch(/^https:\/\/dragondesk\.example\.com/);
  });

  it('suggests at most 10 short commands per scope, including help and the seat question', () => {
    const lists = readManifest().bots[0].commandLists;
    for (const list of lists) {
      expect(list.commands.length).toBeLessThanOrEqual(10);
      // Teams shows command titles in a narrow menu; the schema allows 128 but 32 is what fits.
      for (const c of list.commands) expect(c.title.length).toBeLessThanOrEqual(32);
      expect(list.commands.map((c) => c.title)).toEqual(expect.arrayContaining(['help', 'how many seats are left']));
    }
    expect(lists.flatMap((l) => l.scopes).sort()).toEqual(['groupChat', 'personal', 'team']);
  });
});

/** Width, height, colour type and RGBA pixels of a PNG written with filter 0 (as make-icons does). */
function readPng(file: string): { width: number; height: number; colorType: number; pixels: Buffer } {
  const data = readFileSync(file);
  expect(data.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(data.toString('ascii', 12, 16)).toBe('IHDR');
  const width = data.readUInt32BE(16);
  const height = data.readUInt32BE(20);
  const colorType = data[25];
  const idat: Buffer[] = [];
  for (let at = 8; at < data.length;) {
    const len = data.readUInt32BE(at);
    if (data.toString('ascii', at + 4, at + 8) === 'IDAT') idat.push(data.subarray(at + 8, at + 8 + len));
    at += 12 + len;
  }
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * 4 + 1;
  const pixels = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    expect(raw[y * stride]).toBe(0);
    raw.copy(pixels, y * width * 4, y * stride + 1, (y + 1) * stride);
  }
  return { width, height, colorType, pixels };
}

describe('app icons', () => {
  it('color.png is a 192×192 full-colour, fully opaque icon', () => {
    const png = readPng(path.join(APP, 'color.png'));
    expect([png.width, png.height, png.colorType]).toEqual([192, 192, 6]);
    const colours = new Set<string>();
    let seeThrough = 0;
    for (let i = 0; i < png.pixels.length; i += 4) {
      if (png.pixels[i + 3] !== 255) seeThrough++;
      colours.add(png.pixels.subarray(i, i + 3).toString('hex'));
    }
    expect(seeThrough).toBe(0);
    expect(colours.size).toBeGreaterThan(10);
  });

  it('outline.png is 32×32, white on transparent, with a visible glyph', () => {
    const png = readPng(path.join(APP, 'outline.png'));
    expect([png.width, png.height, png.colorType]).toEqual([32, 32, 6]);
    let opaque = 0;
    let transparent = 0;
    let notWhite = 0;
    for (let i = 0; i < png.pixels.length; i += 4) {
      const alpha = png.pixels[i + 3];
      if (alpha > 0 && (png.pixels[i] !== 255 || png.pixels[i + 1] !== 255 || png.pixels[i + 2] !== 255)) notWhite++;
      if (alpha === 255) opaque++;
      if (alpha === 0) transparent++;
    }
    expect(notWhite).toBe(0);
    expect(opaque).toBeGreaterThan(100);
    expect(transparent).toBeGreaterThan(500);
  });
});

describe('npm run package', () => {
  const tsx = path.join(ROOT, 'node_modules', '.bin', 'tsx');
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'dd-package-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function runPackage(args: string[], env: Record<string, string>) {
    // The script validates the manifest too; it must do so offline, so the child has no fetch.
    const blockFetch = path.join(dir, 'block-fetch.js');
    writeFileSync(blockFetch, "globalThis.fetch = () => { throw new Error('network access while packaging'); };\n");
    const baseEnv: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${blockFetch}`.trim(),
    };
    delete baseEnv.TEAMS_APP_ID;
    delete baseEnv.BOT_APP_ID;
    delete baseEnv.DRAGON_DESK_PACKAGE_OUT;
    return spawnSync(tsx, ['src/cli/package.ts', ...args], {
      cwd: ROOT,
      env: { ...baseEnv, ...env },
      encoding: 'utf8',
    });
  }

  it('writes a zip with manifest.json, color.png and outline.png at its root, with the ids from the environment', () => {
    const out = path.join(dir, 'nested', 'dragon-desk.zip');
    const appId = '11111111-2222-4333-8444-555555555555';
    const botId = '66666666-7777-4888-9999-aaaaaaaaaaaa';
    const run = runPackage(['--out', out], { TEAMS_APP_ID: appId, BOT_APP_ID: botId });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(out);
    const zip = new AdmZip(out);
    expect(
      zip
        .getEntries()
        .map((e) => e.entryName)
        .sort(),
    ).toEqual(['color.png', 'manifest.json', 'outline.png']);
    const manifest = JSON.parse(zip.readAsText('manifest.json'));
    expect(manifest.id).toBe(appId);
    expect(manifest.bots[0].botId).toBe(botId);
    expect(manifest.webApplicationInfo.id).toBe(botId);
    expect(zip.readFile('color.png')).toEqual(readFileSync(path.join(APP, 'color.png')));
  });

  it('refuses ids that are not GUIDs and writes nothing', () => {
    const out = path.join(dir, 'dragon-desk.zip');
    const run = runPackage([], { DRAGON_DESK_PACKAGE_OUT: out, BOT_APP_ID: 'my-bot' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('BOT_APP_ID must be a GUID');
    expect(existsSync(out)).toBe(false);
  });
});

describe('package helpers', () => {
  it.each([
    [{}, DEV_APP_ID, DEV_BOT_ID, []],
    [{ teamsAppId: '  ', botAppId: '' }, DEV_APP_ID, DEV_BOT_ID, []],
    [{ teamsAppId: 'ABCDEF01-2345-4678-89ab-cdef01234567' }, 'ABCDEF01-2345-4678-89ab-cdef01234567', DEV_BOT_ID, []],
    [{ teamsAppId: 'x' }, DEV_APP_ID, DEV_BOT_ID, ['TEAMS_APP_ID must be a GUID']],
  ])('applyIds(%j)', (ids, appId, botId, problems) => {
    const result = applyIds(readManifest(), ids);
    expect(result.manifest.id).toBe(appId);
    expect(result.manifest.bots?.[0].botId).toBe(botId);
    expect(result.problems.map((p) => p.split(' (')[0])).toEqual(problems);
  });

  it.each([
    [['--out', 'a.zip'], {}, path.resolve('a.zip')],
    [['--out=b.zip'], { DRAGON_DESK_PACKAGE_OUT: 'c.zip' }, path.resolve('b.zip')],
    [[], { DRAGON_DESK_PACKAGE_OUT: 'c.zip' }, path.resolve('c.zip')],
    [[], {}, path.join('/repo', 'appPackage', 'build', 'dragon-desk.zip')],
  ])('outputPath(%j, %j)', (argv, env, expected) => {
    expect(outputPath(argv, env, '/repo')).toBe(expected);
  });
});
