/**
 * `npx dragon-desk doctor`: on the dev tenant it passes; each injected fault (a revoked Graph
 * permission, a wrong group id, a SKU the tenant does not have, a group that cannot hold the role)
 * fails its line and names the fix; the production path reads the granted permissions from the
 * Graph token's roles; the database is checked without being changed.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/dragon-desk';
import { parseConfig, withDevDefaults, type Config } from '../../src/config';
import { startDevTenant, type DevTenant } from '../../src/devtenant/server';
import { doctorFor, grantedFromToken, runDoctor, type DoctorLine } from '../../src/doctor';
import type { DoctorDeps } from '../../src/doctor/doctor';
import { permissionsNeeded, scriptOptions } from '../../src/doctor/permissions';
import { setupRecordKey } from '../../src/domain/setupPlan';
import { SETUP_RECORDS } from '../../src/services/groupsInUse';
import { openStore, SQLITE_FILE_NAME } from '../../src/store';
import { inspectStore } from '../../src/store/inspect';
import { createTenantClient } from '../../src/tenant';
import { startPostgres, type TestPostgres } from '../helpers/postgres';

const ROOT = path.resolve(__dirname, '..', '..');
const NURSING_GROUP = '11111111-aaaa-4aaa-8aaa-000000000001';

let tenant: DevTenant;
beforeAll(async () => {
  tenant = await startDevTenant({ port: 0 });
});
afterAll(() => tenant.close());
afterEach(() => tenant.permissions.reset());

/** The dev configuration (env/dev-defaults.env) pointed at this test's dev tenant. */
function devEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env = withDevDefaults(
    { DEV_TENANT_PORT: String(tenant.port), DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'dd-doctor-')), ...extra },
    ROOT,
  ) as Record<string, string>;
  delete env.APP_MODE;
  return env;
}

async function doctor(extra: Record<string, string> = {}): Promise<DoctorLine[]> {
  const session = await doctorFor(parseConfig(devEnv(extra)));
  try {
    return await runDoctor(session.deps);
  } finally {
    await session.close();
  }
}

const line = (lines: DoctorLine[], check: string): DoctorLine => {
  const found = lines.find((l) => l.check === check);
  if (!found) throw new Error(`no line "${check}"; lines: ${lines.map((l) => l.check).join(', ')}`);
  return found;
};
const failures = (lines: DoctorLine[]) => lines.filter((l) => l.status === 'fail').map((l) => l.check);

/** Every migration Dragon Desk has, in order. */
const MIGRATIONS = ['001_initial', '002_audit_hash_chain', '003_outbox_and_leases'];

async function cli(args: string[], env: Record<string, string>): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const code = await main(args, { stdin: new PassThrough(), stdout, stderr, env });
  return { code, out, err };
}

