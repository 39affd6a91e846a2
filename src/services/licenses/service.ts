/**
 * Dragon Copilot licenses as a capability of the request engine: asking (asking.ts), the checks
 * (prechecks.ts), who approves (the domain's approver rule), carrying it out (execution.ts), and
 * how its cards and messages read.
 */
import { LICENSE_INFO, type LicenseKind } from '../../domain/catalog';
import { licenseAssignerRole } from '../../domain/policy';
import type { RequestApprover } from '../../domain/request';
import { readApprovers } from '../approvers';
import type { Capability, ExecutionContext, ExecutionOutcome, Precheck } from '../capability';
import type { Directory, Reads } from '../directory';
import type { GroupsInUse } from '../groupsInUse';
import type { RequestEngine } from '../requests';
import type { Actor, Reply, ServiceDeps } from '../types';
import { LicenseAsking, type LicenseAsk } from './asking';
import { LicenseExecution } from './execution';
import { LICENSE_REQUEST_KINDS, type LicenseRequest, type LicenseRequestKind } from './kinds';
import { LicensePrechecks } from './prechecks';

export class LicenseService implements Capability<LicenseRequestKind> {
  readonly kinds = LICENSE_REQUEST_KINDS;
  private readonly asking: LicenseAsking;
  private readonly checks: LicensePrechecks;
  private readonly execution: LicenseExecution;

  constructor(
    private readonly deps: ServiceDeps,
    private readonly directory: Directory,
    engine: RequestEngine,
    private readonly groups: GroupsInUse,
  ) {
    engine.register(this);
    this.asking = new LicenseAsking(deps, directory, engine);
    this.checks = new LicensePrechecks(deps, directory, groups, engine);
    this.execution = new LicenseExecution(deps, directory, groups);
  }

  /** "give Dana a Dragon nursing license" / "remove Dana's Dragon license". */
  ask(actor: Actor, ask: LicenseAsk, kind: LicenseRequestKind): Promise<Reply[]> {
    return this.asking.ask(actor, ask, kind);
  }

  title(req: LicenseRequest): string {
    const kind = req.subject as LicenseKind;
    const label = LICENSE_INFO[kind]?.label ?? 'Dragon Copilot';
    return req.kind === 'license.remove' ? `Remove ${label} license` : `${label} license`;
  }

  async cardContext(req: LicenseRequest) {
    const kind = req.subject as LicenseKind;
    const notes = req.payload.notes ?? [];
    if (!LICENSE_INFO[kind]) return { notes };
    const subject = `${LICENSE_INFO[kind].label} license`;
    const s = (await this.directory.seats('cached'))[kind];
    const delta = req.kind === 'license.assign' ? req.targets.length : -req.targets.length;
    const showAfter = req.state === 'draft' && req.payload.direct === true;
    return {
      subject,
      seats: { used: s.used, total: s.total, ...(showAfter ? { after: Math.max(0, s.used + delta) } : {}) },
      notes,
    };
  }

  async canActDirectly(actor: Actor, _req?: LicenseRequest, reads: Reads = 'fresh'): Promise<boolean> {
    return licenseAssignerRole(await this.directory.rolesOf(actor.id, reads)) !== undefined;
  }

  requiresJustification(): boolean {
    return false;
  }

  precheck(req: LicenseRequest, actor: Actor, reads: Reads = 'fresh'): Promise<Precheck> {
    return this.checks.precheck(req, actor, reads);
  }

  async approvers(req: LicenseRequest, reads: Reads = 'fresh'): Promise<RequestApprover[]> {
    const kind = req.subject as LicenseKind;
    if (!LICENSE_INFO[kind]) return [];
    const groupId = await this.groups.license(kind);
    const group = groupId ? { id: groupId, fallbackName: groupId } : undefined;
    return readApprovers(this.directory, req, { of: 'license', kind }, group, this.deps.config.approverFallback, reads);
  }

  completedMessage(req: LicenseRequest): string {
    const label = LICENSE_INFO[req.subject as LicenseKind]?.label ?? 'Dragon Copilot';
    return req.kind === 'license.assign'
      ? `Your ${label} license is active (request #${req.id}, asked by ${req.requesterName}). You can sign in to Dragon Copilot now.`
      : `Your ${label} license was removed (request #${req.id}, asked by ${req.requesterName}).`;
  }

  execute(req: LicenseRequest, ctx: ExecutionContext): Promise<ExecutionOutcome> {
    return this.execution.execute(req, ctx);
  }
}
