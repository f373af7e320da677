/** The bootstrap flow against the GitLab simulator, with the in-memory Secret store. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SEED_TOKENS, type GitlabSim } from '@glkeys/gitlab-sim';
import { createGitlabClient, type GitlabClient } from '../../src/index.js';
import { MemorySecretStore, describeTokenAccess, getTokenSelf } from '../../src/index.js';
import { PreflightError, bootstrapGitlab, type BootstrapGitlabInput } from '../../src/bootstrap/index.js';
import { commitFiles } from '../../src/bootstrap/commit-files.js';
import { ensureProject } from '../../src/bootstrap/project.js';
import { preflight } from '../../src/bootstrap/preflight.js';
import { bootstrapInput } from '../support/bootstrap-input.js';
import { startSim } from '../support/sim.js';

let sim: GitlabSim;
let client: GitlabClient;
beforeEach(async () => ({ sim, client } = await startSim()));
afterEach(() => sim.close());

const input = (overrides: Partial<BootstrapGitlabInput> = {}) => bootstrapInput(client, overrides);

describe('bootstrapGitlab', () => {
  it('should cost no GitLab write on a re-run with a live credential', async () => {
    const store = new MemorySecretStore();
    const first = await bootstrapGitlab(input({ store }));
    expect(first.credential.action).toBe('created');
    expect(first.commit?.commit).not.toBeNull();
    sim.log.clear();
    const again = await bootstrapGitlab(input({ store }));
    expect(again.credential.action).toBe('kept');
    expect(again.commit?.commit).toBeNull();
    expect(sim.log.count({ write: true })).toBe(0);
    expect(store.writes).toBe(2); // intent, then value + state: nothing on the re-run
  });

  it('should look a missing project up once (preflight), not again before creating it', async () => {
    sim.log.clear();
    const result = await bootstrapGitlab(input({ owner: 'platform/apps', personal: false, repository: 'brand-new' }));
    expect(result.project.created).toBe(true);
    expect(sim.log.count({ method: 'GET', route: '/projects/:id' })).toBe(1);
    expect(sim.log.count({ method: 'GET', route: '/groups/:id/projects' })).toBe(1);
    expect(sim.log.count({ method: 'POST', route: '/projects' })).toBe(1);
  });

  it('should give two clusters on the same project two credentials that never touch each other', async () => {
    await bootstrapGitlab(input({ clusterId: 'cluster-a' }));
    await bootstrapGitlab(input({ clusterId: 'cluster-b' }));
    await bootstrapGitlab(input({ clusterId: 'cluster-a', store: new MemorySecretStore() }));
    const live = sim.state.deployTokens('alice/fleet').filter((t) => !t.revoked);
    expect(live).toHaveLength(3);
    expect(new Set(live.map((t) => t.name.split('glkeys:')[1]!.split('/')[0])).size).toBe(2);
  });

  it('should refuse with the missing scope before any write', async () => {
    const readOnly = createGitlabClient({ host: sim.url, token: SEED_TOKENS.readApi, timeoutMs: 5_000 });
    const error = await bootstrapGitlab(input({ client: readOnly })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PreflightError);
    expect((error as PreflightError).result.missingScopes).toEqual(['api']);
    expect(sim.log.count({ write: true })).toBe(0);
  });
});

describe('preflight', () => {
  it("should report a Developer's role and the least privilege needed", async () => {
    const dev = createGitlabClient({ host: sim.url, token: SEED_TOKENS.developer, timeoutMs: 5_000 });
    const result = await preflight(dev, { projectPath: 'platform/apps/web', owner: 'platform/apps' });
    expect(result.ok).toBe(false);
    expect(result.role).toMatchObject({ actual: 'Developer', sufficient: false });
    expect(result.leastPrivilege).toContain('Maintainer');
  });

  it('should accept a group Maintainer for a project that does not exist yet', async () => {
    const maintainer = createGitlabClient({ host: sim.url, token: SEED_TOKENS.maintainer, timeoutMs: 5_000 });
    const result = await preflight(maintainer, { projectPath: 'platform/apps/new', owner: 'platform/apps' });
    expect(result).toMatchObject({ ok: true, project: undefined, role: { where: 'group platform/apps', actual: 'Maintainer' } });
  });

  it("should refuse another user's namespace", async () => {
    const bob = createGitlabClient({ host: sim.url, token: SEED_TOKENS.maintainer, timeoutMs: 5_000 });
    const result = await preflight(bob, { projectPath: 'alice/new', owner: 'alice' });
    expect(result.ok).toBe(false);
  });
});

describe('ensureProject and commitFiles', () => {
  it('should find a project by a moved path and create a missing one in a group', async () => {
    expect(await ensureProject(client, { owner: 'platform', repository: 'web' })).toMatchObject({
      created: false,
      project: { pathWithNamespace: 'platform/apps/web' },
    });
    const made = await ensureProject(client, { owner: 'platform/apps', repository: 'made', visibility: 'internal' });
    expect(made).toMatchObject({ created: true, project: { pathWithNamespace: 'platform/apps/made', visibility: 'internal' } });
  });

  it('should update a changed file, keep an onlyIfAbsent one and skip identical content', async () => {
    const project = { id: sim.state.projects().find((p) => p.pathWithNamespace === 'platform/apps/web')!.id, defaultBranch: 'main' };
    const files = [
      { path: 'README.md', content: '# changed\n' },
      { path: '.gitlab-ci.yml', content: 'x: 1\n', onlyIfAbsent: true },
      { path: 'new.txt', content: 'new\n' },
    ];
    const first = await commitFiles(client, project, { branch: 'main', message: 'm', files });
    expect(first.files.map((f) => f.outcome)).toEqual(['updated', 'kept', 'created']);
    expect(sim.state.files('platform/apps/web', 'main')['README.md']).toBe('# changed\n');
    const second = await commitFiles(client, project, { branch: 'main', message: 'm', files });
    expect(second.commit).toBeNull();
    expect(second.files.map((f) => f.outcome)).toEqual(['unchanged', 'kept', 'unchanged']);
  });

  it('should start a new branch from the default branch', async () => {
    const project = { id: sim.state.projects().find((p) => p.pathWithNamespace === 'platform/apps/web')!.id, defaultBranch: 'main' };
    const result = await commitFiles(client, project, { branch: 'flux', message: 'm', files: [{ path: 'a.txt', content: 'a\n' }] });
    expect(result.commit).not.toBeNull();
    expect(sim.state.files('platform/apps/web', 'flux')['README.md']).toBe('# web\n');
  });
});

describe('describeTokenAccess', () => {
  it('should allow reads only for a read_api token', async () => {
    const ro = createGitlabClient({ host: sim.url, token: SEED_TOKENS.readApi, timeoutMs: 5_000 });
    const access = describeTokenAccess(await getTokenSelf(ro));
    const allowed = access.commands.filter((c) => c.allowed).map((c) => c.command);
    expect(allowed).toEqual(['auth status', 'token list', 'token get', 'key list', 'key get', 'bootstrap git']);
  });
});
