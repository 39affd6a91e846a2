import { readActionData } from '../../src/cards';
import { cardsDir, renderCard, unboundPlaceholders } from '../../src/cards/template';
import { formatTime, joinNames, userText } from '../../src/cards/text';
import { cardText } from '../helpers/cards';

describe('renderCard', () => {
  it('finds the templates at the repository root', () => {
    expect(cardsDir()).toMatch(/[\\/]cards$/);
  });

  it('never lets an unbound ${…} reach a person, and drops what would render blank', () => {
    // A view model missing nearly everything: the template's fact, step and link rows stay unbound.
    const card = renderCard('notice', { title: 'Heads up', headerStyle: 'emphasis', titleColor: 'default' });
    expect(unboundPlaceholders(card)).toEqual([]);
    expect(JSON.stringify(card)).not.toContain('${');
    expect(cardText(card)).toContain('Heads up');
    const types = JSON.stringify(card).match(/"type":"[^"]+"/g);
    expect(types).not.toContain('"type":"FactSet"');
    expect(card.body.some((e) => e.type === 'TextBlock' && e.text === '')).toBe(false);
  });

  it('returns a fresh object every time, so callers may change it', () => {
    const a = renderCard('notice', {
      title: 'A',
      text: 't',
      headerStyle: 'good',
      titleColor: 'good',
      facts: [],
      steps: [],
      links: [],
    });
    a.body.length = 0;
    const b = renderCard('notice', {
      title: 'A',
      text: 't',
      headerStyle: 'good',
      titleColor: 'good',
      facts: [],
      steps: [],
      links: [],
    });
    expect(b.body.length).toBeGreaterThan(0);
  });
});

describe('text helpers', () => {
  it.each([
    ['plain', 'plain'],
    ['${x}', '$\u200B{x}'],
    ['[a](https://e.example)', '[a]\u200B(https://e.example)'],
    [undefined, ''],
  ])('userText(%j) = %j', (input, expected) => {
    expect(userText(input)).toBe(expected);
  });

  it.each([
    [[], ''],
    [['Ann'], 'Ann'],
    [['Ann', 'Bo'], 'Ann and Bo'],
    [['Ann', 'Bo', 'Cy'], 'Ann, Bo and Cy'],
    [['A', 'B', 'C', 'D', 'E', 'F', 'G'], 'A, B, C, D, E and 2 more'],
  ])('joinNames(%j) = %j', (names, expected) => {
    expect(joinNames(names)).toBe(expected);
  });

  it.each([
    ['2026-03-04T13:05:00Z', 'Europe/Amsterdam', 'Mar 4, 2026, 2:05 PM (Europe/Amsterdam)'],
    ['2026-03-04T13:05:00Z', 'America/Chicago', 'Mar 4, 2026, 7:05 AM (America/Chicago)'],
    ['2026-03-04T13:05:00Z', undefined, 'Mar 4, 2026, 1:05 PM (UTC)'],
    ['2026-03-04T13:05:00Z', 'Mars/Olympus_Mons', 'Mar 4, 2026, 1:05 PM (UTC)'],
    // Times are formatted once per second and zone; the seconds and milliseconds never show.
    ['2026-03-04T13:05:59.999Z', 'UTC', 'Mar 4, 2026, 1:05 PM (UTC)'],
    ['2026-03-04T13:06:00.001Z', 'UTC', 'Mar 4, 2026, 1:06 PM (UTC)'],
    // Liberia kept UTC−0:44:30 until 1972: one UTC minute spans two local ones.
    ['1960-01-01T12:00:10Z', 'Africa/Monrovia', 'Jan 1, 1960, 11:15 AM (Africa/Monrovia)'],
    ['1960-01-01T12:00:50Z', 'Africa/Monrovia', 'Jan 1, 1960, 11:16 AM (Africa/Monrovia)'],
    ['not a date', 'UTC', 'not a date'],
    [undefined, 'UTC', ''],
  ])('formatTime(%j, %j) = %j', (iso, zone, expected) => {
    expect(formatTime(iso, zone)).toBe(expected);
  });
});

describe('readActionData', () => {
  it.each([
    [
      'ids and inputs',
      { requestId: 4, version: 2, reason: '  not on ward  ', justification: '' },
      { requestId: 4, version: 2, reason: 'not on ward', choices: [] },
    ],
    [
      'numeric strings from old clients',
      { requestId: '4', version: '2', verb: 'request.approve' },
      { requestId: 4, version: 2, choices: [] },
    ],
    [
      'a license kind',
      { requestId: 4, version: 2, kind: 'physician' },
      { requestId: 4, version: 2, kind: 'physician', choices: [] },
    ],
    [
      'an unknown kind is dropped',
      { requestId: 4, version: 2, kind: 'dentist' },
      { requestId: 4, version: 2, choices: [] },
    ],
    [
      'person choices in order',
      { requestId: 4, version: 2, choice_0: 'a', choice_1: 'b' },
      { requestId: 4, version: 2, choices: ['a', 'b'] },
    ],
    [
      'smuggled fields are ignored',
      { requestId: 4, version: 2, userId: 'x', state: 'approved' },
      { requestId: 4, version: 2, choices: [] },
    ],
  ])('reads %s', (_name, data, expected) => {
    expect(readActionData(data)).toEqual(expected);
  });

  it.each([
    ['nothing', undefined],
    ['no version', { requestId: 4 }],
    ['a negative id', { requestId: -1, version: 1 }],
    ['a fractional version', { requestId: 1, version: 1.5 }],
    ['an array', [1, 2]],
  ])('refuses %s', (_name, data) => {
    expect(readActionData(data)).toBeUndefined();
  });
});
