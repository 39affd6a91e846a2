/**
 * The partner-administration cards (GDAP offer options, an explicit replace step) and the typed
 * inputs they send back, which readActionData must keep untrusted and well-formed.
 */
import { readActionData } from '../../src/cards';
import { confirmStepCard } from '../../src/cards/confirmStepCard';
import { gdapOfferCard, gdapOfferView } from '../../src/cards/gdapOfferCard';
import { expandRaw, unboundPlaceholders } from '../../src/cards/template';
import { cardText, executeActions, expectValidTeamsCard, findInput } from '../helpers/cards';
import { makeRequest } from './fixtures';

const offerRequest = makeRequest({ kind: 'partner.offer', state: 'draft', subject: 'Contoso Health' });

describe('gdapOfferCard', () => {
  test('offers the roles as a multi-select with the chosen ones pre-selected, and a duration', () => {
    const card = gdapOfferCard(offerRequest, {
      customer: 'Contoso Health',
      selectedRoles: ['license-administrator', 'dragon-administrator'],
      duration: 'P180D',
      autoExtend: false,
    });
    expectValidTeamsCard(card);
    expect(findInput(card, 'roles')).toMatchObject({
      type: 'Input.ChoiceSet',
      isMultiSelect: true,
      value: 'license-administrator,dragon-administrator',
    });
    expect(findInput(card, 'duration')).toMatchObject({ value: 'P180D' });
    expect(findInput(card, 'autoExtend')).toMatchObject({ type: 'Input.Toggle', value: 'false' });
    expect(executeActions(card).map((a) => [a.verb, a.data])).toEqual([
      ['request.resolve', { requestId: 42, version: 3 }],
      ['request.cancel', { requestId: 42, version: 3 }],
    ]);
  });

  test.each([
    ['P14D', 'P14D', /2 weeks \(as you asked\)/],
    ['P2Y', 'P730D', /2 years \(the maximum\)/],
    ['P1000D', 'P1000D', /1000 days \(as you asked\)/],
    ['PT4H', 'P180D', /180 days/],
  ])('duration %s is shown as %s', (asked, value, title) => {
    const view = gdapOfferView(offerRequest, {
      customer: 'Contoso Health',
      selectedRoles: [],
      duration: asked,
      autoExtend: false,
    });
    expect(view.selectedDuration).toBe(value);
    expect(view.durations.map((d) => d.title).join('\n')).toMatch(title);
  });

  test('shows what was wrong with the last attempt', () => {
    const card = gdapOfferCard(offerRequest, {
      customer: 'Contoso Health',
      selectedRoles: ['global-administrator'],
      duration: 'P90D',
      autoExtend: true,
      problems: ['A relationship that includes Global Administrator cannot auto-extend.'],
    });
    expectValidTeamsCard(card);
    expect(cardText(card)).toMatch(/cannot auto-extend/);
    expect(findInput(card, 'autoExtend')).toMatchObject({ value: 'true' });
  });

  test('every template field is bound', () => {
    const view = gdapOfferView(offerRequest, {
      customer: 'Contoso Health',
      selectedRoles: ['license-administrator'],
      duration: 'P90D',
      autoExtend: false,
      problems: ['x'],
    });
    expect(unboundPlaceholders(expandRaw('gdap-offer', view))).toEqual([]);
  });
});

describe('confirmStepCard', () => {
  test('names what it replaces and carries only request id and version', () => {
    const card = confirmStepCard(makeRequest({ kind: 'partner.record', state: 'draft' }), {
      title: 'Replace Fabrikam as partner of record?',
      text: 'Fabrikam (1234567) is the partner of record.',
      facts: [{ title: 'Current partner of record', value: 'Fabrikam (1234567)' }],
      confirmTitle: 'Replace Fabrikam',
      cancelTitle: 'Keep Fabrikam',
    });
    expectValidTeamsCard(card);
    expect(cardText(card)).toMatch(/Current partner of record[\s\S]*Fabrikam \(1234567\)/);
    expect(executeActions(card).map((a) => [a.title, a.verb])).toEqual([
      ['Replace Fabrikam', 'request.resolve'],
      ['Keep Fabrikam', 'request.cancel'],
    ]);
  });
});

describe('typed inputs of a click', () => {
  test.each([
    [
      { roles: 'license-administrator,dragon-administrator' },
      { roles: ['license-administrator', 'dragon-administrator'] },
    ],
    [{ roles: ' a , ,b ' }, { roles: ['a', 'b'] }],
    [{ roles: '' }, { roles: [] }],
    [
      { duration: 'P90D', autoExtend: 'true' },
      { duration: 'P90D', autoExtend: true },
    ],
    [{ autoExtend: 'false' }, { autoExtend: false }],
    [{ autoExtend: 'maybe' }, {}],
    [{ roles: 42, duration: { x: 1 } }, {}],
  ])('%j → %j', (inputs, expected) => {
    const data = readActionData({ requestId: 7, version: 1, ...inputs })!;
    const { requestId, version, choices, ...rest } = data;
    expect([requestId, version, choices]).toEqual([7, 1, []]);
    expect(rest).toEqual(expected);
  });
});
