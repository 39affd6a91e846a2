/**
 * "set up Dragon licensing" end to end over HTTP: on the Contoso Health fixture everything
 * is already in place and nothing is written; on the empty-tenant fixture the three groups are
 * created with their license, role and owner, a second run changes nothing, and the license and
 * role flows then use the new groups (also after a restart).
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROLE_TEMPLATE } from '../../src/domain/catalog';
import { persona } from '../../src/devtenant/fixture';
import { startDevTenant, type DevTenant } from '../../src/devtenant/server';
import { expectValidTeamsCard } from '../helpers/cards';
import { Harness, messageText, cardActions, cardText } from '../helpers/harness';

const NURSING_SKU = '22222222-bbbb-4bbb-8bbb-000000000001';
const PHYSICIAN_SKU = '22222222-bbbb-4bbb-8bbb-000000000002';
const NURSING_GROUP = '11111111-aaaa-4aaa-8aaa-000000000001';
/** The empty tenant has no Dragon groups, so the dev defaults naming them are unset. */
const NO_GROUPS = { NURSING_GROUP_ID: '', PHYSICIAN_GROUP_ID: '', DRAGON_ADMIN_GROUP_ID: '' };

/** Calls that change the tenant (a $batch envelope is only a carrier; its inner requests are logged on their own). */
function writes(h: Harness): number {
  return h.desk.devTenant!.calls.list().filter((c) => c.method !== 'GET' && !/\/\$batch$/.test(c.path)).length;
}

function said(posted: { activity: Record<string, any> }[]): string {
  return posted.map((p) => messageText(p.activity)).join('\n');
}

function groupNamed(h: Harness, name: string) {
  return h.desk.devTenant!.state.listGroups().find((g) => g.displayName === name);
}

