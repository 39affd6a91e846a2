/**
 * Drives the Microsoft 365 Agents Playground as a dev-tenant persona from a test: starts the
 * Playground CLI (the same config and command `npm run playground` uses), waits for
 * `/_debug/ping`, opens it in headless system Chromium through playwright-core and offers what a
 * person does in chat: say something, read the bot's answers, fill a card input, press a card button.
 *
 * DOM facts (Playground 0.2.28, read from its rendered page): each bot message is a
 * `.fai-OutputCard` (text in a <p>, Adaptive Cards as `.ac-adaptiveCard`); card buttons are
 * <button aria-label="<title>">; inputs carry their label through aria-labelledby and their
 * placeholder as aria-label; the compose box is the only [contenteditable=true]. The left chat list
 * and the log panel repeat message text, so every lookup here is scoped to bot messages.
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import type { Fixture } from '../../src/devtenant/fixture';
import { loadFixture } from '../../src/devtenant/fixture';
import { findPersona, playgroundConfigFor, writePlaygroundConfig } from '../../src/cli/playgroundConfig';
import { spawnPlayground, type PlaygroundProcess } from '../../src/cli/playgroundProcess';
import { freePort } from '../../src/cli/ports';
import { parseConfig, withDevDefaults } from '../../src/config';
import { startDragonDesk, type DragonDesk } from '../../src/dragonDesk';
import type { Logger } from '../../src/log';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Why the browser suite can't run here, or undefined when it can. */
function browserUnavailableReason(): string | undefined {
  if (!existsSync(CHROMIUM_PATH))
    return `${CHROMIUM_PATH} is missing (scripts/ensure-chromium.sh installs it as root: apt-get install chromium)`;
  return undefined;
}

/** `describe` when Chromium is here; otherwise `describe.skip`, saying on the console what is skipped and why. */
export function describeWithBrowser(skipped: string): jest.Describe {
  const unavailable = browserUnavailableReason();
  if (!unavailable) return describe;
  console.warn(`Skipping ${skipped}: ${unavailable}`);
  return describe.skip;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, timeout: 30_000 });
}

/** Polls until `GET <base>/_debug/ping` answers `pong`. */
export async function waitForPing(baseUrl: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${baseUrl}/_debug/ping`, { signal: AbortSignal.timeout(2000) });
      const body = await res.text();
      if (res.ok && body.trim() === 'pong') return;
      last = `${res.status} ${body.slice(0, 80)}`;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`Playground at ${baseUrl} did not answer /_debug/ping within ${timeoutMs} ms (last: ${last})`);
}

export interface OpenPlaygroundOptions {
  alias: string;
  /** Dragon Desk's messaging endpoint, e.g. http://127.0.0.1:40123/api/messages. */
  botEndpoint: string;
  /** Shared browser; each session gets its own context (its own person). */
  browser: Browser;
  /** Folder for the config file, the Playground log and nothing else. */
  workDir: string;
  /** Default: a free loopback port. */
  port?: number;
  fixture?: Fixture;
  /** Upper bound for each wait in this session. */
  timeoutMs?: number;
}

export interface ButtonOptions {
  /** The button is looked for on the LAST card whose text contains this (default: the last card). */
  onCardContaining?: string | RegExp;
}

export interface PlaygroundSession {
  alias: string;
  /** The persona's display name, as the fixture has it. */
  name: string;
  port: number;
  url: string;
  page: Page;
  /** Types into the compose box and sends; resolves once the message shows in the chat. */
  say(text: string): Promise<void>;
  /** Waits until a bot message (text or card) contains / matches `text`; returns that message's text. */
  waitForText(text: string | RegExp, timeoutMs?: number): Promise<string>;
  /** Like waitForText, for plain text messages only (not cards). */
  waitForMessage(text: string | RegExp, timeoutMs?: number): Promise<string>;
  /** Waits until the number of bot messages containing / matching `text` reaches `count`. */
  waitForCount(text: string | RegExp, count: number, timeoutMs?: number): Promise<void>;
  /** How many cards contain / match `text` now. */
  cardCount(text?: string | RegExp): Promise<number>;
  /** Presses the button titled `title` on the last card (containing some text). */
  clickButton(title: string, opts?: ButtonOptions): Promise<void>;
  /** Fills the input with this label or placeholder on the last card (containing some text). */
  fillInput(labelOrPlaceholder: string, text: string, opts?: ButtonOptions): Promise<void>;
  /** Text of the last card containing `text` (or the last card); waits for it to exist. */
  cardText(containing?: string | RegExp, timeoutMs?: number): Promise<string>;
  /** Texts of every bot message, oldest first. */
  botMessages(): Promise<string[]>;
  /** Button titles on the last card containing `containing`. */
  buttonsOn(containing?: string | RegExp): Promise<string[]>;
  /** The Playground's log panel (e.g. "invoke 200", "invoke 501", warnings). */
  logPanel(): Promise<string>;
  /** The Playground process's own output so far (for failure messages). */
  processOutput(): string;
  screenshot(file: string): Promise<string>;
  /** A picture of just the last card containing `containing`. */
  screenshotCard(containing: string | RegExp, file: string): Promise<string>;
  close(): Promise<void>;
}

function escapeForRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Starts a Playground as `alias` against `botEndpoint` and opens it in a fresh browser context. */
export async function openPlayground(opts: OpenPlaygroundOptions): Promise<PlaygroundSession> {
  const fixture = opts.fixture ?? loadFixture();
  const me = findPersona(fixture, opts.alias);
  if (!me) throw new Error(`No persona ${opts.alias}`);
  const timeoutMs = opts.timeoutMs ?? 20_000;
  mkdirSync(opts.workDir, { recursive: true });
  const configPath = writePlaygroundConfig(opts.workDir, me.alias, playgroundConfigFor(fixture, me.alias));
  const port = opts.port ?? (await freePort());
  const output: string[] = [];
  const pg: PlaygroundProcess = spawnPlayground(
    {
      botEndpoint: opts.botEndpoint,
      port,
      configPath,
      logFile: path.join(opts.workDir, `${me.alias}.playground.log`),
      env: { ...process.env, TEAMSAPPTESTER_BROWSER: 'none' },
    },
    { onOutput: (line) => output.push(line), startTimeoutMs: 30_000, cwd: opts.workDir },
  );
  let context: BrowserContext | undefined;
  try {
    const actualPort = await pg.listening;
    const url = `http://127.0.0.1:${actualPort}`;
    await waitForPing(url, 30_000);
    context = await opts.browser.newContext({ viewport: { width: 1400, height: 1000 } });
    context.setDefaultTimeout(timeoutMs);
    const page = await context.newPage();
    await page.goto(url + '/', { waitUntil: 'networkidle', timeout: 30_000 });
    await page.locator('[contenteditable=true][role=textbox]').first().waitFor({ state: 'visible' });
    return makeSession({
      alias: me.alias,
      name: me.displayName,
      port: actualPort,
      url,
      page,
      context,
      pg,
      output,
      timeoutMs,
    });
  } catch (err) {
    await context?.close().catch(() => undefined);
    await pg.stop();
    const tail = output.slice(-20).join('\n');
    throw new Error(`${err instanceof Error ? err.message : String(err)}\nPlayground output:\n${tail}`, { cause: err });
  }
}

