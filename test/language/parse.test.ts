/**
 * parse(): the examples the product promises, and the rules that hold for every input.
 */
import {
  INTENT_ENTITIES,
  INTENTS,
  MAX_UTTERANCE_CHARS,
  WRITE_INTENTS,
  isWriteIntent,
  parse,
  type ParseResult,
} from '../../src/language';

describe('the examples Dragon Desk promises', () => {
  it.each<[string, ParseResult]>([
    ["I'm an RN and need Dragon", { intent: 'license.request', users: ['me'], license: 'nursing' }],
    ['can u set up dragon for dr patel pls', { intent: 'license.request', users: ['Patel'] }],
    ['how many nursing seats do we have left?', { intent: 'license.seats', license: 'nursing' }],
    ['how many seats are left', { intent: 'license.seats' }],
    ['link our MPN ID 1234567', { intent: 'partner.link', partnerId: '1234567' }],
    [
      'give Dana Reyes, Sam and Lee Dragon physician licenses',
      { intent: 'license.request', users: ['Dana Reyes', 'Sam', 'Lee'], license: 'physician' },
    ],
    ["remove Dana's Dragon license", { intent: 'license.remove', users: ['Dana'] }],
    ['make Sam a Dragon administrator', { intent: 'role.assign', users: ['Sam'], role: 'dragon-admin' }],
    [
      'give Sam Dragon admin for 4 hours because go-live support',
      {
        intent: 'role.assign',
        users: ['Sam'],
        role: 'dragon-admin',
        duration: 'PT4H',
        justification: 'go-live support',
      },
    ],
    ["remove Sam's Dragon admin role", { intent: 'role.remove', users: ['Sam'], role: 'dragon-admin' }],
    ['who are the dragon admins', { intent: 'role.holders', role: 'dragon-admin' }],
    [
      'make Fabrikam (1234567) partner of record for the Contoso Health Production subscription',
      {
        intent: 'partner.record',
        partnerId: '1234567',
        partner: 'Fabrikam',
        subscription: 'Contoso Health Production',
      },
    ],
    ['who is our partner of record?', { intent: 'partner.record.show' }],
    ['what can Fabrikam do in our tenant?', { intent: 'partner.relationships', partner: 'Fabrikam' }],
    ["remove Fabrikam's admin roles", { intent: 'partner.roles.remove', partner: 'Fabrikam' }],
    ['send Contoso Health a delegated admin offer', { intent: 'partner.offer', customer: 'Contoso Health' }],
    ['set up Dragon licensing', { intent: 'setup' }],
    ['cancel request 42', { intent: 'request.cancel', requestId: 42 }],
    ['status of request 7', { intent: 'request.status', requestId: 7 }],
    ['where is my request', { intent: 'request.status' }],
    ['what is waiting for me?', { intent: 'approvals.pending' }],
    ['help', { intent: 'help' }],
    ['what can you do', { intent: 'help' }],
    ['give me a Copilot license', { intent: 'unknown' }],
    ['make me global admin', { intent: 'unknown' }],
    ['make Sam a User Administrator', { intent: 'unknown' }],
    ['does Dana have a Dragon license?', { intent: 'license.check', users: ['Dana'] }],
    ['who has Dragon physician licenses?', { intent: 'license.holders', license: 'physician' }],
    ['how do we buy more nursing licenses?', { intent: 'license.purchase', license: 'nursing' }],
  ])('%s', (text, expected) => {
    expect(parse(text)).toEqual(expected);
  });
});

