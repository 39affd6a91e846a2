/**
 * The evaluation set (LABELS.md): utterances written blind, in one pass, by someone who had not
 * read the parser, and committed before the parser was run on them. Quality is reported on it:
 * exact readings (intent and every entity, either of two fair readings) and unsafe readings (a
 * write not meant, the opposite write, or a write with a wrong person, kind, role or id). When a
 * miss from it is fixed, the case moves to the development set and a fresh one takes its place.
 */
import { join } from 'node:path';
import { parse } from '../../src/language';
import { LABELS_NOW, describe1, loadLabelled, score } from './labelled';

const cases = loadLabelled(join(__dirname, 'evaluation.jsonl'));
const results = score(cases, (text) => parse(text, { now: LABELS_NOW }));
const misses = results.filter((r) => !r.exact);
const unsafe = results.filter((r) => r.unsafe);
const exact = (results.length - misses.length) / results.length;

describe('evaluation set', () => {
  afterAll(() => {
    const report = [
      `evaluation set: ${results.length - misses.length}/${results.length} exact (${(exact * 100).toFixed(1)}%), ${unsafe.length} unsafe`,
    ];
    if (misses.length) report.push('misses:', ...misses.map(describe1));
    console.info(report.join('\n'));
  });

  it('has at least 600 utterances, each with a voice and a category', () => {
    expect(cases.length).toBeGreaterThanOrEqual(600);
    expect(cases.filter((c) => !c.voice || !c.category).map((c) => c.line)).toEqual([]);
    expect(new Set(cases.map((c) => c.text)).size).toBe(cases.length);
  });

  it('reads no write that was not meant, and no write with a wrong value', () => {
    if (unsafe.length) throw new Error(`${unsafe.length} unsafe readings:\n${unsafe.map(describe1).join('\n')}`);
  });

  it('reads at least 97% exactly', () => {
    if (exact < 0.97)
      throw new Error(`${(exact * 100).toFixed(1)}% exact is below 97%:\n${misses.map(describe1).join('\n')}`);
  });
});
