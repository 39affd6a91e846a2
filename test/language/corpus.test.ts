/**
 * The development set (LABELS.md): the utterances the rules were written against, including a
 * table of cases per category of the language-quality issue (polarity, questions, corrections,
 * rule-changing text, people, gaps, role and kind words, typos, partner topics, role checks). It
 * measures memory, not understanding, so it must stay at 100%: exact on every line, and no
 * unsafe reading (a write not meant, the opposite write, or a write with a wrong value).
 */
import { join } from 'node:path';
import { INTENT_ENTITIES, INTENTS, parse } from '../../src/language';
import { LABELS_NOW, describe1, loadLabelled, score } from './labelled';

const cases = loadLabelled(join(__dirname, 'corpus.jsonl'));
const results = score(cases, (text) => parse(text, { now: LABELS_NOW }));
const misses = results.filter((r) => !r.exact);
const unsafe = results.filter((r) => r.unsafe);

describe('development set', () => {
  afterAll(() => {
    const report = [
      `development set: ${results.length - misses.length}/${results.length} exact, ${unsafe.length} unsafe`,
    ];
    if (misses.length) report.push('mismatches:', ...misses.map(describe1));
    console.info(report.join('\n'));
  });

  it('is big and varied enough to mean something', () => {
    expect(cases.length).toBeGreaterThanOrEqual(800);
    const covered = new Set(cases.flatMap((c) => c.expect.map((e) => e.intent)));
    expect(INTENTS.filter((i) => !covered.has(i))).toEqual([]);
    expect(cases.filter((c) => c.expect.some((e) => e.intent === 'unknown')).length).toBeGreaterThanOrEqual(100);
    expect(new Set(cases.map((c) => c.text)).size).toBe(cases.length);
  });

  it('labels only entities the contract allows for each intent', () => {
    const bad = cases.filter((c) =>
      c.expect.some((e) => {
        const allowed = new Set<string>(['intent', ...(INTENT_ENTITIES[e.intent] ?? [])]);
        return !(e.intent in INTENT_ENTITIES) || Object.keys(e).some((k) => !allowed.has(k));
      }),
    );
    expect(bad.map((c) => `line ${c.line}`)).toEqual([]);
  });

  it('reads every utterance exactly', () => {
    if (misses.length) throw new Error(`${misses.length} mismatches:\n${misses.map(describe1).join('\n')}`);
  });

  it('never reads a write that was not meant, nor one with a wrong person, kind, role or id', () => {
    if (unsafe.length) throw new Error(`unsafe readings:\n${unsafe.map(describe1).join('\n')}`);
  });

  // A table per category of the language-quality issue, so a category cannot quietly go empty.
  const CATEGORIES = [
    'polarity',
    'question',
    'correction',
    'rules',
    'people',
    'gap',
    'words',
    'typo',
    'partner',
    'role-check',
  ] as const;
  describe.each(CATEGORIES)('category %s', (category) => {
    const mine = results.filter((r) => r.category === category);
    it('has a table of cases, all read exactly', () => {
      expect(mine.length).toBeGreaterThanOrEqual(10);
      expect(mine.filter((r) => !r.exact).map(describe1)).toEqual([]);
    });
  });
});
