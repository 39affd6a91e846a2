/**
 * GDAP, partner side (routes/gdap.ts): delegated admin relationships and their requests. The
 * customer's approval happens in the admin center; `approveGdap` stands in for it (a dev hook).
 */
import { randomUUID } from 'node:crypto';
import { DAY_MS, isoDurationMs } from '../duration';
import { badRequest, TenantHttpError } from '../errors';
import { lc, type Store } from './store';
import type { Defined, Graph, Narrowed, NarrowedOrNull, Present } from '../../tenant/graphTypes';

export type GdapRequestRecord = Present<
  Graph.DelegatedAdminRelationshipRequest,
  'id' | 'action' | 'createdDateTime' | 'lastModifiedDateTime'
> &
  Narrowed<Graph.DelegatedAdminRelationshipRequest, 'status', 'created' | 'pending' | 'succeeded' | 'failed'>;

export type GdapRelationshipRecord = Present<
  Graph.DelegatedAdminRelationship,
  'id' | 'displayName' | 'duration' | 'autoExtendDuration' | 'status' | 'createdDateTime' | 'lastModifiedDateTime'
> &
  Defined<Graph.DelegatedAdminRelationship, 'activatedDateTime' | 'endDateTime'> &
  NarrowedOrNull<
    Graph.DelegatedAdminRelationship,
    'customer',
    Present<Graph.DelegatedAdminRelationshipCustomerParticipant, 'tenantId'> &
      Defined<Graph.DelegatedAdminRelationshipCustomerParticipant, 'displayName'>
  > &
  Narrowed<
    Graph.DelegatedAdminRelationship,
    'accessDetails',
    { unifiedRoles: Present<Graph.UnifiedRole, 'roleDefinitionId'>[] }
  > & {
    /** Bumped on every change; the @odata.etag is built from it. */
    revision: number;
    requests: GdapRequestRecord[];
  };

export interface NewGdapRelationship {
  displayName: string;
  duration: string;
  customer: GdapRelationshipRecord['customer'];
  roleDefinitionIds: string[];
  autoExtendDuration: string;
}

export class Gdap {
  private gdap = new Map<string, GdapRelationshipRecord>();

  constructor(private readonly store: Store) {}

  seed(): void {
    this.gdap.clear();
  }

  listGdap(): GdapRelationshipRecord[] {
    return [...this.gdap.values()];
  }

  getGdap(id: string): GdapRelationshipRecord | undefined {
    return this.gdap.get(lc(id));
  }

  createGdap(input: NewGdapRelationship): GdapRelationshipRecord {
    if (this.listGdap().some((r) => lc(r.displayName) === lc(input.displayName))) {
      throw badRequest(`A relationship with the display name '${input.displayName}' already exists.`, 'BadRequest');
    }
    const now = this.store.clock.now().toISOString();
    const prefix = input.customer?.tenantId ?? randomUUID();
    const rec: GdapRelationshipRecord = {
      id: `${prefix}-${randomUUID()}`,
      displayName: input.displayName,
      duration: input.duration,
      customer: input.customer,
      accessDetails: { unifiedRoles: input.roleDefinitionIds.map((roleDefinitionId) => ({ roleDefinitionId })) },
      autoExtendDuration: input.autoExtendDuration,
      status: 'created',
      createdDateTime: now,
      lastModifiedDateTime: now,
      activatedDateTime: null,
      endDateTime: null,
      revision: 1,
      requests: [],
    };
    this.gdap.set(lc(rec.id), rec);
    return rec;
  }

  gdapRequest(id: string, action: string): GdapRequestRecord {
    const rel = this.getGdap(id);
    if (!rel) throw new TenantHttpError(404, 'NotFound', `The delegated admin relationship '${id}' was not found.`);
    const now = this.store.clock.now().toISOString();
    if (action === 'lockForApproval') {
      if (rel.status !== 'created') {
        throw badRequest(
          `The relationship is '${rel.status}'; only a relationship in 'created' can be locked for approval.`,
          'BadRequest',
        );
      }
      rel.status = 'approvalPending';
    } else if (action === 'terminate') {
      if (rel.status !== 'active')
        throw badRequest(
          `The relationship is '${rel.status}'; only an active relationship can be terminated.`,
          'BadRequest',
        );
      rel.status = 'terminationRequested';
    } else {
      throw badRequest(`The action '${action}' is not supported.`, 'BadRequest');
    }
    rel.lastModifiedDateTime = now;
    rel.revision += 1;
    const req: GdapRequestRecord = {
      id: randomUUID(),
      action,
      status: 'created',
      createdDateTime: now,
      lastModifiedDateTime: now,
    };
    rel.requests.push(req);
    return req;
  }

  /** Dev-only: what the customer's "Approve all" in the admin center would do. */
  approveGdap(id: string): GdapRelationshipRecord {
    const rel = this.getGdap(id);
    if (!rel) throw new TenantHttpError(404, 'NotFound', `The delegated admin relationship '${id}' was not found.`);
    if (rel.status !== 'approvalPending')
      throw badRequest(`The relationship is '${rel.status}', not 'approvalPending'.`, 'BadRequest');
    const now = this.store.clock.now();
    rel.status = 'active';
    rel.activatedDateTime = now.toISOString();
    rel.endDateTime = new Date(now.getTime() + (isoDurationMs(rel.duration) ?? DAY_MS)).toISOString();
    rel.lastModifiedDateTime = now.toISOString();
    rel.revision += 1;
    return rel;
  }
}
