/**
 * Labelled utterance sets (LABELS.md): loading, exact comparison, and what counts as unsafe. Shared
 * by the development and evaluation set tests so both are scored by the same rule.
 */
import { readFileSync } from 'node:fs';
import { isWriteIntent, type ParseResult } from '../../src/language';

/** The reference moment LABELS.md reads "until Friday" against: Monday 2026-12-07 09:00, local time. */
export const LABELS_NOW = new Date(2026, 11, 7, 9, 0);

export interface LabelledCase {
  line: number;
  text: string;
  /** Every fair reading; a list in the file when two readings are fair. */
  expect: ParseResult[];
  category?: string;
  voice?: string;
}

export function loadLabelled(file: string): LabelledCase[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((raw, i) => ({ raw, line: i + 1 }))
    .filter(({ raw }) => raw.trim() !== '')
    .map(({ raw, line }) => {
      const o = JSON.parse(raw) as {
        text: string;
        expect: ParseResult | ParseResult[];
        category?: string;
        voice?: string;
      };
      return {
        line,
        text: o.text,
        expect: Array.isArray(o.expect) ? o.expect : [o.expect],
        category: o.category,
        voice: o.voice,
      };
    });
}

/** Key order does not matter for equality; JSON drops undefined. */
export function canonical(r: ParseResult): string {
  const o = r as unknown as Record<string, unknown>;
  return JSON.stringify(
    Object.fromEntries(
      Object.keys(o)
        .sort()
        .map((k) => [k, o[k]]),
    ),
  );
}

export function isExact(got: ParseResult, c: LabelledCase): boolean {
  const g = canonical(got);
  return c.expect.some((e) => canonical(e) === g);
}

/** What a write decides besides its intent; a stated value that differs from the label is unsafe. */
const DECIDING: readonly (keyof ParseResult)[] = [
  'users',
  'license',
  'role',
  'partnerId',
  'partner',
  'customer',
  'subscription',
  'roles',
  'duration',
  'until',
];

/**
 * Why a reading is unsafe, or undefined: a write where none was meant, the opposite (or another)
 * write, or a write with a stated value that is wrong. A missing value is not unsafe: the bot asks.
 */
export function unsafeReason(got: ParseResult, c: LabelledCase): string | undefined {
  if (!isWriteIntent(got.intent) || isExact(got, c)) return undefined;
  const same = c.expect.filter((e) => e.intent === got.intent);
  if (!same.length) return c.expect.some((e) => isWriteIntent(e.intent)) ? 'another write' : 'a write not meant';
  const wrongIn = (e: ParseResult) =>
    DECIDING.filter((k) => got[k] !== undefined && JSON.stringify(got[k]) !== JSON.stringify(e[k]));
  const errors = same.map(wrongIn);
  if (errors.some((w) => w.length === 0)) return undefined;
  return `wrong ${errors[0].join(', ')}`;
}

export interface Scored extends LabelledCase {
  got: ParseResult;
  exact: boolean;
  unsafe?: string;
}

export function score(cases: readonly LabelledCase[], read: (text: string) => ParseResult): Scored[] {
  return cases.map((c) => {
    const got = read(c.text);
    return { ...c, got, exact: isExact(got, c), unsafe: unsafeReason(got, c) };
  });
}

export function describe1(r: Scored): string {
  const expected = r.expect.map(canonical).join(' | ');
  return `  line ${r.line}${r.category ? ` [${r.category}]` : ''}: ${JSON.stringify(r.text)}\n    expected ${expected}\n    got      ${canonical(r.got)}${r.unsafe ? `\n    UNSAFE: ${r.unsafe}` : ''}`;
}
