/**
 * `dragon-desk parse`: the maintainers' contract. Spawned as people run it (node bin/…, npx), from
 * the repo and from elsewhere, with one utterance or a stream of them.
 */
import { spawn, spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from '../../src/language';

const ROOT = join(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'dragon-desk.js');

function run(args: string[], opts: { input?: string; cwd?: string } = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? ROOT,
    input: opts.input,
    encoding: 'utf8',
    timeout: 20000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function jsonLines(stdout: string): unknown[] {
  expect(stdout.endsWith('\n')).toBe(true);
  return stdout
    .slice(0, -1)
    .split('\n')
    .map((l) => JSON.parse(l));
}

describe('dragon-desk parse "<utterance>"', () => {
  it('prints exactly one JSON object on one line', () => {
    const r = run(['parse', 'give Sam Dragon admin for 4 hours because go-live support']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')).toHaveLength(2);
    expect(JSON.parse(r.stdout)).toEqual({
      intent: 'role.assign',
      users: ['Sam'],
      role: 'dragon-admin',
      duration: 'PT4H',
      justification: 'go-live support',
    });
  });

  it('puts intent first and prints what parse() returns', () => {
    const text = 'make Fabrikam (1234567) partner of record for the Contoso Health Production subscription';
    const r = run(['parse', text]);
    expect(r.stdout.startsWith('{"intent":"partner.record"')).toBe(true);
    expect(JSON.parse(r.stdout)).toEqual(parse(text));
  });

  it('works from a directory outside the repo', () => {
    const r = run(['parse', "I'm an RN and need Dragon"], { cwd: tmpdir() });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ intent: 'license.request', users: ['me'], license: 'nursing' });
  });

  it('works from a folder inside the repo', () => {
    const r = run(['parse', 'cancel request 42'], { cwd: join(ROOT, 'src', 'language') });
    expect(JSON.parse(r.stdout)).toEqual({ intent: 'request.cancel', requestId: 42 });
  });

  it('treats an empty utterance as unknown and an overlong one as too long', () => {
    expect(JSON.parse(run(['parse', '']).stdout)).toEqual({ intent: 'unknown' });
    expect(JSON.parse(run(['parse', 'x'.repeat(2001)]).stdout)).toEqual({ intent: 'unknown', error: 'too-long' });
  });

  it('accepts an utterance that looks like an option after --', () => {
    const r = run(['parse', '--', '--help me']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toHaveProperty('intent');
  });

  it('answers a status question in words as the contract prints it', () => {
    // How fast: the parser section of `npm run bench` (a timed unit test flakes on a busy machine).
    const r = run(['parse', 'how many nursing seats do we have left?']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ intent: 'license.seats', license: 'nursing' });
  });
});

describe('dragon-desk parse --jsonl', () => {
  it('answers line by line, in order, one object per line', () => {
    const lines = ['help', '', 'link our MPN ID 1234567', '   ', 'cancel request 42', 'give me a Copilot license'];
    const r = run(['parse', '--jsonl'], { input: `${lines.join('\n')}\n` });
    expect(r.code).toBe(0);
    expect(jsonLines(r.stdout)).toEqual([
      { intent: 'help' },
      { intent: 'unknown' },
      { intent: 'partner.link', partnerId: '1234567' },
      { intent: 'unknown' },
      { intent: 'request.cancel', requestId: 42 },
      { intent: 'unknown' },
    ]);
  });

  it('handles CRLF line ends and a last line without a newline', () => {
    const r = run(['parse', '--jsonl'], { input: 'who are the dragon admins\r\nstatus of request 7' });
    expect(jsonLines(r.stdout)).toEqual([
      { intent: 'role.holders', role: 'dragon-admin' },
      { intent: 'request.status', requestId: 7 },
    ]);
  });

  it('prints nothing for empty input', () => {
    const r = run(['parse', '--jsonl'], { input: '' });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
  });

  it('streams a large input without losing or reordering lines', async () => {
    const utterances = [
      'I need Dragon nursing',
      'how many seats are left',
      'remove Dana’s Dragon license',
      'what is waiting for me?',
      '',
    ];
    const count = 20000;
    const child = spawn(process.execPath, [BIN, 'parse', '--jsonl'], { cwd: ROOT });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    const done = new Promise<number | null>((resolve) => child.on('close', resolve));
    // Written in pieces, as a pipe delivers them, with lines split across writes.
    const input = Array.from({ length: count }, (_, i) => `${utterances[i % utterances.length]} #${i}`).join('\n');
    for (let at = 0; at < input.length; at += 4099) {
      if (!child.stdin.write(input.slice(at, at + 4099))) await new Promise((r) => child.stdin.once('drain', r));
    }
    child.stdin.end();
    expect(await done).toBe(0);
    const out = Buffer.concat(chunks).toString('utf8').trimEnd().split('\n');
    expect(out).toHaveLength(count);
    for (const i of [0, 1, 2, 3, 4, 777, count - 1]) {
      expect(JSON.parse(out[i])).toEqual(parse(`${utterances[i % utterances.length]} #${i}`));
    }
  });

  it('refuses an utterance argument together with --jsonl', () => {
    const r = run(['parse', '--jsonl', 'help']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/stdin/);
  });
});

describe('dragon-desk usage', () => {
  it('prints usage for --help and exits 0', () => {
    const r = run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/dragon-desk parse "<utterance>"/);
    expect(r.stdout).toMatch(/--jsonl/);
  });

  it('exits 2 with a message for an unknown command', () => {
    const r = run(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown command "frobnicate"/);
    expect(r.stdout).toBe('');
  });

  it('exits 2 when parse has nothing to parse, or an unknown option', () => {
    expect(run(['parse']).code).toBe(2);
    const r = run(['parse', '--frob', 'help']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown option --frob/);
  });

  it('exits 2 with usage when no command is given', () => {
    const r = run([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Usage:/);
  });
});

describe('npx dragon-desk', () => {
  it('runs the package bin (no install)', () => {
    const r = spawnSync('npx', ['--no', 'dragon-desk', 'parse', 'link our MPN ID 1234567'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 30000,
    });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ intent: 'partner.link', partnerId: '1234567' });
  });
});