describe('on the dev tenant', () => {
  test('everything passes: permissions granted, SKUs and groups found and set up, app in the catalog', async () => {
    const lines = await doctor();
    expect(failures(lines)).toEqual([]);
    for (const check of [
      'permission: User.Read.All',
      'permission: GroupMember.ReadWrite.All',
      'license: NURSING_SKU_PART_NUMBER',
      'group: NURSING_GROUP_ID',
      'group: DRAGON_ADMIN_GROUP_ID',
      'Teams app in the organisation’s catalog',
    ])
      expect({ check, status: line(lines, check).status }).toEqual({ check, status: 'ok' });
    // Every line that is not ok says what to do.
    for (const l of lines.filter((x) => x.status !== 'ok')) expect(l.fix).toEqual(expect.any(String));
  });

  test('the database: not created yet is a warning; once Dragon Desk has opened it, reachable and migrated', async () => {
    const env = devEnv();
    expect(line(await doctor(env), 'database (SQLite)')).toMatchObject({
      status: 'warn',
      detail: /does not exist yet/,
    });
    // The doctor created nothing.
    expect(existsSync(path.join(env.DATA_DIR, SQLITE_FILE_NAME))).toBe(false);
    const store = await openStore({ dataDir: env.DATA_DIR });
    await store.close();
    expect(line(await doctor(env), 'database (SQLite)')).toMatchObject({
      status: 'ok',
      detail: `${path.join(env.DATA_DIR, SQLITE_FILE_NAME)} is reachable and migrated (${MIGRATIONS.join(', ')})`,
    });
  });

  test('a revoked read permission: its line fails, with the grant command and the dev tenant’s repair', async () => {
    tenant.permissions.revoke('Organization.Read.All');
    const lines = await doctor();
    const l = line(lines, 'permission: Organization.Read.All');
    expect(l.status).toBe('fail');
    expect(l.detail).toMatch(/Graph refused a read that needs it \(403 Authorization_RequestDenied\)/);
    expect(l.fix).toMatch(/^Grant Organization\.Read\.All .*bash scripts\/grant-graph-permissions\.sh /);
    expect(l.fix).toContain(`${tenant.url}/_devtenant/permissions/grant`);
    expect(l.fix).toContain('"permission":"Organization.Read.All"');
    // The checks that need the read say so instead of guessing.
    expect(line(lines, 'license: NURSING_SKU_PART_NUMBER')).toMatchObject({
      status: 'fail',
      fix: 'See the Organization.Read.All line above.',
    });
    expect(failures(lines).filter((c) => c.startsWith('permission:'))).toEqual(['permission: Organization.Read.All']);
  });

  test('a permission only a broader one stands in for is a least-privilege warning', async () => {
    tenant.permissions.revoke('GroupMember.Read.All');
    const l = line(await doctor(), 'permission: GroupMember.Read.All');
    expect(l).toMatchObject({ status: 'warn', detail: /allowed through GroupMember\.ReadWrite\.All/ });
  });

  test('a revoked write permission (which no read can show) fails from the granted list', async () => {
    tenant.permissions.revoke('GroupMember.ReadWrite.All');
    const l = line(await doctor(), 'permission: GroupMember.ReadWrite.All');
    expect(l).toMatchObject({ status: 'fail', detail: /not granted \(the dev tenant’s grants\)/ });
    expect(l.fix).toMatch(/Grant GroupMember\.ReadWrite\.All/);
  });

  test('a wrong group id fails and names the right one, found by the group’s name', async () => {
    const wrong = randomUUID();
    const lines = await doctor({ NURSING_GROUP_ID: wrong });
    const l = line(lines, 'group: NURSING_GROUP_ID');
    expect(l.status).toBe('fail');
    expect(l.detail).toContain(`no group with id ${wrong}`);
    expect(l.fix).toBe(
      `A group named "Dragon Copilot Nursing" exists with id ${NURSING_GROUP}: set NURSING_GROUP_ID=${NURSING_GROUP}.`,
    );
    expect(failures(lines)).toEqual(['group: NURSING_GROUP_ID']);
  });

  test('a wrong group id in a tenant without such a group points at set-up', async () => {
    tenant.reset('empty-tenant');
    try {
      const l = line(await doctor({ NURSING_GROUP_ID: randomUUID() }), 'group: NURSING_GROUP_ID');
      expect(l.status).toBe('fail');
      expect(l.fix).toMatch(/object id of your Dragon Copilot Nursing group .*"set up Dragon licensing"/);
    } finally {
      tenant.reset();
    }
  });

  test('a group set up in chat (recorded in the database) is checked where the configuration names none', async () => {
    const env = devEnv({ NURSING_GROUP_ID: '' });
    // Nothing recorded yet: nursing licenses are assigned directly.
    expect(line(await doctor(env), 'group: NURSING_GROUP_ID')).toMatchObject({
      status: 'skip',
      detail: 'not configured: licenses of this kind are assigned directly',
    });
    const store = await openStore({ dataDir: env.DATA_DIR });
    const record = (groupId: string) =>
      store.records.put(
        SETUP_RECORDS,
        setupRecordKey('nursing'),
        { groupId, displayName: 'Dragon Copilot Nursing', created: false, at: '2026-12-07T09:00:00.000Z' },
        'leo',
      );
    try {
      await record(NURSING_GROUP);
      expect(line(await doctor(env), 'group: NURSING_GROUP_ID')).toEqual({
        check: 'group: NURSING_GROUP_ID',
        status: 'ok',
        detail: `"Dragon Copilot Nursing" (${NURSING_GROUP}) found (set up in chat; NURSING_GROUP_ID is empty)`,
      });
      // The recorded group was deleted since: the line fails and says so.
      const gone = randomUUID();
      await record(gone);
      const l = line(await doctor(env), 'group: NURSING_GROUP_ID');
      expect(l.status).toBe('fail');
      expect(l.detail).toContain(`set-up recorded group ${gone}`);
      expect(l.fix).toContain(`set NURSING_GROUP_ID=${NURSING_GROUP}`);
    } finally {
      await store.close();
    }
  });

  test('a SKU the tenant does not have fails and lists the ones it has', async () => {
    const l = line(
      await doctor({ PHYSICIAN_SKU_PART_NUMBER: 'DRAGON_COPILOT_PHYSICIAN' }),
      'license: PHYSICIAN_SKU_PART_NUMBER',
    );
    expect(l.status).toBe('fail');
    expect(l.fix).toMatch(/this tenant has: .*DRAGON_COPILOT_NURSING_TEST, DRAGON_COPILOT_PHYSICIAN_TEST/);
  });

  test('a Dragon Administrators group that is not role-assignable fails', async () => {
    const l = line(await doctor({ DRAGON_ADMIN_GROUP_ID: NURSING_GROUP }), 'group: DRAGON_ADMIN_GROUP_ID');
    expect(l).toMatchObject({ status: 'fail', detail: /not role-assignable/ });
    expect(l.fix).toMatch(/create a role-assignable group/);
  });

  test('an app id the catalog does not hold fails with how to publish', async () => {
    const l = line(await doctor({ TEAMS_APP_ID: randomUUID() }), 'Teams app in the organisation’s catalog');
    expect(l).toMatchObject({ status: 'fail', fix: /atk publish --env/ });
  });
});

