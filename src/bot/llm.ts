/**
 * The optional language-model fallback: an ActionPlanner asked only about messages the grammar
 * could not place, constrained to the same actions (src/bot/prompts/intents/actions.json). It can
 * only pick an action; the action's service still asks for confirmation or approval before any
 * change, so a model's mistake can at worst put a draft card in front of a person.
 */
import path from 'node:path';
import { ActionPlanner, OpenAIModel, PromptManager, type PromptCompletionModel, type TurnState } from '@microsoft/teams-ai';
import type { Config } from '../config';

export type { PromptCompletionModel } from '@microsoft/teams-ai';

export const PROMPTS_FOLDER = path.join(__dirname, 'prompts');

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
