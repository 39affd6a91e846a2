/**
 * End to end over HTTP, against the dev tenant: Partner Admin Link on Dragon Desk's own
 * identity, the guided partner-of-record flow, partner relationships on the customer side, and a
 * GDAP delegated admin offer on the partner side. Each as the persona who would do it, and as one
 * who may not.
 */
import { Harness, messageText, cardActions, cardText, type Person } from '../helpers/harness';
import type { PostedActivity } from '../helpers/connector';
import { expectValidTeamsCard, findInput } from '../helpers/cards';
import { persona } from '../../src/devtenant/fixture';
import { PARTNER_OF_RECORD } from '../../src/services/partnerOfRecord';
import { PARTNER_ROLES_REMOVED } from '../../src/services/partnerRelationships';
import { ROLE_TEMPLATE } from '../../src/domain/catalog';

const PRODUCTION = '55555555-eeee-4eee-8eee-000000000001';

function said(person: Person, after = 0): string {
  return person.texts(after).join('\n');
}

/** What one turn posted, as a person reads it. */
function textOf(posted: PostedActivity[]): string {
  return posted.map((p) => messageText(p.activity)).join('\n');
}

describe('partner administration in chat', () => {
  let h: Harness;
  let spId: string;
  beforeEach(async () => {
    h = await Harness.start({ startWorker: false });
    spId = h.desk.devTenant!.state.fixture.app.servicePrincipalId;
  });
  afterEach(async () => h.stop());

  const link = () => h.desk.devTenant!.state.getPartnerLink(spId)?.partnerId;
  const openRequests = async (alias: string) =>
    (await h.desk.store.requests.listByRequester(persona(alias).id, 20)).filter((r) => r.state !== 'cancelled');

  // ---------------------------------------------------------------- Partner Admin Link

  describe('Partner Admin Link', () => {
    test('a partner technician links the MPN ID on Dragon Desk’s own identity after a confirmation that explains it', async () => {
      const tomas = h.as('tomas');
      expect(said(tomas, 0)).toBe('');
      await tomas.say('what partner ID is linked?');
      // Tomas's own (personal) link exists in the fixture, but Dragon Desk's identity has none.
      expect(said(tomas)).toMatch(/No partner ID is linked to Dragon Desk's identity/);

      await tomas.say('link our MPN ID 1234567');
      const confirm = tomas.lastCard();
      expectValidTeamsCard(confirm.card);
      const t = cardText(confirm.card);
      expect(t).toMatch(/MPN ID 1234567 \(Fabrikam\)/);
      expect(t).toMatch(/attributes .*revenue/);
      expect(t).toMatch(/grants the partner no permission and shows them no customer data/);
      expect(t).toMatch(/per identity and per customer tenant/);
      expect(t).toMatch(/Only the identity that made a link can change or remove it/);
      expect(t).toMatch(/Dragon Desk's own identity/);
      expect(cardActions(confirm.card).map((a) => a.title)).toContain('Confirm');
      expect(link()).toBeUndefined();

      const clicked = await tomas.click(confirm, 'Confirm');
      expect(clicked.card).toBeDefined();
      await h.settle();
      expect(link()).toBe('1234567');
      // The person's own link is untouched: links are per identity.
      expect(h.desk.devTenant!.state.getPartnerLink(persona('tomas').id)?.partnerId).toBe('1234567');
      expect(cardText(tomas.currentCard(confirm.activityId))).toMatch(/Done/);
      expect(said(tomas)).toMatch(/Done: request #\d+ is complete/);

      expect(textOf(await tomas.say('what partner ID is linked?'))).toMatch(/linked to MPN ID 1234567 \(Fabrikam\)/);
    });

    test('change and remove the link', async () => {
      h.desk.devTenant!.state.createPartnerLink(spId, '1234567');
      const grace = h.as('grace');
      await grace.say('change our partner ID to 7654321');
      const update = grace.lastCard();
      expectValidTeamsCard(update.card);
      expect(cardText(update.card)).toMatch(/MPN ID 7654321 \(Northwind Advisors\).*replacing 1234567/);
      await grace.click(update, 'Confirm');
      await h.settle();
      expect(link()).toBe('7654321');

      // [parser] "remove the partner link" is read as partner.relationships today; reported to the language owner.
      await grace.say('remove the partner ID link');
      const remove = grace.lastCard();
      expectValidTeamsCard(remove.card);
      expect(cardText(remove.card)).toMatch(/Remove Partner Admin Link to MPN ID 7654321/);
      await grace.click(remove, 'Confirm');
      await h.settle();
      expect(link()).toBeUndefined();
    });

    test('linking another ID when one is linked becomes a change that names the current one', async () => {
      h.desk.devTenant!.state.createPartnerLink(spId, '1234567');
      const tomas = h.as('tomas');
      await tomas.say('link our MPN ID 7654321');
      const t = cardText(tomas.lastCard().card);
      expect(t).toMatch(/linked to MPN ID 1234567 \(Fabrikam\) now/);
      expect(t).toMatch(/replacing 1234567/);
    });

    test('a clinician is refused with the reason and nothing is drafted', async () => {
      const dana = h.as('dana');
      await dana.say('link our MPN ID 1234567');
      expect(said(dana)).toMatch(
        /Only Global Administrators and members of the “Partner Operators” group can link, change or remove/,
      );
      expect(await openRequests('dana')).toHaveLength(0);
      expect(link()).toBeUndefined();
    });

    test('a partner ID that is not digits is refused', async () => {
      const tomas = h.as('tomas');
      const replies = await h.desk.desk.handle(
        { id: tomas.id, name: 'Tomas Berg', tenantId: h.config.tenantId },
        { intent: 'partner.link', partnerId: '12AB567' },
      );
      expect(replies.map((r) => (r.kind === 'text' ? r.text : '')).join(' ')).toMatch(
        /isn't a Microsoft partner ID: .*digits only/,
      );
      await tomas.say('link MPN ID ABC');
      expect(said(tomas)).toMatch(/Which partner ID\?/);
      expect(said(tomas)).not.toMatch(/Confirm/);
      expect(await openRequests('tomas')).toHaveLength(0);
    });

    test('an ARM conflict is explained with what the link is now', async () => {
      const tomas = h.as('tomas');
      await tomas.say('link our MPN ID 1234567');
      const confirm = tomas.lastCard();
      await tomas.click(confirm, 'Confirm');
      // Someone links another ID on the same identity before the worker runs.
      h.desk.devTenant!.state.createPartnerLink(spId, '7654321');
      await h.settle();
      expect(link()).toBe('7654321');
      const t = said(tomas);
      expect(t).toMatch(/could not be completed/);
      expect(t).toMatch(/Azure reports a conflict/);
      expect(t).toMatch(/\[Conflict\]/);
      expect(t).toMatch(/linked to MPN ID 7654321 now/);
      expect(cardText(tomas.currentCard(confirm.activityId))).toMatch(/Failed/);
    });
  });

  // ---------------------------------------------------------------- partner of record

  describe('Digital Partner of Record', () => {
    test('the subscription owner follows the portal checklist and Dragon Desk records it', async () => {
      const grace = h.as('grace');
      const replies = await grace.say(
        'make Fabrikam (1234567) partner of record for the Contoso Health Production subscription',
      );
      const cards = replies.map((r) => r.activity.attachments?.[0]?.content).filter(Boolean);
      expect(cards).toHaveLength(2);
      const [steps, draft] = cards;
      expectValidTeamsCard(steps);
      const st = cardText(steps);
      expect(st).toMatch(/1\. Sign in to the Azure portal/);
      expect(st).toMatch(/3\. Open Partner information and enter Fabrikam's partner ID 1234567/);
      expect(st).toMatch(/Service administrators, co-administrators and partners acting as delegated admins can't/);
      expect(cardActions(steps)).toHaveLength(0);
      expect(JSON.stringify(steps)).toMatch(/"Action.OpenUrl"/);
      expectValidTeamsCard(draft);
      expect(cardText(draft)).toMatch(/Fabrikam \(1234567\) as partner of record/);

      const card = grace.lastCard();
      await grace.click(card, 'Confirm');
      await h.settle();
      const rec = await h.desk.store.records.get(PARTNER_OF_RECORD, PRODUCTION);
      expect(rec?.value).toMatchObject({
        partnerId: '1234567',
        partnerName: 'Fabrikam',
        subscriptionName: 'Contoso Health Production',
        recordedByName: 'Grace Liu',
      });

      const dana = h.as('dana');
      await dana.say('who is our partner of record?');
      const answer = said(dana);
      expect(answer).toMatch(
        /According to Dragon Desk's record, Fabrikam \(1234567\) is the partner of record for Contoso Health Production/,
      );
      expect(answer).toMatch(/can't read Microsoft's own record/);
    });

    test('a second designation asks to confirm replacing the current one, by name', async () => {
      const grace = h.as('grace');
      await grace.say('make Fabrikam (1234567) partner of record for the Contoso Health Production subscription');
      await grace.click(grace.lastCard(), 'Confirm');
      await h.settle();

      await grace.say(
        'make Northwind Advisors (7654321) partner of record for the Contoso Health Production subscription',
      );
      const question = grace.lastCard();
      expectValidTeamsCard(question.card);
      expect(cardText(question.card)).toMatch(/Replace Fabrikam as partner of record\?/);
      expect(cardText(question.card)).toMatch(/replaces Fabrikam \(1234567\)/);
      expect(cardActions(question.card).map((a) => a.title)).toEqual(['Replace Fabrikam', 'Keep Fabrikam']);
      // Skipping the question with a crafted Confirm is refused.
      const req = (await h.desk.store.requests.listByRequester(grace.id, 5))[0];
      const skipped = await grace.invoke('request.confirm', { requestId: req.id, version: req.version });
      expect(skipped.message ?? cardText(skipped.card) + said(grace)).toMatch(/confirm replacing Fabrikam first/);
      expect((await h.desk.store.records.get(PARTNER_OF_RECORD, PRODUCTION))?.value.partnerId).toBe('1234567');

      await grace.say(
        'make Northwind Advisors (7654321) partner of record for the Contoso Health Production subscription',
      );
      const again = grace.lastCard();
      const replaced = await grace.click(again, 'Replace Fabrikam');
      expectValidTeamsCard(replaced.card!);
      expect(cardText(replaced.card)).toMatch(
        /Open Partner information and enter Northwind Advisors' partner ID 7654321/,
      );
      const draft = grace.lastCard();
      expect(cardText(draft.card)).toMatch(/This replaces Fabrikam \(1234567\)/);
      await grace.click(draft, 'Confirm');
      await h.settle();
      const rec = await h.desk.store.records.get(PARTNER_OF_RECORD, PRODUCTION);
      expect(rec?.value).toMatchObject({ partnerId: '7654321', replaced: { partnerId: '1234567' } });
      expect(await h.desk.store.records.list(PARTNER_OF_RECORD)).toHaveLength(1);
    });

    test.each([
      [
        'chris',
        'the classic service administrator',
        /classic service administrator of Contoso Health Production, not its Owner/,
      ],
      ['ravi', 'a classic co-administrator', /classic co-administrator of Contoso Health Production/],
      ['tomas', 'a partner guest', /delegated admins can't attach or change it/],
      ['dana', 'a clinician', /don't hold the Owner role on Contoso Health Production/],
    ])('%s (%s) is refused with the reason', async (alias, _who, reason) => {
      const p = h.as(alias);
      await p.say('make Fabrikam (1234567) partner of record for the Contoso Health Production subscription');
      const t = said(p);
      expect(t).toMatch(reason);
      expect(t).toMatch(/Ask Grace Liu/);
      expect(await openRequests(alias)).toHaveLength(0);
      expect(await h.desk.store.records.list(PARTNER_OF_RECORD)).toHaveLength(0);
    });

    test('the owner of another subscription may designate there', async () => {
      const chris = h.as('chris');
      // By id: the parser drops "Dev/Test" as a subscription name today (reported).
      await chris.say(
        'make Fabrikam (1234567) partner of record for subscription 55555555-eeee-4eee-8eee-000000000002',
      );
      expect(cardText(chris.lastCard().card)).toMatch(/Contoso Health Dev\/Test/);
      expect(cardActions(chris.lastCard().card).map((a) => a.title)).toContain('Confirm');
    });

    test('an ambiguous subscription is asked about', async () => {
      const grace = h.as('grace');
      await grace.say('make Fabrikam (1234567) partner of record for the Contoso Health subscription');
      expect(said(grace)).toMatch(/Contoso Health Production .* or Contoso Health Dev\/Test/);
      expect(await openRequests('grace')).toHaveLength(0);
    });
  });

  // ---------------------------------------------------------------- partner relationships

  describe('partner relationships (customer side)', () => {
    test('which partners: the known ones and what each partner type can hold', async () => {
      const dana = h.as('dana');
      const replies = await dana.say('which partners do we work with?');
      const cards = replies.map((r) => r.activity.attachments?.[0]?.content).filter(Boolean);
      for (const c of cards) expectValidTeamsCard(c);
      const t = cards.map(cardText).join('\n');
      expect(t).toMatch(/Fabrikam/);
      expect(t).toMatch(/Northwind Advisors/);
      expect(t).toMatch(/Advisor[\s\S]*Global Administrator and Helpdesk Administrator/);
      expect(t).toMatch(/GDAP partner[\s\S]*least privilege/);
      for (const type of ['Reseller', 'Indirect reseller', 'ISV', 'MPSA partner', 'OEM']) expect(t).toContain(type);
      expect(t).toMatch(/Line-of-business partner[\s\S]*not assignable/);
    });

    test('what one partner can do in the tenant', async () => {
      const bianca = h.as('bianca');
      await bianca.say('what can Fabrikam do in our tenant?');
      const c = bianca.lastCard().card;
      expectValidTeamsCard(c);
      expect(cardText(c)).toMatch(/What Fabrikam can do in your tenant/);
      expect(cardText(c)).toMatch(/Reseller and GDAP partner/);
      expect(cardText(c)).toMatch(/no customer-side API/);
    });

    test('a partner Dragon Desk does not know: said once, then what each partner type can hold', async () => {
      const bianca = h.as('bianca');
      const mark = h.connector.lastSeq();
      await bianca.say('what can Contoso Cloud Services do in our tenant?');
      const said = bianca.texts(mark).filter((t) => /doesn't know a partner/.test(t));
      expect(said).toEqual([
        expect.stringMatching(/Dragon Desk doesn't know a partner called Contoso Cloud Services: it isn't configured/),
      ]);
      expect(said[0]).not.toMatch(/no customer-side API/);
      const c = bianca.lastCard().card;
      expectValidTeamsCard(c);
      expect(cardText(c)).toMatch(/Partner types and the admin roles they can hold[\s\S]*no customer-side API/);
    });

    test('a Billing Administrator removes a partner’s admin roles through the guided steps, and it is recorded', async () => {
      const bianca = h.as('bianca');
      const replies = await bianca.say("remove Fabrikam's admin roles");
      const cards = replies.map((r) => r.activity.attachments?.[0]?.content).filter(Boolean);
      expect(cards).toHaveLength(2);
      for (const c of cards) expectValidTeamsCard(c);
      const steps = cardText(cards[0]);
      expect(steps).toMatch(/Settings → Partner relationships/);
      expect(steps).toMatch(/Select Fabrikam/);
      expect(steps).toMatch(/Remove roles/);
      expect(steps).toMatch(/does not end the relationship/);
      expect(cardText(cards[1])).toMatch(/Remove roles of Fabrikam/);

      await bianca.click(bianca.lastCard(), 'Confirm');
      await h.settle();
      const rec = await h.desk.store.records.get(PARTNER_ROLES_REMOVED, '1234567');
      expect(rec?.value).toMatchObject({ partnerName: 'Fabrikam', removedByName: 'Bianca Ruiz' });
      expect(said(bianca)).toMatch(/does not end the relationship/);

      await bianca.say('what can Fabrikam do in our tenant?');
      expect(cardText(bianca.lastCard().card)).toMatch(/Admin roles removed[\s\S]*Bianca Ruiz/);
    });

    test('a clinician may not remove a partner’s roles', async () => {
      const dana = h.as('dana');
      await dana.say("remove Fabrikam's admin roles");
      expect(said(dana)).toMatch(/needs at least the Billing Administrator role/);
      expect(said(dana)).toMatch(/Bianca Ruiz/);
      expect(await openRequests('dana')).toHaveLength(0);
    });
  });

  // ---------------------------------------------------------------- GDAP offers

  describe('delegated admin offers (partner side)', () => {
    test('a GDAP offer is created with the chosen roles, locked for approval, and answered with the link built from the relationship id', async () => {
      const tomas = h.as('tomas');
      await tomas.say('send Contoso Health a delegated admin offer');
      const options = tomas.lastCard();
      expectValidTeamsCard(options.card);
      const roles = findInput(options.card, 'roles')!;
      expect(roles.isMultiSelect).toBe(true);
      expect(roles.value).toBe('license-administrator,dragon-administrator');
      expect(findInput(options.card, 'duration')).toBeDefined();

      const summary = await tomas.click(options, 'Continue', {
        roles: 'license-administrator,user-administrator',
        duration: 'P90D',
        autoExtend: 'false',
      });
      expectValidTeamsCard(summary.card!);
      expect(cardText(summary.card)).toMatch(/Roles: License Administrator, User Administrator/);
      expect(cardText(summary.card)).toMatch(/Duration: 90 days; auto-extend: off/);
      expect(h.desk.devTenant!.state.listGdap()).toHaveLength(0);

      await tomas.click({ activityId: options.activityId, card: summary.card! }, 'Confirm');
      await h.settle();
      const [rel] = h.desk.devTenant!.state.listGdap();
      expect(rel.status).toBe('approvalPending');
      expect(rel.duration).toBe('P90D');
      expect(rel.autoExtendDuration).toBe('PT0S');
      expect(rel.displayName.length).toBeLessThanOrEqual(50);
      expect(rel.accessDetails.unifiedRoles.map((r) => r.roleDefinitionId).sort()).toEqual(
        [ROLE_TEMPLATE.licenseAdministrator, ROLE_TEMPLATE.userAdministrator].sort(),
      );
      expect(rel.requests.map((r) => r.action)).toEqual(['lockForApproval']);
      // Contoso Health's tenant id is not known: the offer is open to whoever the link is sent to.
      expect(rel.customer).toBeNull();
      const t = said(tomas);
      expect(t).toContain(
        `https://admin.microsoft.com/AdminPortal/Home#/partners/invitation/granularAdminRelationships/${rel.id}`,
      );
      expect(t).not.toContain(`granularAdminRelationships/${rel.requests[0].id}`);
    });

    test('a customer tenant ID on the card locks the offer to that tenant; one that is not a GUID is refused', async () => {
      const tenantId = '4b827261-d21f-4aa9-b7db-7fa1f56fb163';
      const tomas = h.as('tomas');
      await tomas.say('send Contoso Health a delegated admin offer');
      const options = tomas.lastCard();
      expect(findInput(options.card, 'customerTenantId')).toBeDefined();
      const choice = { roles: 'license-administrator', duration: 'P30D', autoExtend: 'false' };
      const wrong = await tomas.click(options, 'Continue', { ...choice, customerTenantId: 'contoso.example' });
      expectValidTeamsCard(wrong.card!);
      expect(cardText(wrong.card)).toMatch(/“contoso.example” is not a tenant ID/);

      const summary = await tomas.click(options, 'Continue', { ...choice, customerTenantId: tenantId.toUpperCase() });
      expect(cardText(summary.card)).toContain(`Only the customer tenant ${tenantId} can approve it.`);
      await tomas.click({ activityId: options.activityId, card: summary.card! }, 'Confirm');
      await h.settle();
      const [rel] = h.desk.devTenant!.state.listGdap();
      expect(rel.customer).toEqual({ tenantId, displayName: null });
      expect(rel.status).toBe('approvalPending');
    });

    test('Global Administrator with auto-extend is refused on the card, and nothing is created', async () => {
      const grace = h.as('grace');
      await grace.say('send Contoso Health a delegated admin offer');
      const options = grace.lastCard();
      const answer = await grace.click(options, 'Continue', {
        roles: 'global-administrator',
        duration: 'P180D',
        autoExtend: 'true',
      });
      expectValidTeamsCard(answer.card!);
      expect(cardText(answer.card)).toMatch(/Global Administrator cannot auto-extend/);
      expect(cardActions(answer.card).map((a) => a.title)).not.toContain('Confirm');
      expect(h.desk.devTenant!.state.listGdap()).toHaveLength(0);
    });

    test('a role that was not offered is refused', async () => {
      const tomas = h.as('tomas');
      await tomas.say('send Contoso Health a delegated admin offer');
      const answer = await tomas.click(tomas.lastCard(), 'Continue', {
        roles: 'exchange-administrator',
        duration: 'P30D',
        autoExtend: 'false',
      });
      expect(cardText(answer.card)).toMatch(/not one of the roles offered/);
    });

    test('a legacy "full" DAP offer is explained and the GDAP equivalent is offered', async () => {
      const tomas = h.as('tomas');
      await tomas.say('send Contoso Health a full DAP offer');
      const t = said(tomas);
      expect(t).toMatch(/Full administration gives the partner Global Administrator/);
      expect(t).toMatch(/no longer grants DAP with reseller relationships/);
      expect(t).toMatch(/GDAP equivalent is Global Administrator/);
      expect(findInput(tomas.lastCard().card, 'roles')!.value).toBe('global-administrator');
    });

    test('a clinician may not send offers', async () => {
      const dana = h.as('dana');
      await dana.say('send Contoso Health a delegated admin offer');
      expect(said(dana)).toMatch(
        /Only Global Administrators and members of the “Partner Operators” group can send delegated admin offers/,
      );
      expect(await openRequests('dana')).toHaveLength(0);
    });
  });
});
