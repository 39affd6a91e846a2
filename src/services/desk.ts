/**
 * Dragon Desk's use cases behind one door: the bot hands over who is asking and what they asked
 * for (an intent from src/language, or a card click) and gets Replies back, so the bot layer stays
 * a thin adapter that a move to another Teams SDK can replace. The services are put together in
 * services.ts.
 */
import { helpCard } from '../cards';
import { isStatusReader } from '../domain/policy';
import type { CardActionData, CardVerb } from '../cards/verbs';
import type { DeskRequest } from '../domain/request';
import type { Intent, ParseResult } from '../language';
import type { UploadTarget } from './auditTrail';
import type { Services } from './services';
import { card, text, type Actor, type ClickResult, type Reply } from './types';

export class Desk {
  constructor(private readonly s: Services) {}

  /** The name Dragon Desk greets someone by: read from the tenant, not from the Teams activity. */
  async greetingName(actor: Actor): Promise<string> {
    try {
      const me = await this.s.directory.user(actor.id, 'cached');
      return me?.givenName || me?.displayName || actor.name;
    } catch {
      return actor.name;
    }
  }

  /**
   * Whether the tenant knows this person: true, false, or undefined when the tenant could not say.
   * The read also warms what their first question needs (their record and roles, one $batch).
   */
  async isPerson(personId: string): Promise<boolean | undefined> {
    try {
      await this.s.directory.warmAsker(personId);
      return (await this.s.directory.user(personId, 'cached')) !== undefined;
    } catch {
      return undefined;
    }
  }

  /** The name and the roles are read side by side: one $batch when neither is cached. */
  private async helpCard(actor: Actor): Promise<Reply> {
    const [name, isAdmin] = await Promise.all([this.greetingName(actor), this.isAdmin(actor)]);
    return card(helpCard({ name, isAdmin }));
  }

  /** Admins see the admin examples on the help card; a failed read just shows the general card. */
  private async isAdmin(actor: Actor): Promise<boolean> {
    return isStatusReader(await this.s.directory.rolesOf(actor.id, 'cached').catch(() => new Set<never>()));
  }

  async welcome(actor: Actor): Promise<Reply[]> {
    const replies: Reply[] = [await this.helpCard(actor)];
    replies.push(...(await this.pendingApprovalsOnArrival(actor)));
    return replies;
  }

  /**
   * An approver who never talked to Dragon Desk sees what waits for them the first time they do:
   * what no approval card reaches (a card already posted or on its way to them is not shown twice).
   */
  async pendingApprovalsOnArrival(actor: Actor): Promise<Reply[]> {
    const waiting = await this.s.engine.pendingFor(actor.id, 10);
    const reaching = await Promise.all(waiting.map((r) => this.s.engine.cardReaching(r, actor.id)));
    const pending = waiting.filter((_, i) => !reaching[i]);
    if (!pending.length) return [];
    const replies: Reply[] = [
      text(`${pending.length === 1 ? 'One request is' : `${pending.length} requests are`} waiting for your decision:`),
    ];
    for (const req of pending) replies.push(await this.approverCard(req, actor));
    return replies;
  }

  async approverCard(req: DeskRequest, actor: Actor): Promise<Reply> {
    return card(await this.s.engine.cardFor(req, { role: 'approver', id: actor.id }), {
      requestId: req.id,
      role: 'approver',
    });
  }

