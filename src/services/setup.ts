/**
 * "Set up Dragon licensing": one card that shows, next to the documentation's best practice, what
 * the tenant already has (✅), what Dragon Desk will create (➕) and what needs attention (⚠️); a
 * Confirm runs it as a direct-only request through the engine. Running it again changes nothing
 * that is in place and says so.
 *
 * Groups are found by the configured ids, else by what an earlier set-up recorded, else by display
 * name. Groups set-up creates (or finds by name) are recorded in the store (groupsInUse.ts), where
 * every instance's license and role flows find them without a restart or an edit of env files.
 */
import { noticeCard } from '../cards';
import { LICENSE_INFO, type AdminRole, type LicenseKind } from '../domain/catalog';
import type { DeskRequest } from '../domain/request';
import {
  mayRunAny,
  planSetup,
  SETUP_GROUP_NAMES,
  SETUP_MAIL_NICKNAMES,
  SETUP_PARTS,
  type ObservedGroup,
  type ObservedPart,
  type SetupPart,
  type SetupPlan,
  type SetupStep,
} from '../domain/setupPlan';
import { explainTenantError, isAlreadyAssigned, isNotFound, tenantErrorKind } from '../tenant/errors';
import { TenantError, type TenantGroup } from '../tenant/types';
import { DirectOnlyCapability, type Capability, type ExecutionOutcome, type Precheck } from './capability';
import type { Directory } from './directory';
import { isTransient } from '../tenant/errors';
import { DRAGON_ADMIN_SCOPE_ID, DRAGON_ADMIN_TEMPLATE } from './dragonRole';
import type { GroupsInUse } from './groupsInUse';
import type { RequestEngine } from './requests';
import { card, text, type Actor, type Reply, type ServiceDeps } from './types';
import { auditEntry, SYSTEM_ACTOR } from './audit';

type SetupRequest = DeskRequest<'setup'>;

export const SETUP_SUBJECT = 'dragon-licensing';

const CONFIG_VARIABLE: Record<SetupPart, string> = {
  nursing: 'NURSING_GROUP_ID',
  physician: 'PHYSICIAN_GROUP_ID',
  admin: 'DRAGON_ADMIN_GROUP_ID',
};

const DESCRIPTIONS: Record<SetupPart, string> = {
  nursing:
    'Members get a Dragon Copilot nursing license (group-based licensing). The owner approves who joins, in Dragon Desk.',
  physician:
    'Members get a Dragon Copilot physician license (group-based licensing). The owner approves who joins, in Dragon Desk.',
  admin: 'Members hold the Dragon Administrator role. The owner approves who joins, in Dragon Desk.',
};

/** Who set-up will make owner, and how they are named on the card and in results. */
interface Runner {
  id: string;
  name: string;
}

export class SetupService extends DirectOnlyCapability implements Capability<'setup'> {
  readonly kinds = ['setup'] as const;

  constructor(
    private readonly deps: ServiceDeps,
    private readonly directory: Directory,
    private readonly engine: RequestEngine,
    private readonly groups: GroupsInUse,
  ) {
    super();
    engine.register(this);
  }

  // ---------------------------------------------------------------- looking

  private async findGroup(
    part: SetupPart,
  ): Promise<{ group?: TenantGroup; configuredIdMissing?: ObservedPart['configuredIdMissing'] }> {
    const configured = this.groups.configured(part);
    if (configured) {
      const g = await this.deps.tenant.getGroup(configured);
      return g ? { group: g } : { configuredIdMissing: { variable: CONFIG_VARIABLE[part], id: configured } };
    }
    const recorded = await this.groups.recorded(part);
    if (recorded) {
      const g = await this.deps.tenant.getGroup(recorded);
      if (g) return { group: g };
    }
    return { group: await this.deps.tenant.findGroupByName(SETUP_GROUP_NAMES[part]) };
  }

  /** Reads only: what the tenant has for each part. */
  async observe(): Promise<ObservedPart[]> {
    const seats = await this.directory.seats('fresh');
    return Promise.all(
      SETUP_PARTS.map(async (part): Promise<ObservedPart> => {
        const found = await this.findGroup(part);
        const sku = part === 'admin' ? undefined : seats[part].sku;
        const out: ObservedPart = {
          part,
          configuredIdMissing: found.configuredIdMissing,
          sku: sku ? { skuId: sku.skuId, skuPartNumber: sku.skuPartNumber } : undefined,
        };
        const g = found.group;
        if (!g) return out;
        const owners = (await this.deps.tenant.listGroupOwners(g.id)).filter((o) => o.accountEnabled !== false);
        const observed: ObservedGroup = {
          id: g.id,
          displayName: g.displayName,
          securityEnabled: g.securityEnabled,
          isAssignableToRole: g.isAssignableToRole,
          ownerNames: owners.map((o) => o.displayName),
        };
        if (part === 'admin') {
          const assignments = await this.deps.tenant.listRoleAssignments({
            principalId: g.id,
            roleDefinitionId: DRAGON_ADMIN_TEMPLATE,
          });
          observed.roleAssigned = assignments.some((a) => (a.directoryScopeId ?? '/') === DRAGON_ADMIN_SCOPE_ID);
        } else {
          observed.skuAssigned =
            !!sku && (g.assignedLicenses ?? []).some((l) => l.skuId.toLowerCase() === sku.skuId.toLowerCase());
        }
        return { ...out, group: observed };
      }),
    );
  }

