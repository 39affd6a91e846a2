/**
 * "Which Dana did you mean?": one required choice per ambiguous name. Choice values are directory
 * object ids; the handler must accept only ids that the stored request lists as candidates, since
 * merged input values are as untrusted as the rest of the card data.
 */
import type { DeskRequest } from '../domain/request';
import { renderCard } from './template';
import { joinNames, userText } from './text';
import type { AdaptiveCard, PersonCandidate, PersonQuestion } from './types';

/** Radio buttons read best for a handful of people; beyond that a dropdown keeps the card short. */
const MAX_EXPANDED_CHOICES = 5;

export interface ChoosePersonView {
  requestId: number;
  version: number;
  title: string;
  subtitle: string;
  intro: string;
  questions: {
    id: string;
    label: string;
    style: 'expanded' | 'compact';
    errorMessage: string;
    choices: { title: string; value: string }[];
  }[];
}

/** "Dana Smith — Nurse, Cardiology · dana.smith@contoso.com" */
export function candidateTitle(c: PersonCandidate): string {
  const role = [c.jobTitle, c.department]
    .filter((s): s is string => !!s && s.trim() !== '')
    .map(userText)
    .join(', ');
  const name = userText(c.displayName) || userText(c.userPrincipalName);
  return `${name}${role ? ` — ${role}` : ''} · ${userText(c.userPrincipalName)}`;
}

export function choosePersonView(req: DeskRequest, questions: PersonQuestion[]): ChoosePersonView {
  if (questions.length === 0) throw new RangeError('choosePersonCard needs at least one ambiguous name');
  const written = questions.map((q) => `“${userText(q.written)}”`);
  return {
    requestId: req.id,
    version: req.version,
    title:
      questions.length === 1 ? `Which ${userText(questions[0].written)} did you mean?` : 'Which people did you mean?',
    subtitle: `Request #${req.id}`,
    intro: `I found more than one person for ${joinNames(written, 10)}. Pick the one you meant and I will carry on with the request.`,
    questions: questions.map((q, i) => ({
      id: `choice_${i}`,
      label: `Which “${userText(q.written)}”?`,
      style: q.candidates.length > MAX_EXPANDED_CHOICES ? 'compact' : 'expanded',
      errorMessage: `Pick one person for “${userText(q.written)}”, or cancel the request.`,
      choices: q.candidates.map((c) => ({ title: candidateTitle(c), value: c.id })),
    })),
  };
}

export function choosePersonCard(req: DeskRequest, questions: PersonQuestion[]): AdaptiveCard {
  return renderCard('choose-person', choosePersonView(req, questions));
}
