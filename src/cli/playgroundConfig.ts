/**
 * The Microsoft 365 Agents Playground's config file (`.m365agentsplayground.yml`, schema 0.1.1 as
 * bundled in @microsoft/m365agentsplayground 0.2.28's dist/index.js) for one dev-tenant persona.
 *
 * The Playground has a single `currentUser` per process (teams-platform.md §4), so "requester and
 * approver" means two Playgrounds, each with its own file, user id and personal chat id. Every
 * activity it sends then carries that persona's Entra object id in `from.aadObjectId` and the
 * fixture tenant in `conversation.tenantId` / `channelData.tenant.id`, which is all Dragon Desk
 * trusts about who is asking.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Fixture, FixtureUser } from '../devtenant/fixture';

/** The config schema (0.1.1) requires exactly five other users for the group chat and the team. */
export const PLAYGROUND_OTHER_USERS = 5;
export const BOT_DISPLAY_NAME = 'Dragon Desk';

/** A user as the Playground config schema spells it (`userPrincipleName` [sic] is its field name). */
export interface PlaygroundUser {
  id: string;
  name: string;
  userPrincipleName: string;
  aadObjectId: string;
  givenName: string;
  surname: string;
  email: string;
}

/** `.m365agentsplayground.yml`, version 0.1.1 (schema read from the package's dist/index.js). */
export interface PlaygroundConfigFile {
  version: '0.1.1';
  tenantId: string;
  bot: { id: string; name: string };
  currentUser: PlaygroundUser;
  users: PlaygroundUser[];
  personalChat: { id: string };
  groupChat: { id: string; name: string };
  team: { id: string; name: string; aadGroupId: string; channels: { id: string; name: string }[] };
}

/**
 * The Bot Framework channel id of a persona. Distinct per alias and stable across runs, so two
 * Playgrounds never look like one user and a restarted one is the same person.
 */
export function playgroundUserId(alias: string): string {
  return `user-id-${alias}`;
}

/** The personal chat's conversation id: one per persona, so two Playgrounds never share a chat. */
export function personalChatId(alias: string): string {
  return `personal-chat-${alias}`;
}

export function playgroundUser(u: FixtureUser): PlaygroundUser {
  // The schema requires every field as a string; the fixture allows null for some.
  const [first, ...rest] = u.displayName.replace(/^Dr\.?\s+/i, '').split(/\s+/);
  return {
    id: playgroundUserId(u.alias),
    name: u.displayName,
    userPrincipleName: u.userPrincipalName,
    aadObjectId: u.id,
    givenName: u.givenName ?? first ?? u.alias,
    surname: u.surname ?? (rest.join(' ') || u.alias),
    email: u.mail ?? u.userPrincipalName,
  };
}

/** aliases of a fixture, in fixture order. */
export function aliasesOf(fixture: Fixture): string[] {
  return fixture.users.map((u) => u.alias);
}

export function findPersona(fixture: Fixture, alias: string): FixtureUser | undefined {
  const wanted = alias.trim().toLowerCase();
  return fixture.users.find((u) => u.alias.toLowerCase() === wanted);
}

export function unknownAliasMessage(alias: string, fixture: Fixture): string {
  return [
    `No persona "${alias}" in the ${fixture.tenant.displayName} dev tenant.`,
    `Known personas: ${aliasesOf(fixture).join(', ')}`,
    'Example: npm run playground -- dana',
  ].join('\n');
}

/** The whole config for one persona; throws on an unknown alias (callers check first). */
export function playgroundConfigFor(fixture: Fixture, alias: string): PlaygroundConfigFile {
  const me = findPersona(fixture, alias);
  if (!me) throw new Error(unknownAliasMessage(alias, fixture));
  // The other five people populate the mocked group chat / team rosters (TeamsInfo.getMembers);
  // real colleagues read better there than the Playground's built-in "Megan Bowen".
  const others = fixture.users.filter((u) => u.alias !== me.alias && u.accountEnabled).slice(0, PLAYGROUND_OTHER_USERS);
  if (others.length < PLAYGROUND_OTHER_USERS)
    throw new Error(
      `The Playground needs ${PLAYGROUND_OTHER_USERS} other enabled users in the fixture; it has ${others.length}`,
    );
  return {
    version: '0.1.1',
    tenantId: fixture.tenant.id,
    bot: { id: 'dragon-desk-bot', name: BOT_DISPLAY_NAME },
    currentUser: playgroundUser(me),
    users: others.map(playgroundUser),
    personalChat: { id: personalChatId(me.alias) },
    groupChat: { id: `group-chat-${me.alias}`, name: `${me.givenName ?? me.displayName}'s group chat` },
    team: {
      id: `team-${me.alias}`,
      name: fixture.tenant.displayName,
      // Any GUID: a team's M365 group; none of the fixture's security groups is one.
      aadGroupId: '00000000-0000-0000-0000-000000000031',
      channels: [{ id: `channel-${me.alias}-announcements`, name: 'Announcements' }],
    },
  };
}

/** A double-quoted YAML scalar; JSON's escapes are all valid YAML 1.2 escapes. */
function scalar(value: string): string {
  return JSON.stringify(value);
}

function userYaml(u: PlaygroundUser, indent: string, first: string): string[] {
  const keys: (keyof PlaygroundUser)[] = [
    'id',
    'name',
    'userPrincipleName',
    'aadObjectId',
    'givenName',
    'surname',
    'email',
  ];
  return keys.map((k, i) => `${i === 0 ? first : indent}${k}: ${scalar(u[k])}`);
}

/** Renders the config as YAML the Playground accepts (every value quoted: ids can look like numbers). */
export function renderPlaygroundYaml(c: PlaygroundConfigFile): string {
  const lines = [
    `# Written by \`npm run playground -- ${c.personalChat.id.replace(/^personal-chat-/, '')}\` (src/cli/playground.ts); regenerated on every run.`,
    `version: ${scalar(c.version)}`,
    `tenantId: ${scalar(c.tenantId)}`,
    'bot:',
    `  id: ${scalar(c.bot.id)}`,
    `  name: ${scalar(c.bot.name)}`,
    'currentUser:',
    ...userYaml(c.currentUser, '  ', '  '),
    'users:',
    ...c.users.flatMap((u) => userYaml(u, '    ', '  - ')),
    'personalChat:',
    `  id: ${scalar(c.personalChat.id)}`,
    'groupChat:',
    `  id: ${scalar(c.groupChat.id)}`,
    `  name: ${scalar(c.groupChat.name)}`,
    'team:',
    `  id: ${scalar(c.team.id)}`,
    `  name: ${scalar(c.team.name)}`,
    `  aadGroupId: ${scalar(c.team.aadGroupId)}`,
    c.team.channels.length ? '  channels:' : '  channels: []',
    ...c.team.channels.flatMap((ch) => [`    - id: ${scalar(ch.id)}`, `      name: ${scalar(ch.name)}`]),
  ];
  return lines.join('\n') + '\n';
}

/** Writes `<dir>/<alias>.yml` and returns its absolute path. */
export function writePlaygroundConfig(dir: string, alias: string, config: PlaygroundConfigFile): string {
  mkdirSync(dir, { recursive: true });
  const file = path.resolve(dir, `${alias}.yml`);
  writeFileSync(file, renderPlaygroundYaml(config));
  return file;
}
