import { helpCard, HELP_EXAMPLES, listCard, noticeCard, seatsCard } from '../../src/cards';
import { helpView } from '../../src/cards/helpCard';
import { listView } from '../../src/cards/listCard';
import { noticeView } from '../../src/cards/noticeCard';
import { seatsView } from '../../src/cards/seatsCard';
import { expandRaw, unboundPlaceholders } from '../../src/cards/template';
import { MAX_CARD_BYTES } from '../../src/cards/validate';
import { LICENSE_INFO } from '../../src/domain/catalog';
import { cardBytes, cardNodes, cardText, executeActions, expectValidTeamsCard, facts } from '../helpers/cards';

describe('helpCard', () => {
  it.each([
    [{}, "Hi, I'm Dragon Desk"],
    [{ name: 'Dana Smith' }, "Hi Dana, I'm Dragon Desk"],
  ])('greets %j with "%s" and groups what it can do', (opts, greeting) => {
    const card = helpCard(opts);
    expectValidTeamsCard(card);
    const text = cardText(card);
    expect(text).toContain(greeting);
    for (const heading of ['Licenses', 'Status questions', 'Dragon admin role', 'Partner administration'])
      expect(text).toContain(heading);
    expect(text).toContain('“I need a Dragon nursing license”');
  });

  it('shows admin-only examples to admins only', () => {
    const adminOnly = HELP_EXAMPLES.filter((e) => e.adminOnly).map((e) => e.text);
    expect(adminOnly.length).toBeGreaterThan(0);
    const forAdmin = cardText(helpCard({ isAdmin: true }));
    const forClinician = cardText(helpCard({ isAdmin: false }));
    for (const t of adminOnly) {
      expect(forAdmin).toContain(t);
      expect(forClinician).not.toContain(t);
    }
    expect(forClinician).toContain('group owners approve');
    expect(forAdmin).toContain('nothing changes until you confirm');
  });

  it('binds every template field', () => {
    expect(unboundPlaceholders(expandRaw('help', helpView({ isAdmin: true, name: 'Dana' })))).toEqual([]);
  });
});

/** The seats bar: [used weight, free weight, used style] read off the card. */
function bars(card: unknown): { used?: number; free?: number; usedStyle?: string }[] {
  return cardNodes(card)
    .filter(
      (n) => n.type === 'ColumnSet' && (n.columns as { minHeight?: string }[]).every((c) => c.minHeight === '12px'),
    )
    .map((set) => {
      const cols = set.columns as { width: number; style: string }[];
      const usedCol = cols.find((c) => c.style !== 'emphasis');
      const freeCol = cols.find((c) => c.style === 'emphasis');
      return { used: usedCol?.width, free: freeCol?.width, usedStyle: usedCol?.style };
    });
}