  private async planFor(
    personId: string,
  ): Promise<{ plan: SetupPlan; observed: ObservedPart[]; roles: Set<AdminRole> }> {
    const [observed, roles] = await Promise.all([this.observe(), this.directory.rolesOf(personId, 'fresh')]);
    return { plan: planSetup(observed, roles), observed, roles };
  }

  // ---------------------------------------------------------------- asking

  /** "set up Dragon licensing" */
  async ask(actor: Actor): Promise<Reply[]> {
    const roles = await this.directory.rolesOf(actor.id, 'fresh');
    if (!mayRunAny(roles))
      return [
        text(
          'Setting up Dragon licensing needs a Global Administrator or License Administrator (and, for the Dragon Administrators group, a Global or Privileged Role Administrator). You hold none of these roles, so I left everything as it is. Your IT team can run it.',
        ),
      ];
    const { plan, observed } = await this.planFor(actor.id);
    if (!plan.hasWork) {
      const adopted = await this.adoptFound(observed, actor.id);
      return [card(this.summaryCard(plan, adopted))];
    }
    const req = await this.deps.store.requests.create(
      {
        tenantId: this.deps.config.tenantId,
        kind: 'setup',
        state: 'draft',
        requesterId: actor.id,
        requesterName: actor.name,
        subject: SETUP_SUBJECT,
        payload: { direct: true, plan: planLines(plan) },
        targets: [],
      },
      {
        actorId: actor.id,
        actorName: actor.name,
        action: 'request.draft',
        tenantId: this.deps.config.tenantId,
        detail: { kind: 'setup', steps: plan.items.map((i) => ({ part: i.part, steps: i.steps })) },
      },
    );
    return [await this.engine.draftReply(req)];
  }

  /** Groups found by display name (not configured, not recorded) become the ones Dragon Desk uses. */
  private async adoptFound(observed: ObservedPart[], actorId: string): Promise<string[]> {
    const adopted: string[] = [];
    for (const o of observed) {
      if (!o.group || this.groups.configured(o.part)) continue;
      if ((await this.groups.recorded(o.part)) === o.group.id) continue;
      await this.groups.record(o.part, o.group, actorId, false);
      adopted.push(o.group.displayName);
    }
    return adopted;
  }

  private summaryCard(plan: SetupPlan, adopted: string[]) {
    const adoptedLine = adopted.length
      ? ` Dragon Desk will use ${adopted.map((a) => `“${a}”`).join(', ')} from now on.`
      : '';
    if (plan.allInPlace)
      return noticeCard({
        title: 'Dragon licensing is set up as Microsoft recommends',
        text: `Everything the documentation's best practice asks for is already in place, so nothing was changed.${adoptedLine}`,
        tone: 'good',
        steps: plan.items.flatMap((i) => i.lines),
      });
    return noticeCard({
      title: 'Dragon licensing set-up needs attention',
      text: `There is nothing I can change for you right now, so nothing was changed. What is missing needs the settings fixed or another administrator.${adoptedLine}`,
      tone: 'warning',
      steps: [...plan.items.flatMap((i) => i.lines), ...plan.permissions],
    });
  }

  // ---------------------------------------------------------------- capability

  title(): string {
    return 'Dragon licensing, as Microsoft recommends';
  }

  cardContext(req: SetupRequest) {
    const after = req.state === 'completed' || req.state === 'failed';
    const notes = after ? (req.payload.notes ?? []) : (req.payload.plan ?? []);
    return { notes };
  }

  async canActDirectly(actor: Actor): Promise<boolean> {
    return mayRunAny(await this.directory.rolesOf(actor.id, 'fresh'));
  }

  async precheck(req: SetupRequest, actor: Actor): Promise<Precheck> {
    const { plan } = await this.planFor(actor.id);
    if (!plan.hasWork)
      return {
        ok: false,
        replies: [
          text(
            'Everything this set-up would do is already in place (someone may have done it meanwhile), so nothing was changed. Say "set up Dragon licensing" again to see the current state.',
          ),
        ],
      };
    return { ok: true, request: req };
  }

  completedMessage(): string {
    return 'Dragon licensing set-up is done.';
  }

