/**
 * Reaching someone who has never talked to Dragon Desk, as Microsoft's proactive installation
 * pattern (and Teleport's Teams plugin) does: find Dragon Desk in the organisation's app catalog by
 * its manifest id (TEAMS_APP_ID), install it in the person's personal scope (Graph's 409 "already
 * installed" is success), read their installation and the id of the 1:1 chat it opened. The send
 * to that chat is the Messenger's (`sendToNewChat`).
 *
 * What Teams refuses for good comes back as a refusal the approval flow words and records; what
 * may pass (throttling, an outage: tenant/errors.ts `isTransient`) is thrown, so the outbox
 * delivery that asked is retried.
 */
import { isTransientStatus } from '../tenant/errors';
import { TeamsAppError, TenantError, type CatalogApp } from '../tenant/types';
import type { ServiceDeps } from './types';

/** Why a person could not be reached in Teams (messages.ts `unreachableWhy` words it). */
export type Unreachable =
  | { refusal: 'blocked' | 'not-in-catalog' | 'not-installed' | 'no-app-id' }
  /** Graph's 403 for a permission Dragon Desk was not granted (the catalog read or the install). */
  | { refusal: 'no-permission' }
  /** Graph refused for another reason that will not pass (its error code kept). */
  | { refusal: 'refused'; code: string }
  /** Graph kept failing (throttled, out) through every retry of the delivery. */
  | { refusal: 'unavailable' }
  /** No Teams service URL known to send through (no approvals channel, nobody talked yet). */
  | { refusal: 'no-service-url' }
  /** Teams refused the message in the chat Dragon Desk had with them (they blocked or removed it). */
  | { refusal: 'chat-refused' }
  /** Dev only: the Agents Playground knows no chat it did not open; they see it when they open it. */
  | { refusal: 'dev-chat-unknown' };

export type ReachOutcome = { chatId: string } | Unreachable;

export class Reach {
  /** The catalog entry (one read shared by the deliveries asking at once); kept once found. */
  private app?: Promise<CatalogApp | undefined>;

  constructor(private readonly deps: Pick<ServiceDeps, 'config' | 'tenant' | 'logger'>) {}

  /** Installs Dragon Desk for the person if it is not yet, and answers the 1:1 chat it opened. */
  async chatWith(userId: string): Promise<ReachOutcome> {
    const manifestId = this.deps.config.teamsAppId;
    if (!manifestId) return { refusal: 'no-app-id' };
    try {
      const app = await this.catalogApp(manifestId);
      if (!app) return { refusal: 'not-in-catalog' };
      const installed = await this.deps.tenant.installAppForUser(userId, app.id);
      const installation = await this.deps.tenant.installationOf(userId, app.id);
      // Installed a moment ago but not listed yet: Graph's lists can lag behind its writes.
      if (!installation)
        throw new TenantError(503, 'InstallationNotListedYet', 'The new installation is not listed yet.');
      const chatId = await this.deps.tenant.chatOfInstallation(userId, installation.id);
      this.deps.logger.info('Dragon Desk installed for a person to reach them', { userId, installed });
      return { chatId };
    } catch (err) {
      if (err instanceof TeamsAppError) {
        // A catalog entry that has gone (unpublished) is looked up again next time.
        if (err.refusal === 'not-in-catalog') this.app = undefined;
        return { refusal: err.refusal };
      }
      if (err instanceof TenantError && err.status === 403) return { refusal: 'no-permission' };
      if (err instanceof TenantError && !isTransientStatus(err.status)) return { refusal: 'refused', code: err.code };
      throw err;
    }
  }

  private catalogApp(manifestId: string): Promise<CatalogApp | undefined> {
    const pending = (this.app ??= this.deps.tenant.findCatalogApp(manifestId));
    // Not there, or the read failed: asked again next time (an administrator may publish it).
    const forget = () => {
      if (this.app === pending) this.app = undefined;
    };
    pending.then((found) => found ?? forget(), forget);
    return pending;
  }
}
