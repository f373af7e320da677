/**
 * The chart without an apiserver: helm lint, the values schema, the refused combinations, the
 * hardened pod, the RBAC rules against config/rbac/role.yaml, and installCRDs.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { DEFAULT_MEMORY_LIMIT, DEFAULT_NODE_OPTIONS } from '../../src/node-options.js';
import { chartDir, documents, helm, helmFailure, helmTemplate, operatorDir, setArgs, templateArgs } from '../support/helm.js';

const ns = 'glkeys-system';
const render = async (values: Record<string, unknown> = {}) => documents(await helmTemplate({ namespace: ns, values }));
const one = (docs: Awaited<ReturnType<typeof render>>, kind: string, name?: string) => {
  const found = docs.filter((d) => d.object.kind === kind && (name === undefined || d.object.metadata.name === name));
  expect(found, `${kind} ${name ?? ''}`).toHaveLength(1);
  return found[0]!.object as Record<string, any>;
};
const roleFile = parseAllDocuments(readFileSync(`${operatorDir}config/rbac/role.yaml`, 'utf8')).map(
  (d) => d.toJS() as { kind: string; rules: unknown[] },
);

describe('the glkeys-operator chart', () => {
  it('passes helm lint --strict, with default values and with every option turned on', async () => {
    await helm(['lint', '--strict', chartDir]);
    const all = { watchNamespace: 'apps', replicaCount: 2, 'metrics.serviceMonitor.enabled': true, installCRDs: false, concurrency: 8 };
    await helm(['lint', '--strict', chartDir, '--namespace', ns, ...setArgs(all)]);
  });

  it('has the chart appVersion of the operator package', () => {
    const chart = parse(readFileSync(`${chartDir}/Chart.yaml`, 'utf8')) as { version: string; appVersion: string };
    const pkg = JSON.parse(readFileSync(`${operatorDir}package.json`, 'utf8')) as { version: string };
    expect([chart.version, chart.appVersion]).toEqual([pkg.version, pkg.version]);
  });

  it.each([
    [{ concurrency: 0 }, 'concurrency'],
    [{ concurrency: 65 }, 'concurrency'],
    [{ logLevel: 'warn' }, 'logLevel'],
    [{ watchNamespace: 'Not_A_Namespace' }, 'watchNamespace'],
    [{ 'securityContext.readOnlyRootFilesystem': false }, 'readOnlyRootFilesystem'],
    [{ 'securityContext.allowPrivilegeEscalation': true }, 'allowPrivilegeEscalation'],
    [{ 'podSecurityContext.runAsNonRoot': false }, 'runAsNonRoot'],
    [{ 'image.digest': 'latest' }, 'digest'],
    [{ 'metrics.port': 70000 }, 'port'],
    [{ leaderElect: true }, 'leaderElect'],
  ])('refuses %j, naming %s', async (values, field) => {
    const { stderr } = await helmFailure(templateArgs({ namespace: ns, values }));
    expect(stderr).toContain("values don't meet the specifications of the schema");
    expect(stderr).toContain(field);
  });

  it('refuses two replicas without leader election, and a ServiceMonitor without its Service', async () => {
    const twoLeaders = await helmFailure(templateArgs({ namespace: ns, values: { replicaCount: 2, 'leaderElection.enabled': false } }));
    expect(twoLeaders.stderr).toContain('replicaCount > 1 needs leaderElection.enabled');
    const noService = await helmFailure(
      templateArgs({ namespace: ns, values: { 'metrics.serviceMonitor.enabled': true, 'metrics.service.enabled': false } }),
    );
    expect(noService.stderr).toContain('metrics.serviceMonitor.enabled needs metrics.service.enabled');
  });

  it('runs a hardened pod: UID 65532, no privilege escalation, no capabilities, read-only root, seccomp RuntimeDefault, probes', async () => {
    const deployment = one(await render(), 'Deployment');
    const pod = deployment.spec.template.spec;
    const [container] = pod.containers;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } });
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      runAsUser: 65532,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'probes' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'probes' });
    expect(container.resources.requests).toBeDefined();
    expect(container.args).toEqual([
      '--leader-elect',
      `--leader-election-namespace=${ns}`,
      '--metrics-bind-address=:8080',
      '--health-probe-bind-address=:8081',
      '--concurrency=1',
      '--log-level=info',
    ]);
  });

  it('sets NODE_OPTIONS to the heap sizing the operator is measured with, under the memory limit it is sized for', async () => {
    const [container] = one(await render(), 'Deployment').spec.template.spec.containers;
    expect(container.env).toContainEqual({ name: 'NODE_OPTIONS', value: DEFAULT_NODE_OPTIONS });
    expect(container.resources.limits.memory).toBe(DEFAULT_MEMORY_LIMIT);
    const [plain] = one(await render({ nodeOptions: '' }), 'Deployment').spec.template.spec.containers;
    expect(plain.env.map((e: { name: string }) => e.name)).not.toContain('NODE_OPTIONS');
  });

  it('renders the rules of config/rbac/role.yaml: a ClusterRole by default, a Role in the watched namespace with watchNamespace', async () => {
    expect(roleFile.map((d) => d.kind)).toEqual(['ClusterRole', 'Role']);
    const cluster = await render();
    expect(one(cluster, 'ClusterRole').rules).toEqual(roleFile[0]!.rules);
    expect(one(cluster, 'ClusterRoleBinding').subjects).toEqual([{ kind: 'ServiceAccount', name: 'glkeys-operator', namespace: ns }]);
    expect(one(cluster, 'Role', 'glkeys-operator-state').rules).toEqual(roleFile[1]!.rules);
    expect(one(cluster, 'Role', 'glkeys-operator-state').metadata.namespace).toBe(ns);

    const namespaced = await render({ watchNamespace: 'apps' });
    expect(namespaced.filter((d) => d.object.kind.startsWith('Cluster')).map((d) => d.object.kind)).toEqual([]);
    const role = one(namespaced, 'Role', 'glkeys-operator');
    expect([role.metadata.namespace, role.rules]).toEqual(['apps', roleFile[0]!.rules]);
    expect(one(namespaced, 'RoleBinding', 'glkeys-operator').metadata.namespace).toBe('apps');
    expect(one(namespaced, 'Deployment').spec.template.spec.containers[0].args).toContain('--namespace=apps');
  });

  it('installs the CRDs from templates/ (so helm upgrade upgrades them), kept on uninstall, and not at all with installCRDs=false', async () => {
    const crds = (await render()).filter((d) => d.object.kind === 'CustomResourceDefinition').map((d) => d.object);
    expect(crds.map((crd) => crd.metadata.name).sort()).toEqual(['gitlabdeploykeys.glkeys.io', 'gitlabdeploytokens.glkeys.io']);
    for (const crd of crds) expect(crd.metadata['annotations']).toEqual({ 'helm.sh/resource-policy': 'keep' });
    expect((await render({ installCRDs: false })).filter((d) => d.object.kind === 'CustomResourceDefinition')).toEqual([]);
  });

  it('files/rbac.yaml is config/rbac/role.yaml byte for byte (else run `pnpm run generate`)', () => {
    expect(readFileSync(`${chartDir}/files/rbac.yaml`, 'utf8')).toBe(readFileSync(`${operatorDir}config/rbac/role.yaml`, 'utf8'));
  });
});
