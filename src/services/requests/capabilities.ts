/**
 * Which capability carries out each kind of request (licenses, the Dragon Administrator role,
 * partner administration, set-up), and which continues a draft that waits for a person's choice.
 */
import type { CardActionData, CardVerb } from '../../cards/verbs';
import type { DeskRequest, RequestKind } from '../../domain/request';
import type { Capability } from '../capability';
import type { Actor, ClickResult } from '../types';

/** A draft's answer to "which Dana?" / "which license?" (request.resolve / request.kind). */
export type DraftChoice<K extends RequestKind = RequestKind> = (
  req: DeskRequest<K>,
  actor: Actor,
  data: CardActionData,
  verb: CardVerb,
) => Promise<ClickResult>;

export class Capabilities {
  private readonly byKind = new Map<RequestKind, Capability>();
  private readonly choices = new Map<RequestKind, DraftChoice>();

  register<K extends RequestKind>(cap: Capability<K>): void {
    for (const k of cap.kinds) this.byKind.set(k, cap);
  }

  // Kept by kind and only ever handed a request of that kind (draftChoice()), which is what makes
  // widening its request type here sound.
  onDraftChoice<K extends RequestKind>(kind: K, handler: DraftChoice<K>): void {
    this.choices.set(kind, handler as DraftChoice);
  }

  of(req: Pick<DeskRequest, 'kind'>): Capability {
    const cap = this.byKind.get(req.kind);
    if (!cap) throw new Error(`no capability registered for ${req.kind}`);
    return cap;
  }

  draftChoice(kind: RequestKind): DraftChoice | undefined {
    return this.choices.get(kind);
  }
}