describe('npx dragon-desk doctor', () => {
  test('prints a table with a fix per failed line and exits 1; --json gives the same lines', async () => {
    tenant.permissions.revoke('Organization.Read.All');
    const env = devEnv({ NURSING_GROUP_ID: randomUUID() });
    const run = await cli(['doctor'], env);
    expect(run.code).toBe(1);
    const rows = run.out.split('\n');
    expect(rows.find((r) => r.includes('permission: Organization.Read.All'))).toMatch(/^\| FAIL \|.*\| Grant /);
    expect(rows.find((r) => r.includes('group: NURSING_GROUP_ID'))).toMatch(/^\| FAIL \|/);
    const json = await cli(['doctor', '--json'], env);
    const parsed = JSON.parse(json.out) as { mode: string; lines: DoctorLine[] };
    expect(parsed.mode).toBe('dev');
    expect(failures(parsed.lines)).toEqual(
      expect.arrayContaining(['group: NURSING_GROUP_ID', 'permission: Organization.Read.All']),
    );
    const failedRows = rows.filter((r) => r.startsWith('| FAIL |')).length;
    expect(run.out).toContain(`${failures(parsed.lines).length} failed`);
    expect(failedRows).toBe(failures(parsed.lines).length);
  });

  test('exits 0 when nothing fails; an invalid configuration is reported as such', async () => {
    expect((await cli(['doctor'], devEnv())).code).toBe(0);
    const bad = await cli(['doctor'], devEnv({ TENANT_ID: 'nope' }));
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/TENANT_ID: expected a GUID/);
    expect((await cli(['doctor', '--fix'], devEnv())).code).toBe(2);
  });

  test('runs as the npx command (bin/dragon-desk.js)', () => {
    const run = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'dragon-desk.js'), 'doctor', '--json'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, ...devEnv(), APP_MODE: '' },
    });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    expect((JSON.parse(run.stdout) as { lines: DoctorLine[] }).lines.length).toBeGreaterThan(10);
  });
});

