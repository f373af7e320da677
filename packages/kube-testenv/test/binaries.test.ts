import { accessSync, constants, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureBinaries, KubeTestEnvBuildError } from '../src/index.js';

const goMod = (module: string) => readFileSync(new URL(`../go/${module}/go.mod`, import.meta.url), 'utf8');

describe('ensureBinaries', () => {
  it('returns executables from a cache folder keyed by the Kubernetes and etcd versions in the go.mod files', async () => {
    const k8s = /^require k8s\.io\/kubernetes (\S+)$/m.exec(goMod('apiserver'))?.[1];
    const etcd = /^require go\.etcd\.io\/etcd\/server\/v3 (\S+)$/m.exec(goMod('etcd'))?.[1];
    const binaries = await ensureBinaries();
    expect(path.basename(binaries.dir)).toMatch(new RegExp(`^k8s-${k8s}_etcd-${etcd}_go[\\d.]+_\\w+-\\w+$`));
    for (const file of [binaries.etcd, binaries.kubeApiserver]) {
      expect(path.dirname(file)).toBe(path.join(binaries.dir, 'bin'));
      accessSync(file, constants.X_OK);
    }
    expect(binaries.kubeControllerManager).toBeUndefined();
  });

  it('fails with a clear error when Go is not on PATH', async () => {
    const saved = process.env['PATH'];
    process.env['PATH'] = '/nonexistent';
    try {
      const err = await ensureBinaries().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(KubeTestEnvBuildError);
      expect((err as Error).message).toContain('`go` was not found on PATH');
    } finally {
      process.env['PATH'] = saved;
    }
  });
});
