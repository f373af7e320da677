/**
 * `helm template` for a matrix of values, each document sent as helm printed it to kube-testenv's
 * apiserver as a server-side apply with dryRun=All and fieldValidation=Strict (an unknown or
 * misplaced field is refused, admission and CEL run, nothing is stored). The pod template also
 * goes through Pod Security admission at `restricted`. Snapshots keep the rendered output (CRD
 * bodies are checked by test/api/generated.test.ts and left out here).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createTestNamespace, testEnv } from '@glkeys/kube-testenv/vitest';
import { CoreV1Api } from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { kubeRequest } from '../../src/api/kube-request.js';
import { resolveCollectionPath } from '../../src/runtime/resource-path.js';
import { documents, helmTemplate, type RenderedDocument } from '../support/helm.js';

const MATRIX: Record<string, Record<string, unknown>> = {
  defaults: {},
  'watch-one-namespace': { watchNamespace: '$WATCHED' },
  'ha-servicemonitor-digest': {
    replicaCount: 3,
    concurrency: 8,
    logLevel: 'debug',
    'metrics.serviceMonitor.enabled': true,
    'metrics.serviceMonitor.labels': { release: 'prometheus' },
    'image.repository': 'registry.example/platform/glkeys-operator',
    'image.digest': `sha256:${'ab'.repeat(32)}`,
    imagePullSecrets: [{ name: 'pull' }],
    tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'ops', effect: 'NoSchedule' }],
    nodeSelector: { 'kubernetes.io/os': 'linux' },
  },
  'bring-your-own': {
    installCRDs: false,
    'serviceAccount.create': false,
    'serviceAccount.name': 'existing',
    'rbac.create': false,
    'metrics.service.enabled': false,
    'podDisruptionBudget.enabled': false,
    'leaderElection.enabled': false,
  },
};

const serviceMonitorCrd = parse(
  readFileSync(fileURLToPath(new URL('fixtures/servicemonitor-crd.yaml', import.meta.url)), 'utf8'),
) as object;

beforeAll(async () => {
  const res = await kubeRequest(
    testEnv().kubeConfig,
    'PATCH',
    '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/servicemonitors.monitoring.coreos.com?fieldManager=glkeys-chart-test&force=true',
    serviceMonitorCrd,
    'application/apply-patch+yaml',
  );
  expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
  // Discovery serves the new kind once the CRD is Established.
  await eventually(async () => (await kubeRequest(testEnv().kubeConfig, 'GET', '/apis/monitoring.coreos.com/v1')).status === 200);
});

async function eventually(check: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Server-side apply of the document's own text, dry-run: what `kubectl apply --server-side --dry-run=server` does. */
async function dryRunApply(document: RenderedDocument): Promise<{ status: number; body: unknown; warning?: string }> {
  const { apiVersion, kind, metadata } = document.object;
  const collection = await resolveCollectionPath(
    { kubeConfig: testEnv().kubeConfig, apiVersion, kind, ...(metadata.namespace ? { namespace: metadata.namespace } : {}) },
    AbortSignal.timeout(30_000),
  );
  const query = 'dryRun=All&fieldManager=glkeys-chart-test&force=true&fieldValidation=Strict';
  return kubeRequest(
    testEnv().kubeConfig,
    'PATCH',
    `${collection}/${metadata.name}?${query}`,
    document.text,
    'application/apply-patch+yaml',
  );
}

/** Stable snapshot text: the rendered namespaces replaced, CRD bodies reduced to their names. */
function snapshotText(rendered: string, namespaces: Record<string, string>): string {
  let text = documents(rendered)
    .map((d) =>
      d.object.kind === 'CustomResourceDefinition'
        ? `# CustomResourceDefinition ${d.object.metadata.name} (generated; see config/crd)\n`
        : d.text.replace(/^---\n/, ''),
    )
    .join('---\n');
  for (const [name, placeholder] of Object.entries(namespaces)) text = text.replaceAll(name, placeholder);
  return text;
}

describe('helm template, applied to the apiserver with server-side dry-run', () => {
  it.each(Object.keys(MATRIX))('%s: every document is accepted', async (name) => {
    const release = await createTestNamespace(testEnv().kubeConfig, 'chart');
    const watched = await createTestNamespace(testEnv().kubeConfig, 'watched');
    // Pod Security "restricted": the pod must pass the strictest profile.
    await testEnv()
      .kubeConfig.makeApiClient(CoreV1Api)
      .patchNamespace({
        name: release.name,
        body: [{ op: 'add', path: '/metadata/labels/pod-security.kubernetes.io~1enforce', value: 'restricted' }],
      });
    const values = Object.fromEntries(Object.entries(MATRIX[name]!).map(([k, v]) => [k, v === '$WATCHED' ? watched.name : v]));
    const rendered = await helmTemplate({ namespace: release.name, values });
    const docs = documents(rendered);
    expect(docs.length).toBeGreaterThan(0);
    for (const document of docs) {
      const res = await dryRunApply(document);
      expect(res.status, `${document.object.kind} ${document.object.metadata.name}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
    }

    const deployment = docs.find((d) => d.object.kind === 'Deployment')!.object as unknown as { spec: { template: { spec: object } } };
    const pod = await kubeRequest(
      testEnv().kubeConfig,
      'POST',
      `/api/v1/namespaces/${release.name}/pods?dryRun=All&fieldValidation=Strict`,
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'glkeys-operator-pod-security', namespace: release.name },
        spec: deployment.spec.template.spec,
      },
    );
    expect(pod.status, JSON.stringify(pod.body)).toBe(201);

    await expect(snapshotText(rendered, { [release.name]: 'RELEASE-NAMESPACE', [watched.name]: 'WATCHED-NAMESPACE' })).toMatchFileSnapshot(
      `__snapshots__/${name}.yaml`,
    );
    await Promise.all([release.delete(), watched.delete()]);
  });

  it('the dry-run is real: a Deployment with a field the API does not have is refused', async () => {
    const release = await createTestNamespace(testEnv().kubeConfig, 'chart');
    const [deployment] = documents(await helmTemplate({ namespace: release.name })).filter((d) => d.object.kind === 'Deployment');
    const broken = {
      ...deployment!,
      text: deployment!.text.replace('revisionHistoryLimit: 3', 'revisionHistoryLimit: 3\n  restartPolicy: Always'),
    };
    const res = await dryRunApply(broken);
    // Server-side apply answers an undeclared field with 500 "failed to create typed patch object".
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(JSON.stringify(res.body)).toContain('.spec.restartPolicy: field not declared in schema');
    await release.delete();
  });
});
