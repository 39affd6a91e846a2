/**
 * The floor: teams-ai's echo sample (a turn counter in conversation state, echoed back) on the
 * same adapter and the same restify set-up as Dragon Desk (src/server.ts, src/bot/adapter.ts).
 * Whatever it costs to receive a turn, load and save state and post a reply to the connector is
 * in this figure; everything Dragon Desk costs above it is its own. It loads teams-ai as Dragon
 * Desk does (src/bot/app.ts): the deep paths, not the package index with its LLM stack, and the
 * Recognizers-Text stand-ins (src/bot/deferredModules.ts), so the memory floor is the SDK's cost
 * as Dragon Desk pays it.
 */
import '../src/bot/deferredModules';
import { ActivityTypes, MemoryStorage } from 'botbuilder';
import { Application } from '@microsoft/teams-ai/lib/Application';
import { TeamsAdapter } from '@microsoft/teams-ai/lib/TeamsAdapter';
import { TurnState } from '@microsoft/teams-ai/lib/TurnState';
import restify from 'restify';

export interface EchoBot {
  /** POST target, e.g. http://127.0.0.1:PORT/api/messages */
  messagesUrl: string;
  close(): Promise<void>;
}

export async function startEchoBot(): Promise<EchoBot> {
  // Anonymous, as Dragon Desk runs in dev mode: both skip the same (absent) JWT validation.
  const adapter = new TeamsAdapter({});
  const app = new Application<TurnState>({
    adapter,
    storage: new MemoryStorage(),
    removeRecipientMention: true,
    // Dragon Desk turns the typing timer off as well; left on, a turn under 1 s never types anyway.
    startTypingTimer: false,
  });
  app.activity(ActivityTypes.Message, async (ctx, state) => {
    const count = ((state.conversation as { count?: number }).count ?? 0) + 1;
    (state.conversation as { count?: number }).count = count;
    await ctx.sendActivity(`[${count}] you said: ${ctx.activity.text}`);
  });

  const server = restify.createServer({ name: 'echo-bot', handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser({ mapParams: false, maxBodySize: 1024 * 1024 }));
  server.post('/api/messages', async (req: restify.Request, res: restify.Response) => {
    await adapter.process(req, res, async (ctx) => {
      await app.run(ctx);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    messagesUrl: `http://127.0.0.1:${port}/api/messages`,
    close: () =>
      new Promise<void>((resolve) => {
        (server.server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
