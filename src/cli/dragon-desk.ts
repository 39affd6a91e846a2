/**
 * `dragon-desk`: the maintainers' command line. Today it has one command, `parse`, which prints
 * what the language layer understood, as one JSON object per line. Keep its output stable: other
 * people's scripts and checks read it.
 *
 *   dragon-desk parse "<utterance>"      one JSON object on one line
 *   dragon-desk parse --jsonl            one utterance per stdin line → one JSON object per line
 */
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { parse } from '../language';

export const USAGE = `Usage:
  dragon-desk parse "<utterance>"   Print what Dragon Desk understands, as one JSON object.
  dragon-desk parse --jsonl         Read one utterance per line on stdin; print one JSON object
                                    per line, in the same order (an empty line is {"intent":"unknown"}).
  dragon-desk --help                Show this help.

Output: {"intent": "...", ...entities}; see src/language/types.ts for the contract.
Exit codes: 0 ok, 2 usage error.`;

export interface Io {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
}

const EXIT_OK = 0;
const EXIT_USAGE = 2;

function usageError(io: Io, message: string): number {
  io.stderr.write(`dragon-desk: ${message}\n\n${USAGE}\n`);
  return EXIT_USAGE;
}

/** Writes and waits when the consumer is slower than we are, so memory stays flat on huge inputs. */
async function writeLine(out: Writable, line: string): Promise<void> {
  if (!out.write(`${line}\n`)) await once(out, 'drain');
}

async function parseLines(io: Io): Promise<number> {
  // crlfDelay: a \r\n split across chunks is still one line break.
  const lines = createInterface({ input: io.stdin, crlfDelay: Infinity, terminal: false });
  for await (const line of lines) {
    await writeLine(io.stdout, JSON.stringify(parse(line)));
  }
  return EXIT_OK;
}

async function parseCommand(args: string[], io: Io): Promise<number> {
  let jsonl = false;
  const words: string[] = [];
  let optionsDone = false;
  for (const arg of args) {
    if (!optionsDone && arg === '--') optionsDone = true;
    else if (!optionsDone && arg === '--jsonl') jsonl = true;
    else if (!optionsDone && (arg === '--help' || arg === '-h')) {
      io.stdout.write(`${USAGE}\n`);
      return EXIT_OK;
    } else if (!optionsDone && arg.startsWith('--')) return usageError(io, `unknown option ${arg}`);
    else words.push(arg);
  }
  if (jsonl) {
    if (words.length)
      return usageError(io, 'parse --jsonl reads utterances from stdin; do not also give one as an argument');
    return parseLines(io);
  }
  if (!words.length) return usageError(io, 'parse needs an utterance (in quotes) or --jsonl');
  await writeLine(io.stdout, JSON.stringify(parse(words.join(' '))));
  return EXIT_OK;
}

/** Runs the CLI and resolves with the exit code; never calls process.exit itself. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined) return usageError(io, 'no command given');
  if (command === '--help' || command === '-h' || command === 'help') {
    io.stdout.write(`${USAGE}\n`);
    return EXIT_OK;
  }
  if (command === 'parse') return parseCommand(rest, io);
  return usageError(io, `unknown command "${command}"`);
}
