/**
 * Each extractor on its own, as tables: what people write, and the value the bot receives.
 */
import {
  extractDuration,
  extractJustification,
  extractOfferRoles,
  extractPartnerId,
  extractPeople,
  extractRequestId,
  extractSubscription,
  isoDuration,
  licenseFromWords,
  nameCase,
  selfDescribedLicense,
  stripHonorific,
} from '../../src/language/entities';
import { correctKeyword, editDistance } from '../../src/language/fuzzy';
import { normalize, rawOf } from '../../src/language/normalize';
import { findUsers } from '../../src/language/targets';

describe('durations → ISO 8601', () => {
  it.each([
    ['for 2 hours', 'PT2H'],
    ['for 4 hrs', 'PT4H'],
    ['for 1 hour', 'PT1H'],
    ['for an hour', 'PT1H'],
    ['for 24h', 'PT24H'],
    ['for 30 minutes', 'PT30M'],
    ['30 min', 'PT30M'],
    ['for 45 mins', 'PT45M'],
    ['for half an hour', 'PT30M'],
    ['for 1.5 hours', 'PT90M'],
    ['for 90 min', 'PT90M'],
    ['for a day', 'P1D'],
    ['1 day', 'P1D'],
    ['for the day', 'P1D'],
    ['for 3 days', 'P3D'],
    ['for a week', 'P7D'],
    ['for 2 weeks', 'P14D'],
    ['for two weeks', 'P14D'],
    ['for a couple of hours', 'PT2H'],
    ['for a month', 'P30D'],
    ['for 6 months', 'P180D'],
    ['for 90 days', 'P90D'],
    ['1 year', 'P365D'],
    ['2 years', 'P730D'],
    ['duration 1 year', 'P365D'],
    ['for the next 8 hours', 'PT8H'],
  ])('%s → %s', (text, iso) => {
    expect(extractDuration(`give Sam Dragon admin ${text}`)).toBe(iso);
  });

  it.each([
    ['give Sam Dragon admin'],
    ['give Sam Dragon admin for a few hours'],
    ['give Sam Dragon admin until friday'],
    ['request 42'],
    ["I'm a nurse on 4 West"],
    ['link our MPN ID 1234567'],
  ])('%s → no duration', (text) => {
    expect(extractDuration(text)).toBeUndefined();
  });

  it('rejects amounts that are not durations', () => {
    expect(isoDuration(0, 'hours')).toBeUndefined();
    expect(isoDuration(Number.NaN, 'days')).toBeUndefined();
    expect(isoDuration(2, 'decades')).toBeUndefined();
    expect(isoDuration(1, 'fortnight')).toBe('P14D');
  });
});

describe('justifications', () => {
  it.each([
    ['give Sam Dragon admin for 4 hours because go-live support', 'go-live support'],
    ['I need Dragon because I’m drowning in notes.', 'I’m drowning in notes'],
    ['give Chris dragon admin, reason: fixing a template', 'fixing a template'],
    ['Reason - covering nights', 'covering nights'],
    ['justification: new cardiology hire', 'new cardiology hire'],
    ['need Dragon due to the ICU backlog', 'the ICU backlog'],
    ['need a dragon licence so I can chart at the bedside', 'I can chart at the bedside'],
    ['give me dragon physician for go-live support', 'go-live support'],
    ['elevate me for troubleshooting', 'troubleshooting'],
    ['because of the go-live, give Lee Dragon admin', 'the go-live'],
    ['give Lee admin bc go-live', 'go-live'],
  ])('%s → %s', (text, reason) => {
    expect(extractJustification(text)).toBe(reason);
  });

  it.each([
    ['set up dragon for dr patel'],
    ['give Dana dragon'],
    ['make Fabrikam partner of record for the Contoso Health Production subscription'],
    ['I need dragon for my team'],
    ['need dragon since monday'],
  ])('%s → no justification ("for …" names a person or scope, not a reason)', (text) => {
    expect(extractJustification(text)).toBeUndefined();
  });
});

describe('request ids', () => {
  it.each([
    ['cancel request 42', 42],
    ['status of request #7', 7],
    ['any update on #42?', 42],
    ['req 13', 13],
    ['req. 13', 13],
    ['check on request number 1088', 1088],
    ['request no. 5', 5],
    ['ticket 9', 9],
    ['cancel 31', 31],
  ])('%s → %d', (text, id) => {
    expect(extractRequestId(text)).toBe(id);
  });

  it.each([['where is my request'], ['I need 2 licenses'], ['request dragon for Sam']])('%s → none', (text) => {
    expect(extractRequestId(text)).toBeUndefined();
  });
});

