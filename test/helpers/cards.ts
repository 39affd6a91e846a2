/**
 * Card assertions shared by every card test in the project.
 *
 *   expectValidTeamsCard(card)      // parses at schema 1.5, verbs routed, fallbacks present, small enough
 *   executeActions(card)            // the Action.Execute buttons, in order
 *   cardText(card)                  // every string a person can read, joined
 */
import { validateTeamsCard } from '../../src/cards/validate';

type Json = Record<string, unknown>;

export function expectValidTeamsCard(card: unknown): void {
  const problems = validateTeamsCard(card);
  if (problems.length > 0) {
    throw new Error(
      `Not a valid Teams card:\n  - ${problems.join('\n  - ')}\n\n${JSON.stringify(card, null, 2).slice(0, 4000)}`,
    );
  }
}

/** Every object in the card, depth first, in document order. */
export function cardNodes(card: unknown): Json[] {
  const out: Json[] = [];
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') {
      out.push(v as Json);
      Object.values(v).forEach(visit);
    }
  };
  visit(card);
  return out;
}

export interface ExecuteAction {
  verb: string;
  title: string;
  style?: string;
  data: Json;
  fallback?: Json;
  associatedInputs?: string;
}

export function executeActions(card: unknown): ExecuteAction[] {
  return cardNodes(card).filter((n) => n.type === 'Action.Execute') as unknown as ExecuteAction[];
}

export function verbs(card: unknown): string[] {
  return executeActions(card).map((a) => a.verb);
}

/** Ids of the inputs on the card, in order. */
export function inputIds(card: unknown): string[] {
  return cardNodes(card)
    .filter((n) => typeof n.type === 'string' && n.type.startsWith('Input.'))
    .map((n) => String(n.id));
}

export function findInput(card: unknown, id: string): Json | undefined {
  return cardNodes(card).find((n) => typeof n.type === 'string' && n.type.startsWith('Input.') && n.id === id);
}

/** Facts as "title: value" strings. */
export function facts(card: unknown): string[] {
  return cardNodes(card)
    .filter((n) => n.type === 'FactSet')
    .flatMap((n) => (n.facts as { title: string; value: string }[]).map((f) => `${f.title}: ${f.value}`));
}

/** The texts a person reads: TextBlocks, facts, labels, choice titles and button titles. */
export function cardText(card: unknown): string {
  const parts: string[] = [];
  for (const n of cardNodes(card)) {
    for (const key of ['text', 'title', 'value', 'label', 'placeholder'] as const) {
      if (typeof n[key] === 'string') parts.push(n[key]);
    }
  }
  return parts.join('\n');
}

export function cardBytes(card: unknown): number {
  return Buffer.byteLength(JSON.stringify(card), 'utf8');
}
