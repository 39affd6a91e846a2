/**
 * `npm run package`: builds the Teams app package, a zip with manifest.json, color.png and
 * outline.png at its root (teams-platform.md §3.2), from appPackage/.
 *
 *   npm run package                          → appPackage/build/dragon-desk.zip
 *   npm run package -- --out /tmp/dd.zip     → elsewhere (or DRAGON_DESK_PACKAGE_OUT=/tmp/dd.zip)
 *   npm run package -- --folder <dir>        → the three files unzipped in <dir>: what the Agents
 *                                              Toolkit's teamsApp/zipAppPackage reads (m365agents*.yml)
 *
 * TEAMS_APP_ID and BOT_APP_ID, when set, replace the dev ids in the manifest; both must be GUIDs.
 * The bot id is also the `webApplicationInfo.id`: Dragon Desk uses no SSO, but Graph's proactive
 * install of the app for a group owner who never talked to the bot
 * (`POST /users/{id}/teamwork/installedApps`, TeamsAppInstallation.ReadWriteSelfForUser.All)
 * requires `webApplicationInfo` in the manifest; `resource: "https://inapplicable"` is the value
 * used for exactly that purpose by Teleport's Teams plugin (teams-platform.md §2.5, §3.2).
 *
 * The manifest is validated offline against the schema bundled in @microsoft/app-manifest before
 * the zip is written; a broken manifest never leaves this script.
 */
import { isGuid } from '../guid';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import AdmZip from 'adm-zip';
import { projectRoot } from '../paths';

export const PACKAGE_FILES = ['manifest.json', 'color.png', 'outline.png'] as const;

export interface AppManifestJson {
  id: string;
  bots?: { botId: string }[];
  webApplicationInfo?: { id: string; resource?: string };
  [key: string]: unknown;
}

export interface ManifestIds {
  teamsAppId?: string;
  botAppId?: string;
}

/**
 * The manifest with the given ids in place, or the problems that prevent it. Ids that are absent
 * or blank keep the values already in the manifest (the dev ids).
 */
export function applyIds(
  manifest: AppManifestJson,
  ids: ManifestIds,
): { manifest: AppManifestJson; problems: string[] } {
  const problems: string[] = [];
  const out = structuredClone(manifest);
  const teamsAppId = ids.teamsAppId?.trim();
  const botAppId = ids.botAppId?.trim();
  if (teamsAppId) {
    if (isGuid(teamsAppId)) out.id = teamsAppId;
    else problems.push(`TEAMS_APP_ID must be a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx), got "${teamsAppId}"`);
  }
  if (botAppId) {
    if (!isGuid(botAppId)) problems.push(`BOT_APP_ID must be a GUID (the bot's Entra app id), got "${botAppId}"`);
    else {
      for (const bot of out.bots ?? []) bot.botId = botAppId;
      if (out.webApplicationInfo) out.webApplicationInfo.id = botAppId;
    }
  }
  return { manifest: out, problems };
}

/** Schema problems, checked offline: the schema URL maps to a copy bundled in the package. */
export async function validateManifest(manifest: AppManifestJson): Promise<string[]> {
  const { AppManifestUtils } = await import('@microsoft/app-manifest');
  // The library types its input as a valid manifest, which is what it is asked to find out.
  const input: object = manifest;
  return AppManifestUtils.validateAgainstSchema(input as Parameters<typeof AppManifestUtils.validateAgainstSchema>[0]);
}

export function zipPackage(manifest: AppManifestJson, icons: { color: Buffer; outline: Buffer }): Buffer {
  const zip = new AdmZip();
  zip.addFile('manifest.json', Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8'));
  zip.addFile('color.png', icons.color);
  zip.addFile('outline.png', icons.outline);
  return zip.toBuffer();
}

/** `--out <path>`, `--out=<path>`, then DRAGON_DESK_PACKAGE_OUT, then the default under appPackage/build. */
export function outputPath(argv: readonly string[], env: NodeJS.ProcessEnv, root: string): string {
  const i = argv.findIndex((a) => a === '--out' || a.startsWith('--out='));
  const fromArgs = i < 0 ? undefined : argv[i].startsWith('--out=') ? argv[i].slice('--out='.length) : argv[i + 1];
  const chosen = fromArgs || env.DRAGON_DESK_PACKAGE_OUT;
  return chosen ? path.resolve(chosen) : path.join(root, 'appPackage', 'build', 'dragon-desk.zip');
}

/** `--folder <dir>` or `--folder=<dir>`: write the files unzipped there instead of a zip. */
export function folderPath(argv: readonly string[]): string | undefined {
  const i = argv.findIndex((a) => a === '--folder' || a.startsWith('--folder='));
  if (i < 0) return undefined;
  const chosen = argv[i].startsWith('--folder=') ? argv[i].slice('--folder='.length) : argv[i + 1];
  return chosen ? path.resolve(chosen) : undefined;
}

/** Builds and writes the package; returns where it went, or throws with every problem listed. */
export async function buildPackage(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  root = projectRoot(),
): Promise<string> {
  const dir = path.join(root, 'appPackage');
  const source = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as AppManifestJson;
  const { manifest, problems } = applyIds(source, { teamsAppId: env.TEAMS_APP_ID, botAppId: env.BOT_APP_ID });
  if (problems.length === 0) problems.push(...(await validateManifest(manifest)).map((p) => `manifest${p}`));
  if (problems.length > 0) throw new Error(`The app package was not built:\n  - ${problems.join('\n  - ')}`);
  const icons = {
    color: readFileSync(path.join(dir, 'color.png')),
    outline: readFileSync(path.join(dir, 'outline.png')),
  };
  const folder = folderPath(argv);
  if (folder) {
    mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    writeFileSync(path.join(folder, 'color.png'), icons.color);
    writeFileSync(path.join(folder, 'outline.png'), icons.outline);
    return folder;
  }
  const zip = zipPackage(manifest, icons);
  const out = outputPath(argv, env, root);
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, zip);
  return out;
}

if (require.main === module) {
  buildPackage(process.argv.slice(2), process.env).then(
    (out) => console.log(`Wrote the Teams app package to ${out}`),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : String(err));
      process.exitCode = 1;
    },
  );
}
