/**
 * The partner-administration rules as tables: partner ids, partner types and their roles, the
 * PARTNERS setting, who may designate a partner of record, subscription matching, GDAP limits and
 * the approval link, legacy DAP.
 */
import { ROLE_TEMPLATE } from '../../src/domain/catalog';
import {
  checkGdapOffer,
  checkPartnerId,
  classicRoles,
  dapLevel,
  DAP_LEVELS,
  describePartnerAccess,
  dporRefusal,
  dporStanding,
  findPartner,
  GDAP_MAX_DISPLAY_NAME,
  GDAP_ROLES,
  gdapApprovalLink,
  gdapDays,
  gdapDisplayName,
  isOwnerRole,
  matchSubscription,
  normalizeGdapRole,
  PARTNER_TYPES,
  parsePartnerList,
  possessive,
  scopeCoversSubscription,
} from '../../src/domain/partners';

describe('partner ids', () => {
  test.each([
    ['1234567', true],
    ['123456', true],
    ['3664167', true],
    ['1', true],
    [' 1234567 ', true],
    ['1234567890', true],
    ['12345678901', false],
    ['12AB567', false],
    ['MPN1234567', false],
    ['123-4567', false],
    ['123 4567', false],
    ['-1234567', false],
    ['', false],
  ])('%j valid: %s', (raw, valid) => {
    const r = checkPartnerId(raw);
    expect(r.ok).toBe(valid);
    if (r.ok) expect(r.partnerId).toBe(raw.trim());
    else expect(r.reason.length).toBeGreaterThan(10);
  });

  test('a non-digit id is refused with the reason that partner ids are digits', () => {
    const r = checkPartnerId('12AB567');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/digits only/);
  });

  test('a missing id asks which one', () => {
    const r = checkPartnerId(undefined);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/Which partner ID/);
  });
});

describe('partner types and the roles they can hold', () => {
  test.each([
    ['advisor', 'some', /Global Administrator and Helpdesk Administrator/],
    ['partner', 'any', /any Entra role/],
    ['gdap', 'any', /least privilege.*limited time/],
    ['reseller', 'none', /^none$/],
    ['indirect-reseller', 'none', /^none$/],
    ['isv', 'none', /^none$/],
    ['mpsa', 'none', /^none$/],
    ['oem', 'none', /^none$/],
    ['line-of-business', 'not-assignable', /not assignable/],
  ] as const)('%s: %s', (type, access, roles) => {
    expect(PARTNER_TYPES[type].access).toBe(access);
    expect(PARTNER_TYPES[type].roles).toMatch(roles);
  });

  test('an advisor holds exactly Global and Helpdesk Administrator', () => {
    expect(PARTNER_TYPES.advisor.fixedRoles).toEqual(['globalAdministrator', 'helpdeskAdministrator']);
  });

  test('describes a reseller-and-GDAP partner by both types', () => {
    const d = describePartnerAccess(['reseller', 'gdap']);
    expect(d).toMatch(/Reseller: none/);
    expect(d).toMatch(/GDAP partner: any Entra role/);
  });
});

describe('PARTNERS setting', () => {
  test('reads names, ids and types', () => {
    const { partners, problems } = parsePartnerList(
      'Fabrikam|1234567|reseller+gdap; Northwind Advisors|7654321|advisor ;Tailspin||isv',
    );
    expect(problems).toEqual([]);
    expect(partners).toEqual([
      { name: 'Fabrikam', mpnId: '1234567', types: ['reseller', 'gdap'] },
      { name: 'Northwind Advisors', mpnId: '7654321', types: ['advisor'] },
      { name: 'Tailspin', mpnId: undefined, types: ['isv'] },
    ]);
  });

  test.each([
    ['Fabrikam|12AB|reseller', /digits only/],
    ['Fabrikam|1234567|wizard', /unknown partner type “wizard”/],
    ['|1234567|reseller', /needs a name/],
  ])('%j is reported', (text, problem) => {
    expect(parsePartnerList(text).problems.join('\n')).toMatch(problem);
  });

  test.each([
    ['Fabrikam', "Fabrikam's"],
    ['Northwind Advisors', "Northwind Advisors'"],
  ])('possessive of %s is %s', (name, expected) => {
    expect(possessive(name)).toBe(expected);
  });

  test('empty means no partners', () => {
    expect(parsePartnerList(undefined)).toEqual({ partners: [], problems: [] });
  });

  const partners = parsePartnerList(
    'Fabrikam|1234567|reseller+gdap;Northwind Advisors|7654321|advisor;Northwind Traders|5555555|reseller',
  ).partners;
  test.each([
    [{ name: 'Fabrikam' }, 'Fabrikam'],
    [{ name: 'fabrikam inc' }, 'Fabrikam'],
    [{ partnerId: '7654321' }, 'Northwind Advisors'],
    [{ name: 'Northwind Advisors' }, 'Northwind Advisors'],
    [{ name: 'Northwind' }, undefined], // two Northwinds: never a guess
    [{ name: 'Contoso' }, undefined],
    [{ name: 'Zzz', partnerId: '1234567' }, 'Fabrikam'],
  ])('findPartner(%j) → %s', (written, expected) => {
    expect(findPartner(partners, written)?.name).toBe(expected);
  });
});

