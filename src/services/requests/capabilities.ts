/**
 * Which capability carries out each kind of request (licenses, the Dragon Administrator role,
 * partner administration, set-up), and which continues a draft that waits for a person's choice.
 */
import type { CardActionData, CardVerb } from '../../cards/verbs';
import type { DeskRequest } from '../../domain/request';
import type { Capability } from '../capability';
import type { Actor, ClickResult } from '../types';

/** A draft's answer to "which Dana?" / "which license?" (request.resolve / request.kind). */
export type DraftChoice = (
  req: DeskRequest,
  actor: Actor,
  data: CardActionData,
  verb: CardVerb,
) => Promise<ClickResult>;

export class Capabilities {
  private readonly byKind = new Map<string, Capability>();
  private readonly choices = new Map<string, DraftChoice>();

  register(cap: Capability): void {
    for (const k of cap.kinds) this.byKind.set(k, cap);
  }

  onDraftChoice(kind: string, handler: DraftChoice): void {
    this.choices.set(kind, handler);
  }

  of(req: Pick<DeskRequest, 'kind'>): Capability {
    const cap = this.byKind.get(req.kind);
    if (!cap) throw new Error(`no capability registered for ${req.kind}`);
    return cap;
  }

  draftChoice(kind: string): DraftChoice | undefined {
    return this.choices.get(kind);
  }
}