describe('seatsCard', () => {
  const nursing = { kind: 'nursing', label: 'Dragon Copilot nursing', purchase: LICENSE_INFO.nursing.purchase };
  const physician = { kind: 'physician', label: 'Dragon Copilot physician', purchase: LICENSE_INFO.physician.purchase };

  it('shows used of total and left per kind, with a bar weighted used : free', () => {
    const card = seatsCard([
      { ...nursing, used: 7, total: 10 },
      { ...physician, used: 1, total: 4 },
    ]);
    expectValidTeamsCard(card);
    const text = cardText(card);
    expect(text).toContain('7 of 10 used · 3 left');
    expect(text).toContain('1 of 4 used · 3 left');
    expect(bars(card)).toEqual([
      { used: 7, free: 3, usedStyle: 'accent' },
      { used: 1, free: 3, usedStyle: 'accent' },
    ]);
    expect(text).not.toContain(LICENSE_INFO.nursing.purchase);
  });

  it('turns to the attention colour and says how to buy when none are left', () => {
    const card = seatsCard([{ ...nursing, used: 10, total: 10 }]);
    expectValidTeamsCard(card);
    expect(cardText(card)).toContain('10 of 10 used · none left');
    expect(cardText(card)).toContain(LICENSE_INFO.nursing.purchase);
    expect(bars(card)).toEqual([{ used: 10, free: undefined, usedStyle: 'attention' }]);
    const summary = cardNodes(card).find((n) => n.text === '10 of 10 used · none left');
    expect(summary?.color).toBe('attention');
  });

  it.each([
    [{ used: 19, total: 20 }, '19 of 20 used · 1 left', 'warning', { used: 19, free: 1, usedStyle: 'warning' }],
    [{ used: 0, total: 5 }, '0 of 5 used · 5 left', 'default', { used: undefined, free: 5, usedStyle: undefined }],
    [
      { used: 12, total: 10 },
      '12 of 10 used · 2 over',
      'attention',
      { used: 10, free: undefined, usedStyle: 'attention' },
    ],
  ])('%j reads "%s" in %s', (counts, summary, color, bar) => {
    const card = seatsCard([{ ...physician, ...counts }]);
    expectValidTeamsCard(card);
    expect(cardNodes(card).find((n) => n.text === summary)?.color).toBe(color);
    expect(bars(card)).toEqual([bar]);
  });

  it('has no bar when no seats were bought, and says so when nothing is set up', () => {
    const none = seatsCard([{ ...nursing, used: 0, total: 0 }]);
    expectValidTeamsCard(none);
    expect(cardText(none)).toContain('No seats bought');
    expect(bars(none)).toEqual([]);
    const empty = seatsCard([]);
    expectValidTeamsCard(empty);
    expect(cardText(empty)).toContain('No Dragon Copilot licenses are set up');
  });

  it('binds every template field', () => {
    expect(
      unboundPlaceholders(
        expandRaw(
          'seats',
          seatsView([
            { ...nursing, used: 3, total: 3 },
            { ...physician, used: 0, total: 0 },
          ]),
        ),
      ),
    ).toEqual([]);
  });
});

describe('listCard', () => {
  const holders = {
    title: 'Dragon Copilot nursing license holders',
    subtitle: '3 people',
    columns: ['Name', 'Email', 'Since'],
    rows: [
      ['Dana Smith', 'dana.smith@contoso-health.example', 'Mar 4, 2026'],
      ['Lee Chen', 'lee.chen@contoso-health.example', ''],
      ['Sam Patel', 'sam.patel@contoso-health.example', 'Jan 2, 2026'],
    ],
    footer: 'Ask “remove the nursing license from …” to free a seat.',
  };

  it('renders a header row and one aligned row per entry', () => {
    const card = listCard(holders);
    expectValidTeamsCard(card);
    const sets = cardNodes(card).filter((n) => n.type === 'ColumnSet');
    expect(sets).toHaveLength(4);
    const rowTexts = sets.map((s) => (s.columns as { items: { text: string }[] }[]).map((c) => c.items[0].text));
    expect(rowTexts[0]).toEqual(['Name', 'Email', 'Since']);
    expect(rowTexts[2]).toEqual(['Lee Chen', 'lee.chen@contoso-health.example', '—']);
    const widths = sets.map((s) => (s.columns as { width: number }[]).map((c) => c.width));
    for (const w of widths) expect(w).toEqual(widths[0]);
    expect(cardText(card)).toContain('to free a seat');
  });

  it('offers request actions and links', () => {
    const card = listCard({
      ...holders,
      actions: [
        { title: 'Approve #12', verb: 'request.approve', requestId: 12, version: 4 },
        { title: 'Open the admin center', url: 'https://admin.microsoft.com/' },
      ],
    });
    expectValidTeamsCard(card);
    expect(executeActions(card).map((a) => [a.verb, a.data])).toEqual([
      ['request.approve', { requestId: 12, version: 4 }],
    ]);
    expect(cardNodes(card).find((n) => n.type === 'Action.OpenUrl')).toMatchObject({
      url: 'https://admin.microsoft.com/',
    });
  });

  it('says when there is nothing to list', () => {
    const card = listCard({
      title: 'Waiting for you',
      columns: ['Request', 'For'],
      rows: [],
      emptyText: 'Nothing is waiting for you.',
    });
    expectValidTeamsCard(card);
    expect(cardText(card)).toContain('Nothing is waiting for you.');
  });

  it('cuts a long list to what fits under the Teams limit and says how many were left out', () => {
    const rows = Array.from({ length: 400 }, (_, i) => [
      `Person number ${i} with a long name`,
      `person.number.${i}@contoso-health.example`,
      'Cardiology, 4th floor',
      'Mar 4, 2026',
    ]);
    const card = listCard({ title: 'Holders', columns: ['Name', 'Email', 'Department', 'Since'], rows, maxRows: 400 });
    expectValidTeamsCard(card);
    expect(cardBytes(card)).toBeLessThan(MAX_CARD_BYTES);
    const shown = rows.filter((r) => cardText(card).includes(r[1])).length;
    expect(shown).toBeGreaterThan(20);
    expect(cardText(card)).toContain(`…and ${400 - shown} more not shown.`);
  });

  it('shows at most maxRows rows (default 50)', () => {
    const rows = Array.from({ length: 60 }, (_, i) => [`P${i}`]);
    expect(cardText(listCard({ title: 'T', columns: ['Name'], rows }))).toContain('…and 10 more not shown.');
    expect(cardText(listCard({ title: 'T', columns: ['Name'], rows, maxRows: 5 }))).toContain(
      '…and 55 more not shown.',
    );
  });

  it('binds every template field', () => {
    const view = listView({
      ...holders,
      actions: [
        { title: 'x', verb: 'request.refresh', requestId: 1, version: 1 },
        { title: 'y', url: 'https://e.example' },
      ],
    });
    expect(unboundPlaceholders(expandRaw('list', view))).toEqual([]);
    expect(unboundPlaceholders(expandRaw('list', listView({ title: 'T', columns: [], rows: [] })))).toEqual([]);
  });
});