describe('partner ids', () => {
  it.each([
    ['link our MPN ID 1234567', '1234567'],
    ['partner id: 4412345', '4412345'],
    ['MPN 998877', '998877'],
    ['add PAL 5566778', '5566778'],
    ['PartnerLocation ID 1122334', '1122334'],
    ['partner location id 1122334', '1122334'],
    ['make Fabrikam (1234567) partner of record', '1234567'],
    ['Tailspin Toys (MPN 3344556)', '3344556'],
    ['our partner id is 42', '42'],
    ['id = 123456789012', '123456789012'],
  ])('%s → %s', (text, id) => {
    expect(extractPartnerId(text)).toBe(id);
  });

  it('reports digits as a string, never a number', () => {
    expect(typeof extractPartnerId('MPN ID 0012345')).toBe('string');
    expect(extractPartnerId('MPN ID 0012345')).toBe('0012345');
  });

  it.each([['link our MPN ID'], ['give Sam admin for 4 hours']])('%s → none', (text) => {
    expect(extractPartnerId(text)).toBeUndefined();
  });

  // A partner id lands on a card that links a partner to the tenant: a digit run cut out of a
  // larger figure, or any number that is not the id, must never be offered as one.
  it.each([
    ['link our MPN ID 12AB567', 'letters mixed in'],
    ['link partner ID A1234567', 'a letter first'],
    ['link partner id 1234567a', 'a letter last'],
    ['link our MPN ID 123-4567', 'a hyphenated figure'],
    ['PAL 12.5', 'a decimal'],
    ['MPN ID 1,234,567', 'digit groups'],
    ['Fabrikam (12AB567)', 'a malformed id in parentheses'],
    ['link our MPN ID on 2026-11-21', 'a date'],
    ['link PAL on 11/21/2026', 'a date with slashes'],
    ['link PAL on Nov 21', 'a day of the month'],
    ['link PAL at 3 pm', 'a time'],
    ['link PAL at 3:30', 'a clock time'],
    ['link PAL, call me at 555-123-4567', 'a phone number'],
    ['link PAL, my cell is (555) 123-4567', 'a phone number with an area code'],
    ['link PAL, phone 5551234', 'a phone number without separators'],
    ['link PAL +1 555 123 4567', 'an international phone number'],
    ['link our partner ID for request #42', 'a request number'],
    ['link our partner ID, see ticket number 42', 'a ticket number'],
    ['link our MPN for subscription 1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9', 'a subscription GUID'],
    ['link our MPN for subscription 1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f', 'a malformed GUID'],
    ['link PAL for 3 days', 'a duration'],
    ['link PAL for 3 users', 'a count'],
    ['link MPN 1234567 and 7654321', 'two ids'],
    ['link MPN ID 12AB567, not 7654321', 'a malformed id next to a number'],
  ])('%s → none (%s)', (text) => {
    expect(extractPartnerId(text, 'any')).toBeUndefined();
  });

  it.each([
    ['link our MPN ID 1234567 on 2026-11-21', '1234567'],
    ['MPN ID 1234567, call me at 555-123-4567', '1234567'],
    ['link PAL 1234567 for request 42', '1234567'],
    ['link PAL 1234567 for 3 users', '1234567'],
    ['change PAL to 7654321', '7654321'],
    ['attach partner of record 7654321', '7654321'],
    ['Make 1234567 the partner of record', '1234567'],
  ])('%s → %s (a lone number counts in a sentence about the link)', (text, id) => {
    expect(extractPartnerId(text, 'any')).toBe(id);
  });

  it('does not take a lone number unless asked to', () => {
    expect(extractPartnerId('change PAL to 7654321')).toBeUndefined();
  });

  it.each([
    ['change our MPN from 1234567 to 7654321', '7654321'],
    ['change our MPN ID 1234567 to MPN ID 7654321', '7654321'],
    ['replace our PAL with partner ID 9988776', '9988776'],
    ["our partner id changed, it's now 4455667", '4455667'],
    ['update PAL 1234567 to 12AB567', undefined],
  ])('a change reads the new id: %s → %s', (text, id) => {
    expect(extractPartnerId(text, 'update')).toBe(id);
  });
});

