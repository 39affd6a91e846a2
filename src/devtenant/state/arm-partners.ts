/**
 * Partner Admin Link (routes/arm-partners.ts): at most one link per calling identity, keyed on the
 * caller's tenant and object id, as ARM Microsoft.ManagementPartner keeps it (reference §7).
 */
import { armError } from '../errors';
import type { Fixture, FixturePartner } from '../fixture';
import { lc, type Store } from './store';

export interface PartnerLinkRecord {
  tenantId: string;
  objectId: string;
  partnerId: string;
  etag: number;
  version: number;
  createdTime: string;
  updatedTime: string;
}

export class ArmPartners {
  private links = new Map<string, PartnerLinkRecord>();
  private partners: FixturePartner[] = [];

  constructor(private readonly store: Store) {}

  seed(f: Fixture): void {
    this.links.clear();
    this.partners = f.partners;
    for (const link of f.partnerLinks) {
      this.links.set(this.linkKey(link.objectId), {
        tenantId: this.store.tenantId,
        objectId: link.objectId,
        partnerId: link.partnerId,
        etag: 1,
        version: 1,
        createdTime: link.createdTime,
        updatedTime: link.createdTime,
      });
    }
  }

  private linkKey(objectId: string): string {
    return `${lc(this.store.tenantId)}|${lc(objectId)}`;
  }

  partnerName(partnerId: string): string | null {
    return this.partners.find((p) => p.mpnId === partnerId)?.name ?? null;
  }

  getPartnerLink(objectId: string): PartnerLinkRecord | undefined {
    return this.links.get(this.linkKey(objectId));
  }

  createPartnerLink(objectId: string, partnerId: string): PartnerLinkRecord {
    if (this.getPartnerLink(objectId)) {
      // [U] ARM's answer to a second PUT for an identity that already has a link.
      throw armError(
        409,
        'Conflict',
        'A partner is already linked to this identity. Update or delete the existing link.',
      );
    }
    const now = this.store.nowIso();
    const rec: PartnerLinkRecord = {
      tenantId: this.store.tenantId,
      objectId,
      partnerId,
      etag: 1,
      version: 1,
      createdTime: now,
      updatedTime: now,
    };
    this.links.set(this.linkKey(objectId), rec);
    return rec;
  }

  /** PATCH replaces the linked partner id ("Updates the MPN ID of the current authenticated user"). */
  updatePartnerLink(objectId: string, partnerId: string): PartnerLinkRecord {
    const rec = this.getPartnerLink(objectId);
    if (!rec) throw armError(404, 'NotFound', 'No partner is linked to this identity.');
    rec.partnerId = partnerId;
    rec.etag += 1;
    rec.version += 1;
    rec.updatedTime = this.store.nowIso();
    return rec;
  }

  deletePartnerLink(objectId: string, partnerId: string): void {
    const rec = this.getPartnerLink(objectId);
    // [U] A delete naming another partner id than the caller's link is treated as not found.
    if (!rec || rec.partnerId !== partnerId) {
      throw armError(404, 'NotFound', `Partner '${partnerId}' is not linked to this identity.`);
    }
    this.links.delete(this.linkKey(objectId));
  }
}