describe('who may designate a partner of record', () => {
  test.each([
    [{ isGuest: false, isOwner: true, classic: [] }, true, undefined],
    [{ isGuest: false, isOwner: true, classic: ['ServiceAdministrator', 'AccountAdministrator'] }, true, undefined],
    [{ isGuest: false, isOwner: false, classic: ['ServiceAdministrator'] }, false, 'service-admin'],
    [{ isGuest: false, isOwner: false, classic: ['CoAdministrator'] }, false, 'co-admin'],
    [{ isGuest: false, isOwner: false, classic: [] }, false, 'not-owner'],
    [{ isGuest: true, isOwner: false, classic: [] }, false, 'guest'],
    // Only the customer designates: a partner's guest is refused even with Owner.
    [{ isGuest: true, isOwner: true, classic: [] }, false, 'guest'],
  ] as const)('%j → may %s (%s)', (facts, may, why) => {
    const s = dporStanding({ ...facts, classic: [...facts.classic] });
    expect(s.may).toBe(may);
    if (!s.may) expect(s.why).toBe(why);
  });

  test.each([
    ['service-admin', /classic service administrator of Production, not its Owner/],
    ['co-admin', /co-administrator/],
    ['guest', /delegated admins can't attach or change it/],
    ['not-owner', /don't hold the Owner role/],
  ] as const)('the %s refusal says why and who can', (why, expected) => {
    const text = dporRefusal(why, 'Production', ['Grace Liu']);
    expect(text).toMatch(expected);
    expect(text).toMatch(/Ask Grace Liu/);
  });

  test.each([
    ['ServiceAdministrator;AccountAdministrator', ['ServiceAdministrator', 'AccountAdministrator']],
    ['CoAdministrator', ['CoAdministrator']],
    ['something else', []],
  ])('classic roles of %j', (role, expected) => {
    expect(classicRoles(role)).toEqual(expected);
  });

  test.each([
    ['/subscriptions/S1/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635', true],
    ['/providers/Microsoft.Authorization/roleDefinitions/8E3AF657-A8FF-443C-A75C-2FE8C4BCB635', true],
    ['/subscriptions/S1/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c', false],
  ])('owner role %s → %s', (id, expected) => {
    expect(isOwnerRole(id)).toBe(expected);
  });

  test.each([
    ['/subscriptions/abc', true],
    ['/subscriptions/ABC/', true],
    ['/', true],
    ['/providers/Microsoft.Management/managementGroups/root', true],
    ['/subscriptions/abc/resourceGroups/rg1', false],
    ['/subscriptions/other', false],
  ])('scope %s covers subscription abc: %s', (scope, expected) => {
    expect(scopeCoversSubscription(scope, 'abc')).toBe(expected);
  });
});

describe('which subscription', () => {
  const subs = [
    { subscriptionId: '55555555-eeee-4eee-8eee-000000000001', displayName: 'Contoso Health Production' },
    { subscriptionId: '55555555-eeee-4eee-8eee-000000000002', displayName: 'Contoso Health Dev/Test' },
  ];
  test.each([
    ['Contoso Health Production', 'one', 'Contoso Health Production'],
    ['the Contoso Health Production subscription', 'one', 'Contoso Health Production'],
    ['production', 'one', 'Contoso Health Production'],
    ['dev/test', 'one', 'Contoso Health Dev/Test'],
    ['55555555-EEEE-4eee-8eee-000000000002', 'one', 'Contoso Health Dev/Test'],
    ['Contoso Health', 'many', undefined],
    [undefined, 'many', undefined],
    ['Staging', 'none', undefined],
    ['55555555-eeee-4eee-8eee-000000000009', 'none', undefined],
  ])('%j → %s', (written, kind, name) => {
    const m = matchSubscription(written, subs);
    expect(m.kind).toBe(kind);
    if (m.kind === 'one') expect(m.subscription.displayName).toBe(name);
  });

  test('nothing written means the only subscription when there is one', () => {
    const m = matchSubscription(undefined, [subs[0]]);
    expect(m.kind === 'one' && m.subscription.displayName).toBe('Contoso Health Production');
  });
});

describe('GDAP offers', () => {
  test('least privilege pre-selected: License Administrator and Dragon Administrator only', () => {
    expect(GDAP_ROLES.filter((r) => r.preselected).map((r) => r.name)).toEqual([
      'License Administrator',
      'Dragon Administrator',
    ]);
  });

  test('role template ids are the catalog ones where the catalog has them', () => {
    expect(GDAP_ROLES.find((r) => r.key === 'license-administrator')!.templateId).toBe(
      ROLE_TEMPLATE.licenseAdministrator,
    );
    expect(GDAP_ROLES.find((r) => r.key === 'global-administrator')!.templateId).toBe(
      ROLE_TEMPLATE.globalAdministrator,
    );
    for (const r of GDAP_ROLES)
      expect(r.templateId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  test.each([
    ['license-administrator', 'license-administrator'],
    ['License Administrator', 'license-administrator'],
    ['dragon-admin', 'dragon-administrator'],
    ['global admin', 'global-administrator'],
    ['exchange-administrator', undefined],
  ])('role %j → %s', (written, key) => {
    expect(normalizeGdapRole(written)).toBe(key);
  });

  test.each([
    ['P1D', 1],
    ['P730D', 730],
    ['P2Y', 730],
    ['P1Y', 365],
    ['P2W', 14],
    ['P3M', 90],
    ['PT4H', undefined],
    ['P', undefined],
    ['two years', undefined],
  ])('duration %s = %s days', (iso, days) => {
    expect(gdapDays(iso)).toBe(days);
  });

  test.each([
    [{ roles: ['license-administrator'], duration: 'P180D', autoExtend: false }, true, undefined],
    [{ roles: ['license-administrator'], duration: 'P1D', autoExtend: true }, true, undefined],
    [{ roles: ['license-administrator'], duration: 'P2Y', autoExtend: false }, true, undefined],
    [{ roles: ['license-administrator'], duration: 'P731D', autoExtend: false }, false, /1 day to 2 years/],
    [{ roles: ['license-administrator'], duration: 'PT12H', autoExtend: false }, false, /whole days/],
    [{ roles: [], duration: 'P90D', autoExtend: false }, false, /at least one role/],
    [{ roles: ['exchange-administrator'], duration: 'P90D', autoExtend: false }, false, /not one of the roles offered/],
    [{ roles: ['global-administrator'], duration: 'P90D', autoExtend: false }, true, undefined],
    [
      { roles: ['global-administrator', 'license-administrator'], duration: 'P90D', autoExtend: true },
      false,
      /Global Administrator cannot auto-extend/,
    ],
  ])('%j → ok %s', (input, ok, problem) => {
    const r = checkGdapOffer(input);
    expect(r.ok).toBe(ok);
    if (!r.ok) expect(r.problems.join(' ')).toMatch(problem!);
  });

  test('a valid offer is normalised to whole days and the documented auto-extend values', () => {
    const r = checkGdapOffer({
      roles: ['dragon-administrator', 'license-administrator', 'license-administrator'],
      duration: 'P2Y',
      autoExtend: true,
    });
    expect(r.ok && r.duration).toBe('P730D');
    expect(r.ok && r.autoExtendDuration).toBe('P180D');
    expect(r.ok && r.roles.map((x) => x.key)).toEqual(['dragon-administrator', 'license-administrator']);
    const off = checkGdapOffer({ roles: ['license-administrator'], duration: 'P30D', autoExtend: false });
    expect(off.ok && off.autoExtendDuration).toBe('PT0S');
  });

  test.each([
    ['Contoso Health', 12, 'Contoso Health Dragon #12'],
    ['A'.repeat(80), 123456, undefined],
  ])('display name for %j fits in 50 characters', (customer, id, expected) => {
    const name = gdapDisplayName(customer, id);
    expect(name.length).toBeLessThanOrEqual(GDAP_MAX_DISPLAY_NAME);
    expect(name).toMatch(new RegExp(`#${id}$`));
    if (expected) expect(name).toBe(expected);
  });

  test('the approval link is built from the relationship id', () => {
    expect(gdapApprovalLink('5d027261-1111-4aaa-8777-000000000000-8777b240-2222-4bbb-9999-000000000000')).toBe(
      'https://admin.microsoft.com/AdminPortal/Home#/partners/invitation/granularAdminRelationships/5d027261-1111-4aaa-8777-000000000000-8777b240-2222-4bbb-9999-000000000000',
    );
  });
});

describe('legacy DAP', () => {
  test.each([
    [['full'], 'full'],
    [['limited'], 'limited'],
    [['license-administrator'], undefined],
    [undefined, undefined],
  ])('%j → %s', (roles, level) => {
    expect(dapLevel(roles)).toBe(level);
  });

  test('full means Global Administrator, limited means Password Administrator', () => {
    expect(DAP_LEVELS.full.grants).toMatch(/Global Administrator/);
    expect(DAP_LEVELS.full.gdapEquivalent).toBe('global-administrator');
    expect(DAP_LEVELS.limited.grants).toMatch(/Password Administrator/);
    expect(DAP_LEVELS.limited.gdapEquivalent).toBe('password-administrator');
  });
});