describe('rules for every input', () => {
  const samples = [
    "I'm an RN and need Dragon",
    'give Sam Dragon admin for 4 hours because go-live support',
    'make Fabrikam (1234567) partner of record for the Contoso Health Production subscription',
    'create a GDAP request for Contoso Health with License Administrator for 180 days',
    'how many seats are left',
    'what is the weather',
  ];

  it('gives the same answer every time (no hidden state)', () => {
    const first = samples.map((s) => parse(s));
    const again = [...samples]
      .reverse()
      .map((s) => parse(s))
      .reverse();
    expect(again).toEqual(first);
  });

  it('refuses input over 2,000 characters with a reason, and accepts 2,000', () => {
    expect(MAX_UTTERANCE_CHARS).toBe(2000);
    expect(parse('a'.repeat(2001))).toEqual({ intent: 'unknown', error: 'too-long' });
    expect(parse(`give me dragon ${'x'.repeat(1990)}`.slice(0, 2000))).not.toHaveProperty('error');
    // Characters as people count them: 2,000 emoji are 4,000 UTF-16 units but not too long.
    expect(parse('🙂'.repeat(2000))).not.toHaveProperty('error');
    expect(parse('🙂'.repeat(2001))).toEqual({ intent: 'unknown', error: 'too-long' });
  });

  it('answers empty and blank input with unknown', () => {
    expect(parse('')).toEqual({ intent: 'unknown' });
    expect(parse('   \n\t ')).toEqual({ intent: 'unknown' });
    expect(parse('!!! ...')).toEqual({ intent: 'unknown' });
    expect(parse(undefined as unknown as string)).toEqual({ intent: 'unknown' });
  });

  it('only ever carries the entities its intent allows, never empty ones', () => {
    for (const text of samples) {
      const r = parse(text);
      const allowed = new Set<string>(['intent', ...INTENT_ENTITIES[r.intent]]);
      for (const [k, v] of Object.entries(r)) {
        expect(allowed.has(k)).toBe(true);
        expect(v === undefined || v === '' || (Array.isArray(v) && v.length === 0)).toBe(false);
      }
    }
  });

  it('keeps a name out of intents that have no people', () => {
    expect(parse('how many nursing seats does Dana have left')).toEqual({
      intent: 'license.seats',
      license: 'nursing',
    });
    expect(parse('who are the dragon admins besides Sam')).toEqual({ intent: 'role.holders', role: 'dragon-admin' });
  });

  it('lists exactly the write intents of the contract', () => {
    expect([...WRITE_INTENTS].sort()).toEqual(
      [
        'license.request',
        'license.remove',
        'role.assign',
        'role.remove',
        'partner.link',
        'partner.link.update',
        'partner.link.remove',
        'partner.record',
        'partner.roles.remove',
        'partner.offer',
      ].sort(),
    );
    expect(INTENTS.filter(isWriteIntent)).toHaveLength(10);
    expect(isWriteIntent('license.seats')).toBe(false);
  });
});

describe('what colleagues reported', () => {
  it.each([
    // A token that mixes digits and letters is not a partner id: the bot asks (ids are digits only).
    ['link our MPN ID 12AB567', { intent: 'partner.link' }],
    ['change PAL to 12AB567', { intent: 'partner.link.update' }],
    ['update our partner id to 2026-11-21', { intent: 'partner.link.update' }],
    ['link our partner ID, my cell is (555) 123-4567', { intent: 'partner.link' }],
    ['change our MPN from 1234567 to 7654321', { intent: 'partner.link.update', partnerId: '7654321' }],
    // Removing the Partner Admin Link, in everyday words.
    ['remove the partner link', { intent: 'partner.link.remove' }],
    ['remove our partner link', { intent: 'partner.link.remove' }],
    ['delete the PAL', { intent: 'partner.link.remove' }],
    ['unlink the partner', { intent: 'partner.link.remove' }],
    ['remove the partner admin link', { intent: 'partner.link.remove' }],
    ['remove partner ID 1234567', { intent: 'partner.link.remove' }],
    // Subscription names hold "/", "-", "&", digits and parentheses.
    [
      'make Fabrikam (1234567) partner of record for the Contoso Health Dev/Test subscription',
      { intent: 'partner.record', partnerId: '1234567', partner: 'Fabrikam', subscription: 'Contoso Health Dev/Test' },
    ],
    [
      'make Fabrikam (1234567) partner of record for the R&D - Imaging (2025) subscription',
      { intent: 'partner.record', partnerId: '1234567', partner: 'Fabrikam', subscription: 'R&D - Imaging (2025)' },
    ],
  ])('%s', (text, expected) => {
    expect(parse(text)).toEqual(expected);
  });
});

describe('never guessing', () => {
  it.each([
    ['can u set up dragon for dr patel pls'],
    ['Dr. Nguyen needs Dragon'],
    ["I'm a nurse practitioner and need Dragon"],
    ["I'm a physician assistant, can I get Dragon?"],
    ["I'm a nurse manager; I need a dragon license for Carlos"],
    ['give Sam a nursing license and Lee a physician license'],
  ])('leaves the license out when it is not stated: %s', (text) => {
    const r = parse(text);
    expect(r.intent).toBe('license.request');
    expect(r.license).toBeUndefined();
  });

  it.each([
    ['give the ICU team dragon'],
    ['I need dragon for my team'],
    ['Dana needs dragon and Sam needs dragon admin'],
    ['give dragon to sam and to lee'],
    ['set up dragon'],
  ])('leaves the people out when it cannot name them: %s', (text) => {
    const r = parse(text);
    expect(isWriteIntent(r.intent)).toBe(true);
    expect(r.users).toBeUndefined();
  });
});
