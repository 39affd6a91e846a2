/**
 * The review of license holders in the Microsoft 365 Agents Playground: with RECERTIFY_EVERY_DAYS
 * on, Nina (owner of the nursing group) finds the review card in her chat, unticks a nurse who
 * moved to the lab, gives the reason and submits; the nurse leaves the group through the normal
 * removal, read back from the dev tenant over Graph's wire format. Skipped, with the reason printed,
 * when /usr/bin/chromium is missing.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { persona } from '../../src/devtenant/fixture';
import type { DragonDesk } from '../../src/dragonDesk';
import { memoryLogger } from '../../src/log';
import {
  describeWithBrowser,
  launchChromium,
  openPlayground,
  startDeskForPlayground,
  waitUntil,
} from '../helpers/playground';

jest.setTimeout(90_000);

const describeBrowser = describeWithBrowser('the Agents Playground review test');

const NURSING_GROUP = '11111111-aaaa-4aaa-8aaa-000000000001';

describeBrowser('a review of license holders, in the Agents Playground', () => {
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'dd-e2e-review-'));
  let desk: DragonDesk;
  let browser: Browser;

  beforeAll(async () => {
    desk = await startDeskForPlayground(workDir, memoryLogger(), { RECERTIFY_EVERY_DAYS: '90' });
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await desk?.stop();
  });

  const members = async (): Promise<string[]> => {
    const res = await fetch(`${desk.devTenant!.url}/v1.0/groups/${NURSING_GROUP}/members?$select=id`, {
      headers: { authorization: 'Bearer dev' },
    });
    return ((await res.json()) as { value: { id: string }[] }).value.map((m) => m.id);
  };

  test('Nina keeps her nurses but one, says why, and that nurse leaves the nursing group', async () => {
    const nina = await openPlayground({
      alias: 'nina',
      botEndpoint: `${desk.server.url}/api/messages`,
      browser,
      workDir: path.join(workDir, 'nina'),
    });
    try {
      const review = /Keep \(untick anyone/;
      await waitUntil('the review reaches Nina', async () => (await nina.cardCount(review)) >= 1, 30_000);
      const card = await nina.cardText(review);
      expect(card).toMatch(/Aisha Bello/);
      expect(card).toMatch(/Maria Gomez/);
      expect(await nina.buttonsOn(review)).toEqual(expect.arrayContaining(['Submit review']));
      expect(await nina.buttonsOn(review)).not.toContain('Reject');
      await nina.screenshotCard(review, path.join(workDir, 'review-1-nina.png')).catch(() => undefined);

      const aisha = persona('nurse1').id;
      expect(await members()).toContain(aisha);
      await nina.page
        .locator('.ac-adaptiveCard')
        .filter({ hasText: review })
        .last()
        .getByRole('checkbox', { name: 'Aisha Bello' })
        .uncheck();
      await nina.fillInput('Reason', 'Moved to the lab in November', { onCardContaining: review });
      await nina.clickButton('Submit review', { onCardContaining: review });
      await waitUntil('the card says who was kept', async () => /Kept:/.test(await nina.cardText(/Kept:/)), 30_000);
      await waitUntil('Aisha has left the nursing group', async () => !(await members()).includes(aisha), 30_000);
      expect(await members()).toContain(persona('maria').id);
      expect(await nina.logPanel()).not.toMatch(/invoke [45]\d\d/);
    } finally {
      await nina.close();
    }
  });
});
