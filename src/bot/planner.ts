/**
 * The teams-ai Planner that turns what someone typed into one DO command per message. The grammar
 * in src/language decides deterministically; when a language model is configured, it is asked only
 * about what the grammar could not place, and it can only choose among the same actions. Either
 * way, a DO command never writes anything by itself: writes still need a confirmation or approval.
 */
import type { TurnContext } from 'botbuilder';
import type { AI } from '@microsoft/teams-ai/lib/AI';
import type { Plan, Planner, PredictedDoCommand } from '@microsoft/teams-ai/lib/planners/Planner';
import type { TurnState } from '@microsoft/teams-ai/lib/TurnState';
import { INTENTS, understand, type Intent } from '../language';
import type { GateAction } from './gateReplies';

/** The action names registered with app.ai.action: the intents of src/language, one list. */
export const INTENT_ACTIONS: readonly Intent[] = INTENTS;

export class GrammarPlanner<TState extends TurnState = TurnState> implements Planner<TState> {
  /** `fallback` (an ActionPlanner) is consulted only for input the grammar calls unknown. */
  constructor(private readonly fallback?: Planner<TState>) {}

  async beginTask(context: TurnContext, state: TState, ai: AI<TState>): Promise<Plan> {
    const input = String(state.temp.input ?? context.activity.text ?? '');
    const { result, decision } = understand(input);
    const { intent, ...entities } = result as { intent: string } & Record<string, unknown>;
    // The safety gate: a change is proposed only when it is asked for, affirmatively, for named
    // people. Anything else is answered, or offered as a choice, and never reaches a draft.
    const gate = (action: GateAction, parameters: Record<string, unknown> = {}): Plan => ({
      type: 'plan',
      commands: [{ type: 'DO', action, parameters } as PredictedDoCommand],
    });
    if (decision.action === 'choose')
      return gate('gate.choose', { prompt: decision.prompt, options: decision.options });
    if (decision.action === 'answer') {
      if (decision.reason === 'who') return gate('gate.who', { intent });
      if (decision.reason === 'rules') return gate('gate.rules');
      if (decision.reason === 'retracted' || decision.reason === 'not-asked') return gate('gate.nothing');
    }
    // Only what the grammar could not read at all goes to the language model: never text it
    // turned down (rule-changing, forbidden or retracted), which a model might read as an order.
    if (decision.action === 'answer' && decision.reason === 'not-understood' && !entities.error && this.fallback) {
      try {
        const plan = await this.fallback.beginTask(context, state, ai);
        const allowed = plan.commands.filter(
          (c): c is PredictedDoCommand =>
            c.type === 'DO' && (INTENT_ACTIONS as readonly string[]).includes((c as PredictedDoCommand).action),
        );
        if (allowed.length) return { type: 'plan', commands: allowed.slice(0, 1) };
      } catch {
        // A model that is down, slow or answers nonsense must not cost the person an answer:
        // they get the grammar's "I didn't understand" reply instead.
      }
    }
    const command: PredictedDoCommand = { type: 'DO', action: intent, parameters: entities };
    return { type: 'plan', commands: [command] };
  }

  /** One message, one action: no looping on action output. */
  continueTask(): Promise<Plan> {
    return Promise.resolve({ type: 'plan', commands: [] });
  }
}