describe('figures are read whole', () => {
  it.each([
    ['12AB567', 'code'],
    ['2026-11-21', 'code'],
    ['11/21/2026', 'code'],
    ['555-123-4567', 'code'],
    ['(555) 123-4567', 'code'],
    ['3:30', 'code'],
    ['2nd', 'code'],
    ['1234567', 'number'],
    ['12.5', 'number'],
  ])('%s is one %s token', (figure, kind) => {
    const n = normalize(`link ${figure} now`);
    expect(n.tokens.map((t) => t.raw)).toEqual(['link', figure, 'now']);
    expect(n.tokens[1].kind).toBe(kind);
  });

  it.each([['24h'], ['4hrs'], ['30min'], ['1.5hours'], ['2wks']])(
    'splits an amount glued to a time unit: %s',
    (text) => {
      const n = normalize(text);
      expect(n.tokens).toHaveLength(2);
      expect(n.tokens[0].kind).toBe('number');
    },
  );
});

describe('subscriptions', () => {
  it.each([
    ['for the Contoso Health Production subscription', 'Contoso Health Production'],
    ['on subscription Contoso Health Dev', 'Contoso Health Dev'],
    ['on sub 0b1c2d3e-4f50-4617-8a9b-0c1d2e3f4a5b', '0b1c2d3e-4f50-4617-8a9b-0c1d2e3f4a5b'],
    ['subscription 1F2E3D4C-5B6A-4978-8695-A4B3C2D1E0F9', '1F2E3D4C-5B6A-4978-8695-A4B3C2D1E0F9'],
    ['to the contoso prod subscription', 'contoso prod'],
    ['for the Contoso Health Dev/Test subscription', 'Contoso Health Dev/Test'],
    ['for the contoso health dev/test subscription', 'contoso health dev/test'],
    ['on subscription Contoso Health Dev/Test, partner id 1234567', 'Contoso Health Dev/Test'],
    ['for the R&D - Imaging (2025) subscription', 'R&D - Imaging (2025)'],
    ['for the Contoso R&D + QA subscription', 'Contoso R&D + QA'],
    ['for the Contoso Health Dev-Test 2 subscription', 'Contoso Health Dev-Test 2'],
    ['on our Contoso Health Production subscription', 'Contoso Health Production'],
    ['for the Contoso Health Production subscription (MPN 1234567)', 'Contoso Health Production'],
    ['on subscription Contoso Health Production (MPN 1234567)', 'Contoso Health Production'],
  ])('%s → %s', (text, sub) => {
    expect(extractSubscription(text)).toBe(sub);
  });

  it.each([
    ['for our Azure subscription'],
    ['who is our partner of record'],
    ['on the 2 subscriptions'],
    ['make Fabrikam (1234567) Production subscription'],
  ])('%s → none', (text) => {
    expect(extractSubscription(text)).toBeUndefined();
  });
});

describe('names', () => {
  it.each([
    ['Dana Reyes, Sam and Lee', ['Dana Reyes', 'Sam', 'Lee']],
    ['Sam, Lee, and Dana', ['Sam', 'Lee', 'Dana']],
    ['Sam & Lee', ['Sam', 'Lee']],
    ['dr patel', ['Patel']],
    ['dana reyes and jo-anne o’neil', ['Dana Reyes', 'Jo-Anne O’Neil']],
    ['SAM and McKay', ['SAM', 'McKay']],
    ['Dr. Patel', ['Patel']],
    ['doctor Patel and Dr Shah', ['Patel', 'Shah']],
    ['Dana Reyes, RN and Kevin Wu', ['Dana Reyes', 'Kevin Wu']],
    [
      'dana.reyes@contosohealth.onmicrosoft.com and sam@contoso.com',
      ['dana.reyes@contosohealth.onmicrosoft.com', 'sam@contoso.com'],
    ],
    ["Marcus O'Neil", ["Marcus O'Neil"]],
    ['Jo-Anne Kim', ['Jo-Anne Kim']],
    ['Zoë Müller', ['Zoë Müller']],
    ['me', ['me']],
    ['myself and Chris Park', ['me', 'Chris Park']],
    ['Dana and I', ['Dana', 'me']],
  ])('%s → %j', (text, names) => {
    expect(extractPeople(text)).toEqual(names);
  });

  it.each([['the ICU team'], ['my team'], ['everyone'], ['a b c d e'], ['Dana Reyes from 4 West']])(
    '%s → not a list of people',
    (text) => {
      expect(extractPeople(text)).toBeUndefined();
    },
  );

  it.each([
    ['patel', 'Patel'],
    ["marcus o'neil", "Marcus O'Neil"],
    ['DeShawn', 'DeShawn'],
    ['dana.reyes@contoso.com', 'dana.reyes@contoso.com'],
  ])('nameCase(%s) → %s (lower-case typing gets capitals, anything else is kept)', (name, cased) => {
    expect(nameCase(name)).toBe(cased);
  });

  it.each([
    ['Dr. Patel', 'Patel'],
    ['dr patel', 'patel'],
    ['Doctor Amy Lin', 'Amy Lin'],
    ['Patel', 'Patel'],
    ['Drew Barry', 'Drew Barry'],
  ])('stripHonorific(%s) → %s', (name, stripped) => {
    expect(stripHonorific(name)).toBe(stripped);
  });
});

