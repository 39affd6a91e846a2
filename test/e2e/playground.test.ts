/**
 * Dragon Desk end to end, as people use it: the whole app in process (dev tenant, SQLite store,
 * bot, worker, HTTP server) and Microsoft 365 Agents Playgrounds in headless Chromium, one per
 * persona (the Playground has a single current user per process).
 *
 *   1. Dana and Nina are each greeted by their own name; "help" renders a card.
 *   2. Dana asks for a nursing license → a card → "Send for approval" → her card waits for Nina
 *      Okafor; Nina's chat shows the approval card; Nina approves → both cards show the decision,
 *      Dana hears that Nina approved and then that it is done; the dev tenant has Dana's nursing
 *      license Active and one seat fewer.
 *   3. Leo (License Administrator) gives Dana Kim a nursing license: a confirmation card with seats
 *      before/after → Confirm → done, and no approval card reaches Nina.
 *
 * Skipped, with the reason printed, when /usr/bin/chromium is missing (scripts/ensure-chromium.sh
 * installs it). Screenshots go to a temp folder whose path is printed.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { loadFixture, persona } from '../../src/devtenant/fixture';
import type { DragonDesk } from '../../src/dragonDesk';
import { memoryLogger } from '../../src/log';
import {
  describeWithBrowser,
  startDeskForPlayground,
  launchChromium,
  openPlayground,
  type PlaygroundSession,
} from '../helpers/playground';

jest.setTimeout(180_000);

const describeBrowser = describeWithBrowser('the Agents Playground end-to-end tests');

interface GraphSku {
  skuId: string;
  skuPartNumber: string;
  consumedUnits: number;
  prepaidUnits: { enabled: number };
}
interface GraphLicenseState {
  skuId: string;
  state: string;
  assignedByGroup: string | null;
}

describeBrowser('Dragon Desk in the Agents Playground (two personas)', () => {
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'dd-e2e-playground-'));
  const shots = path.join(workDir, 'screenshots');
  const logger = memoryLogger();
  let desk: DragonDesk;
  let browser: Browser;
  let dana: PlaygroundSession;
  let nina: PlaygroundSession;
  let botEndpoint: string;
  const fixture = loadFixture();

  /** The dev tenant over its Graph wire format, as Dragon Desk's own service principal. */
  const graph = async <T>(pathAndQuery: string): Promise<T> => {
    const res = await fetch(`${desk.devTenant!.url}/v1.0${pathAndQuery}`, {
      headers: { authorization: 'Bearer dev' },
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) throw new Error(`GET ${pathAndQuery}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const nursingSku = async (): Promise<GraphSku> => {
    const skus = await graph<{ value: GraphSku[] }>('/subscribedSkus');
    const sku = skus.value.find((s) => s.skuPartNumber === desk.config.licenses.nursing.skuPartNumber);
    if (!sku) throw new Error('no nursing SKU in the dev tenant');
    return sku;
  };
  const licenseStates = async (alias: string): Promise<GraphLicenseState[]> =>
    (
      await graph<{ licenseAssignmentStates: GraphLicenseState[] }>(
        `/users/${persona(alias).id}?$select=licenseAssignmentStates`,
      )
    ).licenseAssignmentStates;
  const waitUntil = async (what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  };
  const shot = async (who: PlaygroundSession, name: string, card?: string | RegExp): Promise<void> => {
    const file = path.join(shots, `${name}.png`);
    if (card) await who.screenshotCard(card, file).catch(() => who.screenshot(file));
    else await who.screenshot(file);
    console.log(`screenshot: ${file}`);
  };

  beforeAll(async () => {
    desk = await startDeskForPlayground(workDir, logger);
    botEndpoint = `${desk.server.url}/api/messages`;
    browser = await launchChromium();
    // One after the other: the machine has two cores, and each start is a Node process plus a page.
    dana = await openPlayground({ alias: 'dana', botEndpoint, browser, workDir: path.join(workDir, 'dana') });
    nina = await openPlayground({ alias: 'nina', botEndpoint, browser, workDir: path.join(workDir, 'nina') });
    console.log(
      `Playground e2e: bot ${botEndpoint}, Dana on ${dana.url}, Nina on ${nina.url}; screenshots in ${shots}`,
    );
  });

  afterEach(() => {
    const problems = logger.lines.filter((l) => l.level === 'error' || l.level === 'warn');
    if (problems.length)
      console.warn(`Dragon Desk warnings/errors so far:\n${problems.map((l) => JSON.stringify(l)).join('\n')}`);
    logger.lines.length = 0;
  });

  afterAll(async () => {
    await dana?.close();
    await nina?.close();
    await browser?.close();
    await desk?.stop();
  });

  test('each persona is greeted by their own name, and "help" renders a card', async () => {
    // Opening the Playground adds the bot to the personal chat (conversationUpdate): the greeting.
    await dana.waitForText(/Hi Dana\b/);
    await nina.waitForText(/Hi Nina\b/);
    // What a real approver does first: talk to the bot, so it can reach her later.
    await nina.say('hi');
    await nina.waitForCount(/Hi Nina\b/, 2);
    expect((await dana.botMessages()).join('\n')).not.toMatch(/Hi Nina\b/);
    expect((await nina.botMessages()).join('\n')).not.toMatch(/Hi Dana\b/);

    const cardsBefore = await dana.cardCount();
    await dana.say('help');
    await waitUntil('the help card arrives', async () => (await dana.cardCount()) > cardsBefore, 15_000);
    const help = await dana.cardText();
    expect(help).toMatch(/Dana/);
    expect(help).toMatch(/license/i);
    await shot(dana, '1-dana-help-card', /Dana/);
  });

  test('Dana asks for a nursing license, Nina approves it in her own chat, and it lands in the tenant', async () => {
    const seatsBefore = await nursingSku();
    expect((await licenseStates('dana')).some((s) => s.skuId === seatsBefore.skuId)).toBe(false);

    await dana.say('I need a Dragon nursing license');
    const draft = await dana.cardText('Send for approval');
    const requestNo = /#(\d+)/.exec(draft)?.[1];
    expect(requestNo).toBeDefined();
    // (?!\d), not \b: a card's textContent runs its text nodes together ("Request #1For …").
    const thisRequest = new RegExp(`#${requestNo}(?!\\d)`);
    expect(draft).toMatch(/nursing/i);
    expect(draft).toMatch(/Dana Reyes/);
    await shot(dana, '2-dana-draft-card', 'Send for approval');

    if (/Why is this needed/.test(draft))
      await dana.fillInput('Why is this needed', 'Night shifts in the ED: notes by voice');
    const approvalCardsBefore = await nina.cardCount('Approve');
    await dana.clickButton('Send for approval', { onCardContaining: thisRequest });

    // Dana's card (replaced in place by the invoke's answer) now waits for the group owner.
    await waitUntil('Dana’s card waits for Nina Okafor', async () =>
      /waiting for[\s\S]*Nina Okafor/i.test(await dana.cardText(thisRequest)),
    );
    expect(await dana.buttonsOn(thisRequest)).not.toContain('Send for approval');
    await shot(dana, '3-dana-waiting-card', thisRequest);

    // Nina's own Playground gets the approval card (proactive, to her personal chat).
    await waitUntil(
      'the approval card reaches Nina',
      async () => (await nina.cardCount(thisRequest)) > 0 && (await nina.cardCount('Approve')) > approvalCardsBefore,
    );
    const approval = await nina.cardText(thisRequest);
    expect(approval).toMatch(/Dana Reyes/);
    expect(approval).toMatch(/nursing/i);
    expect(await nina.buttonsOn(thisRequest)).toEqual(expect.arrayContaining(['Approve', 'Reject']));
    await shot(nina, '4-nina-approval-card', thisRequest);

    await nina.clickButton('Approve', { onCardContaining: thisRequest });
    // Nina's card shows the decision in place, with no buttons left to press twice.
    await waitUntil('Nina’s card shows the approval', async () => /approved/i.test(await nina.cardText(thisRequest)));
    expect(await nina.buttonsOn(thisRequest)).not.toContain('Approve');
    expect(await nina.logPanel()).not.toMatch(/invoke 5\d\d/);
    await shot(nina, '5-nina-decided-card', thisRequest);

    // Dana hears who decided, and her card changes in place too.
    await dana.waitForMessage(new RegExp(`Nina Okafor approved[\\s\\S]*#${requestNo}(?!\\d)`));
    await waitUntil(
      'Dana’s card shows the decision',
      async () => /approved|active|complete|done/i.test(await dana.cardText(thisRequest)),
      30_000,
    );
    expect(await dana.cardCount(thisRequest)).toBe(1);

    // The worker carries it out; Dana is told once the license is actually Active.
    await dana.waitForMessage(
      new RegExp(
        `(done|complete|active)[\\s\\S]*#${requestNo}(?!\\d)|#${requestNo}(?!\\d)[\\s\\S]*(done|complete|active)`,
        'i',
      ),
      60_000,
    );
    const states = await licenseStates('dana');
    expect(states).toEqual(
      expect.arrayContaining([expect.objectContaining({ skuId: seatsBefore.skuId, state: 'Active' })]),
    );
    const seatsAfter = await nursingSku();
    expect(seatsAfter.consumedUnits).toBe(seatsBefore.consumedUnits + 1);
    await shot(dana, '6-dana-done', thisRequest);
    await shot(dana, '6-dana-chat');
  });

  test('Leo, a License Administrator, gives Dana Kim a license after one confirmation and no approval', async () => {
    // Dana's Playground is no longer needed; Nina's stays open to prove no approval card reaches her.
    await dana.close();
    const leo = await openPlayground({ alias: 'leo', botEndpoint, browser, workDir: path.join(workDir, 'leo') });
    try {
      await leo.waitForText(/Hi Leo\b/);
      const ninaCardsBefore = await nina.cardCount();
      const seatsBefore = await nursingSku();

      await leo.say('give Dana Kim a Dragon nursing license');
      // The card about Dana Kim: Playwright's hasText is a case-insensitive substring match, and
      // an admin's welcome card says "…until you confirm", so "Confirm" alone could match it
      // while the draft is still on its way.
      const confirm = await leo.cardText(/Dana Kim/);
      expect(await leo.buttonsOn(/Dana Kim/)).toContain('Confirm');
      const requestNo = /#(\d+)/.exec(confirm)?.[1];
      expect(requestNo).toBeDefined();
      // (?!\d), not \b: a card's textContent runs its text nodes together ("Request #1For …").
      const thisRequest = new RegExp(`#${requestNo}(?!\\d)`);
      expect(confirm).toMatch(/Dana Kim/);
      expect(confirm).not.toMatch(/Send for approval/);
      // Seats before → after, out of the total, as the tenant has them now.
      const seats = /(\d+)\s*→\s*(\d+)\s*of\s*(\d+)/.exec(confirm);
      expect(seats?.slice(1).map(Number)).toEqual([
        seatsBefore.consumedUnits,
        seatsBefore.consumedUnits + 1,
        seatsBefore.prepaidUnits.enabled,
      ]);
      await shot(leo, '7-leo-confirm-card', thisRequest);

      if (/Why is this needed\?(?! \(optional\))/.test(confirm))
        await leo.fillInput('Why is this needed', 'Covering pharmacy night shifts');
      await leo.clickButton('Confirm', { onCardContaining: thisRequest });
      await leo.waitForMessage(
        new RegExp(
          `(done|complete|active)[\\s\\S]*#${requestNo}(?!\\d)|#${requestNo}(?!\\d)[\\s\\S]*(done|complete|active)`,
          'i',
        ),
        60_000,
      );
      expect(await leo.buttonsOn(thisRequest)).not.toContain('Confirm');
      await shot(leo, '8-leo-done', thisRequest);

      expect(await licenseStates('danak')).toEqual(
        expect.arrayContaining([expect.objectContaining({ skuId: seatsBefore.skuId, state: 'Active' })]),
      );
      expect((await nursingSku()).consumedUnits).toBe(seatsBefore.consumedUnits + 1);
      // No approval was asked of the group owner.
      expect(await nina.cardCount(thisRequest)).toBe(0);
      expect(await nina.cardCount()).toBe(ninaCardsBefore);
    } finally {
      await leo.close();
    }
  });

  test('the fixture tenant is the one the Playgrounds claim', () => {
    // Guards the premise of every test above: the bot refuses other tenants.
    expect(desk.config.tenantId).toBe(fixture.tenant.id.toLowerCase());
  });
});