  async execute(req: SetupRequest): Promise<ExecutionOutcome> {
    const runner: Runner = { id: req.requesterId, name: req.requesterName };
    // Look again: the tenant may have changed since the card, and the requester's roles decide.
    const { plan, observed } = await this.planFor(runner.id);
    const results: string[] = [];
    for (const item of plan.items) {
      if (!item.steps.length) continue;
      const o = observed.find((x) => x.part === item.part)!;
      try {
        results.push(...(await this.runPart(req, item.part, item.steps, o, runner)));
      } catch (err) {
        if (isTransient(err)) throw err; // the engine resumes; recorded ids keep a resume from creating twice
        results.push(`⚠️ ${item.title}: ${explainTenantError(err)}`);
        await this.audit(req, 'setup.step-failed', { part: item.part, error: explainTenantError(err) });
      }
    }
    if (results.some((r) => r.includes('are now the owner of')))
      results.push(
        'If someone else should approve who joins a group, add them as owner in the Entra admin center and remove yourself.',
      );
    await this.adoptFound(observed, runner.id);
    this.directory.invalidate();
    // Verify by looking once more: a part is done only when the tenant shows it.
    const check = (await this.planFor(runner.id)).plan;
    const left = check.items.filter((i) => i.steps.length);
    const attention = check.items
      .filter((i) => i.status === 'attention' || i.status === 'not-allowed')
      .flatMap((i) => i.lines.filter((l) => l.startsWith('⚠️')));
    const notes = [...results, ...attention];
    if (!left.length) return { state: 'completed', notes };
    return {
      state: 'failed',
      errorCode: 'SetupIncomplete',
      errorMessage: `Not everything could be set up: ${left.map((i) => i.title).join(', ')} still ${left.length === 1 ? 'needs' : 'need'} work. Say "set up Dragon licensing" again to retry; what is done stays done.`,
      notes,
    };
  }

  private async runPart(
    req: SetupRequest,
    part: SetupPart,
    steps: SetupStep[],
    o: ObservedPart,
    runner: Runner,
  ): Promise<string[]> {
    const out: string[] = [];
    let groupId = o.group?.id;
    let name = o.group?.displayName ?? SETUP_GROUP_NAMES[part];
    if (steps.includes('create-group')) {
      const g = await this.deps.tenant.createGroup({
        displayName: SETUP_GROUP_NAMES[part],
        mailNickname: SETUP_MAIL_NICKNAMES[part],
        description: DESCRIPTIONS[part],
        ...(part === 'admin' ? { isAssignableToRole: true } : {}),
      });
      // Record at once: a resumed execution must find this group, not create a second one.
      await this.groups.record(part, g, runner.id, true);
      groupId = g.id;
      name = g.displayName;
      await this.audit(req, 'graph.setup.create-group', {
        part,
        groupId: g.id,
        displayName: g.displayName,
        isAssignableToRole: part === 'admin',
      });
      out.push(`✅ Created the ${part === 'admin' ? 'role-assignable ' : ''}security group “${name}”.`);
    }
    if (!groupId) return out;
    const id = groupId;
    if (steps.includes('assign-sku') && o.sku) {
      await afterReplication(() => this.deps.tenant.assignGroupLicense(id, [o.sku!.skuId], []));
      await this.audit(req, 'graph.setup.assign-sku', { part, groupId: id, skuId: o.sku.skuId });
      out.push(
        `✅ Assigned the ${LICENSE_INFO[part as LicenseKind].label} license to “${name}”; its members get it automatically.`,
      );
    }
    if (steps.includes('assign-role')) {
      try {
        await afterReplication(() =>
          this.deps.tenant.createRoleAssignment(DRAGON_ADMIN_TEMPLATE, id, DRAGON_ADMIN_SCOPE_ID),
        );
      } catch (err) {
        if (!isAlreadyAssigned(err)) throw err;
      }
      await this.audit(req, 'graph.setup.assign-role', {
        part,
        groupId: id,
        roleDefinitionId: DRAGON_ADMIN_TEMPLATE,
        directoryScopeId: DRAGON_ADMIN_SCOPE_ID,
      });
      out.push(`✅ “${name}” now holds the Dragon Administrator role (directory scope “/”).`);
    }
    if (steps.includes('add-owner')) {
      await afterReplication(() => this.deps.tenant.addGroupOwner(id, runner.id));
      await this.audit(req, 'graph.setup.add-owner', { part, groupId: id, ownerId: runner.id });
      out.push(`✅ You (${runner.name}) are now the owner of “${name}”: a group needs a named owner.`);
    }
    return out;
  }

  private async audit(req: SetupRequest, action: string, detail: Record<string, unknown>): Promise<void> {
    await this.deps.store.audit.append({
      ...auditEntry(SYSTEM_ACTOR, action, req.tenantId, detail),
      requestId: req.id,
    });
  }
}

function planLines(plan: SetupPlan): string[] {
  return [...plan.items.flatMap((i) => [`${i.title}:`, ...i.lines]), ...plan.permissions];
}

/**
 * A group Graph has just created may not be visible to the next call yet ("The source resource
 * object or one of the objects being referenced do not exist", reference §3): retry briefly.
 */
async function afterReplication<T>(fn: () => Promise<T>, attempts = 5): Promise<T> {
  let delay = 250;
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      const replicating =
        err instanceof TenantError && (isNotFound(err) || tenantErrorKind(err) === 'reference-not-present');
      if (!replicating || i >= attempts) throw err;
      await new Promise((r) => setTimeout(r, delay));
      delay *= 2;
    }
  }
}
