/**
 * Whether someone may see a request, with the tenant facts the rule needs read only when the
 * request does not involve them (most lookups are by the requester or an approver and cost nothing).
 */
import type { LicenseKind } from '../domain/catalog';
import { isStatusReader, mayViewRequest, relationTo, type RequestRelation } from '../domain/policy';
import type { DeskRequest } from '../domain/request';
import type { Directory } from './directory';
import type { GroupsInUse } from './groupsInUse';

export class RequestAccess {
  constructor(
    private readonly directory: Directory,
    private readonly groups: GroupsInUse,
  ) {}

  async mayView(personId: string, req: DeskRequest): Promise<boolean> {
    const relation: RequestRelation = relationTo(req, personId);
    if (relation !== 'none') return true;
    const kind = req.kind.startsWith('license.') ? (req.subject as LicenseKind) : undefined;
    const statusReader = isStatusReader(await this.directory.rolesOf(personId, 'cached'));
    const groupId = kind ? await this.groups.license(kind, 'cached') : undefined;
    const ownsLicenseGroup = !statusReader && !!groupId && (await this.directory.isGroupOwner(groupId, personId));
    return mayViewRequest(relation, { statusReader, ownsLicenseGroup });
  }
}
