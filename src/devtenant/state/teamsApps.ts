/**
 * Teams apps (routes/appCatalogs.ts, routes/teamwork.ts): the organisation's app catalog, which
 * holds Dragon Desk as appPackage/manifest.json describes it (the stand-in for an app an
 * administrator published), and the apps installed in each person's personal scope.
 *
 * Installing Dragon Desk for someone opens the 1:1 chat between them and its bot, as Teams does;
 * Teams would then send the bot a conversationUpdate. The dev tenant does not call the bot: it
 * tells listeners (`onInstalled`), with the chat id, and anything that plays Teams for the bot
 * (a test, a demo harness) can deliver that event.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fromRoot } from '../../paths';
import type { Graph, Present } from '../../tenant/graphTypes';
import { lc, type Store } from './store';

export type CatalogAppRecord = Present<Graph.TeamsApp, 'id' | 'externalId' | 'displayName'> & {
  distributionMethod: Exclude<Graph.TeamsAppDistributionMethod, 'unknownFutureValue'>;
  /** The app's bot (its chats are with this id); from the manifest. */
  botId: string;
  version: string;
};

export interface InstallationRecord {
  /** Graph's installation id: not the app's. */
  id: string;
  userId: string;
  teamsAppId: string;
  /** The 1:1 chat between the person and the app's bot. */
  chatId: string;
  installedAt: string;
}

/** A stable catalog id for a manifest id (Graph generates its own; it is never the manifest's). */
function catalogId(externalId: string): string {
  const h = createHash('sha256').update(`teams-catalog:${externalId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The catalog as the manifest describes Dragon Desk now (read each time: the package may change). */
export function catalogApps(): CatalogAppRecord[] {
  const manifest = JSON.parse(readFileSync(fromRoot('appPackage', 'manifest.json'), 'utf8')) as {
    id: string;
    version: string;
    name: { short: string };
    bots?: { botId: string }[];
  };
  return [
    {
      id: catalogId(manifest.id),
      externalId: manifest.id,
      displayName: manifest.name.short,
      distributionMethod: 'organization',
      botId: manifest.bots?.[0]?.botId ?? manifest.id,
      version: manifest.version,
    },
  ];
}

export class TeamsApps {
  /** user id (lower case) → catalog app id (lower case) → installation. */
  private readonly installed = new Map<string, Map<string, InstallationRecord>>();
  private readonly listeners = new Set<(installation: InstallationRecord) => void>();

  constructor(private readonly store: Store) {}

  seed(): void {
    this.installed.clear();
  }

  app(catalogAppId: string): CatalogAppRecord | undefined {
    return catalogApps().find((a) => lc(a.id) === lc(catalogAppId));
  }

  forUser(userId: string): InstallationRecord[] {
    return [...(this.installed.get(lc(userId))?.values() ?? [])];
  }

  /** Every installation, for the test hook that lists them. */
  all(): InstallationRecord[] {
    return [...this.installed.values()].flatMap((m) => [...m.values()]);
  }

  installation(userId: string, installationId: string): InstallationRecord | undefined {
    return this.forUser(userId).find((i) => i.id === installationId);
  }

  /** Undefined when the app is already installed for the person (Graph's 409). */
  install(userId: string, app: CatalogAppRecord): InstallationRecord | undefined {
    const mine = this.installed.get(lc(userId)) ?? new Map<string, InstallationRecord>();
    this.installed.set(lc(userId), mine);
    if (mine.has(lc(app.id))) return undefined;
    const record: InstallationRecord = {
      // Graph's installation ids are base64 of the user and app ids (docs examples decode so).
      id: Buffer.from(`${userId}##${app.id}`).toString('base64'),
      userId,
      teamsAppId: app.id,
      chatId: `19:${userId}_${app.botId}@unq.gbl.spaces`,
      installedAt: this.store.nowIso(),
    };
    mine.set(lc(app.id), record);
    for (const listener of this.listeners) listener(record);
    return record;
  }

  uninstall(userId: string, installationId: string): boolean {
    const mine = this.installed.get(lc(userId));
    const found = [...(mine?.entries() ?? [])].find(([, i]) => i.id === installationId);
    return found ? mine!.delete(found[0]) : false;
  }

  /** Called with each new installation (where Teams would send the bot its conversationUpdate). */
  onInstalled(listener: (installation: InstallationRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
