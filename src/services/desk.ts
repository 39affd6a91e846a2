/**
 * Dragon Desk's use cases behind one door: the bot hands over who is asking and what they asked
 * for (an intent from src/language, or a card click) and gets Replies back. Composition lives here
 * so the bot layer stays a thin adapter that a move to another Teams SDK can replace.
 */
import { helpCard } from '../cards';
import { isStatusReader } from '../domain/policy';
import type { CardActionData, CardVerb } from '../cards/verbs';
import type { LicenseKind } from '../domain/catalog';
import type { DeskRequest } from '../domain/request';
import { Directory } from './directory';
import { LicenseService } from './licenses';
import { DelegatedAdminService } from './delegatedAdmin';
import { PartnerAccess } from './partnerAccess';
import { PartnerLinkService } from './partnerLink';
import { PartnerOfRecordService } from './partnerOfRecord';
import { PartnerRelationshipsService } from './partnerRelationships';
import { RequestAccess } from './requestAccess';
import { RequestEngine } from './requests';
import { RoleService } from './roles';
import { SetupService } from './setup';
import { StatusService } from './status';
import { card, text, type Actor, type AdaptiveCard, type ClickResult, type Reply, type ServiceDeps } from './types';

/** What the language layer produces (src/language/types.ts), as services read it. */
export interface Intent {
  intent: string;
  users?: string[];
  license?: LicenseKind;
  justification?: string;
  requestId?: number;
  role?: string;
  duration?: string;
  until?: string;
  partnerId?: string;
  partner?: string;
  subscription?: string;
  customer?: string;
  roles?: string[];
  error?: string;
}

export class Desk {
  readonly directory: Directory;
  readonly access: RequestAccess;
  readonly engine: RequestEngine;
  readonly licenses: LicenseService;
  readonly status: StatusService;
  readonly roles: RoleService;
  readonly setup: SetupService;
  readonly partnerLink: PartnerLinkService;
  readonly partnerOfRecord: PartnerOfRecordService;
  readonly partnerRelationships: PartnerRelationshipsService;
  readonly delegatedAdmin: DelegatedAdminService;

  constructor(readonly deps: ServiceDeps) {
    this.directory = new Directory(deps.tenant, deps.config, deps.clock);
    this.access = new RequestAccess(this.directory, deps.config);
    this.engine = new RequestEngine(deps, this.access);
    this.licenses = new LicenseService(deps, this.directory, this.engine);
    this.status = new StatusService(deps, this.directory, this.engine, this.access);
    this.roles = new RoleService(deps, this.directory, this.engine);
    this.setup = new SetupService(deps, this.directory, this.engine);
    const partnerAccess = new PartnerAccess(deps, this.directory);
    this.partnerLink = new PartnerLinkService(deps, this.engine, partnerAccess);
    this.partnerOfRecord = new PartnerOfRecordService(deps, this.engine);
    this.partnerRelationships = new PartnerRelationshipsService(
      deps,
      this.directory,
      this.engine,
      partnerAccess,
      this.partnerOfRecord,
    );
    this.delegatedAdmin = new DelegatedAdminService(deps, this.engine, partnerAccess);
  }

  /** The name Dragon Desk greets someone by: read from the tenant, not from the Teams activity. */
  async greetingName(actor: Actor): Promise<string> {
    try {
      const me = await this.directory.user(actor.id, 'cached');
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
      await this.directory.warmAsker(personId);
      return (await this.directory.user(personId, 'cached')) !== undefined;
    } catch {
      return undefined;
    }
  }

  /** Admins see the admin examples on the help card; a failed read just shows the general card. */
  private async isAdmin(actor: Actor): Promise<boolean> {
    return isStatusReader(await this.directory.rolesOf(actor.id, false).catch(() => new Set<never>()));
  }

  async welcome(actor: Actor): Promise<Reply[]> {
    const name = await this.greetingName(actor);
    const replies: Reply[] = [card(helpCard({ name, isAdmin: await this.isAdmin(actor) }) as unknown as AdaptiveCard)];
    replies.push(...(await this.pendingApprovalsOnArrival(actor)));
    return replies;
  }

  /** An approver who never talked to Dragon Desk sees what waits for them the first time they do. */
  async pendingApprovalsOnArrival(actor: Actor): Promise<Reply[]> {
    const pending = await this.engine.pendingFor(actor.id, 10);
    if (!pending.length) return [];
    const replies: Reply[] = [
      text(`${pending.length === 1 ? 'One request is' : `${pending.length} requests are`} waiting for your decision:`),
    ];
    for (const req of pending) replies.push(await this.approverCard(req, actor));
    return replies;
  }

  async approverCard(req: DeskRequest, actor: Actor): Promise<Reply> {
    return card(await this.engine.cardFor(req, { role: 'approver', id: actor.id }), {
      requestId: req.id,
      role: 'approver',
    });
  }

  async handle(actor: Actor, intent: Intent): Promise<Reply[]> {
    switch (intent.intent) {
      case 'help':
        return [
          card(
            helpCard({
              name: await this.greetingName(actor),
              isAdmin: await this.isAdmin(actor),
            }) as unknown as AdaptiveCard,
          ),
        ];
      case 'license.request': {
        // A Dragon administrator hears first that their role does not assign licenses (issue 5).
        // Asked second, the note reuses the roles the request just read fresh (one tenant read less).
        const asked = await this.licenses.ask(actor, intent, 'license.assign');
        return [...(await this.roles.licenseNote(actor)), ...asked];
      }
      case 'license.remove':
        return this.licenses.ask(actor, intent, 'license.remove');
      case 'license.seats':
        return this.status.seats(actor, intent.license);
      case 'license.purchase':
        return this.status.purchase(intent.license);
      case 'license.holders':
        return this.status.holders(actor, intent.license);
      case 'license.check':
        return this.status.check(actor, intent.users ?? ['me'], intent.license);
      case 'request.status':
        return intent.requestId !== undefined
          ? this.status.request(actor, intent.requestId)
          : this.status.myRequests(actor);
      case 'request.cancel':
        if (intent.requestId === undefined)
          return [text('Which request? Say for example "cancel request 42"; "my requests" lists yours.')];
        return this.engine.cancelByText(actor, intent.requestId);
      case 'approvals.pending':
        return this.status.pendingApprovals(actor);
      case 'role.holders':
        return this.status.roleHolders(actor);
      case 'role.check':
        return this.status.roleCheck(actor, intent.users ?? ['me']);
      case 'role.assign':
        return this.roles.ask(actor, intent, 'role.assign');
      case 'role.remove':
        return this.roles.ask(actor, intent, 'role.remove');
      case 'setup':
        return this.setup.ask(actor);
      case 'partner.link':
      case 'partner.link.update':
      case 'partner.link.remove':
        return this.partnerLink.ask(actor, intent, intent.intent);
      case 'partner.link.show':
        return this.partnerLink.show(actor);
      case 'partner.record':
        return this.partnerOfRecord.ask(actor, intent);
      case 'partner.record.show':
        return this.partnerOfRecord.show(actor, intent);
      case 'partner.relationships':
        return this.partnerRelationships.explain(actor, intent);
      case 'partner.roles.remove':
        return this.partnerRelationships.askRemoveRoles(actor, intent);
      case 'partner.offer':
        return this.delegatedAdmin.ask(actor, intent);
      default:
        return this.unknown(intent);
    }
  }

  unknown(intent: Intent): Reply[] {
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
    return this.engine.click(actor, verb, data);
  }
}
