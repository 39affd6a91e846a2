/**
 * The optional language-model fallback: an ActionPlanner asked only about messages the grammar
 * could not place, constrained to the same actions (src/bot/prompts/intents/actions.json). It can
 * only pick an action; the action's service still asks for confirmation or approval before any
 * change, so a model's mistake can at worst put a draft card in front of a person.
 *
 * Loaded only when a model is configured (src/bot/fallback.ts): the planner, prompt and OpenAI
 * code of teams-ai are not needed otherwise.
 */
import { ActionPlanner } from '@microsoft/teams-ai/lib/planners/ActionPlanner';
import { OpenAIModel } from '@microsoft/teams-ai/lib/models/OpenAIModel';
import { PromptManager } from '@microsoft/teams-ai/lib/prompts/PromptManager';
import type { PromptCompletionModel } from '@microsoft/teams-ai/lib/models/PromptCompletionModel';
import type { TurnState } from '@microsoft/teams-ai/lib/TurnState';
import type { Config } from '../config';
import { fromRoot } from '../paths';

export type { PromptCompletionModel } from '@microsoft/teams-ai/lib/models/PromptCompletionModel';

export const PROMPTS_FOLDER = fromRoot('src', 'bot', 'prompts');

export function createFallbackPlanner(model: PromptCompletionModel): ActionPlanner<TurnState> {
  return new ActionPlanner<TurnState>({
    model,
    prompts: new PromptManager({ promptsFolder: PROMPTS_FOLDER }),
    defaultPrompt: 'intents',
    max_repair_attempts: 1,
  });
}

/** The model from config: OpenAI, or Azure OpenAI; undefined when neither is configured. */
export function modelFromConfig(config: Config): PromptCompletionModel | undefined {
  const o = config.openai;
  if (!o) return undefined;
  if (o.azureEndpoint) {
    return new OpenAIModel({
      azureApiKey: o.azureApiKey,
      azureDefaultDeployment: o.azureDeployment!,
      azureEndpoint: o.azureEndpoint,
      useSystemMessages: true,
    });
  }
  return new OpenAIModel({ apiKey: o.apiKey!, defaultModel: o.model ?? 'gpt-4o-mini', useSystemMessages: true });
}
