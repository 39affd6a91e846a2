/**
 * Turning the names someone wrote into people in the tenant: one match is used, several become a
 * question on a choice card, none is reported. Shared by every capability that targets people.
 */
import type { PersonQuestion } from '../domain/payloads';
import { joinNames } from '../domain/people';
import type { CardActionData } from '../cards/verbs';
import { sameKind, type DeskRequest, type RequestTarget } from '../domain/request';
import type { Store } from '../store/types';
import type { TenantUser } from '../tenant/types';
import type { Directory } from './directory';
import type { Actor } from './types';

export type PersonQuestionData = PersonQuestion;

export interface ResolvedPeople {
  resolved: TenantUser[];
  questions: PersonQuestionData[];
  notFound: string[];
}

export async function resolvePeople(
  directory: Directory,
  written: readonly string[],
  actor: Actor,
): Promise<ResolvedPeople> {
  const out: ResolvedPeople = { resolved: [], questions: [], notFound: [] };
  const results = await Promise.all(written.map((w) => directory.resolve(w, actor)));
  results.forEach((r, i) => {
    if (r.kind === 'one') {
      if (!out.resolved.some((p) => p.id === r.person.id)) out.resolved.push(r.person);
    } else if (r.kind === 'many') {
      out.questions.push({
        written: written[i],
        candidates: r.candidates.slice(0, 10).map((c) => ({
          id: c.id,
          displayName: c.accountEnabled === false ? `${c.displayName} (account disabled)` : c.displayName,
          jobTitle: c.jobTitle ?? undefined,
          department: c.department ?? undefined,
          userPrincipalName: c.userPrincipalName,
        })),
      });
    } else out.notFound.push(written[i]);
  });
  return out;
}

/**
 * Applies the answers of a "which person did you mean?" card to a draft. Each answer must be one
 * of the candidates the card offered (read from the stored draft, never from the card); anything
 * else is a tampered card, refused and audited. Returns the updated draft, or a message to show.
 */
export async function applyPersonChoices<R extends DeskRequest>(
  store: Store,
  req: R,
  actor: Actor,
  data: CardActionData,
): Promise<{ updated: R } | { message: string }> {
  const questions = req.payload.questions ?? [];
  if (data.choices.length !== questions.length) return { message: 'Please choose one person for each name.' };
  const chosen: Omit<RequestTarget, 'status'>[] = [];
  for (let i = 0; i < questions.length; i++) {
    const c = questions[i].candidates.find((x) => x.id === data.choices[i]);
    if (!c) {
      await store.audit.append({
        actorId: actor.id,
        actorName: actor.name,
        action: 'refused.tampered-choice',
        requestId: req.id,
        tenantId: req.tenantId,
        detail: { choice: data.choices[i] },
      });
      return { message: 'That choice is not one of the people offered on this card. Please pick from the list.' };
    }
    chosen.push({
      userId: c.id,
      displayName: c.displayName.replace(/ \(account disabled\)$/, ''),
      userPrincipalName: c.userPrincipalName,
    });
  }
  const seen = new Set<string>();
  const targets = [...req.targets, ...chosen].filter((t) => (seen.has(t.userId) ? false : (seen.add(t.userId), true)));
  const updated = sameKind(
    req,
    await store.requests.update(
      req.id,
      req.version,
      { targets, payload: { ...req.payload, questions: [] } },
      {
        actorId: actor.id,
        actorName: actor.name,
        action: 'request.resolved',
        tenantId: req.tenantId,
        detail: { chosen: chosen.map((c) => c.userId) },
      },
    ),
  );
  return updated
    ? { updated }
    : { message: 'This request changed while you were choosing; please look at the latest card.' };
}

/** A request target from a tenant user. */
export function targetOf(u: TenantUser): Omit<RequestTarget, 'status'> {
  return { userId: u.id, displayName: u.displayName, userPrincipalName: u.userPrincipalName };
}

/** Names that fit several people in the directory, and who they could be: ask again more precisely. */
export function severalMatchText(
  questions: readonly { written: string; candidates: readonly { displayName: string }[] }[],
): string {
  const written = joinNames(questions.map((q) => `“${q.written}”`));
  const who = questions.flatMap((q) => q.candidates.map((c) => c.displayName)).join(', ');
  return `${written} could mean several people (${who}). Ask again with the full name or e-mail address.`;
}

/** "I couldn't find …": names that match nobody; nothing is requested. */
export function notFoundText(names: readonly string[], mode: 'dev' | 'production'): string {
  const where = mode === 'dev' ? 'the Contoso Health directory' : 'your directory';
  return `I couldn't find ${joinNames(names.map((n) => `“${n}”`))} in ${where}. Check the spelling or use their work e-mail address. Nothing was requested.`;
}
