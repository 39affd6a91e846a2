/**
 * Scores a labelled set (test/language/LABELS.md) and prints its figures by category, with the
 * misses: `npx tsx test/language/tools/report.ts [corpus|evaluation] [--misses] [--category=x]`.
 * A maintainer's tool; the jest suites hold the bars.
 */
import { join } from 'node:path';
import { parse } from '../../../src/language';
import { LABELS_NOW, describe1, loadLabelled, score } from '../labelled';

process.stdout.on('error', () => process.exit(0));
const args = process.argv.slice(2);
const set = args.find((a) => !a.startsWith('--')) ?? 'evaluation';
const category = args.find((a) => a.startsWith('--category='))?.slice('--category='.length);
const fromLine = Number(args.find((a) => a.startsWith('--from='))?.slice('--from='.length) ?? 0);
const showMisses = args.includes('--misses');
const file = join(__dirname, '..', `${set}.jsonl`);
const results = score(loadLabelled(file), (text) => parse(text, { now: LABELS_NOW })).filter((r) => r.line >= fromLine);
const mine = category ? results.filter((r) => r.category === category) : results;
const pct = (a: number, b: number) => (b ? ((a / b) * 100).toFixed(1) : '-');
const exact = mine.filter((r) => r.exact).length;
const unsafe = mine.filter((r) => r.unsafe).length;
console.log(`${set}: ${exact}/${mine.length} exact (${pct(exact, mine.length)}%), ${unsafe} unsafe`);
const cats = [...new Set(mine.map((r) => r.category ?? '-'))];
for (const c of cats) {
  const rs = mine.filter((r) => (r.category ?? '-') === c);
  console.log(
    `  ${c.padEnd(12)} ${String(rs.length).padStart(4)} ${String(rs.filter((r) => r.exact).length).padStart(4)} ${String(rs.filter((r) => r.unsafe).length).padStart(3)}`,
  );
}
if (showMisses) for (const r of mine.filter((x) => !x.exact)) console.log(describe1(r));
