/**
 * The composition of Dragon Desk's services: who depends on whom, built once. The Desk routes to
 * them; the worker runs the engine's and the role service's background work.
 */
import { ApprovalDelegation } from './approvalDelegation';
import { AuditTrailService } from './auditTrail';
import { DelegatedAdminService } from './delegatedAdmin';
import { Directory } from './directory';
import { GroupsInUse } from './groupsInUse';
import { LicenseService } from './licenses';
import { Recertification } from './licenses/recertification';
import { PartnerAccess } from './partnerAccess';
import { PartnerLinkService } from './partnerLink';
import { PartnerOfRecordService } from './partnerOfRecord';
import { PartnerRelationshipsService } from './partnerRelationships';
import { RequestAccess } from './requestAccess';
import { RequestEngine } from './requests';
import { RoleService } from './roles';
import { SetupService } from './setup';
import { StatusService } from './status';
import type { ServiceDeps } from './types';

export interface Services {
  deps: ServiceDeps;
  directory: Directory;
  groups: GroupsInUse;
  access: RequestAccess;
  engine: RequestEngine;
  licenses: LicenseService;
  recertification: Recertification;
  status: StatusService;
  roles: RoleService;
  setup: SetupService;
  partnerLink: PartnerLinkService;
  partnerOfRecord: PartnerOfRecordService;
  partnerRelationships: PartnerRelationshipsService;
  delegatedAdmin: DelegatedAdminService;
  approvalDelegation: ApprovalDelegation;
  auditTrail: AuditTrailService;
}

export function createServices(deps: ServiceDeps): Services {
  const directory = new Directory(deps.tenant, deps.config, deps.clock);
  const groups = new GroupsInUse(deps.config, deps.store.records, deps.clock);
  const access = new RequestAccess(directory, groups);
  const engine = new RequestEngine(deps, access, (ids) => directory.awayNow(ids));
  const partnerAccess = new PartnerAccess(deps, directory);
  const partnerOfRecord = new PartnerOfRecordService(deps, engine);
  return {
    deps,
    directory,
    groups,
    access,
    engine,
    licenses: new LicenseService(deps, directory, engine, groups),
    recertification: new Recertification(deps, directory, engine, groups),
    status: new StatusService(deps, directory, engine, access, groups),
    roles: new RoleService(deps, directory, engine, groups),
    setup: new SetupService(deps, directory, engine, groups),
    partnerLink: new PartnerLinkService(deps, engine, partnerAccess),
    partnerOfRecord,
    partnerRelationships: new PartnerRelationshipsService(deps, directory, engine, partnerAccess, partnerOfRecord),
    delegatedAdmin: new DelegatedAdminService(deps, engine, partnerAccess),
    approvalDelegation: new ApprovalDelegation(deps, directory, groups, engine.notifications),
    auditTrail: new AuditTrailService(deps, directory, engine, access),
  };
}
