/**
 * The chart's RBAC is enough, and each piece of it is needed: the real `glkeys-operator` process,
 * started with the args the chart's Deployment gives it, authenticates as the chart's
 * ServiceAccount (a token from the TokenRequest API) bound by the chart's rendered Role and
 * bindings, applied for real to kube-testenv. With the full rules a GitlabDeployToken reaches
 * Ready against the GitLab simulator; with one rule removed the operator is refused by the
 * apiserver on exactly that call and the object does not reach Ready.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { SEED_PATHS, SEED_TOKENS, start, type GitlabSim } from '@glkeys/gitlab-sim';
import { createTestNamespace, testEnv } from '@glkeys/kube-testenv/vitest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { applyCrds } from '../../src/api/index.js';
import { kubeRequest } from '../../src/api/kube-request.js';
import { resolveCollectionPath } from '../../src/runtime/resource-path.js';
import { documents, helmTemplate, type RenderedDocument } from '../support/helm.js';

const BIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
const TOKENS = { group: 'glkeys.io', version: 'v1alpha1', plural: 'gitlabdeploytokens' };
const RBAC_KINDS = new Set(['ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding']);
let sim: GitlabSim;
let projectId: number;
const children: ChildProcess[] = [];

beforeAll(async () => {
  await applyCrds(testEnv().kubeConfig);
  sim = await start();
  projectId = sim.state.projects().find((p) => p.pathWithNamespace === SEED_PATHS.project)!.id;
});
afterAll(() => sim.close());
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}
type Edit = (document: RenderedDocument) => RenderedDocument;

/**
 * Drops the rules whose resources include `resource` from the reconciling role (the ClusterRole,
 * or its Role in the watched namespace) or from the `-state` Role in the operator's namespace.
 */
function withoutRule(role: 'reconcile' | 'state', resource: string): Edit {
  return (document) => {
    const { kind, metadata } = document.object;
    if (!(kind === 'Role' || kind === 'ClusterRole') || metadata.name.endsWith('-state') !== (role === 'state')) return document;
    const rules = (document.object['rules'] as Rule[]).filter((rule) => !rule.resources.includes(resource));
    expect(rules.length, `no rule on ${resource} in ${metadata.name}`).toBeLessThan((document.object['rules'] as Rule[]).length);
    const object = { ...document.object, rules };
    return { text: stringify(object), object };
  };
}

async function apply(document: RenderedDocument): Promise<void> {
  const { apiVersion, kind, metadata } = document.object;
  const collection = await resolveCollectionPath(
    { kubeConfig: testEnv().kubeConfig, apiVersion, kind, ...(metadata.namespace ? { namespace: metadata.namespace } : {}) },
    AbortSignal.timeout(30_000),
  );
  const res = await kubeRequest(
    testEnv().kubeConfig,
    'PATCH',
    `${collection}/${metadata.name}?fieldManager=glkeys-chart-test&force=true&fieldValidation=Strict`,
    document.text,
    'application/apply-patch+yaml',
  );
  expect(res.status, `${kind} ${metadata.name}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  server.close();
  return port;
}

interface Installed {
  objects: string;
  logs: string[];
  child: ChildProcess;
  probes: string;
}

/**
 * Renders the chart (release namespace `op-…`), applies its ServiceAccount and RBAC documents,
 * and starts the operator with the Deployment's args as that ServiceAccount. The operator always
 * watches only its test namespace, so it never touches other tests' objects.
 */
async function install(options: { watchNamespace: boolean; edit?: Edit }): Promise<Installed> {
  const admin = testEnv().kubeConfig;
  const [operatorNs, objectsNs] = [await createTestNamespace(admin, 'op'), await createTestNamespace(admin, 'rbac-objects')];
  const release = operatorNs.name; // unique, so the cluster-scoped names of two tests never meet
  const rendered = documents(
    await helmTemplate({
      release,
      namespace: operatorNs.name,
      values: { installCRDs: false, ...(options.watchNamespace ? { watchNamespace: objectsNs.name } : {}) },
    }),
  );
  for (const document of rendered.filter((d) => RBAC_KINDS.has(d.object.kind))) await apply(options.edit?.(document) ?? document);
  const deployment = rendered.find((d) => d.object.kind === 'Deployment')!.object as unknown as {
    spec: { template: { spec: { serviceAccountName: string; containers: { args: string[] }[] } } };
  };
  const pod = deployment.spec.template.spec;
  const identity = await testEnv().kubeconfigFor({ serviceAccount: { namespace: operatorNs.name, name: pod.serviceAccountName } });
  const [metrics, probes] = [await freePort(), await freePort()];
  const args = pod.containers[0]!.args.map((arg) =>
    arg.startsWith('--metrics-bind-address=')
      ? `--metrics-bind-address=127.0.0.1:${metrics}`
      : arg.startsWith('--health-probe-bind-address=')
        ? `--health-probe-bind-address=127.0.0.1:${probes}`
        : arg,
  );
  if (!options.watchNamespace) args.push(`--namespace=${objectsNs.name}`);
  const child = spawn(process.execPath, [BIN, '--kubeconfig', identity.kubeconfigPath, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, POD_NAMESPACE: operatorNs.name, KUBECONFIG: '' },
  });
  children.push(child);
  const logs: string[] = [];
  child.stdout.on('data', (chunk: Buffer) => logs.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
  child.stderr.on('data', (chunk: Buffer) => logs.push(chunk.toString('utf8')));
  await createToken(objectsNs.name, 'registry');
  return { objects: objectsNs.name, logs, child, probes: `http://127.0.0.1:${probes}` };
}

async function createToken(namespace: string, name: string): Promise<void> {
  const admin = testEnv().kubeConfig;
  await admin.makeApiClient(CoreV1Api).createNamespacedSecret({
    namespace,
    body: { metadata: { name: `${name}-pat` }, stringData: { token: SEED_TOKENS.owner } },
  });
  await admin.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
    ...TOKENS,
    namespace,
    body: {
      apiVersion: 'glkeys.io/v1alpha1',
      kind: 'GitlabDeployToken',
      metadata: { name, namespace },
      spec: {
        url: sim.url,
        projectID: String(projectId),
        scopes: ['read_registry'],
        auth: { token: { secretRef: { name: `${name}-pat`, key: 'token' } } },
        target: { name: `${name}-creds` },
      },
    },
  });
}

