import { describe, expect, it } from 'vitest';
import { parseAllDocuments, parse } from 'yaml';
import { ValidationError } from '../../src/errors.js';
import { bootstrapCredentialName } from '../../src/flux/naming.js';
import { checkBranch, checkSyncPath, parseGoDuration, syncFiles } from '../../src/bootstrap/index.js';
import { formatGoDuration } from '../../src/flux/duration.js';
import { gitRepositoryUrl } from '../../src/flux/sync-manifests.js';

describe('sync manifests', () => {
  it("should render Flux's GitRepository and Kustomization at <path>/flux-system", () => {
    const files = syncFiles({
      name: 'flux-system',
      namespace: 'flux-system',
      url: 'ssh://git@gitlab.example.com/team/fleet.git',
      branch: 'main',
      secretName: 'flux-system',
      path: 'clusters/dev',
      interval: '90s',
    });
    expect(files.map((f) => [f.path, f.onlyIfAbsent])).toEqual([
      ['clusters/dev/flux-system/gotk-sync.yaml', false],
      ['clusters/dev/flux-system/kustomization.yaml', true],
    ]);
    const [source, kustomization] = parseAllDocuments(files[0]!.content).map((d) => d.toJS());
    expect(source).toEqual({
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'GitRepository',
      metadata: { name: 'flux-system', namespace: 'flux-system' },
      spec: {
        interval: '1m30s',
        ref: { branch: 'main' },
        secretRef: { name: 'flux-system' },
        url: 'ssh://git@gitlab.example.com/team/fleet.git',
      },
    });
    expect(kustomization).toEqual({
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name: 'flux-system', namespace: 'flux-system' },
      spec: { interval: '10m0s', path: './clusters/dev', prune: true, sourceRef: { kind: 'GitRepository', name: 'flux-system' } },
    });
    expect(parse(files[1]!.content)).toEqual({
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      resources: ['gotk-sync.yaml'],
    });
  });

  it('should put the files at the repository root when the path is empty', () => {
    const files = syncFiles({ name: 'f', namespace: 'f', url: 'https://h/p.git', branch: 'main', secretName: 's', path: '' });
    expect(files[0]!.path).toBe('flux-system/gotk-sync.yaml');
    expect(files[0]!.content).toContain('path: ./\n');
  });

  it('should write ssh URLs with a port only when it is not 22, and bracket IPv6', () => {
    expect(gitRepositoryUrl({ transport: 'ssh', host: 'gitlab.example.com', port: 22, projectPath: 'g/p' })).toBe(
      'ssh://git@gitlab.example.com/g/p.git',
    );
    expect(gitRepositoryUrl({ transport: 'ssh', host: 'gitlab.example.com', port: 2222, projectPath: 'g/s/p' })).toBe(
      'ssh://git@gitlab.example.com:2222/g/s/p.git',
    );
    expect(gitRepositoryUrl({ transport: 'ssh', host: '2001:db8::1', port: 22, projectPath: 'g/p' })).toBe(
      'ssh://git@[2001:db8::1]/g/p.git',
    );
  });

  it('should render Go durations canonically and refuse others', () => {
    expect([60_000, 600_000, 5_400_000, 1_500].map(formatGoDuration)).toEqual(['1m0s', '10m0s', '1h30m0s', '1.5s']);
    expect(parseGoDuration('1h30m')).toBe(5_400_000);
    for (const bad of ['soon', '10', '-1m', '500ms', '']) expect(() => parseGoDuration(bad)).toThrow(ValidationError);
  });
});

describe('naming and input rules', () => {
  it('should name credentials like Flux: <namespace>-<branch>-<secret>[-<path>]', () => {
    expect(bootstrapCredentialName({ namespace: 'flux-system', branch: 'main', secretName: 'flux-system', path: '' })).toBe(
      'flux-system-main-flux-system',
    );
    expect(bootstrapCredentialName({ namespace: 'flux-system', branch: 'main', secretName: 'flux-system', path: 'clusters/dev' })).toBe(
      'flux-system-main-flux-system-clusters-dev',
    );
  });

  it.each(['a..b', 'x.lock', '-x', 'a b', 'a:b', 'refs/', ''])('should refuse the branch %j', (branch) => {
    expect(() => checkBranch(branch)).toThrow(ValidationError);
  });

  it('should normalise sync paths and refuse escapes', () => {
    expect(checkSyncPath('./clusters/dev/')).toBe('clusters/dev');
    expect(checkSyncPath(undefined)).toBe('');
    for (const bad of ['../x', 'a//b', 'a/./b']) expect(() => checkSyncPath(bad)).toThrow(ValidationError);
  });
});

describe('parseGoDuration with every Go unit', () => {
  it('should read ns, us, µs, ms, s, m, h and fractions, and take 0 only when the minimum allows it', () => {
    expect(parseGoDuration('1h30m')).toBe(5_400_000);
    expect(parseGoDuration('1500ms')).toBe(1_500);
    expect(parseGoDuration('2000000us')).toBe(2_000);
    expect(parseGoDuration('1.5s')).toBe(1_500);
    expect(parseGoDuration('0s', 'gracePeriod', { minimumMs: 0 })).toBe(0);
    expect(parseGoDuration('500000000ns', 'gracePeriod', { minimumMs: 0 })).toBe(500);
    expect(() => parseGoDuration('0s', 'interval')).toThrow(/at least 1s/);
    expect(() => parseGoDuration('5d', 'interval')).toThrow(/not a duration/);
  });
});
