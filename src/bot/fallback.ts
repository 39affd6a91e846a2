/**
 * The language-model fallback planner, or none. src/bot/llm.ts (teams-ai's ActionPlanner,
 * PromptManager and OpenAIModel, with openai, axios and gpt-tokenizer behind them) is required
 * only when there is a model: without an OpenAI / Azure OpenAI key Dragon Desk never loads it,
 * which keeps ~17 MB out of every instance's resident memory (README, Performance).
 */
import type { Config } from '../config';
import type { Planner } from '@microsoft/teams-ai/lib/planners/Planner';
import type { TurnState } from '@microsoft/teams-ai/lib/TurnState';
import type { PromptCompletionModel } from './llm';

/** `model` (a test's) wins over the configured one; undefined when neither is there. */
export function fallbackPlannerFor(config: Config, model?: PromptCompletionModel): Planner<TurnState> | undefined {
  if (!model && !config.openai) return undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const llm = require('./llm') as typeof import('./llm');
  const chosen = model ?? llm.modelFromConfig(config);
  return chosen ? llm.createFallbackPlanner(chosen) : undefined;
}