async function readyCondition(namespace: string): Promise<string | undefined> {
  const object = (await testEnv()
    .kubeConfig.makeApiClient(CustomObjectsApi)
    .getNamespacedCustomObject({ ...TOKENS, namespace, name: 'registry' })) as {
    status?: { conditions?: { type: string; status: string }[] };
  };
  return object.status?.conditions?.find((c) => c.type === 'Ready')?.status;
}

async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs: number, running: Installed): Promise<T> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    const value = await check();
    if (value !== undefined) return value;
    if (running.child.exitCode !== null)
      throw new Error(`operator exited (${running.child.exitCode}):\n${running.logs.slice(-20).join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`condition not met in ${timeoutMs} ms; operator log tail:\n${running.logs.slice(-40).join('\n')}`);
}

const minted = (running: Installed) => sim.state.deployTokens(projectId).filter((t) => t.name.startsWith(`${running.objects}/`));

const forbidden = (running: Installed, pattern: RegExp) => async () =>
  running.logs.find((line) => /forbidden|403/i.test(line) && pattern.test(line)) ?? undefined;

describe("the operator under the chart's RBAC", () => {
  it.each([
    ['a ClusterRole (all namespaces)', false],
    ['a Role in the watched namespace (watchNamespace)', true],
  ])('with %s, reconciles a GitlabDeployToken to Ready and reports ready', async (_, watchNamespace) => {
    const running = await install({ watchNamespace });
    await eventually(async () => ((await readyCondition(running.objects)) === 'True' ? true : undefined), 60_000, running);
    const secret = await testEnv()
      .kubeConfig.makeApiClient(CoreV1Api)
      .readNamespacedSecret({ namespace: running.objects, name: 'registry-creds' });
    expect(Object.keys(secret.data ?? {}).sort()).toEqual(['token', 'username']);
    expect((await fetch(`${running.probes}/readyz`)).status).toBe(200);
    // The same filter the refused cases use finds this one token, so an empty result there means something.
    expect(minted(running)).toHaveLength(1);
    expect(running.logs.filter((line) => /forbidden/i.test(line))).toEqual([]);
  });

  it('without the status rule: refused on the status subresource, never Ready', async () => {
    const running = await install({ watchNamespace: true, edit: withoutRule('reconcile', 'gitlabdeploytokens/status') });
    // The refused status write (its request label is `update`) is the operator's fault, not the
    // object's: a Warning Event with reason OperatorForbidden, and a logged, retried error.
    const event = await eventually(
      async () =>
        (await testEnv().kubeConfig.makeApiClient(CoreV1Api).listNamespacedEvent({ namespace: running.objects })).items.find(
          (e) => e.type === 'Warning' && /update GitlabDeployToken \S+\/registry refused \(403 Forbidden\)/.test(e.message ?? ''),
        ),
      30_000,
      running,
    );
    expect(event.involvedObject).toMatchObject({ kind: 'GitlabDeployToken', name: 'registry' });
    expect(event.reason).toBe('OperatorForbidden');
    await eventually(forbidden(running, /gitlabdeploytokens\/status|update GitlabDeployToken/i), 30_000, running);
    expect(await readyCondition(running.objects)).toBeUndefined();
  });

  it('without the Secrets rule: its Secret informers are refused and it never reconciles', async () => {
    const running = await install({ watchNamespace: true, edit: withoutRule('reconcile', 'secrets') });
    await eventually(forbidden(running, /secrets/i), 60_000, running);
    expect(await readyCondition(running.objects)).toBeUndefined();
    expect(minted(running)).toEqual([]);
  });

  it('without the Lease rules: it cannot take the Lease, so it never leads and never reconciles', async () => {
    const running = await install({ watchNamespace: true, edit: withoutRule('state', 'leases') });
    await eventually(forbidden(running, /lease/i), 60_000, running);
    expect(await readyCondition(running.objects)).toBeUndefined();
    expect(minted(running)).toEqual([]);
  });
});