describe('who a request is about', () => {
  it.each([
    ['give Dana Reyes, Sam and Lee Dragon physician licenses', 'request', ['Dana Reyes', 'Sam', 'Lee']],
    ['can u set up dragon for dr patel', 'request', ['Patel']],
    ["I'm an RN and need Dragon", 'request', ['me']],
    ['our new nurse Maria needs dragon', 'request', ['Maria']],
    ['can my coworker Jen get dragon too?', 'request', ['Jen']],
    ['Dragon for the following: Sam Lee, Kim Park', 'request', ['Sam Lee', 'Kim Park']],
    ["remove Dana's Dragon license", 'remove', ['Dana']],
    ['Sam left the hospital, please remove his Dragon license', 'remove', ['Sam']],
    ['Lee doesn’t need Dragon any more', 'remove', ['Lee']],
    ['does Dana have a Dragon license?', 'check', ['Dana']],
    ['make Sam a Dragon administrator', 'assign', ['Sam']],
    ['please give Will Dragon', 'request', ['Will']],
    ["I need dragon, I'm covering for Dana", 'request', ['me']],
    // A pronoun refers back to the person named earlier in the message (LABELS.md).
    ['Dr Patel asked me to request dragon for her', 'request', ['Patel']],
    // The same thing for a second person, said with "too" / "as well" / "one for" / "so does".
    ['Dana needs dragon and Sam needs it too', 'request', ['Dana', 'Sam']],
    ['give Jean-Baptiste a nursing license and also one for Aoife', 'request', ['Jean-Baptiste', 'Aoife']],
    ['i need dragon and so does my buddy keisha', 'request', ['me', 'Keisha']],
    ["please remove my license and Dr. Greene's", 'remove', ['me', 'Greene']],
    ['can me and jess both get dragon licenses', 'request', ['me', 'Jess']],
    ['Ruth transferred to Mercy West, get her a license', 'request', ['Ruth']],
    ['Please get licenses for Drs. Abernathy, Kowalczyk and Ismail', 'request', ['Abernathy', 'Kowalczyk', 'Ismail']],
  ] as const)('%s (%s) → %j', (text, mode, users) => {
    expect(findUsers(normalize(text), mode)).toEqual(users);
  });

  it.each([
    ['give the ICU team dragon', 'request'],
    ['I need dragon for my team', 'request'],
    ['can everyone on my team get dragon', 'request'],
    ['Dana needs dragon and Sam needs Dragon admin', 'request'],
    ['give dragon to sam and to lee', 'request'],
    // Not names: everyday words, places, a person described but not named.
    ['Dragon license back to pool please', 'request'],
    ['we would like the physician license ready beforehand', 'request'],
    ['I need to request a license for a new nurse', 'request'],
    ["he joined from St. Mary's and needs a license", 'request'],
    ['remove his Dragon license', 'remove'],
    ['set up dragon', 'request'],
  ] as const)('%s (%s) → nobody (the bot asks)', (text, mode) => {
    expect(findUsers(normalize(text), mode)).toBeUndefined();
  });
});

