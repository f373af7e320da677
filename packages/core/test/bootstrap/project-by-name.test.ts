/**
 * Bootstrap's project lookup against the simulator: by full path, then by exact display name
 * among the owner's own projects, so a renamed project is reused, never duplicated.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SEED_TOKENS, defaultSeed, type GitlabSim, type Seed } from '@glkeys/gitlab-sim';
import { GitlabValidationError, GlkeysError, createGitlabClient, type GitlabClient } from '../../src/index.js';
import { bootstrapGitlab } from '../../src/bootstrap/index.js';
import { ensureProject, findProject } from '../../src/bootstrap/project.js';
import { preflight } from '../../src/bootstrap/preflight.js';
import { bootstrapInput } from '../support/bootstrap-input.js';
import { startSim } from '../support/sim.js';

function seed(): Seed {
  const s = defaultSeed();
  s.users.push({ username: 'erin', tokens: [{ token: 'glpat-sim-erin-0000000000', scopes: ['api'] }] });
  s.projects!.push(
    // Renamed slug: the name stayed, the path moved on.
    { path: 'fleet-infra-renamed', name: 'fleet-infra', namespace: 'platform/apps', members: { erin: 'maintainer' } },
    { path: 'clusters', name: 'fleet-personal', namespace: 'alice' },
    { path: 'deep', name: 'fleet-deep', namespace: 'platform/apps' },
    // A display name with a space: never a path, found by name only.
    { path: 'fleet-infra-prod', name: 'Fleet Infra', namespace: 'platform/apps' },
  );
  return s;
}

let sim: GitlabSim;
let client: GitlabClient;
afterEach(() => sim?.close());
const posts = () => sim.log.count({ route: 'POST /projects' });

describe('findProject / ensureProject by name', () => {
  it('finds a group project whose path differs from its name and creates nothing', async () => {
    ({ sim, client } = await startSim({ seed: seed() }));
    const result = await ensureProject(client, { owner: 'platform/apps', repository: 'fleet-infra' });
    expect(result).toMatchObject({
      created: false,
      project: { name: 'fleet-infra', path: 'fleet-infra-renamed', pathWithNamespace: 'platform/apps/fleet-infra-renamed' },
    });
    expect(result.project.accessLevel).toBe(50);
    expect(sim.log.count({ route: 'GET /groups/:id/projects' })).toBe(1);
    expect(posts()).toBe(0);
  });

  it("finds a project by name in the user's personal namespace", async () => {
    ({ sim, client } = await startSim({ seed: seed() }));
    const found = await findProject(client, 'alice/fleet-personal');
    expect(found?.pathWithNamespace).toBe('alice/clusters');
    expect(sim.log.count({ route: 'GET /users/:user_id/projects' })).toBe(1);
  });

  it('takes the exact name only: a name that merely contains --repository is not the project', async () => {
    ({ sim, client } = await startSim({ seed: seed() }));
    const made = await ensureProject(client, { owner: 'platform/apps', repository: 'fleet' });
    expect(made).toMatchObject({ created: true, project: { pathWithNamespace: 'platform/apps/fleet' } });
    expect(await findProject(client, 'platform/apps/Fleet-Infra')).toBeUndefined();
    // GitLab then refuses the name (it compares ignoring case); the error says what to pass.
    const clash = await ensureProject(client, { owner: 'platform/apps', repository: 'Fleet-Infra' }).catch((e: unknown) => e);
    expect(clash).toBeInstanceOf(GitlabValidationError);
    expect((clash as Error).message).toContain("Pass that project's exact name or its path");
  });

  it('ignores a project of that name in a subgroup of the owner and creates one in the owner', async () => {
    ({ sim, client } = await startSim({ seed: seed() }));
    const made = await ensureProject(client, { owner: 'platform', repository: 'fleet-infra' });
    expect(made).toMatchObject({ created: true, project: { pathWithNamespace: 'platform/fleet-infra' } });
    expect(posts()).toBe(1);
  });

  it('creates a missing project from its name, GitLab deriving the path; a re-run finds it', async () => {
    ({ sim, client } = await startSim({ seed: seed() }));
    const made = await ensureProject(client, { owner: 'alice', repository: 'Fleet-New', personal: true });
    expect(made).toMatchObject({ created: true, project: { name: 'Fleet-New', path: 'fleet-new', visibility: 'private' } });
    const again = await ensureProject(client, { owner: 'alice', repository: 'Fleet-New', personal: true });
    expect(again).toMatchObject({ created: false, project: { id: made.project.id } });
    expect(posts()).toBe(1);
  });

  it('takes a display name with spaces: finds it by name without a path lookup, creates one with a derived path', async () => {
    ({ sim, client } = await startSim({ seed: seed() }));
    sim.log.clear();
    const found = await ensureProject(client, { owner: 'platform/apps', repository: 'Fleet Infra' });
    expect(found).toMatchObject({ created: false, project: { pathWithNamespace: 'platform/apps/fleet-infra-prod' } });
    expect(sim.log.entries().filter((e) => e.method === 'GET' && e.path.includes('Fleet'))).toEqual([]);
    const made = await ensureProject(client, { owner: 'platform/apps', repository: 'Staging Fleet' });
    expect(made).toMatchObject({ created: true, project: { name: 'Staging Fleet', path: 'staging-fleet' } });
    expect((await ensureProject(client, { owner: 'platform/apps', repository: 'Staging Fleet' })).project.id).toBe(made.project.id);
    expect(posts()).toBe(1);
  });

  it('treats an all-digit repository as a path ("2024"), looking it up by path first', async () => {
    ({ sim, client } = await startSim({ seed: seed() }));
    sim.log.clear();
    await ensureProject(client, { owner: 'platform/apps', repository: '2024' });
    expect(sim.log.entries().some((e) => e.method === 'GET' && e.path.endsWith('/projects/platform%2Fapps%2F2024'))).toBe(true);
  });

  it.each([' Fleet', 'Fleet ', '-fleet', 'fleet/infra', 'fleet\tinfra', 'fleet;rm', 'x'.repeat(256)])(
    'refuses the repository %j before any call',
    async (repository) => {
      ({ sim, client } = await startSim({ seed: seed() }));
      const error = await ensureProject(client, { owner: 'platform/apps', repository }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'VALIDATION', field: 'repository' });
      expect(sim.log.count({})).toBe(0);
    },
  );

  it('refuses several projects with the same name, listing their paths, before any write', async () => {
    const s = seed();
    s.projects!.push({ path: 'fleet-infra-old', name: 'fleet-infra', namespace: 'platform/apps' });
    ({ sim, client } = await startSim({ seed: s }));
    const error = await ensureProject(client, { owner: 'platform/apps', repository: 'fleet-infra' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GlkeysError);
    expect(error).toMatchObject({ code: 'CONFLICT' });
    expect((error as Error).message).toContain('platform/apps/fleet-infra-old, platform/apps/fleet-infra-renamed');
    expect((error as Error).message).toContain('as the repository');
    expect(sim.log.count({ write: true })).toBe(0);
  });

  it('follows pagination of the search', async () => {
    const s = seed();
    for (let i = 0; i < 120; i++) s.projects!.push({ path: `fleet-infra-${i}`, name: `fleet-infra copy ${i}`, namespace: 'platform/apps' });
    ({ sim, client } = await startSim({ seed: s }));
    const found = await findProject(client, 'platform/apps/fleet-infra');
    expect(found?.path).toBe('fleet-infra-renamed');
    expect(sim.log.count({ route: 'GET /groups/:id/projects' })).toBe(2);
  });
});

describe('preflight and bootstrap with a renamed project', () => {
  it("checks the caller's role on the project found by name, not on the group", async () => {
    ({ sim } = await startSim({ seed: seed() }));
    const erin = createGitlabClient({ host: sim.url, token: 'glpat-sim-erin-0000000000', timeoutMs: 5_000 });
    const result = await preflight(erin, { projectPath: 'platform/apps/fleet-infra', owner: 'platform/apps' });
    expect(result).toMatchObject({ ok: true, role: { where: 'project platform/apps/fleet-infra-renamed', actual: 'Maintainer' } });
    expect(result.project?.path).toBe('fleet-infra-renamed');
  });

  it('puts the real path in the GitRepository URL and commits into the renamed project', async () => {
    ({ sim, client } = await startSim({ seed: seed() }, { token: SEED_TOKENS.maintainer }));
    const result = await bootstrapGitlab(bootstrapInput(client, { owner: 'platform/apps', repository: 'fleet-infra', personal: false }));
    expect(result.project).toMatchObject({ path: 'platform/apps/fleet-infra-renamed', created: false });
    expect(result.url).toBe(`${sim.url}/platform/apps/fleet-infra-renamed.git`);
    expect(posts()).toBe(0);
    expect(sim.state.deployTokens('platform/apps/fleet-infra-renamed').filter((t) => !t.revoked)).toHaveLength(1);
    expect(sim.state.files('platform/apps/fleet-infra-renamed', 'main')['clusters/a/flux-system/gotk-sync.yaml']).toContain(
      'fleet-infra-renamed.git',
    );
  });
});
