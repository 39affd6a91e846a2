/**
 * `dragon-desk`: the maintainers' and operators' command line. `parse` prints what the language
 * layer understood, as one JSON object per line (keep its output stable: other people's scripts and
 * checks read it); `doctor` checks a configuration against its tenant without changing anything.
 *
 *   dragon-desk parse "<utterance>"      one JSON object on one line
 *   dragon-desk parse --jsonl            one utterance per stdin line → one JSON object per line
 *   dragon-desk doctor [--json]          a table of checks with a fix for each failed one
 *   dragon-desk audit verify             walks the audit trail's hash chain; exit 1 at a break
 */
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { ConfigError, describeConfig, loadConfig, type Config } from '../config';
import { parse } from '../language';

export const USAGE = `Usage:
  dragon-desk parse "<utterance>"   Print what Dragon Desk understands, as one JSON object.
  dragon-desk parse --jsonl         Read one utterance per line on stdin; print one JSON object
                                    per line, in the same order (an empty line is {"intent":"unknown"}).
  dragon-desk doctor [--json]       Check, without changing anything, that this configuration works in
                                    its tenant: credentials get tokens, the Graph permissions the
                                    configured features need are granted, the configured SKUs and groups
                                    exist, the Teams app is in the org catalog, the database is reachable
                                    and migrated. Prints a table with a fix for each failed line.
                                    In dev mode it checks the dev tenant of the running npm start.
  dragon-desk devtenant [fixture]   Run the dev tenant on its own (DEV_TENANT_PORT, 5980) until Ctrl+C;
                                    start Dragon Desk with DEV_TENANT_URL to attach to it.
  dragon-desk audit verify          Check, without changing anything, the audit trail's hash chain in
                                    the configured store (SQLite under DATA_DIR, or DATABASE_URL): prints
                                    OK with the row count, or the first broken row and why.
  dragon-desk --help                Show this help.

Output of parse: {"intent": "...", ...entities}; see src/language/types.ts for the contract.
Exit codes: 0 ok, 1 a doctor check failed, the audit chain is broken (or cannot be read), or the
configuration is invalid, 2 usage error.`;

export interface Io {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  /** The environment the configuration is read from (default: the process's). */
  env?: NodeJS.ProcessEnv;
}

const EXIT_OK = 0;
const EXIT_FAILED = 1;
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

/** The configuration, or undefined after saying on stderr what is missing or invalid. */
function configOrSay(io: Io): Config | undefined {
  try {
    return loadConfig(io.env ?? process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    io.stderr.write(`${err.message}\n`);
    return undefined;
  }
}

async function doctorCommand(args: string[], io: Io): Promise<number> {
  const unknown = args.find((a) => a !== '--json');
  if (unknown) return usageError(io, `doctor takes no ${unknown.startsWith('-') ? `option ${unknown}` : 'arguments'}`);
  const config = configOrSay(io);
  if (!config) return EXIT_FAILED;
  // Loaded only for this command: `parse` must stay quick and light.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const doctor = require('../doctor') as typeof import('../doctor');
  const session = await doctor.doctorFor(config);
  try {
    const lines = await doctor.runDoctor(session.deps);
    if (args.includes('--json')) await writeLine(io.stdout, JSON.stringify({ mode: config.mode, lines }));
    else {
      const columns = (io.stdout as Writable & { columns?: number }).columns;
      io.stdout.write(`Dragon Desk doctor: ${describeConfig(config)}\n${doctor.renderTable(lines, columns || 160)}\n`);
    }
    return doctor.failed(lines) ? EXIT_FAILED : EXIT_OK;
  } finally {
    await session.close();
  }
}

/** Runs until SIGINT or SIGTERM, then closes the tenant. */
async function devTenantCommand(args: string[], io: Io): Promise<number> {
  if (args.length > 1) return usageError(io, 'devtenant takes at most one argument, the fixture');
  // Loaded only for this command.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { runDevTenant } = require('../devtenant/cli') as typeof import('../devtenant/cli');
  const tenant = await runDevTenant(args, io.env ?? process.env, io.stdout);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await tenant.close();
  return EXIT_OK;
}

async function auditCommand(args: string[], io: Io): Promise<number> {
  if (args.length !== 1 || args[0] !== 'verify') return usageError(io, 'audit takes one subcommand: verify');
  const config = configOrSay(io);
  if (!config) return EXIT_FAILED;
  // Loaded only for this command, like the doctor.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { verifyAuditTrail } = require('../store/auditVerify') as typeof import('../store/auditVerify');
  const entra = config.databaseUrl && config.databaseAuth === 'entra';
  const databasePassword = entra
    ? // eslint-disable-next-line @typescript-eslint/no-require-imports
      (require('../store/entraPassword') as typeof import('../store/entraPassword')).entraPassword(
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        (require('../credentials') as typeof import('../credentials')).azureCredential(config),
      )
    : undefined;
  const { where, result } = await verifyAuditTrail({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    databasePassword,
  });
  if (result === 'absent') {
    io.stdout.write(`No database at ${where}: Dragon Desk has not run with this DATA_DIR yet.\n`);
    return EXIT_FAILED;
  }
  if (result === 'unmigrated') {
    io.stdout.write(
      `The database at ${where} has no audit hash chain yet: start Dragon Desk once on it (its migrations add the chain and hash the rows already there).\n`,
    );
    return EXIT_FAILED;
  }
  if (result.ok) {
    io.stdout.write(
      `OK: ${result.rows} audit row${result.rows === 1 ? '' : 's'} at ${where}, every link intact. Chain head ${result.headHash}\n`,
    );
    return EXIT_OK;
  }
  io.stdout.write(
    result.rowId !== undefined
      ? `BROKEN at audit row ${result.rowId} (${where}): ${result.reason}. The ${result.rows} row${result.rows === 1 ? '' : 's'} before it are intact.\n`
      : `BROKEN (${where}): ${result.reason}. The ${result.rows} row${result.rows === 1 ? '' : 's'} present are intact.\n`,
  );
  return EXIT_FAILED;
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
  if (command === 'doctor') return doctorCommand(rest, io);
  if (command === 'devtenant') return devTenantCommand(rest, io);
  if (command === 'audit') return auditCommand(rest, io);
  return usageError(io, `unknown command "${command}"`);
}
