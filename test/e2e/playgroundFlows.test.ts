/**
 * The flows besides the license request, as people use them in the Microsoft 365 Agents Playground:
 * one Dragon Desk in process for the file (dev tenant, SQLite store, bot, worker, HTTP server) and a
 * Playground in headless Chromium per persona, opened when that person is needed and closed after.
 *
 *   1. Status: Leo reads seats and license holders; Dana asks about herself; Nina finds
 *      Dana's request waiting for her and approves it from that answer (both her copies of the card
 *      then change in place).
 *   2. The Dragon Administrator role: Dana asks for Sam with a justification, Morgan (the
 *      Dragon Administrators group's owner) approves in her own chat, the tenant shows Sam holding
 *      the role, Dana is told. Grace runs "set up Dragon licensing" and finds everything in place.
 *   3. Partner administration: Tomas links Fabrikam's MPN ID on Dragon Desk's identity;
 *      Grace follows the partner-of-record checklist and Dragon Desk answers from its record; Bianca
 *      records that Fabrikam's admin roles were removed; Dana is refused a link, with the reason.
 *
 * What a person would notice is asserted on the rendered page (text, buttons, numbered steps, links,
 * a title readable on its coloured header); what changed is read back from the
 * dev tenant over its Graph / ARM wire format. Skipped, with the reason printed, when
 * /usr/bin/chromium is missing (scripts/ensure-chromium.sh installs it). Screenshots of every card go
 * to a temp folder whose path is printed.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { ROLE_TEMPLATE } from '../../src/domain/catalog';
import { persona } from '../../src/devtenant/fixture';
import type { DragonDesk } from '../../src/dragonDesk';
import { memoryLogger } from '../../src/log';
import { PARTNER_OF_RECORD } from '../../src/services/partnerOfRecord';
import { PARTNER_ROLES_REMOVED } from '../../src/services/partnerRelationships';
import {
  describeWithBrowser,
  startDeskForPlayground,
  launchChromium,
  openPlayground,
  type PlaygroundSession,
  waitUntil,
} from '../helpers/playground';

jest.setTimeout(60_000);

const describeBrowser = describeWithBrowser('the Agents Playground flow tests');

/** The Production subscription of the fixture (Grace is its Owner). */
const PRODUCTION = '55555555-eeee-4eee-8eee-000000000001';

interface GraphSku {
  skuPartNumber: string;
  consumedUnits: number;
  prepaidUnits: { enabled: number };
}

/** "#12", not "#123": a card's text runs its text nodes together ("Request #1For …"). */
function requestPattern(no: string): RegExp {
  return new RegExp(`#${no}(?!\\d)`);
}

function requestNumber(cardText: string): string {
  const no = /Request #(\d+)/.exec(cardText)?.[1];
  if (!no) throw new Error(`no request number on the card:\n${cardText}`);
  return no;
}

