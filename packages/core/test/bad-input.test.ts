/**
 * The table of invalid inputs from the foundation issue: each gets a ValidationError naming
 * the field and the rule, and none reaches GitLab (the server records every request).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ValidationError,
  createDeployToken,
  createGitlabClient,
  deployTokenDriver,
  registerDeployKey,
  resolveTarget,
  type CreateDeployTokenInput,
  type GitlabClient,
} from '../src/index.js';
import { startScriptedServer, type ScriptedServer } from './support/scripted-server.js';

const NOW = new Date('2026-06-01T12:00:00Z');
let server: ScriptedServer;
let client: GitlabClient;

beforeAll(async () => {
  server = await startScriptedServer([]);
  client = createGitlabClient({ host: server.url, token: 'glpat-bad-input-table' });
});
afterAll(() => server.close());

const good: CreateDeployTokenInput = { name: 'ci', scopes: ['read_repository'] };

type Case = [label: string, run: () => Promise<unknown>, field: string, rule: string];

const project = (ref: string | number) => () => createDeployToken(client, resolveTarget({ project: ref }), good, NOW);
const group = (ref: string | number) => () => createDeployToken(client, resolveTarget({ group: ref }), good, NOW);
const token =
  (input: Partial<CreateDeployTokenInput>, kind: 'project' | 'group' = 'project') =>
  () =>
    createDeployToken(client, resolveTarget({ [kind]: 'platform/apps' }), { ...good, ...input }, NOW);

const cases: Case[] = [
  // IDs and paths
  ['empty project', project(''), 'project/group', 'exactly one of project or group'],
  ['blank project', project('  '), 'project', 'not empty'],
  ['leading slash', project('/platform/apps'), 'project', 'no leading or trailing "/"'],
  ['trailing slash', project('platform/apps/'), 'project', 'no leading or trailing "/"'],
  ['double slash', project('platform//apps'), 'project', 'no empty segment'],
  ['dot-dot', project('platform/../apps'), 'project', 'no "." or ".." segment'],
  ['dot segment', project('platform/./apps'), 'project', 'no "." or ".." segment'],
  ['space inside', project('platform/my app'), 'project', 'no whitespace'],
  ['tab', project('platform/\tapps'), 'project', 'no whitespace'],
  ['at sign', project('platf@rm/apps'), 'project', 'path characters'],
  ['leading dash', project('platform/-apps'), 'project', 'path characters'],
  ['ends .git', project('platform/apps.git'), 'project', 'no ".git" or ".atom" ending'],
  ['ends .atom', project('platform/apps.atom'), 'project', 'no ".git" or ".atom" ending'],
  ['namespace ends in dot', project('platform./apps'), 'project', 'namespace not ending in "."'],
  ['pre-encoded', project('platform%2Fapps'), 'project', 'not pre-encoded'],
  ['zero id', project(0), 'project', 'positive integer ID'],
  ['negative id', project('-3'), 'project', 'positive integer ID'],
  ['fractional id', project(2.5), 'project', 'positive integer ID'],
  ['ftp URL', project('ftp://gitlab.example.com/platform/apps'), 'project', 'http(s) or ssh URL'],
  ['clone URL as a group', group('git@gitlab.example.com:platform/apps.git'), 'group', 'a group, not a project'],
  ['group page as a project', project('https://gitlab.example.com/groups/platform/apps'), 'project', 'a project, not a group'],
  ['project without namespace', project('web'), 'project', 'project path with its namespace'],
  ['not a whole number', project('1.5'), 'project', 'positive integer ID or full path'],
  ['group with slash at end', group('platform/'), 'group', 'no leading or trailing "/"'],
  ['group with unicode', group('plätform'), 'group', 'path characters'],
  [
    'both project and group',
    () => createDeployToken(client, resolveTarget({ project: 'a/b', group: 'a' }), good, NOW),
    'project/group',
    'exactly one of project or group',
  ],
  [
    'neither project nor group',
    () => createDeployToken(client, resolveTarget({}), good, NOW),
    'project/group',
    'exactly one of project or group',
  ],
  // scopes
  ['no scopes', token({ scopes: [] }), 'scopes', 'at least one scope'],
  ['unknown scope', token({ scopes: ['api'] }), 'scopes', 'known scope'],
  ['typo scope', token({ scopes: ['read_repo'] }), 'scopes', 'known scope'],
  ['upper-case scope', token({ scopes: ['READ_REGISTRY'] }), 'scopes', 'known scope'],
  ['empty-string scope', token({ scopes: [''] }), 'scopes', 'known scope'],
  ['group with virtual registry scope', token({ scopes: ['read_virtual_registry'] }, 'group'), 'scopes', 'project-only scope'],
  [
    'group with write virtual registry',
    token({ scopes: ['read_repository', 'write_virtual_registry'] }, 'group'),
    'scopes',
    'project-only scope',
  ],
  ['scopes not a list', token({ scopes: 'read_repository' as never }), 'scopes', 'at least one scope'],
  // names
  ['empty name', token({ name: '' }), 'name', 'not empty'],
  ['blank name', token({ name: '   ' }), 'name', 'not empty'],
  ['long name', token({ name: 'x'.repeat(256) }), 'name', 'at most 255 characters'],
  ['name with newline', token({ name: 'ci\nprod' }), 'name', 'no control characters'],
  ['name not a string', token({ name: 42 as never }), 'name', 'not empty'],
  // usernames
  ['empty username', token({ username: '' }), 'username', 'not empty'],
  ['username with space', token({ username: 'deploy bot' }), 'username', 'letters, digits, ".", "+", "_", "-"'],
  ['username with slash', token({ username: 'deploy/bot' }), 'username', 'letters, digits, ".", "+", "_", "-"'],
  ['username with colon', token({ username: 'deploy:bot' }), 'username', 'letters, digits, ".", "+", "_", "-"'],
  ['username with at', token({ username: 'bot@example' }), 'username', 'letters, digits, ".", "+", "_", "-"'],
  ['username too long', token({ username: 'u'.repeat(256) }), 'username', 'at most 255 characters'],
  ['username unicode', token({ username: 'dëploy' }), 'username', 'letters, digits, ".", "+", "_", "-"'],
  // dates
  ['past expiresAt', token({ expiresAt: '2020-01-01T00:00:00Z' }), 'expiresAt', 'in the future'],
  ['expiresAt now', token({ expiresAt: NOW.toISOString() }), 'expiresAt', 'in the future'],
  ['expiresAt not a date', token({ expiresAt: 'tomorrow' }), 'expiresAt', 'RFC 3339 time'],
  ['expiresAt US format', token({ expiresAt: '01/02/2027' }), 'expiresAt', 'RFC 3339 time'],
  ['expiresAt Feb 30', token({ expiresAt: '2027-02-30' }), 'expiresAt', 'valid date'],
  ['expiresAt month 13', token({ expiresAt: '2027-13-01' }), 'expiresAt', 'valid date'],
  ['expiresAt without zone', token({ expiresAt: '2027-01-01T00:00:00' }), 'expiresAt', 'RFC 3339 time'],
  ['both expiries', token({ expiresAt: '2027-01-01', expiresAfter: '30d' }), 'expiresAt', 'only one of expiresAt and expiresAfter'],
  ['expiresAfter no unit', token({ expiresAfter: '30' }), 'expiresAfter', 'duration like 30d, 720h, 1w'],
  ['expiresAfter unknown unit', token({ expiresAfter: '3y' }), 'expiresAfter', 'duration like 30d, 720h, 1w'],
  ['expiresAfter negative', token({ expiresAfter: '-5d' }), 'expiresAfter', 'duration like 30d, 720h, 1w'],
  ['expiresAfter zero', token({ expiresAfter: '0d' }), 'expiresAfter', 'longer than zero'],
  ['expiresAfter a minute', token({ expiresAfter: '1m' }), 'expiresAfter', 'at least an hour (1h)'],
  ['expiresAfter 59 minutes', token({ expiresAfter: '59m59s' }), 'expiresAfter', 'at least an hour (1h)'],
  ['expiresAfter empty', token({ expiresAfter: '' }), 'expiresAfter', 'duration like 30d, 720h, 1w'],
  // deploy keys
  [
    'deploy key empty title',
    () => registerDeployKey(client, { kind: 'path', path: 'a/b' }, { title: '', key: 'ssh-ed25519 AAAA' }),
    'title',
    'not empty',
  ],
  [
    'deploy key long title',
    () => registerDeployKey(client, { kind: 'path', path: 'a/b' }, { title: 't'.repeat(256), key: 'x' }),
    'title',
    'at most 255 characters',
  ],
  // lifecycle driver spec is checked when built
  [
    'driver with bad scope',
    async () => deployTokenDriver(client, { kind: 'project', id: 7 }, { scopes: ['nope'] }),
    'scopes',
    'known scope',
  ],
];

describe('invalid input is refused before any GitLab call', () => {
  it('has at least 50 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(50);
  });

  it.each(cases)('%s', async (_label, run, field, rule) => {
    const before = server.received.length;
    const error = await Promise.resolve()
      .then(run)
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe(field);
    expect((error as ValidationError).rule).toBe(rule);
    expect((error as ValidationError).message.length).toBeGreaterThan(10);
    expect(server.received.length).toBe(before);
  });

  it('made no request at all', () => {
    expect(server.received).toHaveLength(0);
  });
});