function makeSession(s: {
  alias: string;
  name: string;
  port: number;
  url: string;
  page: Page;
  context: BrowserContext;
  pg: PlaygroundProcess;
  output: string[];
  timeoutMs: number;
}): PlaygroundSession {
  const { page, timeoutMs } = s;
  const botMessage = page.locator('.fai-OutputCard');
  const cards = page.locator('.ac-adaptiveCard');
  // The log panel is contenteditable too; the compose box is the one that is a textbox.
  const compose = page.locator('[contenteditable=true][role=textbox]').first();
  const lastCard = (containing?: string | RegExp): Locator =>
    (containing ? cards.filter({ hasText: containing }) : cards).last();

  const describe = async (): Promise<string> => {
    const messages = await botMessages().catch(() => [] as string[]);
    const log = await logPanel().catch(() => '');
    return `\n[${s.alias}] bot messages so far:\n${messages.map((m, i) => `  ${i + 1}. ${m.replace(/\s+/g, ' ').slice(0, 300)}`).join('\n')}\n[${s.alias}] Playground log panel (tail):\n${log.split('\n').slice(-12).join('\n')}`;
  };
  const withContext = async <T>(what: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (err) {
      throw new Error(
        // eslint-disable-next-line no-control-regex -- the terminal colour codes in Playwright's messages
        `${what} failed: ${err instanceof Error ? err.message.replace(/\u001b\[\d+m/g, '') : String(err)}${await describe()}`,
        { cause: err },
      );
    }
  };

  const botMessages = async (): Promise<string[]> => botMessage.allInnerTexts();

  const logPanel = async (): Promise<string> => {
    // Lines like "[10:56:08 AM] Microsoft 365 Agents Playground -> User Application invoke 200".
    const panel = page.locator('[contenteditable=true]:not([role=textbox])');
    return (await panel.count()) ? panel.first().innerText() : '';
  };

  const session: PlaygroundSession = {
    alias: s.alias,
    name: s.name,
    port: s.port,
    url: s.url,
    page,
    async say(text) {
      await withContext(`[${s.alias}] say "${text}"`, async () => {
        // The person's own messages are plain <span>s in the chat (bot text is in <p>s).
        const sent = (t: string) =>
          Array.from(document.querySelectorAll('span')).filter((e) => e.textContent?.trim() === t).length;
        const before = await page.evaluate(sent, text);
        await compose.click();
        await page.keyboard.type(text);
        await page.keyboard.press('Enter');
        await page.waitForFunction(
          ([t, n]) => {
            const count = Array.from(document.querySelectorAll('span')).filter(
              (e) => e.textContent?.trim() === t,
            ).length;
            return count > n;
          },
          [text, before] as const,
          { timeout: timeoutMs },
        );
      });
    },
    async waitForText(text, wait = timeoutMs) {
      return withContext(`[${s.alias}] waiting for "${String(text)}"`, async () => {
        const found = botMessage.filter({ hasText: text }).last();
        await found.waitFor({ state: 'visible', timeout: wait });
        return found.innerText();
      });
    },
    async waitForMessage(text, wait = timeoutMs) {
      return withContext(`[${s.alias}] waiting for the message "${String(text)}"`, async () => {
        const found = botMessage
          .filter({ hasNot: page.locator('.ac-adaptiveCard') })
          .filter({ hasText: text })
          .last();
        await found.waitFor({ state: 'visible', timeout: wait });
        return found.innerText();
      });
    },
    async cardCount(text) {
      return (text === undefined ? cards : cards.filter({ hasText: text })).count();
    },
    async waitForCount(text, count, wait = timeoutMs) {
      await withContext(`[${s.alias}] waiting for ${count} messages with "${String(text)}"`, async () => {
        const deadline = Date.now() + wait;
        for (;;) {
          const n = await botMessage.filter({ hasText: text }).count();
          if (n >= count) return;
          if (Date.now() > deadline) throw new Error(`saw ${n}`);
          await page.waitForTimeout(150);
        }
      });
    },
    async clickButton(title, opts = {}) {
      await withContext(
        `[${s.alias}] pressing "${title}"${opts.onCardContaining ? ` on the card with "${String(opts.onCardContaining)}"` : ''}`,
        async () => {
          const button = lastCard(opts.onCardContaining).getByRole('button', {
            name: new RegExp(`^\\s*${escapeForRegex(title)}\\s*$`),
          });
          await button.first().click({ timeout: timeoutMs });
        },
      );
    },
    async fillInput(labelOrPlaceholder, text, opts = {}) {
      await withContext(`[${s.alias}] filling "${labelOrPlaceholder}"`, async () => {
        const card = lastCard(opts.onCardContaining);
        const input = card.getByLabel(labelOrPlaceholder).or(card.getByPlaceholder(labelOrPlaceholder)).first();
        await input.fill(text, { timeout: timeoutMs });
      });
    },
    async cardText(containing, wait = timeoutMs) {
      return withContext(
        `[${s.alias}] reading the card${containing ? ` with "${String(containing)}"` : ''}`,
        async () => {
          const card = lastCard(containing);
          await card.waitFor({ state: 'visible', timeout: wait });
          return card.innerText();
        },
      );
    },
    botMessages,
    async buttonsOn(containing) {
      const titles = await lastCard(containing)
        .getByRole('button')
        .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? e.textContent ?? ''));
      return titles.map((t) => t.trim());
    },
    logPanel,
    processOutput: () => s.output.join('\n'),
    async screenshot(file) {
      mkdirSync(path.dirname(file), { recursive: true });
      await page.screenshot({ path: file, timeout: timeoutMs, animations: 'disabled' });
      return file;
    },
    async screenshotCard(containing: string | RegExp, file: string) {
      mkdirSync(path.dirname(file), { recursive: true });
      const card = lastCard(containing);
      await card.scrollIntoViewIfNeeded({ timeout: timeoutMs });
      await card.screenshot({ path: file, timeout: timeoutMs, animations: 'disabled' });
      return file;
    },
    async close() {
      await s.context.close().catch(() => undefined);
      await s.pg.stop();
    },
  };
  return session;
}

