/**
 * Asking for a Dragon license, or its removal, for oneself or up to 20 others: who is meant (a
 * choice card when a name fits several people), which kind (inferred for a removal when everyone
 * holds the same one, else a choice card), then the checked draft card.
 */
import { chooseLicenseCard, choosePersonCard } from '../../cards';
import type { CardActionData, CardVerb } from '../../cards/verbs';
import { MAX_PEOPLE_PER_REQUEST, type LicenseKind } from '../../domain/catalog';
import { joinNames } from '../../domain/people';
import { sameKind, type RequestTarget } from '../../domain/request';
import { auditEntry, systemDecision } from '../audit';
import { licenseHolding, type Directory } from '../directory';
import { applyPersonChoices, notFoundText, resolvePeople, targetOf } from '../people';
import type { RequestEngine } from '../requests';
import { card, text, type Actor, type ClickResult, type Reply, type ServiceDeps } from '../types';
import { LICENSE_REQUEST_KINDS, type LicenseRequest } from './kinds';

export interface LicenseAsk {
  users?: string[];
  license?: LicenseKind;
  justification?: string;
}

export class LicenseAsking {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly directory: Directory,
    private readonly engine: RequestEngine,
  ) {
    for (const k of LICENSE_REQUEST_KINDS)
      engine.onDraftChoice(k, (req, actor, data, verb) => this.onChoice(req, actor, data, verb));
  }

  /** "give Dana a Dragon nursing license" / "remove Dana's Dragon license". */
  async ask(actor: Actor, ask: LicenseAsk, kind: 'license.assign' | 'license.remove'): Promise<Reply[]> {
    // The parser leaves people out when it can't tell who is meant ("for my team"): ask, never assume "me".
    if (!ask.users?.length) {
      const what = kind === 'license.assign' ? 'get' : 'lose';
      return [
        text(
          `Who should ${what} the Dragon Copilot license? Name them, for example "give Dana Reyes a Dragon nursing license", or say "I need a Dragon nursing license" for yourself.`,
        ),
      ];
    }
    const users = ask.users;
    if (users.length > MAX_PEOPLE_PER_REQUEST) {
      return [
        text(
          `One request can cover at most ${MAX_PEOPLE_PER_REQUEST} people (the Microsoft 365 admin center's bulk limit); you named ${users.length}. Please split them into requests of ${MAX_PEOPLE_PER_REQUEST} or fewer.`,
        ),
      ];
    }
    await this.directory.warmAsker(actor.id);
    const people = await resolvePeople(this.directory, users, actor);
    if (people.notFound.length) {
      return [text(notFoundText(people.notFound, this.deps.config.mode))];
    }
    return this.engine.startDraft(actor, {
      draft: {
        kind,
        subject: ask.license ?? '',
        justification: ask.justification,
        payload: { questions: people.questions },
        targets: people.resolved.map(targetOf),
      },
      detail: { kind, written: users, license: ask.license },
      ready: !people.questions.length && !!ask.license,
      next: (req) => this.nextStep(req, actor),
    });
  }

  /** Which person / which license answers from a choice card. */
  private async onChoice(
    req: LicenseRequest,
    actor: Actor,
    data: CardActionData,
    verb: CardVerb,
  ): Promise<ClickResult> {
    let updated: LicenseRequest | undefined;
    if (verb === 'request.resolve') {
      const applied = await applyPersonChoices(this.deps.store, req, actor, data);
      if ('message' in applied) return { message: applied.message };
      updated = applied.updated;
    } else {
      if (!data.kind) return { message: 'Please choose nursing or physician.' };
      updated = sameKind(
        req,
        await this.deps.store.requests.update(
          req.id,
          req.version,
          { subject: data.kind },
          {
            actorId: actor.id,
            actorName: actor.name,
            action: 'request.kind-chosen',
            tenantId: req.tenantId,
            detail: { kind: data.kind },
          },
        ),
      );
    }
    if (!updated) return { message: 'This request changed while you were choosing; please look at the latest card.' };
    const [first, ...rest] = await this.nextStep(updated, actor);
    if (first?.kind === 'card')
      return { card: first.card, followUps: rest, about: { requestId: updated.id, role: 'requester' } };
    return { message: first?.kind === 'text' ? first.text : undefined, followUps: rest };
  }

  /** Ask what is still unknown (which person, which license), then check and show the draft card. */
  private async nextStep(req: LicenseRequest, actor: Actor): Promise<Reply[]> {
    const about = { requestId: req.id, role: 'requester' as const };
    const questions = req.payload.questions ?? [];
    if (questions.length) return [card(choosePersonCard(req, questions), about)];

    let current = req;
    if (!current.subject && current.kind === 'license.remove') {
      // "remove Dana's Dragon license": if everyone holds the same kind, that is the one.
      const inferred = await this.inferHeldKind(current.targets);
      if (inferred === 'none') {
        // Asking "which kind?" about a license nobody holds would only lead to "nothing to remove".
        await this.deps.store.requests.transition(
          current.id,
          { state: 'draft', version: current.version },
          'cancel',
          systemDecision(this.deps.clock.now().toISOString(), 'Nothing to remove'),
          auditEntry(actor, 'request.precheck-failed', current.tenantId, { reason: 'holds-no-dragon-license' }),
        );
        return [text(nothingToRemove(current.targets, actor))];
      }
      if (inferred)
        current =
          sameKind(
            current,
            await this.deps.store.requests.update(
              current.id,
              current.version,
              { subject: inferred },
              auditEntry(actor, 'request.kind-inferred', current.tenantId, { kind: inferred }),
            ),
          ) ?? current;
    }
    if (!current.subject)
      return [
        card(
          chooseLicenseCard(
            current,
            current.targets.map((t) => t.displayName),
          ),
          about,
        ),
      ];

    return this.engine.prepareDraft(current, actor);
  }

  /** The one Dragon kind all targets hold; 'none' when none of them holds any; undefined when it is mixed. */
  private async inferHeldKind(targets: RequestTarget[]): Promise<LicenseKind | 'none' | undefined> {
    const seats = await this.directory.seats('cached');
    const kinds = new Set<LicenseKind>();
    let holders = 0;
    let unknown = false;
    for (const t of targets) {
      const user = await this.directory.user(t.userId);
      if (!user) {
        unknown = true;
        continue;
      }
      const held = (['nursing', 'physician'] as const).filter((k) => licenseHolding(user, seats[k].sku?.skuId).holds);
      if (held.length) holders++;
      for (const k of held) kinds.add(k);
      if (held.length > 1) unknown = true;
    }
    if (holders === 0 && !unknown) return 'none';
    return kinds.size === 1 && !unknown && holders === targets.length ? [...kinds][0] : undefined;
  }
}

function nothingToRemove(targets: RequestTarget[], actor: Actor): string {
  if (targets.length === 1 && targets[0].userId === actor.id)
    return "You don't have a Dragon Copilot license (nursing or physician), so there is nothing to remove. Nothing was requested.";
  const names = joinNames(targets.map((t) => t.displayName));
  return targets.length === 1
    ? `${names} doesn't have a Dragon Copilot license (nursing or physician), so there is nothing to remove. Nothing was requested.`
    : `None of ${names} has a Dragon Copilot license (nursing or physician), so there is nothing to remove. Nothing was requested.`;
}
