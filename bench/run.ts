/**
 * `npm run bench`: Dragon Desk against a bare teams-ai echo bot in one run, in process, over
 * loopback HTTP, against the in-process dev tenant (no network). Prints the table with PASS/FAIL
 * against the budget and writes bench/results.json. Exits non-zero only when the run itself
 * crashes or overruns its time bound; a missed budget is a FAIL line, not an exit code.
 *
 *   npm run bench                 the full run (a few minutes)
 *   npm run bench -- --quick      small counts, for trying the bench itself out
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { FULL_RUN, QUICK_RUN, runBench } from './bench';
import { formatReport } from './report';

/** The whole run, whatever happens inside it. */
const TIME_BOUND_MS = 12 * 60_000;

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const bound = setTimeout(() => {
    process.stderr.write(`bench: gave up after ${TIME_BOUND_MS / 60_000} minutes\n`);
    process.exit(2);
  }, TIME_BOUND_MS);
  bound.unref();
  const results = await runBench({
    ...(quick ? QUICK_RUN : FULL_RUN),
    log: (l) => process.stderr.write(`bench: ${l}\n`),
  });
  const file = path.join(__dirname, 'results.json');
  writeFileSync(file, JSON.stringify(results, null, 2) + '\n');
  process.stdout.write(formatReport(results) + `\n\nFigures written to ${path.relative(process.cwd(), file)}\n`);
  clearTimeout(bound);
}

main().then(
  // Servers and pools are closed; anything still holding the loop (a stray keep-alive) must not
  // keep the command from returning.
  () => process.exit(0),
  (err) => {
    process.stderr.write(`bench: crashed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
