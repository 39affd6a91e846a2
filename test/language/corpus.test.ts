/**
 * The labelled corpus: real-sounding utterances and what the parser must make of them. Two bars:
 * overall exact-match accuracy (intent and every entity) of at least 97%, and no mistake at all
 * on who or which license a write is about, because a write that names the wrong person or
 * license is the one error a confirmation card may not catch.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { INTENT_ENTITIES, INTENTS, isWriteIntent, parse, type ParseResult } from '../../src/language';

interface Case {
  line: number;
  text: string;
  expect: ParseResult;
}

const cases: Case[] = readFileSync(join(__dirname, 'corpus.jsonl'), 'utf8')
  .split('\n')
  .map((raw, i) => ({ raw, line: i + 1 }))
  .filter(({ raw }) => raw.trim() !== '')
  .map(({ raw, line }) => {
    const { text, expect } = JSON.parse(raw) as { text: string; expect: ParseResult };
    return { line, text, expect };
  });

const results = cases.map((c) => ({ ...c, got: parse(c.text) }));

/** Key order does not matter for equality; JSON drops undefined. */
function canonical(r: ParseResult): string {
  const o = r as unknown as Record<string, unknown>;
  return JSON.stringify(
    Object.fromEntries(
      Object.keys(o)
        .sort()
        .map((k) => [k, o[k]]),
    ),
  );
}

function describeCase(r: (typeof results)[number]): string {
  return `  line ${r.line}: ${JSON.stringify(r.text)}\n    expected ${canonical(r.expect)}\n    got      ${canonical(r.got)}`;
}

const mismatches = results.filter((r) => canonical(r.got) !== canonical(r.expect));
const accuracy = (results.length - mismatches.length) / results.length;

describe('labelled corpus', () => {
  afterAll(() => {
    const report = [
      `corpus: ${results.length - mismatches.length}/${results.length} exact (${(accuracy * 100).toFixed(1)}%)`,
    ];
    if (mismatches.length) report.push('mismatches:', ...mismatches.map(describeCase));
    console.info(report.join('\n'));
  });

  it('is big and varied enough to mean something', () => {
    expect(cases.length).toBeGreaterThanOrEqual(250);
    const covered = new Set(cases.map((c) => c.expect.intent));
    const missing = INTENTS.filter((i) => !covered.has(i));
    expect(missing).toEqual([]);
    expect(cases.filter((c) => c.expect.intent === 'unknown').length).toBeGreaterThanOrEqual(30);
    expect(new Set(cases.map((c) => c.text)).size).toBe(cases.length);
  });

  it('labels only entities the contract allows for each intent', () => {
    const bad = cases.filter((c) => {
      const allowed = new Set<string>(['intent', ...INTENT_ENTITIES[c.expect.intent]]);
      return !(c.expect.intent in INTENT_ENTITIES) || Object.keys(c.expect).some((k) => !allowed.has(k));
    });
    expect(bad.map((c) => `line ${c.line}`)).toEqual([]);
  });

  it('matches intent and every entity exactly on at least 97% of utterances', () => {
    if (accuracy < 0.97) {
      throw new Error(
        `accuracy ${(accuracy * 100).toFixed(1)}% is below 97%:\n${mismatches.map(describeCase).join('\n')}`,
      );
    }
    expect(accuracy).toBeGreaterThanOrEqual(0.97);
  });

  it('never gets the people or the license of a write wrong', () => {
    const wrong = results.filter((r) => {
      if (!isWriteIntent(r.expect.intent) && !isWriteIntent(r.got.intent)) return false;
      const sameUsers = JSON.stringify(r.got.users ?? null) === JSON.stringify(r.expect.users ?? null);
      return !sameUsers || r.got.license !== r.expect.license;
    });
    if (wrong.length) throw new Error(`wrong users or license on a write:\n${wrong.map(describeCase).join('\n')}`);
    expect(wrong).toEqual([]);
  });

  // Same bar for the partner id: "link our MPN ID 12AB567" once offered to link MPN 12.
  it('never puts a wrong partner id on a write', () => {
    const wrong = results.filter(
      (r) => (isWriteIntent(r.expect.intent) || isWriteIntent(r.got.intent)) && r.got.partnerId !== r.expect.partnerId,
    );
    if (wrong.length) throw new Error(`wrong partner id on a write:\n${wrong.map(describeCase).join('\n')}`);
    expect(wrong).toEqual([]);
  });
});