describe('noticeCard', () => {
  it.each([
    ['good', 'good'],
    ['warning', 'warning'],
    ['attention', 'attention'],
    ['default', 'emphasis'],
  ] as const)('tone %s gives a %s header with a title in the default colour', (tone, style) => {
    const card = noticeCard({ title: 'No nursing seats left', text: 'All 10 are in use.', tone });
    expectValidTeamsCard(card);
    const header = cardNodes(card).find((n) => n.type === 'Container');
    expect(header?.style).toBe(style);
    // Tone-coloured text on a container of that tone was unreadable in the Agents Playground.
    expect(cardNodes(card).find((n) => n.text === 'No nursing seats left')?.color).toBe('default');
  });

  it('shows facts, a numbered checklist and a link', () => {
    const card = noticeCard({
      title: 'Attach your partner of record',
      text: 'There is no API for this; follow these steps in the Azure portal.',
      tone: 'default',
      facts: [{ title: 'Partner ID', value: '1234567' }],
      steps: ['Sign in as the subscription owner', 'Open Cost Management + Billing', 'Choose Partner information'],
      link: { title: 'Open the Azure portal', url: 'https://portal.azure.com/' },
    });
    expectValidTeamsCard(card);
    expect(facts(card)).toEqual(['Partner ID: 1234567']);
    const text = cardText(card);
    expect(text).toContain('1. Sign in as the subscription owner');
    expect(text).toContain('3. Choose Partner information');
    expect(cardNodes(card).find((n) => n.type === 'Action.OpenUrl')).toMatchObject({
      title: 'Open the Azure portal',
      url: 'https://portal.azure.com/',
    });
  });

  it('drops a link that is not a web address', () => {
    const card = noticeCard({
      title: 'T',
      text: 'x',
      tone: 'default',
      link: { title: 'Run', url: 'javascript:alert(1)' },
    });
    expectValidTeamsCard(card);
    expect(cardNodes(card).some((n) => n.type === 'Action.OpenUrl')).toBe(false);
  });

  it('binds every template field', () => {
    const view = noticeView({
      title: 'T',
      text: 'x',
      tone: 'good',
      facts: [{ title: 'a', value: 'b' }],
      steps: ['s'],
      link: { title: 'l', url: 'https://e.example' },
    });
    expect(unboundPlaceholders(expandRaw('notice', view))).toEqual([]);
  });
});
