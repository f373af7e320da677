/**
 * deploy/manifests/glkeys-operator.yaml is what the chart renders now (else run
 * `pnpm run generate:manifests`), and kubectl users get a namespace that enforces Pod Security
 * "restricted" and every document the chart has.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { documents, ensureHelm, helmTemplate, operatorDir } from '../support/helm.js';

const run = promisify(execFile);

describe('plain manifests for kubectl apply', () => {
  it('match a fresh render of the chart', async () => {
    await ensureHelm();
    const { stdout } = await run('bash', [`${operatorDir}scripts/render-manifests.sh`, '--stdout'], { maxBuffer: 64 << 20 });
    const onDisk = readFileSync(`${operatorDir}deploy/manifests/glkeys-operator.yaml`, 'utf8');
    expect(onDisk, 'deploy/manifests/glkeys-operator.yaml is stale: run `pnpm run generate:manifests` in apps/operator').toBe(stdout);
  });

  it('hold the Namespace and then exactly the documents of `helm template` with default values', async () => {
    const onDisk = documents(readFileSync(`${operatorDir}deploy/manifests/glkeys-operator.yaml`, 'utf8')).map((d) => d.object);
    expect(onDisk[0]).toMatchObject({
      kind: 'Namespace',
      metadata: { name: 'glkeys-system', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } },
    });
    const chart = documents(await helmTemplate({ namespace: 'glkeys-system' })).map((d) => d.object);
    expect(onDisk.slice(1)).toEqual(chart);
    expect(chart.map((o) => o.kind).sort()).toEqual([
      'ClusterRole',
      'ClusterRoleBinding',
      'CustomResourceDefinition',
      'CustomResourceDefinition',
      'Deployment',
      'PodDisruptionBudget',
      'Role',
      'RoleBinding',
      'Service',
      'ServiceAccount',
    ]);
  });
});