/**
 * Dragon Desk in process for browser tests. The Playground needs the bot endpoint when it starts,
 * so the ports are fixed here (free ones); nothing from the developer's environment (a database,
 * a language model, a channel) leaks in.
 */
/** Waits until `check` holds, polling every 200 ms; throws naming `what` after `timeoutMs`. */
export async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Dragon Desk in process for a Playground test file; `env` sets what a test needs on top (e.g. RECERTIFY_EVERY_DAYS). */
export async function startDeskForPlayground(
  workDir: string,
  logger: Logger,
  env: Record<string, string> = {},
): Promise<DragonDesk> {
  const [port, devTenantPort] = [await freePort(), await freePort()];
  const config = parseConfig({
    ...withDevDefaults(process.env, path.resolve(__dirname, '../..')),
    APP_MODE: 'dev',
    HOST: '127.0.0.1',
    PORT: String(port),
    DEV_TENANT_PORT: String(devTenantPort),
    DATA_DIR: path.join(workDir, 'data'),
    DATABASE_URL: '',
    OPENAI_API_KEY: '',
    AZURE_OPENAI_ENDPOINT: '',
    APPROVALS_CHANNEL_ID: '',
    WORKER_INTERVAL_MS: '200',
    LICENSE_VERIFY_TIMEOUT_SECONDS: '30',
    LOG_LEVEL: 'debug',
    ...env,
  });
  return startDragonDesk(config, { logger });
}
