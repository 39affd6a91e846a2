/**
 * What Dragon Desk says when the safety gate does not propose a change (src/language/gate.ts):
 * a choice card with the readings it sees, the question "who?", a plain statement of what it can
 * do (for text that tries to change its rules: no card at all), or that nothing was changed.
 */
import { chooseReadingCard, type ReadingOption } from '../cards';
import { card, text, type Reply } from '../services/types';

/** Actions the planner emits for the gate's answers; registered next to the intents. */
export const GATE_ACTIONS = ['gate.choose', 'gate.who', 'gate.rules', 'gate.nothing'] as const;
export type GateAction = (typeof GATE_ACTIONS)[number];

export const CAPABILITIES_TEXT =
  'I can request or remove Dragon Copilot licenses (nursing or physician) for named people, give or take away the Dragon Administrator role, answer status questions (seats, who has a license, your requests) and help with partner administration. Every change names the people it is for, and goes through a confirmation card and, where the rules say so, an approval by the group owner. I cannot skip those steps, and I do not change licenses or roles for a whole group at once.';

const WHO: Record<string, string> = {
  'license.request':
    'Who should get the Dragon Copilot license? Name them, for example "give Dana Reyes a Dragon nursing license", or say "I need a Dragon nursing license" for yourself.',
  'license.remove':
    'Whose Dragon Copilot license should be removed? Name them, for example "remove Dana Reyes\'s Dragon license".',
  'role.assign':
    'Who should get the Dragon Administrator role? Name them, for example "make Sam Carter a Dragon admin for 4 hours".',
  'role.remove':
    'Who should lose the Dragon Administrator role? Name them, for example "remove the Dragon admin role from Sam Carter".',
};

export function gateReplies(action: GateAction, params: Record<string, unknown>): Reply[] {
  switch (action) {
    case 'gate.choose': {
      const options = Array.isArray(params.options) ? (params.options as ReadingOption[]) : [];
      const prompt = typeof params.prompt === 'string' ? params.prompt : 'What would you like?';
      return [card(chooseReadingCard(prompt, options))];
    }
    case 'gate.who':
      return [text(WHO[String(params.intent)] ?? WHO['license.request'])];
    case 'gate.rules':
      return [text(CAPABILITIES_TEXT)];
    case 'gate.nothing':
      return [text('OK — I have not changed anything. Tell me what you would like when you are ready.')];
  }
}