describe('license kinds', () => {
  it.each([
    ['I need Dragon nursing', 'nursing'],
    ['a physician license', 'physician'],
    ['Dragon for nurses', 'nursing'],
    ['the nurse version', 'nursing'],
    ['how many nursing and physician seats', 'both'],
    ['I am a physician assistant', undefined],
    ['set up dragon for dr patel', undefined],
    // Described, not named: the kind comes from describedKind (targets.ts), not from here.
    ['our new nurse Maria needs dragon', undefined],
  ])('named outright: %s → %s', (text, kind) => {
    expect(licenseFromWords(normalize(text))).toBe(kind);
  });

  it.each([
    ["I'm an RN", 'nursing'],
    ['I am a registered nurse', 'nursing'],
    ['as an LPN', 'nursing'],
    ['i work in nursing', 'nursing'],
    ["I'm a charge nurse", 'nursing'],
    ["I'm a hospitalist", 'physician'],
    ['im a doc in the ED', 'physician'],
    ["I'm an MD", 'physician'],
    ["I'm a DO", 'physician'],
    ['I am an attending physician', 'physician'],
    ['i am a resident', 'physician'],
    ["I'm a nurse practitioner", undefined],
    ["I'm a physician assistant", undefined],
    ["I'm a PA", undefined],
    ["I'm an NP", undefined],
    ["I'm Dr. Patel", undefined],
    ["I'm in the ICU", undefined],
    ["I'm an RN and a doctor", undefined],
  ])('requester describes themselves: %s → %s', (text, kind) => {
    expect(selfDescribedLicense(normalize(text))).toBe(kind);
  });
});

describe('roles in a delegated admin offer', () => {
  it.each([
    ['with License Administrator and User Administrator', ['license-administrator', 'user-administrator']],
    ['roles: user admin, license admin', ['user-administrator', 'license-administrator']],
    ['Helpdesk Administrator, Global Reader', ['helpdesk-administrator', 'global-reader']],
    ['with Privileged Role Administrator', ['privileged-role-administrator']],
    ['with full administration', ['full']],
    ['limited admin DAP offer', ['limited']],
    ['with Dragon Administrator role', ['dragon-administrator']],
    ['Directory Readers', ['directory-readers']],
  ])('%s → %j', (text, roles) => {
    expect(extractOfferRoles(text)).toEqual(roles);
  });

  it('finds nothing in a plain offer', () => {
    expect(extractOfferRoles('send Contoso Health a delegated admin offer')).toBeUndefined();
  });
});

describe('typo tolerance (key words only)', () => {
  it.each([
    ['dargon', 'dragon'],
    ['dragn', 'dragon'],
    ['nursng', 'nursing'],
    ['nurisng', 'nursing'],
    ['lisence', 'license'],
    ['licnese', 'license'],
    ['liscense', 'license'],
    ['physican', 'physician'],
    ['phyisician', 'physician'],
    ['adminstrator', 'administrator'],
    ['subscripton', 'subscription'],
  ])('%s → %s', (typo, word) => {
    expect(correctKeyword(typo)).toBe(word);
  });

  it.each([['aragon'], ['nursery'], ['purse'], ['dragon'], ['sam'], ['licensing'], ['nurse']])(
    '%s is left alone',
    (word) => {
      expect(correctKeyword(word)).toBeUndefined();
    },
  );

  it('never corrects a capitalised name in mid-sentence', () => {
    const n = normalize('give Dragan Petrovic dragon');
    expect(n.text).toBe('give dragan petrovic dragon');
    expect(normalize('give dragan petrovic dargon').text).toBe('give dragon petrovic dragon');
  });

  it('counts a transposition as one edit', () => {
    expect(editDistance('dargon', 'dragon')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
  });
});

describe('normalisation', () => {
  it.each([
    ['can u set up dragon for dr patel pls', 'set up dragon for dr patel'],
    ['Hi there! Could you please give me Dragon? Thanks!', 'give me dragon ?'],
    ['hey, would you mind giving Sam dragon', 'giving sam dragon'],
    ["I'm an RN", 'i am an rn'],
    ['Dragon   Copilot\tlicence', 'dragon license'],
    ['DAX Copilot', 'dragon'],
    ["remove Dana's license", "remove dana 's license"],
    ["revoke Northwind Traders' access", "revoke northwind traders 's access"],
    ['<at>Dana Reyes</at> needs Dragon', 'dana reyes needs dragon'],
    ['what can you do', 'what can you do'],
    ['hi', 'hi'],
  ])('%s → %s', (text, norm) => {
    expect(normalize(text).text).toBe(norm);
  });

  it('keeps what was written for names and reasons', () => {
    const n = normalize('pls give  Dana   Reyes dragon');
    const i = n.tokens.findIndex((t) => t.norm === 'dana');
    expect(rawOf(n, i, i + 2)).toBe('Dana Reyes');
  });

  it('notices politeness even though it drops it', () => {
    expect(normalize('Dragon license please').polite).toBe(true);
    expect(normalize('Dragon license').polite).toBe(false);
  });
});
