/**
 * Turning the names someone wrote into people in the tenant: one match is used, several become a
 * question on a choice card, none is reported. Shared by every capability that targets people.
 */
import type { PersonQuestion } from '../cards/types';
import type { TenantUser } from '../tenant/types';
import type { Directory } from './directory';
import type { Actor } from './types';

export type PersonQuestionData = PersonQuestion;

export interface ResolvedPeople {
  resolved: TenantUser[];
  questions: PersonQuestionData[];
  notFound: string[];
}

export async function resolvePeople(directory: Directory, written: readonly string[], actor: Actor): Promise<ResolvedPeople> {
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
