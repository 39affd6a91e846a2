/**
 * The parser's own cost per message: every utterance of the development and evaluation sets,
 * read with `understand` (what the planner calls), after a warm-up. The language layer must stay
 * under 1 ms per typical message.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { understand } from '../src/language';

export interface ParserResult {
  messages: number;
  rounds: number;
  p50: number;
  p99: number;
  max: number;
}

const SETS = ['corpus.jsonl', 'evaluation.jsonl'];

export function benchUtterances(): string[] {
  const dir = path.resolve(__dirname, '..', 'test', 'language');
  return SETS.flatMap((f) =>
    readFileSync(path.join(dir, f), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => (JSON.parse(l) as { text: string }).text),
  );
}

export function measureParser(opts: { rounds: number } = { rounds: 5 }): ParserResult {
  const texts = benchUtterances();
  const now = new Date(2026, 11, 7, 9, 0);
  for (const t of texts) understand(t, { now });
  const times: number[] = [];
  for (let r = 0; r < opts.rounds; r++)
    for (const t of texts) {
      const t0 = performance.now();
      understand(t, { now });
      times.push(performance.now() - t0);
    }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
  return { messages: texts.length, rounds: opts.rounds, p50: at(0.5), p99: at(0.99), max: times[times.length - 1] };
}