/** An unsigned token with these claims: what the doctor reads (it never verifies a token). */
function tokenWith(claims: Record<string, unknown>): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'none' })}.${part(claims)}.`;
}

describe('in production the granted permissions come from the Graph token’s roles', () => {
  const oid = randomUUID();
  let config: Config;
  beforeAll(() => {
    config = parseConfig(devEnv());
  });

  function productionLike(roles: string[], overrides: Partial<DoctorDeps> = {}): DoctorDeps {
    const token = tokenWith({ roles, oid, aud: 'https://graph.microsoft.com' });
    return {
      config,
      tenant: createTenantClient({ mode: 'dev', devTenantUrl: tenant.url }),
      credentials: [
        { check: 'Microsoft Graph (AZURE_CREDENTIAL=managed-identity)', token: () => Promise.resolve(token), fix: 'x' },
      ],
      grantedPermissions: () => Promise.resolve(grantedFromToken(token)),
      inspectStore: () => inspectStore({ dataDir: config.dataDir }),
      ...overrides,
    };
  }

  test('a write permission missing from the roles fails, with the command for this identity and configuration', async () => {
    const all = permissionsNeeded(config).map((n) => n.permission);
    const lines = await runDoctor(productionLike(all.filter((p) => p !== 'RoleManagement.ReadWrite.Directory')));
    const l = line(lines, 'permission: RoleManagement.ReadWrite.Directory');
    expect(l).toMatchObject({ status: 'fail', detail: /not granted \(roles of the Graph token\)/ });
    expect(l.fix).toContain(`bash scripts/grant-graph-permissions.sh ${oid} ${scriptOptions(config).join(' ')}`);
    expect(l.fix).not.toContain('_devtenant');
  });

  test('a broader permission than needed is a warning that says what least privilege is', async () => {
    const all = permissionsNeeded(config).map((n) => n.permission);
    const roles = [...all.filter((p) => p !== 'GroupMember.ReadWrite.All'), 'Directory.ReadWrite.All'];
    const l = line(await runDoctor(productionLike(roles)), 'permission: GroupMember.ReadWrite.All');
    expect(l).toMatchObject({ status: 'warn', detail: /through Directory\.ReadWrite\.All/, fix: /--remove-others/ });
  });

  test('a credential that gets no token fails with its fix, and the Graph checks are not run against nothing', async () => {
    const lines = await runDoctor(
      productionLike([], {
        credentials: [
          {
            check: 'Microsoft Graph (AZURE_CREDENTIAL=client-secret)',
            token: () => Promise.reject(new Error('AADSTS7000215: Invalid client secret provided.')),
            fix: 'Check AZURE_CLIENT_SECRET',
          },
        ],
      }),
    );
    expect(line(lines, 'credential: Microsoft Graph (AZURE_CREDENTIAL=client-secret)')).toMatchObject({
      status: 'fail',
      detail: /Invalid client secret/,
      fix: 'Check AZURE_CLIENT_SECRET',
    });
    expect(lines.some((l) => l.check.startsWith('permission:'))).toBe(false);
    expect(line(lines, 'Microsoft Graph checks').status).toBe('skip');
  });
});

describe('the database check on PostgreSQL changes nothing', () => {
  let pg: TestPostgres;
  beforeAll(async () => {
    pg = await startPostgres();
  }, 60_000);
  afterAll(() => pg?.stop());

  test('an empty database: reachable, migration pending, still empty afterwards; once opened, migrated', async () => {
    const url = await pg.createDatabase();
    const before = await inspectStore({ databaseUrl: url, dataDir: '/nonexistent' });
    expect(before).toMatchObject({ engine: 'postgres', exists: true, applied: [], pending: MIGRATIONS });
    expect(before.where).not.toContain('postgres:');
    expect(await inspectStore({ databaseUrl: url, dataDir: '/nonexistent' })).toEqual(before);
    const store = await openStore({ databaseUrl: url });
    await store.records.put(
      SETUP_RECORDS,
      setupRecordKey('admin'),
      { groupId: 'g-admins', displayName: 'Dragon Administrators', created: true, at: '2026-12-07T09:00:00.000Z' },
      'leo',
    );
    await store.close();
    expect(await inspectStore({ databaseUrl: url, dataDir: '/nonexistent' })).toMatchObject({
      applied: MIGRATIONS,
      pending: [],
      setupGroups: { admin: 'g-admins' },
    });
  });

  test('an unreachable server fails the line with what to check', async () => {
    const lines = await doctor({ DATABASE_URL: 'postgres://desk:pw-Hd7@127.0.0.1:1/desk' });
    const l = line(lines, 'database (PostgreSQL, password)');
    expect(l).toMatchObject({ status: 'fail', detail: /not reachable/, fix: /host, port, user and password/ });
    expect(JSON.stringify(l)).not.toContain('pw-Hd7');
  });
});

describe('scripts/grant-graph-permissions.sh grants what the doctor checks', () => {
  const granted = (options: string[]): string[] => {
    const run = spawnSync('bash', [path.join(ROOT, 'scripts', 'grant-graph-permissions.sh'), '--print', ...options], {
      encoding: 'utf8',
    });
    expect(run.status).toBe(0);
    return run.stdout.trim().split('\n').sort();
  };

  test.each<[string, Record<string, string>]>([
    ['the dev defaults (groups for both kinds, an admin group, partner operators, the app id)', {}],
    [
      'no groups at all, PIM on, no app id',
      {
        NURSING_GROUP_ID: '',
        PHYSICIAN_GROUP_ID: '',
        DRAGON_ADMIN_GROUP_ID: '',
        PARTNER_OPERATORS_GROUP_ID: '',
        PIM_ENABLED: 'true',
        TEAMS_APP_ID: '',
      },
    ],
    ['one kind without a group', { PHYSICIAN_GROUP_ID: '' }],
  ])('%s', (_case, extra) => {
    const env = devEnv(extra);
    for (const [k, v] of Object.entries(extra)) if (v === '') delete env[k];
    const config = parseConfig(env);
    expect(granted(scriptOptions(config))).toEqual(
      permissionsNeeded(config)
        .map((n) => n.permission)
        .sort(),
    );
  });
});
