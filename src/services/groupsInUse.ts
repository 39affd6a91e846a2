/**
 * Which groups carry the Dragon licenses and the Dragon Administrator role. A group id in the
 * configuration always wins; a gap is filled by the group set-up created (or found) and recorded in
 * the store, which every instance reads — so a set-up on one instance routes the next request on
 * any other to the new group's owner, with no restart and no edit of env files.
 */
import type { Clock } from '../clock';
import type { Config } from '../config';
import type { LicenseKind } from '../domain/catalog';
import { SETUP_PARTS, SETUP_RECORD_KIND, setupRecordKey, type SetupPart } from '../domain/setupPlan';
import { recordKind, type RecordStore } from '../store/types';
import type { Reads } from './directory';

/** What set-up recorded for a part: the group it found or created. */
interface SetupGroupRecord {
  groupId: string;
  displayName: string;
  created: boolean;
  at: string;
}

export const SETUP_RECORDS = recordKind<SetupGroupRecord>(SETUP_RECORD_KIND);

export type GroupIds = Record<SetupPart, string | undefined>;

export class GroupsInUse {
  private snapshot?: { at: number; ids: Promise<GroupIds> };

  constructor(
    private readonly config: Config,
    private readonly records: RecordStore,
    private readonly clock: Clock,
    /** As long as the directory's cached reads: drafts and status may be that old, decisions read fresh. */
    private readonly ttlMs = 30_000,
  ) {}

  /** The id the configuration names for this part, if any (it wins over anything recorded). */
  configured(part: SetupPart): string | undefined {
    return part === 'admin' ? this.config.dragonAdminGroupId : this.config.licenses[part].groupId;
  }

  async license(kind: LicenseKind, reads: Reads = 'fresh'): Promise<string | undefined> {
    return (await this.all(reads))[kind];
  }

  async admin(reads: Reads = 'fresh'): Promise<string | undefined> {
    return (await this.all(reads)).admin;
  }

  async all(reads: Reads = 'fresh'): Promise<GroupIds> {
    // Everything configured (the usual production set-up): nothing recorded can change the answer.
    if (SETUP_PARTS.every((p) => this.configured(p))) return this.fromConfig();
    const now = this.clock.now().getTime();
    if (reads === 'cached' && this.snapshot && now - this.snapshot.at < this.ttlMs) return this.snapshot.ids;
    const ids = this.read();
    this.snapshot = { at: now, ids };
    // A failed read is not kept: the next one tries again.
    ids.catch(() => {
      if (this.snapshot?.ids === ids) this.snapshot = undefined;
    });
    return ids;
  }

  /** What set-up recorded for a part, whether or not the configuration overrides it. */
  async recorded(part: SetupPart): Promise<string | undefined> {
    const rec = await this.records.get(SETUP_RECORDS, setupRecordKey(part));
    return rec?.value.groupId;
  }

  /** Set-up found or created this group for a part; every instance uses it where the config has a gap. */
  async record(
    part: SetupPart,
    group: { id: string; displayName: string },
    actorId: string,
    created: boolean,
  ): Promise<void> {
    const at = this.clock.now().toISOString();
    await this.records.put(
      SETUP_RECORDS,
      setupRecordKey(part),
      { groupId: group.id, displayName: group.displayName, created, at },
      actorId,
    );
    this.snapshot = undefined;
  }

  private fromConfig(): GroupIds {
    return {
      nursing: this.configured('nursing'),
      physician: this.configured('physician'),
      admin: this.configured('admin'),
    };
  }

  private async read(): Promise<GroupIds> {
    const rows = await this.records.list(SETUP_RECORDS);
    const recorded = new Map(rows.map((r) => [r.key, r.value.groupId]));
    const ids = {} as GroupIds;
    for (const part of SETUP_PARTS) {
      ids[part] = this.configured(part) ?? recorded.get(setupRecordKey(part));
    }
    return ids;
  }
}
