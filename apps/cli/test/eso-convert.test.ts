// `glkeys eso convert`: the built binary on ESO YAML from files and stdin, good and bad.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { runCli } from './support/run-cli.js';

const FIXTURE = fileURLToPath(new URL('fixtures/eso/gitlab-deploy-tokens.yaml', import.meta.url));
const objectsOf = (yaml: string) =>
  parseAllDocuments(yaml)
    .map((d) => d.toJS() as { kind: string; metadata: { name: string }; spec: Record<string, unknown> } | null)
    .filter((o) => o !== null);

describe('glkeys eso convert', () => {
  it('prints one glkeys object per ExternalSecret (from a file), notes on stderr and as comments, exit 1 for the one it could not convert', async () => {
    const run = await runCli(['eso', 'convert', FIXTURE]);
    expect(run.code).toBe(1);
    const objects = objectsOf(run.stdout);
    expect(objects.map((o) => `${o.kind} ${o.metadata.name} → ${(o.spec['target'] as { name: string }).name}`)).toEqual([
      'GitlabDeployToken registry-pull → regcred',
      'GitlabDeployToken source-git → source-git',
    ]);
    expect(objects[0]!.spec).toMatchObject({
      url: 'https://gitlab.example.com',
      projectID: 'platform/apps/web',
      name: 'k8s-registry-pull',
      scopes: ['read_registry'],
      expiresAfter: '720h',
      refreshInterval: '12h',
      auth: { token: { secretRef: { name: 'gitlab-pat', key: 'token' } } },
    });
    expect(run.stderr).toContain(
      'error: ExternalSecret apps/broken: spec.dataFrom[0].sourceRef.generatorRef.name: GitlabDeployToken missing-generator is not in the input',
    );
    expect(run.stderr).toContain('warning: ExternalSecret apps/source-git: spec.target.template.data: has no equivalent');
    expect(run.stdout).toContain('# warning: ExternalSecret apps/source-git: spec.target.template.data');
    expect(run.stderr).toContain('2 GitlabDeployToken object(s) written');
  });

  it('reads stdin (no file, or "-"), and --target-suffix renames the target Secrets', async () => {
    const input = readFileSync(FIXTURE, 'utf8');
    const piped = await runCli(['eso', 'convert', '--target-suffix', '-glkeys'], { input });
    const dash = await runCli(['eso', 'convert', '-', '--target-suffix', '-glkeys'], { input });
    for (const run of [piped, dash]) {
      expect(objectsOf(run.stdout).map((o) => (o.spec['target'] as { name: string }).name)).toEqual([
        'regcred-glkeys',
        'source-git-glkeys',
      ]);
    }
  });

  it('--json gives the objects and every note', async () => {
    const run = await runCli(['eso', 'convert', FIXTURE, '--json']);
    const result = run.json<{ objects: unknown[]; notes: { level: string; field?: string }[] }>();
    expect(result.objects).toHaveLength(2);
    expect(result.notes.filter((n) => n.level === 'error').map((n) => n.field)).toEqual(['spec.dataFrom[0].sourceRef.generatorRef.name']);
  });

  it.each([
    [['eso', 'convert', '/nonexistent/eso.yaml'], undefined, 'cannot read "/nonexistent/eso.yaml"'],
    [['eso', 'convert'], 'kind: [unclosed\n', 'stdin#1: not valid YAML'],
    [['eso', 'convert'], '- just\n- a list\n', 'stdin#1: not a Kubernetes object'],
    [['eso', 'convert', FIXTURE, '--target-suffix', '_Bad'], undefined, '--target-suffix: lower-case letters'],
  ])('refuses %j with exit 2 and a message naming the input', async (args, input, message) => {
    const run = await runCli(args, input === undefined ? {} : { input });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stdout).toBe('');
  });
});
