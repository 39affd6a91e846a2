/**
 * `npm run playground -- <alias>`: arguments, the persona's Playground config, port choice, the
 * command line, and (with the real Playground CLI, no browser) that the config it writes is
 * accepted and makes the Playground be that person, on loopback only.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { loadFixture, persona } from '../../src/devtenant/fixture';
import { parseArgs } from '../../src/cli/playground';
import {
  PLAYGROUND_OTHER_USERS,
  findPersona,
  personalChatId,
  playgroundConfigFor,
  playgroundUser,
  renderPlaygroundYaml,
  unknownAliasMessage,
  writePlaygroundConfig,
} from '../../src/cli/playgroundConfig';
import {
  botEndpointFrom,
  choosePort,
  healthUrlFor,
  isPortFree,
  listeningPortIn,
  playgroundCommand,
  spawnPlayground,
} from '../../src/cli/playgroundProcess';
import { freePort } from '../../src/cli/ports';

const fixture = loadFixture();
const root = path.resolve(__dirname, '../..');

describe('parseArgs', () => {
  test.each([
    [['dana'], { alias: 'dana', help: false }],
    [['Nina'], { alias: 'nina', help: false }],
    [['dana', '--port', '56160'], { alias: 'dana', port: 56160, help: false }],
    [['--port=56161', 'leo'], { alias: 'leo', port: 56161, help: false }],
    [['-p', '1', 'leo'], { alias: 'leo', port: 1, help: false }],
    [['--help'], { help: true }],
    [[], { help: false }],
  ])('%j → %j', (argv, expected) => {
    expect(parseArgs(argv)).toEqual({ ok: true, args: expected });
  });

  test.each([
    [['dana', '--port'], /needs a port number/],
    [['dana', '--port', 'abc'], /whole number from 1 to 65535, got "abc"/],
    [['dana', '--port', '70000'], /got "70000"/],
    [['dana', '--port', '0'], /got "0"/],
    [['dana', '--port=12.5'], /got "12.5"/],
    [['dana', 'nina'], /one persona at a time/],
    [['dana', '--verbose'], /unknown option --verbose/],
  ])('%j is refused: %s', (argv, message) => {
    const parsed = parseArgs(argv);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(message);
  });
});

describe('the persona config', () => {
  test('the current user is the fixture person: object id, names, UPN, e-mail; the tenant is the fixture tenant', () => {
    const dana = persona('dana');
    const config = playgroundConfigFor(fixture, 'dana');
    expect(config.tenantId).toBe(fixture.tenant.id);
    expect(config.currentUser).toEqual({
      id: 'user-id-dana',
      name: dana.displayName,
      userPrincipleName: dana.userPrincipalName,
      aadObjectId: dana.id,
      givenName: dana.givenName,
      surname: dana.surname,
      email: dana.mail,
    });
  });

  test('two personas never share a user id, a personal chat or any conversation id', () => {
    const dana = playgroundConfigFor(fixture, 'dana');
    const nina = playgroundConfigFor(fixture, 'nina');
    expect(dana.currentUser.id).not.toBe(nina.currentUser.id);
    expect(dana.personalChat.id).toBe(personalChatId('dana'));
    const ids = (c: typeof dana) => [
      c.personalChat.id,
      c.groupChat.id,
      c.team.id,
      ...c.team.channels.map((ch) => ch.id),
    ];
    for (const id of ids(dana)) expect(ids(nina)).not.toContain(id);
  });

  test('the roster holds exactly five other enabled people with unique ids (the schema demands five)', () => {
    const config = playgroundConfigFor(fixture, 'ken'); // ken's account is disabled; he is still a persona
    expect(config.users).toHaveLength(PLAYGROUND_OTHER_USERS);
    const ids = [config.currentUser.id, ...config.users.map((u) => u.id)];
    expect(new Set(ids).size).toBe(ids.length);
    const disabled = new Set(fixture.users.filter((u) => !u.accountEnabled).map((u) => u.id));
    for (const u of config.users) expect(disabled.has(u.aadObjectId)).toBe(false);
  });

  test('missing names and mail are filled from the display name and UPN (the schema requires strings)', () => {
    const u = playgroundUser({ ...persona('patel'), givenName: null, surname: null, mail: null });
    expect(u).toMatchObject({ givenName: 'Priya', surname: 'Patel', email: persona('patel').userPrincipalName });
  });

  test('an unknown alias names the known ones', () => {
    expect(findPersona(fixture, 'zed')).toBeUndefined();
    expect(findPersona(fixture, ' NINA ')?.displayName).toBe('Nina Okafor');
    const message = unknownAliasMessage('zed', fixture);
    expect(message).toContain('No persona "zed"');
    for (const alias of ['dana', 'nina', 'leo', 'grace']) expect(message).toContain(alias);
    expect(() => playgroundConfigFor(fixture, 'zed')).toThrow(/Known personas/);
  });

  test('the YAML quotes every value, so ids and names with YAML syntax survive', () => {
    const config = playgroundConfigFor(fixture, 'dana');
    config.currentUser.name = 'Dana "D" Reyes: RN #1';
    config.team.name = 'yes';
    const yaml = renderPlaygroundYaml(config);
    expect(yaml).toContain('  name: "Dana \\"D\\" Reyes: RN #1"');
    expect(yaml).toContain('  name: "yes"');
    // Every `key: value` line carries a JSON (= YAML double-quoted) scalar.
    for (const line of yaml.split('\n').filter((l) => /^\s*(- )?\w+: \S/.test(l))) {
      const value = line.replace(/^\s*(- )?\w+: /, '');
      expect(() => JSON.parse(value)).not.toThrow();
    }
    expect(yaml.match(/^ {2}- id: /gm)).toHaveLength(PLAYGROUND_OTHER_USERS);
  });
});

describe('ports and endpoints', () => {
  const freeExcept =
    (...busy: number[]) =>
    async (p: number) =>
      !busy.includes(p);

  test.each([
    ['the preferred port when free', { preferred: 56150, isFree: freeExcept() }, 56150],
    [
      'the next free port when the preferred one is busy (a second persona)',
      { preferred: 56150, isFree: freeExcept(56150) },
      56151,
    ],
    ['skips several busy ports', { preferred: 56150, isFree: freeExcept(56150, 56151, 56152) }, 56153],
    [
      '--port when free, whatever the preference',
      { requested: 40000, preferred: 56150, isFree: freeExcept(56150) },
      40000,
    ],
  ])('%s', async (_name, opts, port) => {
    expect(await choosePort(opts)).toEqual({ ok: true, port });
  });

  test('--port on a busy port is an error, not a silent move elsewhere', async () => {
    const choice = await choosePort({ requested: 56150, preferred: 56150, isFree: freeExcept(56150) });
    expect(choice).toEqual({ ok: false, error: expect.stringMatching(/Port 56150 is already in use/) });
  });

  test('gives up after the search span', async () => {
    const choice = await choosePort({ preferred: 65534, isFree: async () => false, span: 10 });
    expect(choice).toEqual({ ok: false, error: expect.stringMatching(/No free port from 65534 to 65535/) });
  });

  test('isPortFree sees a listening socket', async () => {
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const { port } = server.address() as AddressInfo;
    expect(await isPortFree(port)).toBe(false);
    await new Promise<void>((r) => server.close(() => r()));
    expect(await isPortFree(port)).toBe(true);
  });

  test.each([
    [{}, 'http://127.0.0.1:3978/api/messages'],
    [{ PORT: '4000' }, 'http://127.0.0.1:4000/api/messages'],
    [{ PORT: 'x' }, 'http://127.0.0.1:3978/api/messages'],
    [{ PORT: '4000', BOT_ENDPOINT: 'http://10.0.0.5:9/api/messages' }, 'http://10.0.0.5:9/api/messages'],
  ])('bot endpoint from %j', (env, endpoint) => {
    expect(botEndpointFrom(env)).toBe(endpoint);
  });

  test('the health check is /healthz beside /api/messages', () => {
    expect(healthUrlFor('http://127.0.0.1:4000/api/messages')).toBe('http://127.0.0.1:4000/healthz');
  });

  test.each([
    ['Listening on 56150', 56150],
    ['log Listening on 41234', 41234],
    ['Microsoft 365 Agents Playground is being launched', undefined],
  ])('listening port in %j', (line, port) => {
    expect(listeningPortIn(line)).toBe(port);
  });
});

describe('the Playground command', () => {
  const launch = {
    botEndpoint: 'http://127.0.0.1:4000/api/messages',
    port: 56155,
    configPath: '/x/devTools/playground/dana.yml',
    logFile: '/x/devTools/playground/dana.log',
    env: { TEAMSAPPTESTER_BROWSER: 'none', BOT_ENDPOINT: 'http://stale', PATH: '/bin' },
  };

  test('runs `agentsplayground start -e <bot> -c msteams --dt -p <port>` with the persona config', () => {
    const cmd = playgroundCommand(launch, '/nm/cli.js');
    expect(cmd.command).toBe(process.execPath);
    const i = cmd.args.indexOf('/nm/cli.js');
    expect(cmd.args.slice(i)).toEqual([
      '/nm/cli.js',
      'start',
      '-e',
      launch.botEndpoint,
      '-c',
      'msteams',
      '--dt',
      '-p',
      '56155',
    ]);
    expect(cmd.env).toMatchObject({
      M365_AGENTS_PLAYGROUND_CONFIG_PATH: launch.configPath,
      M365_AGENTS_PLAYGROUND_LOGFILE: launch.logFile,
      TEAMSAPPTESTER_BROWSER: 'none',
      PATH: '/bin',
    });
    expect(cmd.env.BOT_ENDPOINT).toBeUndefined();
  });

  test('binds to loopback through a preload unless told otherwise', () => {
    expect(playgroundCommand(launch, '/nm/cli.js').args.slice(0, 2)).toEqual([
      '--require',
      expect.stringMatching(/playgroundLoopback\.cjs$/),
    ]);
    expect(playgroundCommand({ ...launch, loopbackOnly: false }, '/nm/cli.js').args[0]).toBe('/nm/cli.js');
  });
});

describe('with the real Playground CLI (no browser)', () => {
  jest.setTimeout(60_000);

  test('it accepts the config and is that persona, on 127.0.0.1 only', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'dd-pg-'));
    const configPath = writePlaygroundConfig(dir, 'nina', playgroundConfigFor(fixture, 'nina'));
    expect(readFileSync(configPath, 'utf8')).toContain(persona('nina').id);
    const port = await freePort();
    const output: string[] = [];
    const pg = spawnPlayground(
      {
        botEndpoint: 'http://127.0.0.1:9/api/messages',
        port,
        configPath,
        logFile: path.join(dir, 'pg.log'),
        env: { ...process.env, TEAMSAPPTESTER_BROWSER: 'none' },
      },
      { onOutput: (l) => output.push(l), cwd: dir },
    );
    try {
      expect(await pg.listening).toBe(port);
      const ping = await fetch(`http://127.0.0.1:${port}/_debug/ping`);
      expect(await ping.text()).toBe('pong');
      // The mocked connector's roster reflects the config: Nina, her object id and UPN, the tenant.
      const members = (await (
        await fetch(`http://127.0.0.1:${port}/_connector/v3/conversations/${personalChatId('nina')}/members`)
      ).json()) as Record<string, string>[];
      expect(members).toEqual([
        expect.objectContaining({
          id: 'user-id-nina',
          objectId: persona('nina').id,
          name: 'Nina Okafor',
          userPrincipalName: persona('nina').userPrincipalName,
          tenantId: fixture.tenant.id,
        }),
      ]);
      const external = Object.values(os.networkInterfaces())
        .flat()
        .find((a) => a && a.family === 'IPv4' && !a.internal);
      if (external) {
        await expect(
          fetch(`http://${external.address}:${port}/_debug/ping`, { signal: AbortSignal.timeout(3000) }),
        ).rejects.toThrow();
      }
    } finally {
      await pg.stop();
    }
    expect(pg.child.exitCode !== null || pg.child.signalCode !== null).toBe(true);
  }, 60_000);
});

describe('npm run playground (the command)', () => {
  jest.setTimeout(90_000);
  const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
  const script = path.join(root, 'src', 'cli', 'playground.ts');

  function run(args: string[], env: NodeJS.ProcessEnv, until?: RegExp) {
    const child = spawn(tsx, [script, ...args], {
      cwd: root,
      env: { ...process.env, TEAMSAPPTESTER_BROWSER: 'none', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const seen = new Promise<void>((resolve) => {
      const onData = (d: Buffer) => {
        out += d.toString();
        if (until && until.test(out)) resolve();
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    return { child, seen, exited, output: () => out };
  }

  test('an unknown alias exits 2 and lists the personas', async () => {
    const r = run(['zed'], {});
    expect(await r.exited).toBe(2);
    expect(r.output()).toMatch(/No persona "zed"/);
    expect(r.output()).toMatch(/dana, danak, patel/);
  });

  test('without Dragon Desk running it says how to start it', async () => {
    const r = run(['dana'], { PORT: String(await freePort()), BOT_ENDPOINT: '' });
    expect(await r.exited).toBe(1);
    expect(r.output()).toMatch(/not answering at http:\/\/127\.0\.0\.1:\d+\/healthz/);
    expect(r.output()).toMatch(/npm start/);
  });

  test('two personas run side by side on different ports, each told who they are; Ctrl+C stops each', async () => {
    // Not chained: restify, loaded by other suites in this jest worker, patches writeHead to return nothing.
    const health = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"status":"alive"}');
    });
    await new Promise<void>((r) => health.listen(0, '127.0.0.1', () => r()));
    const botPort = (health.address() as AddressInfo).port;
    const preferred = await freePort();
    const env = {
      PORT: String(botPort),
      PLAYGROUND_PORT: String(preferred),
      BOT_ENDPOINT: '',
      M365_AGENTS_PLAYGROUND_LOGFILE: path.join(os.tmpdir(), 'dd-pg-cli.log'),
    };
    const dana = run(['dana'], env, /you are Dana Reyes \(dana\)/);
    try {
      await dana.seen;
      const nina = run(['nina'], env, /you are Nina Okafor \(nina\)/);
      try {
        await nina.seen;
        const portOf = (out: string) => Number(/Open http:\/\/localhost:(\d+) in your browser/.exec(out)?.[1]);
        expect(portOf(dana.output())).toBe(preferred);
        expect(portOf(nina.output())).not.toBe(preferred);
        expect(portOf(nina.output())).toBeGreaterThan(preferred);
        for (const p of [portOf(dana.output()), portOf(nina.output())])
          expect(await (await fetch(`http://127.0.0.1:${p}/_debug/ping`)).text()).toBe('pong');
      } finally {
        nina.child.kill('SIGINT');
        expect(await nina.exited).not.toBeNull();
      }
    } finally {
      dana.child.kill('SIGINT');
      await dana.exited;
      await new Promise<void>((r) => health.close(() => r()));
    }
    // The Playground's own processes may take a moment longer than ours to let go of the port on a
    // loaded machine (CI once saw it still taken right after the exit).
    const port = Number(/localhost:(\d+)/.exec(dana.output())?.[1]);
    const deadline = Date.now() + 10_000;
    while (!(await isPortFree(port)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await isPortFree(port)).toBe(true);
  });
});