describe('set up Dragon licensing', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  test('on the Contoso Health fixture everything is in place and nothing is written', async () => {
    h = await Harness.start({ startWorker: false });
    const grace = h.as('grace');
    const before = writes(h);
    await grace.say('set up Dragon licensing');
    const summary = grace.lastCard();
    expectValidTeamsCard(summary.card);
    const t = cardText(summary.card);
    expect(t).toMatch(/set up as Microsoft recommends/);
    expect(t).toMatch(/nothing was changed/);
    expect(t).toMatch(/✅ Security group “Dragon Copilot Nursing” exists/);
    expect(t).toMatch(/✅ The Dragon Copilot physician license is assigned to the group/);
    expect(t).toMatch(/✅ Role-assignable group “Dragon Administrators” exists/);
    expect(t).toMatch(/✅ It holds the Dragon Administrator role/);
    expect(t).toMatch(/Owner: Morgan Price/);
    expect(t).not.toMatch(/➕|⚠️/);
    expect(cardActions(summary.card)).toHaveLength(0);
    expect(writes(h)).toBe(before);
    expect(await h.desk.store.requests.listByRequester(grace.id, 5)).toHaveLength(0);
  });

  test('configured group ids that do not exist need attention; nothing is created behind the settings', async () => {
    // The empty tenant with the Contoso dev defaults still naming the fixture's group ids.
    h = await Harness.start({ startWorker: false, devTenantOptions: { fixture: 'empty-tenant' } });
    const grace = h.as('grace');
    const before = writes(h);
    await grace.say('set up Dragon licensing');
    const notice = grace.lastCard();
    expectValidTeamsCard(notice.card);
    const t = cardText(notice.card);
    expect(t).toMatch(/needs attention/);
    expect(t).toMatch(
      /NURSING_GROUP_ID is set to 11111111-aaaa-4aaa-8aaa-000000000001, but the tenant has no such group/,
    );
    expect(t).toMatch(/DRAGON_ADMIN_GROUP_ID is set to/);
    expect(cardActions(notice.card)).toHaveLength(0);
    expect(writes(h)).toBe(before);
  });

  test('someone without an admin role is refused up front', async () => {
    h = await Harness.start({ startWorker: false });
    const dana = h.as('dana');
    const posted = said(await dana.say('set up Dragon licensing'));
    expect(posted).toMatch(/needs a Global Administrator or License Administrator/);
    expect(await h.desk.store.requests.listByRequester(dana.id, 5)).toHaveLength(0);
  });

  test('a license group without an owner gets the asker as its named owner, and says so', async () => {
    h = await Harness.start({ startWorker: false });
    h.desk.devTenant!.state.removeReference(NURSING_GROUP, persona('nina').id, 'owners');
    const leo = h.as('leo');
    await leo.say('set up Dragon licensing');
    const draft = leo.lastCard();
    expectValidTeamsCard(draft.card);
    expect(cardText(draft.card)).toMatch(/➕ The group has no owner: make you its owner/);
    expect(cardActions(draft.card).map((a) => a.title)).toEqual(['Confirm', 'Cancel']);
    await leo.click(draft, 'Confirm');
    await h.settle();
    expect(h.desk.devTenant!.state.ownerIds(NURSING_GROUP)).toEqual([persona('leo').id]);
    const done = cardText(leo.currentCard(draft.activityId));
    expect(done).toMatch(/Done/);
    expect(done).toMatch(/You \(Leo Martins\) are now the owner of “Dragon Copilot Nursing”/);
    expect(done).toMatch(/add them as owner in the Entra admin center/);
    expect(leo.texts().join('\n')).toMatch(
      /Done: request #\d+ is complete — Dragon licensing, as Microsoft recommends\./,
    );
  });

  test('on an empty tenant a Global Administrator creates everything; a second run changes nothing', async () => {
    h = await Harness.start({ startWorker: false, devTenantOptions: { fixture: 'empty-tenant' }, env: NO_GROUPS });
    const grace = h.as('grace');
    await grace.say('set up Dragon licensing');
    const draft = grace.lastCard();
    expectValidTeamsCard(draft.card);
    const plan = cardText(draft.card);
    expect(plan).toMatch(/➕ Create the security group “Dragon Copilot Nursing”/);
    expect(plan).toMatch(/➕ Create the security group “Dragon Copilot Physicians”/);
    expect(plan).toMatch(/➕ Create the role-assignable security group “Dragon Administrators”/);
    expect(plan).toMatch(/license groups: Global Administrator or License Administrator — you may\b/);
    expect(cardActions(draft.card).map((a) => a.title)).toContain('Confirm');

    const writesBefore = writes(h);
    await grace.click(draft, 'Confirm');
    await h.settle();
    expect(writes(h)).toBeGreaterThan(writesBefore);

    const nursing = groupNamed(h, 'Dragon Copilot Nursing');
    const physicians = groupNamed(h, 'Dragon Copilot Physicians');
    const admins = groupNamed(h, 'Dragon Administrators');
    expect(nursing?.assignedLicenses.map((l) => l.skuId)).toEqual([NURSING_SKU]);
    expect(physicians?.assignedLicenses.map((l) => l.skuId)).toEqual([PHYSICIAN_SKU]);
    expect(nursing?.securityEnabled).toBe(true);
    expect(admins?.isAssignableToRole).toBe(true);
    const roleHolders = h.desk.devTenant!.state.listRoleAssignments({
      roleDefinitionId: ROLE_TEMPLATE.dragonAdministrator,
    });
    expect(roleHolders.map((a) => [a.principalId, a.directoryScopeId])).toEqual([[admins!.id, '/']]);
    for (const g of [nursing!, physicians!, admins!])
      expect(h.desk.devTenant!.state.ownerIds(g.id)).toEqual([persona('grace').id]);
    const done = cardText(grace.currentCard(draft.activityId));
    expect(done).toMatch(/Done/);
    expect(done).toMatch(/Created the role-assignable security group “Dragon Administrators”/);

    // Again: everything is in place now, and nothing is written.
    const before = writes(h);
    await grace.say('set up Dragon licensing');
    const again = grace.lastCard();
    expectValidTeamsCard(again.card);
    expect(cardText(again.card)).toMatch(/set up as Microsoft recommends/);
    expect(writes(h)).toBe(before);
    expect(h.desk.devTenant!.state.listGroups().filter((g) => g.displayName.startsWith('Dragon'))).toHaveLength(3);
  });

  test('after set-up the license and role flows use the new groups', async () => {
    h = await Harness.start({ startWorker: false, devTenantOptions: { fixture: 'empty-tenant' }, env: NO_GROUPS });
    const grace = h.as('grace');
    await grace.say('set up Dragon licensing');
    await grace.click(grace.lastCard(), 'Confirm');
    await h.settle();
    const nursing = groupNamed(h, 'Dragon Copilot Nursing')!;
    const admins = groupNamed(h, 'Dragon Administrators')!;

    // A nurse's request now goes to the new group's owner (Grace), and lands through the group.
    const dana = h.as('dana');
    await dana.say('I need a Dragon nursing license');
    const sent = await dana.click(dana.lastCard(), 'Send for approval', { justification: 'ED pilot' });
    expect(cardText(sent.card)).toMatch(/Grace Liu/);
    await grace.click(grace.lastCard(), 'Approve');
    await h.settle();
    await h.settle();
    expect(h.desk.devTenant!.state.isMember(nursing.id, persona('dana').id)).toBe(true);
    const states = h.desk.devTenant!.state.getUser(persona('dana').id)!.licenseAssignmentStates;
    expect(states.find((s) => s.skuId === NURSING_SKU)).toMatchObject({ assignedByGroup: nursing.id, state: 'Active' });

    // The Dragon admin role is given as membership of the new role-assignable group.
    const ravi = h.as('ravi');
    await ravi.say('make Sam Carter a Dragon administrator');
    await ravi.click(ravi.lastCard(), 'Confirm');
    await h.settle();
    expect(h.desk.devTenant!.state.isMember(admins.id, persona('sam').id)).toBe(true);
    expect(h.desk.devTenant!.state.heldRoleTemplateIds(persona('sam').id, true)).toContain(
      ROLE_TEMPLATE.dragonAdministrator,
    );
  });

  test('a License Administrator sets up the license groups; the admin-role group waits for a Privileged Role Administrator', async () => {
    h = await Harness.start({ startWorker: false, devTenantOptions: { fixture: 'empty-tenant' }, env: NO_GROUPS });
    const leo = h.as('leo');
    await leo.say('set up Dragon licensing');
    const draft = leo.lastCard();
    expectValidTeamsCard(draft.card);
    const plan = cardText(draft.card);
    expect(plan).toMatch(/⚠️ This part needs a Global Administrator or Privileged Role Administrator/);
    expect(plan).toMatch(
      /Dragon Administrators group: Global Administrator or Privileged Role Administrator — you may not/,
    );
    await leo.click(draft, 'Confirm');
    await h.settle();
    expect(groupNamed(h, 'Dragon Copilot Nursing')).toBeDefined();
    expect(groupNamed(h, 'Dragon Administrators')).toBeUndefined();

    const ravi = h.as('ravi');
    await ravi.say('set up Dragon licensing');
    const rest = ravi.lastCard();
    const restText = cardText(rest.card);
    expect(restText).toMatch(/✅ Security group “Dragon Copilot Nursing” exists/);
    expect(restText).toMatch(/➕ Create the role-assignable security group “Dragon Administrators”/);
    await ravi.click(rest, 'Confirm');
    await h.settle();
    const admins = groupNamed(h, 'Dragon Administrators');
    expect(admins?.isAssignableToRole).toBe(true);
    expect(h.desk.devTenant!.state.ownerIds(admins!.id)).toEqual([persona('ravi').id]);
    // Only one nursing group, however many times set-up ran.
    expect(h.desk.devTenant!.state.listGroups().filter((g) => g.displayName === 'Dragon Copilot Nursing')).toHaveLength(
      1,
    );
  });

  test('the groups set-up created are used again after a restart', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'dd-setup-restart-'));
    const tenant: DevTenant = await startDevTenant({ fixture: 'empty-tenant' });
    try {
      h = await Harness.start({ startWorker: false, devTenant: tenant, dataDir, env: NO_GROUPS });
      const grace = h.as('grace');
      await grace.say('set up Dragon licensing');
      await grace.click(grace.lastCard(), 'Confirm');
      await h.settle();
      const nursing = groupNamed(h, 'Dragon Copilot Nursing')!;
      const admins = groupNamed(h, 'Dragon Administrators')!;
      await h.stop();

      h = await Harness.start({ startWorker: false, devTenant: tenant, dataDir, env: NO_GROUPS });
      expect(await h.desk.services.groups.license('nursing')).toBe(nursing.id);
      expect(await h.desk.services.groups.admin()).toBe(admins.id);
    } finally {
      await h?.stop();
      h = undefined;
      await tenant.close();
    }
  });
});
