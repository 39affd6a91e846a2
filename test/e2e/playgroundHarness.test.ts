/**
 * The browser harness (test/helpers/playground.ts) against a tiny stand-in bot, so a change in the
 * Agents Playground's page or activity shapes shows up here, apart from any Dragon Desk behaviour:
 * the persona config reaches the bot as from.aadObjectId / tenant / personal conversation, text and
 * cards render, inputs travel with Action.Execute, the invoke's card replaces the clicked one, and a
 * connector PUT (updateActivity) changes a card in place.
 *
 * Skipped, with the reason printed, when /usr/bin/chromium is missing (scripts/ensure-chromium.sh).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { mkdtempSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { persona, loadFixture } from '../../src/devtenant/fixture';
import { describeWithBrowser, launchChromium, openPlayground, type PlaygroundSession } from '../helpers/playground';

jest.setTimeout(120_000);

const describeBrowser = describeWithBrowser('the Agents Playground harness tests');

interface SeenActivity {
  type: string;
  text?: string;
  from?: { id: string; name?: string; aadObjectId?: string };
  conversation?: { id: string; conversationType?: string; tenantId?: string };
  channelData?: { tenant?: { id?: string } };
  serviceUrl: string;
  value?: { action?: { verb?: string; data?: Record<string, unknown> } };
}

function card(title: string, withActions: boolean): Record<string, unknown> {
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    body: [
      { type: 'TextBlock', text: title, wrap: true, weight: 'Bolder' },
      ...(withActions ? [{ type: 'Input.Text', id: 'reason', label: 'Reason', placeholder: 'Why?' }] : []),
    ],
    actions: withActions
      ? [
          { type: 'Action.Execute', title: 'Approve', verb: 'approve', data: { requestId: 'r1' } },
          { type: 'Action.Execute', title: 'Reject', verb: 'reject', data: { requestId: 'r1' } },
        ]
      : [],
  };
}

/** Answers like a bot through the Playground's mocked connector; records what it was sent. */
function startStandInBot(): Promise<{ url: string; seen: SeenActivity[]; close(): Promise<void> }> {
  const seen: SeenActivity[] = [];
  let firstCardId: string | undefined;
  const post = async (a: SeenActivity, body: Record<string, unknown>, activityId?: string) => {
    const base = `${a.serviceUrl}/v3/conversations/${encodeURIComponent(a.conversation!.id)}/activities`;
    const res = await fetch(activityId ? `${base}/${encodeURIComponent(activityId)}` : base, {
      method: activityId ? 'PUT' : 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', conversation: a.conversation, ...body }),
    });
    return (await res.json()) as { id?: string };
  };
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (d: Buffer) => (raw += d.toString()));
    req.on('end', () => {
      // Not chained: restify (loaded by other suites in this jest worker) patches writeHead to return nothing.
      if (req.method !== 'POST') {
        res.writeHead(200);
        return void res.end();
      }
      const a = JSON.parse(raw) as SeenActivity;
      seen.push(a);
      if (a.type === 'invoke') {
        const data = a.value?.action?.data ?? {};
        res.writeHead(200, { 'content-type': 'application/json' });
        return void res.end(
          JSON.stringify({
            statusCode: 200,
            type: 'application/vnd.microsoft.card.adaptive',
            value: card(
              `Decided: ${a.value?.action?.verb} because ${typeof data.reason === 'string' ? data.reason : ''}`,
              false,
            ),
          }),
        );
      }
      res.writeHead(200);
      res.end();
      if (a.type !== 'message') return;
      void (async () => {
        if (a.text === 'card') {
          const sent = await post(a, {
            attachments: [
              { contentType: 'application/vnd.microsoft.card.adaptive', content: card('Please decide', true) },
            ],
          });
          firstCardId ??= sent.id;
        } else if (a.text === 'update' && firstCardId) {
          await post(
            a,
            {
              attachments: [
                { contentType: 'application/vnd.microsoft.card.adaptive', content: card('Updated in place', false) },
              ],
            },
            firstCardId,
          );
        } else {
          await post(a, { text: `Hello ${a.from?.name ?? 'there'}, you said ${a.text}` });
        }
      })();
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}/api/messages`,
        seen,
        close: () => new Promise((r) => server.close(() => r())),
      });
    }),
  );
}

describeBrowser('Agents Playground harness (stand-in bot)', () => {
  let browser: Browser;
  let bot: Awaited<ReturnType<typeof startStandInBot>>;
  let dana: PlaygroundSession;
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'dd-harness-'));

  beforeAll(async () => {
    bot = await startStandInBot();
    browser = await launchChromium();
    dana = await openPlayground({ alias: 'dana', botEndpoint: bot.url, browser, workDir });
  });

  afterAll(async () => {
    await dana?.close();
    await browser?.close();
    await bot?.close();
  });

  test('what Dana types reaches the bot as Dana, in her personal chat, in the fixture tenant', async () => {
    await dana.say('hello');
    const reply = await dana.waitForText('you said hello');
    expect(reply).toContain('Hello Dana Reyes');
    const message = bot.seen.find((a) => a.type === 'message' && a.text === 'hello')!;
    expect(message.from).toMatchObject({ name: 'Dana Reyes', aadObjectId: persona('dana').id });
    expect(message.conversation).toMatchObject({
      id: 'personal-chat-dana',
      conversationType: 'personal',
      tenantId: loadFixture().tenant.id,
    });
    expect(message.channelData?.tenant?.id).toBe(loadFixture().tenant.id);
    expect(message.serviceUrl).toBe(`http://localhost:${dana.port}/_connector`);
  });

  test('a card renders with its buttons; the input travels with the click and the answer replaces the card', async () => {
    await dana.say('card');
    expect(await dana.cardText('Please decide')).toContain('Please decide');
    expect(await dana.buttonsOn('Please decide')).toEqual(['Approve', 'Reject']);
    await dana.fillInput('Reason', 'night shift');
    await dana.clickButton('Approve', { onCardContaining: 'Please decide' });
    expect(await dana.waitForText('Decided: approve')).toContain('because night shift');
    const invoke = bot.seen.find((a) => a.type === 'invoke')!;
    expect(invoke.value?.action).toMatchObject({ verb: 'approve', data: { requestId: 'r1', reason: 'night shift' } });
    expect(await dana.logPanel()).toMatch(/invoke 200/);
    const file = await dana.screenshotCard('Decided', path.join(workDir, 'decided.png'));
    console.log(`harness screenshot: ${file}`);
  });

  test('a connector update (PUT) changes the earlier card in place', async () => {
    await dana.say('update');
    await dana.waitForText('Updated in place');
    const texts = await dana.botMessages();
    expect(texts.some((t) => t.includes('Decided: approve'))).toBe(false);
    expect(texts.filter((t) => t.includes('Updated in place'))).toHaveLength(1);
  });
});
