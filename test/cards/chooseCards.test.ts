import { chooseLicenseCard, choosePersonCard, readActionData } from '../../src/cards';
import { chooseLicenseView } from '../../src/cards/chooseLicenseCard';
import { choosePersonView } from '../../src/cards/choosePersonCard';
import { expandRaw, unboundPlaceholders } from '../../src/cards/template';
import type { PersonQuestion } from '../../src/cards';
import {
  cardNodes,
  cardText,
  executeActions,
  expectValidTeamsCard,
  findInput,
  inputIds,
  verbs,
} from '../helpers/cards';
import { makeRequest } from './fixtures';

const danas: PersonQuestion = {
  written: 'Dana',
  candidates: [
    {
      id: 'u-1',
      displayName: 'Dana Smith',
      jobTitle: 'Nurse',
      department: 'Cardiology',
      userPrincipalName: 'dana.smith@contoso-health.example',
    },
    {
      id: 'u-2',
      displayName: 'Dana Jones',
      jobTitle: 'Physician',
      userPrincipalName: 'dana.jones@contoso-health.example',
    },
    { id: 'u-3', displayName: 'Dana Lee', userPrincipalName: 'dana.lee@contoso-health.example' },
  ],
};
const lees: PersonQuestion = {
  written: 'Lee',
  candidates: Array.from({ length: 8 }, (_, i) => ({
    id: `l-${i}`,
    displayName: `Lee ${i}`,
    userPrincipalName: `lee${i}@contoso-health.example`,
  })),
};

describe('choosePersonCard', () => {
  it('asks "Which Dana did you mean?" with one required choice listing name, job, department and UPN', () => {
    const card = choosePersonCard(makeRequest({ state: 'draft' }), [danas]);
    expectValidTeamsCard(card);
    expect(cardText(card)).toContain('Which Dana did you mean?');
    expect(inputIds(card)).toEqual(['choice_0']);
    const input = findInput(card, 'choice_0')!;
    expect(input).toMatchObject({ type: 'Input.ChoiceSet', isRequired: true, style: 'expanded' });
    expect(typeof input.errorMessage).toBe('string');
    expect(input.choices).toEqual([
      { title: 'Dana Smith — Nurse, Cardiology · dana.smith@contoso-health.example', value: 'u-1' },
      { title: 'Dana Jones — Physician · dana.jones@contoso-health.example', value: 'u-2' },
      { title: 'Dana Lee · dana.lee@contoso-health.example', value: 'u-3' },
    ]);
  });

  it('asks one question per ambiguous name, a dropdown when there are many candidates', () => {
    const card = choosePersonCard(makeRequest({ state: 'draft' }), [danas, lees]);
    expectValidTeamsCard(card);
    expect(inputIds(card)).toEqual(['choice_0', 'choice_1']);
    expect(findInput(card, 'choice_1')).toMatchObject({ style: 'compact' });
    expect(cardText(card)).toContain('Which people did you mean?');
  });

  it('continues with request.resolve carrying only the request id and version; cancel ignores the inputs', () => {
    const card = choosePersonCard(makeRequest({ state: 'draft', id: 5, version: 2 }), [danas]);
    expect(verbs(card)).toEqual(['request.resolve', 'request.cancel']);
    for (const a of executeActions(card)) expect(a.data).toEqual({ requestId: 5, version: 2 });
    expect(executeActions(card)[1].associatedInputs).toBe('none');
    // What the handler reads back once Teams merges the choices in:
    expect(readActionData({ requestId: 5, version: 2, choice_0: 'u-2', choice_1: 'l-3' })).toMatchObject({
      choices: ['u-2', 'l-3'],
    });
  });

  it('binds every template field', () => {
    expect(unboundPlaceholders(expandRaw('choose-person', choosePersonView(makeRequest(), [danas, lees])))).toEqual([]);
  });

  it('refuses to build a picker with nothing to pick', () => {
    expect(() => choosePersonCard(makeRequest(), [])).toThrow(RangeError);
  });
});

describe('chooseLicenseCard', () => {
  it('offers nursing and physician as buttons that carry the kind, plus cancel', () => {
    const card = chooseLicenseCard(makeRequest({ state: 'draft', id: 8, version: 1 }), ['Dana Smith', 'Lee Chen']);
    expectValidTeamsCard(card);
    expect(cardText(card)).toContain('Which Dragon license?');
    expect(cardText(card)).toContain('Dana Smith and Lee Chen');
    const actions = executeActions(card);
    expect(actions.map((a) => [a.verb, a.title, a.data])).toEqual([
      ['request.kind', 'Nursing', { requestId: 8, version: 1, kind: 'nursing' }],
      ['request.kind', 'Physician', { requestId: 8, version: 1, kind: 'physician' }],
      ['request.cancel', 'Cancel', { requestId: 8, version: 1 }],
    ]);
    expect(cardNodes(card).some((n) => typeof n.type === 'string' && n.type.startsWith('Input.'))).toBe(false);
  });

  it('still reads well without names', () => {
    const card = chooseLicenseCard(makeRequest(), []);
    expectValidTeamsCard(card);
    expect(cardText(card)).toContain('needed for this request');
  });

  it('binds every template field', () => {
    expect(unboundPlaceholders(expandRaw('choose-license', chooseLicenseView(makeRequest(), ['Dana'])))).toEqual([]);
  });
});