  async handle(actor: Actor, intent: ParseResult): Promise<Reply[]> {
    const name: Intent = intent.intent;
    switch (name) {
      case 'help':
        return [await this.helpCard(actor)];
      case 'license.request': {
        // A Dragon administrator hears first that their role does not assign licenses.
        // Asked second, the note reuses the roles the request just read fresh (one tenant read less).
        const asked = await this.s.licenses.ask(actor, intent, 'license.assign');
        return [...(await this.s.roles.licenseNote(actor)), ...asked];
      }
      case 'license.remove':
        return this.s.licenses.ask(actor, intent, 'license.remove');
      case 'license.seats':
        return this.s.status.seats(actor, intent.license);
      case 'license.purchase':
        return this.s.status.purchase(intent.license);
      case 'license.holders':
        return this.s.status.holders(actor, intent.license);
      case 'license.check':
        return this.s.status.check(actor, intent.users ?? ['me'], intent.license);
      case 'request.status':
        return intent.requestId !== undefined
          ? this.s.status.request(actor, intent.requestId)
          : this.s.status.myRequests(actor);
      case 'request.cancel':
        if (intent.requestId === undefined)
          return [text('Which request? Say for example "cancel request 42"; "my requests" lists yours.')];
        return this.s.engine.cancelByText(actor, intent.requestId);
      case 'approvals.pending':
        return this.s.status.pendingApprovals(actor);
      case 'approvals.delegate':
        if ((intent.users?.length ?? 0) !== 1)
          return [text('To whom? Say for example "send my approvals to Omar Haddad until Friday".')];
        return this.s.approvalDelegation.delegate(actor, intent.users![0], intent.until);
      case 'approvals.delegate.stop':
        return this.s.approvalDelegation.stop(actor);
      case 'approvals.delegate.show':
        return this.s.approvalDelegation.show(actor);
      case 'audit.show':
        return this.s.auditTrail.show(actor, intent.requestId);
      case 'audit.export':
        return this.s.auditTrail.offerExport(actor, intent.period, intent.dataset);
      case 'role.holders':
        return this.s.status.roleHolders(actor);
      case 'role.check':
        return this.s.status.roleCheck(actor, intent.users ?? ['me']);
      case 'role.assign':
        return this.s.roles.ask(actor, intent, 'role.assign');
      case 'role.remove':
        return this.s.roles.ask(actor, intent, 'role.remove');
      case 'setup':
        return this.s.setup.ask(actor);
      case 'partner.link':
      case 'partner.link.update':
      case 'partner.link.remove':
        return this.s.partnerLink.ask(actor, intent, name);
      case 'partner.link.show':
        return this.s.partnerLink.show(actor);
      case 'partner.record':
        return this.s.partnerOfRecord.ask(actor, intent);
      case 'partner.record.show':
        return this.s.partnerOfRecord.show(actor, intent);
      case 'partner.relationships':
        return this.s.partnerRelationships.explain(actor, intent);
      case 'partner.roles.remove':
        return this.s.partnerRelationships.askRemoveRoles(actor, intent);
      case 'partner.offer':
        return this.s.delegatedAdmin.ask(actor, intent);
      case 'unknown':
        return this.unknown(intent);
      default: {
        // Every intent of the language layer has a case above: a new one fails to compile here.
        const unhandled: never = name;
        return this.unknown({ error: unhandled });
      }
    }
  }

  unknown(intent: Pick<ParseResult, 'error'>): Reply[] {
    if (intent.error === 'too-long')
      return [
        text(
          'That message is too long for me (over 2,000 characters). Please ask in a sentence or two, for example "give Dana Reyes a Dragon nursing license".',
        ),
      ];
    return [
      text(
        'Sorry, I didn\'t understand that. I handle Dragon Copilot licenses, the Dragon Administrator role and partner administration. Try "I need a Dragon nursing license", "how many nursing seats are left?", "my requests", or say "help".',
      ),
    ];
  }

  click(actor: Actor, verb: CardVerb, data: CardActionData): Promise<ClickResult> {
    return this.s.engine.click(actor, verb, data);
  }

  /** The person accepted (with where Teams lets the file go) or declined a file Dragon Desk offered. */
  fileConsent(actor: Actor, context: unknown, upload: UploadTarget | undefined): Promise<Reply[]> {
    if (!upload) return Promise.resolve(this.s.auditTrail.declined());
    return this.s.auditTrail.deliverExport(actor, context, upload);
  }
}