describeBrowser('Dragon Desk flows in the Agents Playground, as each persona', () => {
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'dd-e2e-flows-'));
  const shots = path.join(workDir, 'screenshots');
  const logger = memoryLogger();
  const open = new Map<string, PlaygroundSession>();
  let desk: DragonDesk;
  let browser: Browser;
  let botEndpoint: string;

  /** The dev tenant over its wire format, as Dragon Desk's own service principal (`Bearer dev`). */
  const tenantGet = async <T>(pathAndQuery: string, headers: Record<string, string> = {}): Promise<T> => {
    const res = await fetch(`${desk.devTenant!.url}${pathAndQuery}`, {
      headers: { ...headers, authorization: 'Bearer dev' },
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) throw new Error(`GET ${pathAndQuery}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const sku = async (kind: 'nursing' | 'physician'): Promise<GraphSku> => {
    const skus = await tenantGet<{ value: GraphSku[] }>('/v1.0/subscribedSkus');
    const found = skus.value.find((s) => s.skuPartNumber === desk.config.licenses[kind].skuPartNumber);
    if (!found) throw new Error(`no ${kind} SKU in the dev tenant`);
    return found;
  };

  /** Opens (once) the Playground of `alias` and waits for the greeting, so no answer interleaves with it. */
  const as = async (alias: string): Promise<PlaygroundSession> => {
    const existing = open.get(alias);
    if (existing) return existing;
    const session = await openPlayground({ alias, botEndpoint, browser, workDir: path.join(workDir, alias) });
    open.set(alias, session);
    await session.waitForText(new RegExp(`Hi ${session.name.replace(/^Dr\. /, '').split(' ')[0]}\\b`));
    return session;
  };
  const close = async (alias: string): Promise<void> => {
    await open.get(alias)?.close();
    open.delete(alias);
  };

  /** Says something and returns the text of the first new card containing `expect`. */
  const sayForCard = async (who: PlaygroundSession, utterance: string, expect: string | RegExp): Promise<string> => {
    const before = await who.cardCount(expect);
    await who.say(utterance);
    await waitUntil(
      `a card with "${String(expect)}" reaches ${who.alias}`,
      async () => (await who.cardCount(expect)) > before,
    );
    return who.cardText(expect);
  };

  /**
   * Asks for a license and sends it for approval, giving a reason when the card requires one;
   * returns the request's number and a pattern that finds its cards.
   */
  const askAndSend = async (
    who: PlaygroundSession,
    utterance: string,
    why: string,
  ): Promise<{ no: string; thisRequest: RegExp }> => {
    const draft = await sayForCard(who, utterance, 'Send for approval');
    const no = requestNumber(draft);
    const thisRequest = requestPattern(no);
    if (/Why is this needed\?(?! \(optional\))/.test(draft)) await who.fillInput('Why is this needed', why);
    await who.clickButton('Send for approval', { onCardContaining: thisRequest });
    return { no, thisRequest };
  };

  const shot = async (who: PlaygroundSession, name: string, card: string | RegExp): Promise<void> => {
    const file = path.join(shots, `${name}.png`);
    await who.screenshotCard(card, file).catch(() => who.screenshot(file));
    console.log(`screenshot: ${file}`);
  };

  /**
   * The numbered steps of the last card containing `containing`. The card's "1. …" lines are
   * Markdown, so the Playground renders them as an ordered list: the numbers are list markers, not text.
   */
  const stepsOn = async (who: PlaygroundSession, containing: string | RegExp): Promise<string[]> =>
    (
      await who.page
        .locator('.ac-adaptiveCard')
        .filter({ hasText: containing })
        .last()
        .locator('ol > li')
        .allInnerTexts()
    ).map((t) => t.trim());

  /** Titles of the link buttons (Action.OpenUrl renders with the ARIA role "link", not "button"). */
  const linksOn = async (who: PlaygroundSession, containing: string | RegExp): Promise<string[]> =>
    (
      await who.page
        .locator('.ac-adaptiveCard')
        .filter({ hasText: containing })
        .last()
        .getByRole('link')
        .allInnerTexts()
    ).map((t) => t.trim());

  /**
   * WCAG contrast of a card's title against the header behind it, as rendered. Large bold text
   * needs at least 3:1 to be read comfortably.
   */
  const titleContrast = async (who: PlaygroundSession, containing: string | RegExp): Promise<number> =>
    who.page
      .locator('.ac-adaptiveCard')
      .filter({ hasText: containing })
      .last()
      .locator('.ac-textBlock')
      .first()
      .evaluate((title) => {
        const rgb = (c: string) =>
          (/rgba?\(([^)]+)\)/.exec(c)?.[1] ?? '0,0,0,0').split(',').map((v) => Number(v.trim()));
        const lum = ([r, g, b]: number[]) =>
          [r, g, b]
            .map((v) => v / 255)
            .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4))
            .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
        let back: Element | null = title;
        while (back && rgb(getComputedStyle(back).backgroundColor)[3] === 0) back = back.parentElement;
        const bg = back ? rgb(getComputedStyle(back).backgroundColor) : [255, 255, 255];
        const [a, b] = [lum(rgb(getComputedStyle(title).color)), lum(bg)];
        return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      });

  /** No card click may end in an invoke error (the Playground logs "invoke 5xx" / "invoke 4xx"). */
  const expectNoInvokeError = async (who: PlaygroundSession): Promise<void> => {
    expect(await who.logPanel()).not.toMatch(/invoke [45]\d\d/);
  };

  beforeAll(async () => {
    desk = await startDeskForPlayground(workDir, logger);
    botEndpoint = `${desk.server.url}/api/messages`;
    browser = await launchChromium();
    console.log(`Playground flows: bot ${botEndpoint}; screenshots in ${shots}`);
  }, 60_000);

  afterEach(() => {
    const problems = logger.lines.filter((l) => l.level === 'error' || l.level === 'warn');
    if (problems.length)
      console.warn(`Dragon Desk warnings/errors so far:\n${problems.map((l) => JSON.stringify(l)).join('\n')}`);
    logger.lines.length = 0;
  });

  afterAll(async () => {
    for (const alias of [...open.keys()]) await close(alias);
    await browser?.close();
    await desk?.stop();
  });

  // ------------------------------------------------------------------------------ status

  test('Leo reads the seats and the physician license holders as the tenant has them', async () => {
    const leo = await as('leo');
    const nursing = await sku('nursing');
    const seats = await sayForCard(leo, 'how many nursing seats are left?', 'Dragon Copilot seats');
    const left = nursing.prepaidUnits.enabled - nursing.consumedUnits;
    expect(seats).toMatch(
      new RegExp(`${nursing.consumedUnits} of ${nursing.prepaidUnits.enabled} used · ${left > 0 ? left : 'none'} left`),
    );
    // Asked about nursing, the card answers about nursing only.
    expect(seats).not.toMatch(/physician/i);
    await shot(leo, 'status-1-leo-seats', 'Dragon Copilot seats');

    const physician = await sku('physician');
    const holders = await sayForCard(leo, 'who has Dragon physician licenses?', 'license holders');
    expect(holders).toMatch(/Dr\. Alan Brooks/);
    // The person whose group license failed for lack of seats is listed, with the reason.
    expect(holders).toMatch(/Dr\. Eli Novak[\s\S]*Error \(CountViolation\)/);
    expect(holders).toMatch(new RegExp(`${physician.consumedUnits} of ${physician.prepaidUnits.enabled} seats used`));
    expect(holders).toMatch(/in an error state/);
    await shot(leo, 'status-2-leo-physician-holders', 'license holders');
    await close('leo');
  });

  test('Dana gets a plain answer about herself; Nina finds Dana’s request waiting for her and approves it there', async () => {
    const dana = await as('dana');
    await dana.say('do I have a Dragon license?');
    expect(await dana.waitForMessage(/You don't have a Dragon Copilot license/)).not.toMatch(/Approve/);

    const { no, thisRequest } = await askAndSend(dana, 'I need a Dragon nursing license', 'Night shifts in the ED');
    await waitUntil('Dana’s card waits for Nina Okafor', async () =>
      /Waiting for[\s\S]*Nina Okafor/.test(await dana.cardText(thisRequest)),
    );

    // Nina has never talked to Dragon Desk: it was installed for her in the dev tenant, but Dana's
    // Playground knows no chat but Dana's, so her card could not be sent (in Teams it would be, to the
    // chat the installation opened). What waits for her is shown when she arrives...
    const nina = await as('nina');
    await waitUntil(
      'the waiting request reaches Nina on arrival',
      async () => (await nina.cardCount(thisRequest)) === 1,
    );
    // ...and again when she asks.
    await nina.say('what is waiting for me?');
    await waitUntil('Nina’s answer lists the request', async () => (await nina.cardCount(thisRequest)) === 2);
    await nina.waitForMessage(/One request is waiting for your decision/);
    const approval = await nina.cardText(thisRequest);
    expect(approval).toMatch(/Dana Reyes/);
    expect(approval).toMatch(/nursing/i);
    expect(approval).toMatch(/Why you are an approver/);
    expect(await nina.buttonsOn(thisRequest)).toEqual(expect.arrayContaining(['Approve', 'Reject']));
    await shot(nina, 'status-3-nina-waiting-for-me', thisRequest);

    await nina.clickButton('Approve', { onCardContaining: thisRequest });
    await waitUntil(
      'Nina’s card shows the decision',
      async () => !(await nina.buttonsOn(thisRequest)).includes('Approve'),
    );
    await expectNoInvokeError(nina);
    await dana.waitForMessage(new RegExp(`Nina Okafor approved[\\s\\S]*#${no}(?!\\d)`));
    // Wait for the license to land before Nina's Playground closes: both her copies of the card are
    // updated in place then, and an update to a closed Playground would only log a failed turn.
    await dana.waitForMessage(new RegExp(`Done: request #${no}(?!\\d) is complete`), 30_000);
    await waitUntil(
      'both of Nina’s copies show it done',
      async () =>
        (await nina.cardCount(new RegExp(`${thisRequest.source}[\\s\\S]*Done|Done[\\s\\S]*${thisRequest.source}`))) ===
        2,
    );
    await close('nina');
  });

  // ------------------------------------------------------------------------------ Dragon admin role

  test('Dana asks to make Sam a Dragon administrator; Morgan approves in her chat; the tenant shows Sam holding the role', async () => {
    const sam = persona('sam').id;
    const heldRoles = async () =>
      // The role cast is an advanced query, as on Graph.
      (
        await tenantGet<{ value: { roleTemplateId: string }[] }>(
          `/v1.0/users/${sam}/transitiveMemberOf/microsoft.graph.directoryRole?$count=true`,
          { ConsistencyLevel: 'eventual' },
        )
      ).value.map((r) => r.roleTemplateId);
    expect(await heldRoles()).not.toContain(ROLE_TEMPLATE.dragonAdministrator);

    const morgan = await as('morgan');
    // What an approver does first: talk to the bot, so it can reach her later.
    await morgan.say('hi');
    await morgan.waitForCount(/Hi Morgan\b/, 2);

    const dana = await as('dana');
    const draft = await sayForCard(dana, 'make Sam Carter a Dragon administrator', 'Send for approval');
    const no = requestNumber(draft);
    const thisRequest = requestPattern(no);
    expect(draft).toMatch(/Sam Carter/);
    expect(draft).toMatch(/Directory-wide \(\/\)/);
    // A role is higher risk than a license: the justification is required, not optional.
    expect(draft).toMatch(/Why is this needed\?(?! \(optional\))/);
    await shot(dana, 'role-1-dana-draft', thisRequest);

    const justification = 'Runs the Dragon go-live for cardiology';
    await dana.fillInput('Why is this needed', justification, { onCardContaining: thisRequest });
    await dana.clickButton('Send for approval', { onCardContaining: thisRequest });
    await waitUntil('Dana’s card waits for Morgan Price', async () =>
      /Waiting for[\s\S]*Morgan Price/.test(await dana.cardText(thisRequest)),
    );
    await expectNoInvokeError(dana);

    await waitUntil('the approval card reaches Morgan', async () => (await morgan.cardCount(thisRequest)) > 0);
    const approval = await morgan.cardText(thisRequest);
    expect(approval).toMatch(/Sam Carter/);
    expect(approval).toMatch(
      /Directory-wide \(\/\) — manages the Dragon admin center; does not include license assignment/,
    );
    expect(approval).toMatch(new RegExp(justification));
    expect(approval).toMatch(/owner of the group “Dragon Administrators”/);
    expect(await morgan.buttonsOn(thisRequest)).toEqual(expect.arrayContaining(['Approve', 'Reject']));
    await shot(morgan, 'role-2-morgan-approval', thisRequest);

    await morgan.clickButton('Approve', { onCardContaining: thisRequest });
    await waitUntil(
      'Sam holds the Dragon Administrator role in the tenant',
      async () => (await heldRoles()).includes(ROLE_TEMPLATE.dragonAdministrator),
      30_000,
    );
    await dana.waitForMessage(
      new RegExp(`Done: request #${no}(?!\\d) is complete — Dragon Administrator role for Sam Carter`),
      30_000,
    );
    await waitUntil('Morgan’s card shows it done', async () => /Done/.test(await morgan.cardText(thisRequest)));
    expect(await morgan.buttonsOn(thisRequest)).not.toContain('Approve');
    await expectNoInvokeError(morgan);
    await shot(morgan, 'role-3-morgan-done', thisRequest);
    await close('morgan');
  });

  test('Dana, a clinician, is refused a partner link with the reason, and nothing is drafted', async () => {
    const dana = await as('dana');
    const cardsBefore = await dana.cardCount();
    await dana.say('link our MPN ID 1234567');
    await dana.waitForMessage(
      /Only Global Administrators and members of the “Partner Operators” group can link, change or remove Dragon Desk's partner ID/,
    );
    expect(await dana.cardCount()).toBe(cardsBefore);
    console.log(`screenshot: ${await dana.screenshot(path.join(shots, 'chat-dana.png'))}`);
    await close('dana');
  });

  test('Grace runs "set up Dragon licensing" and is told everything is already in place', async () => {
    const grace = await as('grace');
    const summary = await sayForCard(
      grace,
      'set up Dragon licensing',
      /set up as Microsoft recommends|needs attention|Request #/,
    );
    expect(summary).toMatch(/Dragon licensing is set up as Microsoft recommends/);
    expect(summary).toMatch(/nothing was changed/);
    // One line per part of the best practice, each already in place.
    expect(summary).toMatch(/nursing/i);
    expect(summary).toMatch(/physician/i);
    expect(summary).toMatch(/Dragon Administrators/);
    const lines = await stepsOn(grace, 'set up as Microsoft recommends');
    expect(lines).toEqual(expect.arrayContaining(['✅ Owner: Nina Okafor.', '✅ Owner: Morgan Price.']));
    expect(lines.filter((l) => !l.startsWith('✅'))).toEqual([]);
    expect(await grace.buttonsOn('set up as Microsoft recommends')).toEqual([]);
    expect(await titleContrast(grace, 'set up as Microsoft recommends')).toBeGreaterThanOrEqual(3);
    await shot(grace, 'setup-1-grace-all-in-place', 'set up as Microsoft recommends');
  });

  // ------------------------------------------------------------------------------ partners

  test('Grace follows the partner-of-record checklist, confirms, and Dragon Desk answers from its record', async () => {
    const grace = await as('grace');
    const steps = await sayForCard(
      grace,
      'make Fabrikam (1234567) partner of record for the Contoso Health Production subscription',
      'Attach Fabrikam',
    );
    expect(steps).toMatch(/Contoso Health Production/);
    const portalSteps = await stepsOn(grace, 'Attach Fabrikam');
    expect(portalSteps[0]).toMatch(/^Sign in to the Azure portal .*Owner of Contoso Health Production/);
    expect(portalSteps).toContain("Open Partner information and enter Fabrikam's partner ID 1234567.");
    expect(portalSteps[portalSteps.length - 1]).toMatch(/Come back here and press Confirm/);
    expect(steps).toMatch(/co-administrators/);
    expect(await grace.buttonsOn('Attach Fabrikam')).toEqual([]);
    expect(await linksOn(grace, 'Attach Fabrikam')).toEqual(['Open subscriptions in the Azure portal']);
    await shot(grace, 'partner-1-grace-dpor-steps', 'Attach Fabrikam');

    const draft = await grace.cardText(/as partner of record[\s\S]*Request #|Request #[\s\S]*as partner of record/);
    const no = requestNumber(draft);
    const thisRequest = requestPattern(no);
    expect(draft).toMatch(/Press Confirm once you have attached partner ID 1234567/);
    await shot(grace, 'partner-2-grace-dpor-confirm', thisRequest);
    await grace.clickButton('Confirm', { onCardContaining: thisRequest });
    await waitUntil('Grace’s card shows it recorded', async () => /Done/.test(await grace.cardText(thisRequest)));
    await expectNoInvokeError(grace);
    const rec = await desk.store.records.get(PARTNER_OF_RECORD, PRODUCTION);
    expect(rec?.value).toMatchObject({ partnerId: '1234567', partnerName: 'Fabrikam', recordedByName: 'Grace Liu' });

    await grace.say('who is our partner of record?');
    const answer = await grace.waitForMessage(/According to Dragon Desk's record/);
    expect(answer).toMatch(
      /Fabrikam \(1234567\) is the partner of record for Contoso Health Production: Grace Liu confirmed it/,
    );
    expect(answer).toMatch(/can't read Microsoft's own record/);
    console.log(`screenshot: ${await grace.screenshot(path.join(shots, 'chat-grace.png'))}`);
    await close('grace');
  });

  test('Tomas links Fabrikam’s MPN ID on Dragon Desk’s identity after a card that says what a link does and does not do', async () => {
    type ArmPartner = { properties: { partnerId: string } };
    const link = async (): Promise<string | undefined> => {
      const res = await fetch(
        `${desk.devTenant!.url}/providers/Microsoft.ManagementPartner/partners?api-version=2018-02-01`,
        {
          headers: { authorization: 'Bearer dev' },
          signal: AbortSignal.timeout(10_000),
        },
      );
      if (res.status === 404) return undefined;
      if (!res.ok) throw new Error(`GET partners: ${res.status} ${await res.text()}`);
      return ((await res.json()) as ArmPartner).properties.partnerId;
    };
    // Tomas's own link (in the fixture) is his; Dragon Desk's service principal has none yet.
    expect(await link()).toBeUndefined();

    const tomas = await as('tomas');
    const confirm = await sayForCard(tomas, 'link our MPN ID 1234567', 'Partner Admin Link');
    const no = requestNumber(confirm);
    const thisRequest = requestPattern(no);
    expect(confirm).toMatch(/MPN ID 1234567 \(Fabrikam\)/);
    expect(confirm).toMatch(/What a partner link does: it attributes/);
    expect(confirm).toMatch(/What it does not do: it grants the partner no permission and shows them no customer data/);
    expect(confirm).toMatch(/per identity and per customer tenant/);
    expect(await tomas.buttonsOn(thisRequest)).toEqual(expect.arrayContaining(['Confirm', 'Cancel']));
    await shot(tomas, 'partner-3-tomas-link-confirm', thisRequest);

    await tomas.clickButton('Confirm', { onCardContaining: thisRequest });
    await waitUntil(
      'the dev tenant shows Dragon Desk linked to 1234567',
      async () => (await link()) === '1234567',
      30_000,
    );
    await tomas.waitForMessage(new RegExp(`Done: request #${no}(?!\\d) is complete`), 30_000);
    await waitUntil('Tomas’s card shows it done', async () => /Done/.test(await tomas.cardText(thisRequest)));
    await expectNoInvokeError(tomas);
    await shot(tomas, 'partner-4-tomas-link-done', thisRequest);
    await close('tomas');
  });

  test('Bianca follows the steps to remove Fabrikam’s admin roles and Dragon Desk records it', async () => {
    const bianca = await as('bianca');
    // Two cards, both headed "Remove Fabrikam's admin roles": the admin-center steps, then the request.
    const stepsCard = /Remove Fabrikam's admin roles[\s\S]*Microsoft 365 admin center/;
    const steps = await sayForCard(bianca, "remove Fabrikam's admin roles", stepsCard);
    expect(steps).toMatch(/Removing roles does not end the relationship/);
    expect(await titleContrast(bianca, stepsCard)).toBeGreaterThanOrEqual(3);
    expect(await linksOn(bianca, stepsCard)).toEqual(['Open Partner relationships']);
    const adminCenterSteps = await stepsOn(bianca, stepsCard);
    expect(adminCenterSteps).toEqual(
      expect.arrayContaining(['Go to Settings → Partner relationships.', 'Select Fabrikam.']),
    );
    expect(adminCenterSteps[adminCenterSteps.length - 1]).toMatch(/Come back here and press Confirm/);
    await shot(bianca, 'partner-5-bianca-steps', stepsCard);

    const draft = await bianca.cardText(/Press Confirm once you have removed/);
    const no = requestNumber(draft);
    const thisRequest = requestPattern(no);
    // The card names the change, not just the partner.
    expect(draft).toMatch(/^Remove Fabrikam's admin roles/);
    expect(draft).toMatch(/Remove roles of Fabrikam/);
    await shot(bianca, 'partner-6-bianca-confirm', thisRequest);
    await bianca.clickButton('Confirm', { onCardContaining: thisRequest });
    const done = await bianca.waitForMessage(
      new RegExp(`Done: request #${no}(?!\\d) is complete — Remove Fabrikam's admin roles`),
      30_000,
    );
    expect(done).toMatch(/Dragon Desk recorded that Fabrikam's admin roles were removed/);
    await waitUntil('Bianca’s card shows it recorded', async () => /Done/.test(await bianca.cardText(thisRequest)));
    await expectNoInvokeError(bianca);
    const rec = (await desk.store.records.list(PARTNER_ROLES_REMOVED)).map((r) => r.value);
    expect(rec).toEqual([
      expect.objectContaining({ partnerName: 'Fabrikam', mpnId: '1234567', removedByName: 'Bianca Ruiz' }),
    ]);
    // A partner whose name holds a word that also begins a role's name (Cloud Application
    // Administrator) is asked about by its whole name.
    await bianca.say('what can Contoso Cloud Services do in our tenant?');
    await bianca.waitForMessage(/doesn't know a partner called Contoso Cloud Services:/);
    await shot(bianca, 'partner-7-bianca-asks-about-contoso-cloud-services', /Contoso Cloud Services/);
    await close('bianca');
  });

  // ------------------------------------------------------------------------------ approvals on the move

  test('Omar is on leave: Dr. Patel’s physician request goes to Leo, whose card says who was skipped and why', async () => {
    const leo = await as('leo');
    const patel = await as('patel');
    const { no, thisRequest } = await askAndSend(patel, 'I need a Dragon physician license', 'Clinic notes');
    await patel.waitForMessage(/Not sent to Dr\. Omar Haddad: away \(automatic replies are on\)/);
    await waitUntil('Leo gets the card', async () => (await leo.cardCount(thisRequest)) >= 1);
    const approval = await leo.cardText(thisRequest);
    expect(approval).toMatch(/Not sent to[\s\S]*Omar Haddad/);
    expect(await leo.buttonsOn(thisRequest)).toEqual(expect.arrayContaining(['Approve', 'Reject']));
    await shot(leo, 'approvals-1-leo-omar-away', thisRequest);
    await leo.fillInput('Reason', 'Please ask again once your physician onboarding is done', {
      onCardContaining: thisRequest,
    });
    await leo.clickButton('Reject', { onCardContaining: thisRequest });
    await patel.waitForMessage(new RegExp(`Leo Martins rejected[\\s\\S]*#${no}(?!\\d)`));
    await expectNoInvokeError(leo);
    await close('patel');
  });

  test('Nina hands her approvals to Leo until Friday; Sam’s request waits for Leo on Nina’s behalf; Sam nudges; Leo approves', async () => {
    const leo = await as('leo');
    const nina = await as('nina');
    // A first name two people share: asked again, with both, and nothing handed over.
    await nina.say('send my approvals to Dana until Friday');
    const which = await nina.waitForMessage(/“Dana” could mean several people/);
    expect(which).toMatch(/Dana Reyes/);
    expect(which).toMatch(/Dana Kim/);
    await shot(nina, 'approvals-2a-nina-which-dana', /could mean several people/);
    await nina.say('send my approvals to Leo Martins until Friday');
    await nina.waitForMessage(/Done: until .* go to Leo Martins/);
    await leo.waitForMessage(/Nina Okafor has handed their Dragon approvals to you/);

    const sam = await as('sam');
    const { no, thisRequest } = await askAndSend(sam, 'I need a Dragon nursing license', 'Night shifts in the ED');
    await waitUntil('Sam’s card waits for Leo on Nina’s behalf', async () =>
      /Waiting for[\s\S]*Leo Martins \(on behalf of Nina Okafor\)/.test(await sam.cardText(thisRequest)),
    );
    await waitUntil('Leo gets the card', async () => (await leo.cardCount(thisRequest)) >= 1);
    expect(await nina.cardCount(thisRequest)).toBe(0);

    await sam.clickButton('Nudge approvers', { onCardContaining: thisRequest });
    await sam.waitForMessage(/I've reminded Leo Martins/);
    await expectNoInvokeError(sam);
    await shot(sam, 'approvals-2-sam-nudged', thisRequest);

    await leo.clickButton('Approve', { onCardContaining: thisRequest });
    await sam.waitForMessage(new RegExp(`Leo Martins \\(on behalf of Nina Okafor\\) approved[\\s\\S]*#${no}(?!\\d)`));
    await sam.waitForMessage(new RegExp(`Done: request #${no}(?!\\d) is complete`), 30_000);
    await expectNoInvokeError(leo);

    await nina.say('stop sending my approvals');
    await nina.waitForMessage(/new requests come to you again, not to Leo Martins/);
    for (const alias of ['sam', 'nina', 'leo']) await close(alias);
  });
});
